#!/usr/bin/env bash
# Checks every catalog chart under charts/catalog offline: helm lint --strict (default and CI values),
# helm template with defaults, CI values and storage variants, assertions on the rendered objects,
# schema rejections (unknown keys, bad values), Chart.yaml metadata, peer symmetry, icons, and that
# the vendored kubarr-app library (charts/<app>/charts/kubarr-app-<ver>.tgz) matches charts/library.
#
#   charts/check.sh [app ...]   check all charts, or the named ones
#   charts/check.sh --vendor    re-vendor the library into every chart whose copy is stale
#
# helm: $HELM, else the test bed's build (testbed/build.sh) in the kubarr-testbed cache.
# Needs python3 with PyYAML. Prints PASS/FAIL per chart and "N passed, N failed"; exit 1 on failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

find_helm() {
  if [ -n "${HELM:-}" ]; then echo "$HELM"; return; fi
  local versions="$repo/testbed/versions.env" key
  if [ -f "$versions" ]; then
    # shellcheck source=/dev/null
    key=$(source "$versions" && echo "k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_helm-${HELM_VERSION}")
  else
    key="k8s-v1.36.3_etcd-v3.6.10_kwok-v0.8.0_helm-v3.21.4"
  fi
  echo "${KUBARR_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubarr-testbed}/$key/bin/helm"
}

HELM=$(find_helm)
if [ ! -x "$HELM" ]; then
  echo "check.sh: no helm at $HELM (set HELM, or build it with testbed/build.sh)" >&2
  exit 2
fi
export HELM

if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "check.sh: python3 lacks PyYAML; installing it from PyPI" >&2
  python3 -m pip install --quiet pyyaml >&2
fi

# Offline: no repository index, no registry config from the user's home.
export HELM_CACHE_HOME="${TMPDIR:-/tmp}/kubarr-charts-check/cache"
export HELM_CONFIG_HOME="${TMPDIR:-/tmp}/kubarr-charts-check/config"
export HELM_DATA_HOME="${TMPDIR:-/tmp}/kubarr-charts-check/data"

start=$(date +%s%N)
set +e
python3 - "$here" "$@" <<'PY'
import concurrent.futures
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET

import yaml

HELM = os.environ["HELM"]
CHARTS = sys.argv[1]
ARGS = sys.argv[2:]
CATALOG = os.path.join(CHARTS, "catalog")
LIBRARY = os.path.join(CHARTS, "library", "kubarr-app")
CATEGORIES = {"media-server", "media-manager", "indexer", "download-client", "request", "subtitles"}
PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"]
S6_CAPS = {"CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID"}
LABEL_KEYS = ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
              "app.kubernetes.io/managed-by", "helm.sh/chart", "kubarr.io/app"]


def helm(*args):
    p = subprocess.run([HELM, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def library_files():
    """Files of the library chart as helm packages them (path inside the chart -> bytes)."""
    out = {}
    for root, dirs, files in os.walk(LIBRARY):
        dirs[:] = [d for d in dirs if d != ".git"]
        for fn in files:
            if fn.endswith(("~", ".swp")) or fn == ".DS_Store":
                continue
            full = os.path.join(root, fn)
            rel = os.path.relpath(full, LIBRARY)
            with open(full, "rb") as f:
                out[rel] = f.read()
    return out


def vendored_files(tgz):
    out = {}
    with tarfile.open(tgz, "r:gz") as t:
        for m in t.getmembers():
            if m.isfile():
                rel = m.name.split("/", 1)[1]
                out[rel] = t.extractfile(m).read()
    return out


def lib_version():
    return load(os.path.join(LIBRARY, "Chart.yaml"))["version"]


def vendor_stale(chart_dir):
    """None if the chart's vendored library matches charts/library, else why not."""
    tgz = os.path.join(chart_dir, "charts", f"kubarr-app-{lib_version()}.tgz")
    if not os.path.exists(tgz):
        return f"missing {os.path.relpath(tgz, CHARTS)}"
    if not os.path.exists(os.path.join(chart_dir, "Chart.lock")):
        return "missing Chart.lock"
    lib, ven = library_files(), vendored_files(tgz)
    # helm rewrites nothing but may leave out ignored files; Chart.yaml is re-serialised.
    lib.pop("Chart.yaml", None)
    ven.pop("Chart.yaml", None)
    lib.pop(".helmignore", None)
    ven.pop(".helmignore", None)
    if lib != ven:
        diff = sorted(set(lib) ^ set(ven)) or sorted(k for k in lib if lib[k] != ven.get(k))
        return f"vendored kubarr-app differs from charts/library ({', '.join(diff)})"
    others = [f for f in os.listdir(os.path.join(chart_dir, "charts")) if f != os.path.basename(tgz)]
    if others:
        return f"unexpected files in charts/: {', '.join(others)}"
    return None


def split_docs(text):
    return [d for d in yaml.safe_load_all(text) if d]


class Check:
    def __init__(self, name):
        self.name = name
        self.errors = []

    def ok(self, cond, msg):
        if not cond:
            self.errors.append(msg)
        return cond


def walk_schema(node, path, c):
    """Every object schema closes its properties; every property has a title and description."""
    if not isinstance(node, dict):
        return
    if node.get("type") == "object" and "properties" in node:
        c.ok(node.get("additionalProperties") is False, f"schema {path or '/'}: additionalProperties is not false")
        for k, sub in node["properties"].items():
            c.ok("title" in sub and "description" in sub, f"schema {path}/{k}: needs title and description")
            walk_schema(sub, f"{path}/{k}", c)


def schema_defaults(node):
    if node.get("type") == "object" and "properties" in node:
        return {k: schema_defaults(v) for k, v in node["properties"].items()
                if k not in ("global", "kubarr-app")}
    return node.get("default", "<no default>")


def spec_of(chart_dir):
    """The app.spec facts, read back from a rendered Deployment later; here only the port."""
    with open(os.path.join(chart_dir, "templates", "_app.tpl")) as f:
        text = f.read()
    m = re.search(r"^port:\s*(\d+)", text, re.M)
    img = re.search(r"^image:\s*(\S+)", text, re.M)
    tag = re.search(r'^tag:\s*"?([^"\s]+)"?', text, re.M)
    s6 = re.search(r"^s6:\s*(true|false)", text, re.M)
    cfg = re.search(r"^configPath:\s*(\S+)", text, re.M)
    return {
        "port": int(m.group(1)) if m else None,
        "image": img.group(1) if img else None,
        "tag": tag.group(1) if tag else None,
        "s6": (s6.group(1) == "true") if s6 else True,
        "configPath": cfg.group(1) if cfg else "/config",
        "secretEnv": bool(re.search(r"^secretEnv:", text, re.M)),
    }


def by_kind(docs):
    out = {}
    for d in docs:
        out.setdefault(d.get("kind"), []).append(d)
    return out


def check_objects(c, label, docs, ctx, values):
    """Assertions on one rendering. ctx: chart facts; values: the merged values used."""
    name, meta, spec = ctx["name"], ctx["meta"], ctx["spec"]
    ingress_docs = [d for d in docs if is_ingress_object(d)]
    check_ingress(c, label, ingress_docs, ctx, values)
    all_docs, docs = docs, [d for d in docs if not is_ingress_object(d)]
    kinds = by_kind(docs)
    want_pvc = 0 if values["persistence"]["config"].get("existingClaim") else 1
    want_secret = 1 if ctx.get("secret_set") else 0
    expected = {"Deployment": 1, "Service": 1, "PersistentVolumeClaim": want_pvc,
                "NetworkPolicy": 1, "Secret": want_secret}
    for kind, n in expected.items():
        c.ok(len(kinds.get(kind, [])) == n, f"{label}: {len(kinds.get(kind, []))} {kind} objects, want {n}")
    extra = set(kinds) - set(expected)
    c.ok(not extra, f"{label}: unexpected kinds {sorted(extra)}")

    for d in all_docs:
        labels = d.get("metadata", {}).get("labels") or {}
        what = f"{label}: {d.get('kind')}/{d.get('metadata', {}).get('name')}"
        for k in LABEL_KEYS:
            c.ok(labels.get(k), f"{what}: label {k} missing")
        c.ok(labels.get("app.kubernetes.io/name") == name, f"{what}: app.kubernetes.io/name != {name}")
        c.ok(labels.get("app.kubernetes.io/instance") == name, f"{what}: instance label != release {name}")
        c.ok(labels.get("app.kubernetes.io/managed-by") == "Helm", f"{what}: managed-by != Helm")
        c.ok(labels.get("kubarr.io/app") == name, f"{what}: kubarr.io/app != {name}")
        c.ok(labels.get("helm.sh/chart") == f"{name}-{meta['version']}", f"{what}: helm.sh/chart wrong")

    if len(kinds.get("Deployment", [])) != 1 or len(kinds.get("Service", [])) != 1 \
            or len(kinds.get("NetworkPolicy", [])) != 1:
        return
    dep = kinds["Deployment"][0]
    ds = dep["spec"]
    pod = ds["template"]["spec"]
    pod_labels = ds["template"]["metadata"]["labels"]
    c.ok(ds.get("replicas") == 1, f"{label}: replicas != 1")
    c.ok(ds.get("strategy", {}).get("type") == "Recreate", f"{label}: strategy is not Recreate")
    sel = ds["selector"]["matchLabels"]
    c.ok(all(pod_labels.get(k) == v for k, v in sel.items()), f"{label}: selector does not match pod labels")
    c.ok(all(pod_labels.get(k) for k in LABEL_KEYS), f"{label}: pod template lacks standard labels")
    c.ok(pod.get("automountServiceAccountToken") is False, f"{label}: service account token mounted")
    c.ok((pod.get("securityContext") or {}).get("seccompProfile", {}).get("type") == "RuntimeDefault",
         f"{label}: pod seccompProfile is not RuntimeDefault")
    c.ok(len(pod["containers"]) == 1, f"{label}: {len(pod['containers'])} containers, want 1")
    ct = pod["containers"][0]

    tag = values["image"].get("tag") or spec["tag"]
    c.ok(ct["image"] == f"{spec['image']}:{tag}", f"{label}: image {ct['image']} != {spec['image']}:{tag}")
    ports = ct.get("ports") or []
    c.ok([p.get("name") for p in ports] == ["http"] and ports[0].get("containerPort") == spec["port"],
         f"{label}: container port must be one port named http = {spec['port']}")
    env = {e["name"]: e for e in ct.get("env") or []}
    c.ok(env.get("PUID", {}).get("value") == str(values["puid"]), f"{label}: PUID env != {values['puid']}")
    c.ok(env.get("PGID", {}).get("value") == str(values["pgid"]), f"{label}: PGID env != {values['pgid']}")
    c.ok(env.get("TZ", {}).get("value") == values["timezone"], f"{label}: TZ env != {values['timezone']}")
    if spec["s6"]:
        c.ok(env.get("UMASK", {}).get("value") == values.get("umask"), f"{label}: UMASK env != {values.get('umask')}")
    for e in env.values():
        if "valueFrom" in e:
            c.ok("secretKeyRef" in e["valueFrom"], f"{label}: env {e['name']} from something other than a Secret")
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        p = ct.get(probe)
        if c.ok(p, f"{label}: {probe} missing"):
            act = p.get("httpGet") or p.get("tcpSocket")
            c.ok(act and act.get("port") == "http", f"{label}: {probe} must probe the http port")
            if "httpGet" in p:
                c.ok(str(p["httpGet"].get("path", "")).startswith("/"), f"{label}: {probe} path")
    res = ct.get("resources") or {}
    for side in ("requests", "limits"):
        for r in ("cpu", "memory"):
            c.ok(str((res.get(side) or {}).get(r, "")) == str(values["resources"][side][r]),
                 f"{label}: resources.{side}.{r} != {values['resources'][side][r]}")
    sc = ct.get("securityContext") or {}
    c.ok(sc.get("allowPrivilegeEscalation") is False, f"{label}: allowPrivilegeEscalation is not false")
    c.ok(sc.get("privileged") is False, f"{label}: privileged is not false")
    caps = sc.get("capabilities") or {}
    c.ok("ALL" in (caps.get("drop") or []), f"{label}: capabilities not dropped")
    added = set(caps.get("add") or [])
    if spec["s6"]:
        c.ok(added <= S6_CAPS, f"{label}: capabilities added beyond s6 init's needs: {sorted(added - S6_CAPS)}")
    else:
        c.ok(not added, f"{label}: non-root app adds capabilities")
        psc = pod.get("securityContext") or {}
        c.ok(psc.get("runAsNonRoot") is True and psc.get("runAsUser") == values["puid"]
             and psc.get("runAsGroup") == values["pgid"], f"{label}: non-root app must run as PUID:PGID")
    for ic in pod.get("initContainers") or []:
        isc = ic.get("securityContext") or {}
        caps = isc.get("capabilities") or {}
        if ic.get("name") == "seed-config":
            # Writes files onto a config volume that may still belong to root, then hands them to
            # PUID:PGID: root with only those rights (a subset of what the app's own init gets).
            c.ok(spec["s6"] and isc.get("allowPrivilegeEscalation") is False and "ALL" in caps.get("drop", [])
                 and set(caps.get("add") or []) <= {"CHOWN", "DAC_OVERRIDE", "FOWNER"}
                 and isc.get("readOnlyRootFilesystem") is True,
                 f"{label}: seed-config may add only CHOWN, DAC_OVERRIDE and FOWNER, on a read-only root")
        else:
            c.ok(isc.get("runAsNonRoot") is True and isc.get("allowPrivilegeEscalation") is False
                 and "ALL" in caps.get("drop", []) and not caps.get("add"),
                 f"{label}: init container {ic.get('name')} is not restricted")
        c.ok(ic.get("resources", {}).get("limits"), f"{label}: init container {ic.get('name')} has no limits")

    # Volumes: the shared media volume mounted whole at /data, the config PVC at configPath.
    vols = {v["name"]: v for v in pod.get("volumes") or []}
    mounts = ct.get("volumeMounts") or []
    data = [m for m in mounts if m["mountPath"].rstrip("/") == "/data"]
    c.ok(len(data) == 1, f"{label}: {len(data)} mounts at /data, want 1")
    if data:
        m = data[0]
        c.ok(not m.get("subPath") and not m.get("subPathExpr"), f"{label}: /data is mounted through a subPath")
        c.ok(not m.get("readOnly"), f"{label}: /data is read-only")
        mv = vols.get(m["name"], {})
        claim = values["kubarr"]["media"]["claimName"]
        if claim:
            c.ok(mv.get("persistentVolumeClaim", {}).get("claimName") == claim,
                 f"{label}: /data must mount the media claim {claim}")
            c.ok([ic["name"] for ic in pod.get("initContainers") or [] if ic["name"] != "seed-config"] == ["media-layout"],
                 f"{label}: the media layout init container must run with a media claim")
        else:
            c.ok("emptyDir" in mv, f"{label}: without a media claim /data must be an emptyDir")
            c.ok(not [ic for ic in pod.get("initContainers") or [] if ic["name"] != "seed-config"],
                 f"{label}: no media layout without a media claim")
    check_credentials(c, label, pod, ctx, values)
    # Pod Security baseline in every app namespace: no host paths, host namespaces or privilege.
    c.ok(not [v for v in pod.get("volumes") or [] if "hostPath" in v], f"{label}: a hostPath volume")
    c.ok(not (pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC")), f"{label}: a host namespace")
    c.ok(not [m for m in mounts if m["mountPath"].startswith("/data/")],
         f"{label}: separate mounts under /data break hardlinks")
    cfg = [m for m in mounts if m["mountPath"] == spec["configPath"]]
    if c.ok(len(cfg) == 1, f"{label}: no mount at {spec['configPath']}"):
        claim = vols.get(cfg[0]["name"], {}).get("persistentVolumeClaim", {}).get("claimName")
        existing = values["persistence"]["config"].get("existingClaim")
        if existing:
            c.ok(claim == existing, f"{label}: config volume claim {claim} != existingClaim {existing}")
        elif kinds.get("PersistentVolumeClaim"):
            pvc = kinds["PersistentVolumeClaim"][0]
            c.ok(claim == pvc["metadata"]["name"], f"{label}: config volume does not use the rendered PVC")
            ps = pvc["spec"]
            c.ok(ps.get("accessModes") == ["ReadWriteOnce"], f"{label}: PVC access mode")
            c.ok(ps["resources"]["requests"]["storage"] == values["persistence"]["config"]["size"], f"{label}: PVC size")
            sclass = values["persistence"]["config"].get("storageClass") or ""
            if sclass == "-":
                c.ok(ps.get("storageClassName") == "", f"{label}: storageClass - must render \"\"")
            elif sclass:
                c.ok(ps.get("storageClassName") == sclass, f"{label}: storageClassName != {sclass}")
            else:
                c.ok("storageClassName" not in ps, f"{label}: default storage class must omit storageClassName")
            c.ok(pvc["metadata"].get("annotations", {}).get("helm.sh/resource-policy") == "keep",
                 f"{label}: config PVC lacks helm.sh/resource-policy: keep")

    # Service.
    svc = kinds["Service"][0]["spec"]
    c.ok(svc.get("type") == "ClusterIP", f"{label}: Service type is not ClusterIP")
    c.ok(len(svc["ports"]) == 1 and svc["ports"][0].get("name") == "http"
         and svc["ports"][0].get("port") == values["service"]["port"]
         and svc["ports"][0].get("targetPort") == "http", f"{label}: Service port must be http:{values['service']['port']} -> http")
    c.ok(svc.get("selector") == sel, f"{label}: Service selector != Deployment selector")

    # Secrets never reach the Deployment as literals.
    for s in ctx.get("secret_literals", []):
        c.ok(s not in yaml.safe_dump(dep), f"{label}: a secret value appears in the Deployment")

    # NetworkPolicy.
    np = kinds["NetworkPolicy"][0]["spec"]
    peers = set(ctx["peers"])
    c.ok(np.get("podSelector") == {}, f"{label}: NetworkPolicy must select every pod")
    c.ok(sorted(np.get("policyTypes", [])) == ["Egress", "Ingress"], f"{label}: policyTypes must be Ingress+Egress")
    ingress, egress = np.get("ingress") or [], np.get("egress") or []
    c.ok(all(r.get("from") for r in ingress), f"{label}: an ingress rule without from allows everyone")
    c.ok(all(r.get("to") for r in egress), f"{label}: an egress rule without to allows everything")
    kubarr_ns = values["kubarr"]["namespace"]
    c.ok(any(p.get("namespaceSelector", {}).get("matchLabels") == {"kubernetes.io/metadata.name": kubarr_ns}
             for r in ingress for p in r["from"]), f"{label}: no ingress from Kubarr's namespace {kubarr_ns}")

    def peer_sets(rules, side):
        out = []
        for r in rules:
            for p in r[side]:
                for e in p.get("namespaceSelector", {}).get("matchExpressions", []):
                    if e.get("key") == "kubarr.io/app" and e.get("operator") == "In":
                        out.append(set(e.get("values", [])))
        return out
    for side, rules, word in (("from", ingress, "ingress"), ("to", egress, "egress")):
        got = peer_sets(rules, side)
        if peers:
            c.ok(got == [peers], f"{label}: {word} peers {got} != {sorted(peers)}")
        else:
            c.ok(not got, f"{label}: {word} peers without declared peers")
    dns = [r for r in egress if any(p.get("namespaceSelector", {}).get("matchLabels") ==
                                    {"kubernetes.io/metadata.name": "kube-system"} for p in r["to"])]
    c.ok(dns and {(p.get("protocol"), p.get("port")) for p in dns[0].get("ports", [])} == {("UDP", 53), ("TCP", 53)},
         f"{label}: DNS egress to kube-system (UDP+TCP 53) missing")
    blocks = [p["ipBlock"] for r in egress for p in r["to"] if "ipBlock" in p]
    v4 = [b for b in blocks if b.get("cidr") == "0.0.0.0/0"]
    c.ok(len(v4) == 1 and set(PRIVATE) <= set(v4[0].get("except", [])),
         f"{label}: internet egress must be 0.0.0.0/0 except the private ranges")
    c.ok(all(b.get("cidr") in ("0.0.0.0/0", "::/0") for b in blocks), f"{label}: unexpected egress ipBlock")
    extra_ns = values["networkPolicy"].get("allowIngressFromNamespaces") or []
    extra_cidrs = values["networkPolicy"].get("allowIngressFromCIDRs") or []
    froms = [p for r in ingress for p in r["from"]]
    for ns in extra_ns:
        c.ok({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}}} in froms,
             f"{label}: extra ingress namespace {ns} missing")
    for cidr in extra_cidrs:
        c.ok({"ipBlock": {"cidr": cidr}} in froms, f"{label}: extra ingress CIDR {cidr} missing")
    ing = values["kubarr"]["ingress"]
    controller_ns = ing.get("controllerNamespace") if ing.get("controller") else ""
    ns_froms = [p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for p in froms
                if "matchLabels" in p.get("namespaceSelector", {})]
    if controller_ns:
        c.ok(controller_ns in ns_froms, f"{label}: the Ingress controller's namespace {controller_ns} is not let in")
    c.ok(set(ns_froms) <= {kubarr_ns, *extra_ns, *([controller_ns] if controller_ns else [])},
         f"{label}: ingress from unexpected namespaces {sorted(ns_froms)}")
    for r in ingress:
        c.ok([p.get("port") for p in r.get("ports", [])] == [spec["port"]],
             f"{label}: ingress must be limited to the web port {spec['port']}")


def is_ingress_object(d):
    """What Ingress mode adds: Ingresses, Traefik Middlewares, the ExternalName gateway Service."""
    return d.get("kind") in ("Ingress", "Middleware") or \
        (d.get("kind") == "Service" and (d.get("spec") or {}).get("type") == "ExternalName")


NGINX_ANNOTATIONS = {"nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/auth-method",
                     "nginx.ingress.kubernetes.io/auth-response-headers", "nginx.ingress.kubernetes.io/auth-signin",
                     "nginx.ingress.kubernetes.io/auth-signin-redirect-param"}


def check_ingress(c, label, docs, ctx, values):
    """Ingress mode's objects: none while kubarr.ingress.controller is empty; else the app's
    Ingress (host, / Prefix to the Service's http port, class, TLS) with Traefik's ForwardAuth
    Middleware or ingress-nginx's auth annotations plus the /_kubarr/ Ingress to the gateway."""
    name = ctx["name"]
    ing = values["kubarr"]["ingress"]
    controller = ing["controller"]
    if not controller:
        c.ok(not docs, f"{label}: Ingress mode is off but {[d['kind'] for d in docs]} rendered")
        return
    kinds = by_kind(docs)
    ingresses = {d["metadata"]["name"]: d for d in kinds.get("Ingress", [])}
    want_names = {name} if controller == "traefik" else {name, f"{name}-kubarr"}
    if not c.ok(set(ingresses) == want_names, f"{label}: Ingresses {sorted(ingresses)} != {sorted(want_names)}"):
        return

    def one_rule(d, path, service, port):
        spec = d["spec"]
        what = f"{label}: Ingress {d['metadata']['name']}"
        c.ok(spec.get("ingressClassName") == (ing["className"] or None), f"{what}: ingressClassName")
        tls = spec.get("tls")
        if ing["tlsSecret"]:
            c.ok(tls == [{"hosts": [ing["host"]], "secretName": ing["tlsSecret"]}], f"{what}: tls {tls}")
        else:
            c.ok(not tls, f"{what}: tls without kubarr.ingress.tlsSecret")
        rules = spec.get("rules") or []
        c.ok(len(rules) == 1 and rules[0].get("host") == ing["host"], f"{what}: one rule for {ing['host']}")
        paths = rules[0]["http"]["paths"] if rules else []
        c.ok(paths == [{"path": path, "pathType": "Prefix",
                        "backend": {"service": {"name": service, "port": port}}}],
             f"{what}: paths {paths}")

    main = ingresses[name]
    ann = main["metadata"].get("annotations") or {}
    one_rule(main, "/", name, {"name": "http"})
    if controller == "traefik":
        mws = kinds.get("Middleware", [])
        if c.ok(len(mws) == 1 and mws[0].get("apiVersion") == "traefik.io/v1alpha1",
                f"{label}: one traefik.io/v1alpha1 Middleware"):
            mw = mws[0]
            c.ok(ann == {"traefik.ingress.kubernetes.io/router.middlewares":
                         f"{name}-{mw['metadata']['name']}@kubernetescrd"}, f"{label}: Traefik annotations {ann}")
            c.ok(mw["spec"] == {"forwardAuth": {"address": ing["authUrl"], "trustForwardHeader": False,
                                                "authResponseHeaders": ["X-Kubarr-User"]}},
                 f"{label}: Middleware spec {mw['spec']}")
        c.ok(not kinds.get("Service"), f"{label}: Traefik needs no gateway Service")
    else:
        c.ok(not kinds.get("Middleware"), f"{label}: a Middleware for ingress-nginx")
        c.ok(set(ann) <= NGINX_ANNOTATIONS, f"{label}: unexpected annotations {sorted(set(ann) - NGINX_ANNOTATIONS)}")
        c.ok(ann.get("nginx.ingress.kubernetes.io/auth-url") == ing["authUrl"], f"{label}: auth-url")
        c.ok(ann.get("nginx.ingress.kubernetes.io/auth-method") == "GET", f"{label}: auth-method")
        c.ok(ann.get("nginx.ingress.kubernetes.io/auth-response-headers") == "X-Kubarr-User",
             f"{label}: auth-response-headers")
        if ing["signinUrl"]:
            c.ok(ann.get("nginx.ingress.kubernetes.io/auth-signin") == ing["signinUrl"] + "&next=$escaped_request_uri"
                 and ann.get("nginx.ingress.kubernetes.io/auth-signin-redirect-param") == "next",
                 f"{label}: auth-signin must come back to the same path (next)")
        else:
            c.ok("nginx.ingress.kubernetes.io/auth-signin" not in ann, f"{label}: auth-signin without a sign-in URL")
        svcs = kinds.get("Service", [])
        if c.ok(len(svcs) == 1, f"{label}: {len(svcs)} ExternalName Services, want 1"):
            svc = svcs[0]
            c.ok(svc["spec"].get("externalName") == ing["gatewayService"]
                 and svc["spec"].get("ports") == [{"name": "http", "port": ing["gatewayPort"], "protocol": "TCP"}],
                 f"{label}: ExternalName Service {svc['spec']}")
            auth = ingresses[f"{name}-kubarr"]
            c.ok(not auth["metadata"].get("annotations"), f"{label}: the /_kubarr/ Ingress must not be forward-authed")
            one_rule(auth, "/_kubarr/", svc["metadata"]["name"], {"number": ing["gatewayPort"]})


INGRESS = {"host": "demo.apps.home.example",
           "authUrl": "http://kubarr.kubarr.svc.cluster.local:8080/api/auth/forward",
           "signinUrl": "https://kubarr.home.example/login?app=demo"}


def deep_merge(base, over):
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


CREDENTIAL_KEYS = {"api-key", "username", "password", "password-pbkdf2", "password-ssha1",
                   "deluge-web-salt", "deluge-web-sha1", "nzb-key"}


def credential_refs(containers):
    """(container, env name, Secret key) of every env read from Kubarr's credentials Secret."""
    refs = []
    for ct in containers:
        for e in ct.get("env") or []:
            ref = (e.get("valueFrom") or {}).get("secretKeyRef") or {}
            if ref.get("name") == "kubarr-credentials":
                refs.append((ct["name"], e["name"], ref.get("key")))
    return refs


def check_credentials(c, label, pod, ctx, values):
    """The generated credentials reach the app only by reference, and only when Kubarr names
    the Secret: then every key the chart declares is read, and nothing undeclared."""
    ann = ctx["meta"].get("annotations") or {}
    declared = {k.strip() for k in str(ann.get("kubarr.io/credentials", "")).split(",") if k.strip()}
    containers = (pod.get("initContainers") or []) + pod["containers"]
    refs = credential_refs(containers)
    env = {e["name"]: e.get("value") for e in pod["containers"][0].get("env") or []}
    secret = ((values.get("kubarr") or {}).get("credentials") or {}).get("secretName")
    if not secret:
        c.ok(not refs, f"{label}: credentials referenced although Kubarr named no Secret")
        c.ok(not [ct for ct in containers if ct["name"] == "seed-config"], f"{label}: seed-config without credentials")
        c.ok(not [n for n in env if n.endswith("__AUTH__METHOD")], f"{label}: an auth method without Kubarr")
        return
    read = {k for _, _, k in refs}
    # The gateway presents the account of a Basic-auth app itself; every other key the chart
    # declares must reach the app.
    by_gateway = {"username", "password"} if ann.get("kubarr.io/gateway-auth") == "basic" else set()
    c.ok(read <= declared and declared - read <= by_gateway,
         f"{label}: the Secret keys read ({sorted(read)}) do not match kubarr.io/credentials ({sorted(declared)})")
    if ann.get("kubarr.io/gateway-auth") == "external":
        methods = [v for n, v in env.items() if n.endswith("__AUTH__METHOD")]
        c.ok(methods == ["External"], f"{label}: an app that trusts the gateway must run with __AUTH__METHOD=External")


def run_seed_config(c, docs, ctx):
    """Runs the rendered seed-config script for real (sh, a scratch directory as the config
    volume, made-up Secret values): it writes each file once with the values in place, leaves
    files that exist alone, and rewrites only a file that went missing."""
    pod = by_kind(docs)["Deployment"][0]["spec"]["template"]["spec"]
    seeds = [ic for ic in pod.get("initContainers") or [] if ic["name"] == "seed-config"]
    if not seeds:
        return
    seed = seeds[0]
    script = seed["command"][2]
    config_path = seed["volumeMounts"][0]["mountPath"]
    want = script.count("<<KUBARR_SEED")
    with tempfile.TemporaryDirectory() as root:
        # The script's only absolute paths are under the config mount; chown is the app's init's job.
        local = re.sub(r"(?m)^chown ", "true ", script.replace(config_path + "/", root + "/"))
        env = {"PATH": os.environ["PATH"]}
        for e in seed.get("env") or []:
            key = e["valueFrom"]["secretKeyRef"]["key"]
            env[e["name"]] = f"value-of-{key}-with-$dollar-and-\\backslash"
        first = subprocess.run(["/bin/sh", "-c", local], env=env, capture_output=True, text=True)
        written = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(root) for f in fs)
        if not c.ok(first.returncode == 0 and want > 0 and len(written) == want,
                    f"seed-config: {first.stderr.strip()} {written} (want {want} files)"):
            return
        texts = {}
        for path in written:
            with open(path) as f:
                texts[path] = f.read()
        everything = "".join(texts.values())
        for e in seed.get("env") or []:
            c.ok(env[e["name"]] in everything, f"seed-config: {e['name']} not written as given")
        c.ok("${" not in everything, "seed-config: a variable left unexpanded")
        c.ok(not [p for p in written if p.endswith(".kubarr-new")], "seed-config: a temporary file left")
        for path in written:
            with open(path, "w") as f:
                f.write("edited by the user\n")
        again = subprocess.run(["/bin/sh", "-c", local], env=env, capture_output=True, text=True)
        kept = []
        for path in written:
            with open(path) as f:
                kept.append(f.read() == "edited by the user\n")
        c.ok(again.returncode == 0 and all(kept), "seed-config: rewrote an existing file")
        if len(written) > 1:
            # One file gone: only that one comes back, as first written.
            os.remove(written[0])
            third = subprocess.run(["/bin/sh", "-c", local], env=env, capture_output=True, text=True)
            with open(written[0]) as f:
                c.ok(third.returncode == 0 and f.read() == texts[written[0]], "seed-config: a missing file not rewritten")
            for path in written[1:]:
                with open(path) as f:
                    c.ok(f.read() == "edited by the user\n", "seed-config: rewrote a kept file")


def render(c, chart_dir, label, extra_args):
    rc, out, err = helm("template", c.name, chart_dir, "--namespace", c.name, *extra_args)
    if not c.ok(rc == 0, f"{label}: helm template failed: {err.strip()}"):
        return None
    try:
        return split_docs(out)
    except yaml.YAMLError as e:
        c.ok(False, f"{label}: rendered YAML does not parse: {e}")
        return None


def check_chart(name, catalog_meta):
    c = Check(name)
    d = os.path.join(CATALOG, name)
    meta = catalog_meta[name]
    spec = spec_of(d)
    ann = meta.get("annotations") or {}

    # Chart.yaml metadata.
    c.ok(meta.get("apiVersion") == "v2", "Chart.yaml: apiVersion must be v2")
    c.ok(meta.get("name") == name, "Chart.yaml: name must equal the directory")
    c.ok(meta.get("type", "application") == "application", "Chart.yaml: type must be application")
    c.ok(re.fullmatch(r"\d+\.\d+\.\d+", str(meta.get("version", ""))), "Chart.yaml: version must be x.y.z")
    app_version = str(meta.get("appVersion", ""))
    c.ok(app_version and spec["tag"] and app_version in spec["tag"],
         f"Chart.yaml: appVersion {app_version!r} does not match the pinned tag {spec['tag']!r}")
    desc = str(meta.get("description", ""))
    c.ok(desc.endswith(".") and desc.count(". ") == 0 and 20 <= len(desc) <= 160,
         "Chart.yaml: description must be one sentence")
    c.ok(meta.get("icon") == "file://icon.svg", "Chart.yaml: icon must be file://icon.svg")
    icon = os.path.join(d, "icon.svg")
    if c.ok(os.path.isfile(icon), "icon.svg missing"):
        with open(icon, "rb") as f:
            data = f.read()
        c.ok(len(data) <= 2048, f"icon.svg is {len(data)} bytes, max 2048")
        try:
            root = ET.fromstring(data)
            plain = root.tag == "{http://www.w3.org/2000/svg}svg" and b"<script" not in data
        except ET.ParseError:
            plain = False
        c.ok(plain, "icon.svg must be a plain, well-formed SVG")
    c.ok(str(ann.get("kubarr.io/display-name", "")).strip(), "annotation kubarr.io/display-name missing")
    c.ok(ann.get("kubarr.io/category") in CATEGORIES, f"annotation kubarr.io/category must be one of {sorted(CATEGORIES)}")
    c.ok(str(ann.get("kubarr.io/web-port")) == str(spec["port"]),
         f"annotation kubarr.io/web-port {ann.get('kubarr.io/web-port')} != app port {spec['port']}")
    c.ok("kubarr.io/peers" in ann, "annotation kubarr.io/peers missing")
    creds = {k.strip() for k in str(ann.get("kubarr.io/credentials", "")).split(",") if k.strip()}
    c.ok(creds <= CREDENTIAL_KEYS, f"annotation kubarr.io/credentials: unknown keys {sorted(creds - CREDENTIAL_KEYS)}")
    auth = ann.get("kubarr.io/gateway-auth")
    c.ok(auth in (None, "external", "basic"), "annotation kubarr.io/gateway-auth must be external or basic")
    c.ok(auth != "basic" or {"username", "password"} <= creds, "kubarr.io/gateway-auth basic needs username and password credentials")
    c.ok("kubarr.io/retired" not in ann or str(ann["kubarr.io/retired"]).strip(), "annotation kubarr.io/retired must say why")
    peers = [p.strip() for p in str(ann.get("kubarr.io/peers", "")).split(",") if p.strip()]
    for p in peers:
        c.ok(p in catalog_meta and p != name, f"peer {p} is not another catalog app")
        if p in catalog_meta:
            theirs = [q.strip() for q in str((catalog_meta[p].get("annotations") or {}).get("kubarr.io/peers", "")).split(",")]
            c.ok(name in theirs, f"peer {p} does not list {name} back (peers must be symmetric)")
    deps = meta.get("dependencies") or []
    c.ok(len(deps) == 1 and deps[0].get("name") == "kubarr-app" and str(deps[0].get("version")) == str(lib_version())
         and deps[0].get("repository") == "file://../../library/kubarr-app",
         "Chart.yaml: must depend on kubarr-app (file://../../library/kubarr-app) at the library's version")
    stale = vendor_stale(d)
    c.ok(stale is None, f"vendored library: {stale} (run charts/check.sh --vendor)")

    # values.yaml and values.schema.json agree.
    values = load(os.path.join(d, "values.yaml"))
    with open(os.path.join(d, "values.schema.json")) as f:
        schema = json.load(f)
    c.ok(schema.get("$schema") == "http://json-schema.org/draft-07/schema#", "schema: $schema must be draft-07")
    c.ok("title" in schema and "description" in schema, "schema: needs a title and description")
    walk_schema(schema, "", c)
    c.ok(schema_defaults(schema) == values, "schema: defaults differ from values.yaml")
    c.ok(values["service"]["port"] == spec["port"], "values: service.port != app port")
    ci_file = os.path.join(d, "ci", "test-values.yaml")
    c.ok(os.path.isfile(ci_file), "ci/test-values.yaml missing")

    # helm lint --strict, with defaults and CI values (both validate against the schema).
    for label, args in (("lint", []), ("lint ci", ["-f", ci_file])):
        rc, out, err = helm("lint", "--strict", d, *args)
        c.ok(rc == 0, f"{label}: helm lint --strict failed: {(out + err).strip()}")

    base = {"name": name, "meta": meta, "spec": spec, "peers": peers}
    docs = render(c, d, "defaults", [])
    if docs is not None:
        check_objects(c, "defaults", docs, base, values)

    if os.path.isfile(ci_file):
        ci = load(ci_file) or {}
        ci_ctx = dict(base)
        token = (ci.get("plex") or {}).get("claimToken")
        if spec["secretEnv"] and token:
            ci_ctx["secret_set"] = True
            ci_ctx["secret_literals"] = [token]
        docs = render(c, d, "ci", ["-f", ci_file])
        if docs is not None:
            check_objects(c, "ci", docs, ci_ctx, deep_merge(values, ci))
            if ci_ctx.get("secret_set"):
                sec = by_kind(docs).get("Secret", [{}])[0]
                c.ok(sec.get("type") == "Opaque" and sec.get("data"), "ci: Secret has no data")

    variants = [
        ("existingClaim", {"persistence": {"config": {"existingClaim": "kept-config"}}}),
        ("media claim", {"kubarr": {"media": {"claimName": "kubarr-media-feedf00d"}}}),
        ("no media claim", {"kubarr": {"media": {"claimName": ""}}}),
        ("no storage class", {"persistence": {"config": {"storageClass": "-"}}}),
        ("no peers reach", {"networkPolicy": {"allowIngressFromNamespaces": ["a", "b"]}}),
        ("credentials", {"kubarr": {"credentials": {"secretName": "kubarr-credentials"},
                                    "media": {"claimName": "kubarr-media-feedf00d"}}}),
        ("ingress traefik", {"kubarr": {"ingress": dict(INGRESS, controller="traefik", controllerNamespace="kube-system")}}),
        ("ingress off ignores its namespace", {"kubarr": {"ingress": {"controllerNamespace": "kube-system"}}}),
        ("ingress traefik class tls", {"kubarr": {"ingress": dict(INGRESS, controller="traefik", className="traefik",
                                                                  tlsSecret="apps-tls")}}),
        ("ingress nginx", {"kubarr": {"ingress": dict(INGRESS, controller="nginx", className="nginx",
                                                      controllerNamespace="ingress-nginx",
                                                      gatewayService="kubarr-gateway.kubarr.svc.cluster.local",
                                                      gatewayPort=8081)}}),
        ("ingress nginx no sign-in", {"kubarr": {"ingress": dict(INGRESS, controller="nginx", signinUrl="",
                                                                 gatewayService="kubarr-gateway.kubarr.svc.cluster.local")}}),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for label, over in variants:
            f = os.path.join(tmp, re.sub(r"\W", "_", label) + ".yaml")
            with open(f, "w") as fh:
                yaml.safe_dump(over, fh)
            docs = render(c, d, label, ["-f", f])
            if docs is not None:
                check_objects(c, label, docs, base, deep_merge(values, over))
                if label == "credentials":
                    run_seed_config(c, docs, ctx=base)

    # The schema rejects what a user may not set.
    rejects = [
        ("unknown top-level key", ["--set", "bogus=1"], "bogus"),
        ("unknown nested key", ["--set", "persistence.config.bogus=1"], "bogus"),
        ("media is not a user value", ["--set", "media.type=hostPath"], "media"),
        ("a host path for media", ["--set", "media.hostPath.path=/"], "media"),
        ("bad media claim", ["--set", "kubarr.media.claimName=Not_A_Claim"], "claimName"),
        ("puid below 1000", ["--set", "puid=999"], "puid"),
        ("pgid of a system group", ["--set", "pgid=100"], "pgid"),
        ("bad memory", ["--set", "resources.limits.memory=lots"], "memory"),
        ("bad cpu", ["--set", "resources.requests.cpu=fast"], "cpu"),
        ("bad size", ["--set", "persistence.config.size=big"], "size"),
        ("bad time zone", ["--set-string", "timezone=not a zone"], "timezone"),
        ("puid 0", ["--set", "puid=0"], "puid"),
        ("port out of range", ["--set", "service.port=70000"], "port"),
        ("bad namespace", ["--set", "kubarr.namespace=Not_A_Namespace"], "namespace"),
        ("bad credentials secret", ["--set", "kubarr.credentials.secretName=Not_A_Secret"], "secretName"),
        ("bad cidr", ["--set", "networkPolicy.allowIngressFromCIDRs[0]=everyone"], "allowIngressFromCIDRs"),
        ("bad image tag", ["--set-string", "image.tag=bad tag"], "tag"),
        ("global value", ["--set", "global.x=1"], "global"),
        ("unknown ingress controller", ["--set", "kubarr.ingress.controller=haproxy"], "controller"),
        ("unknown ingress key", ["--set", "kubarr.ingress.annotations=x"], "annotations"),
        ("an auth URL with quotes", ["--set-string", 'kubarr.ingress.authUrl=http://a/"x'], "authUrl"),
        ("a sign-in URL elsewhere", ["--set-string", "kubarr.ingress.signinUrl=https://evil.example/x"], "signinUrl"),
        ("a bad ingress host", ["--set-string", "kubarr.ingress.host=a b"], "host"),
        ("a bad controller namespace", ["--set-string", "kubarr.ingress.controllerNamespace=a.b"], "controllerNamespace"),
    ]
    for label, args, word in rejects:
        rc, out, err = helm("template", name, d, *args)
        c.ok(rc != 0 and "schema" in err and word in err,
             f"schema must reject {label} ({' '.join(args)}): rc={rc} {err.strip()[:200]}")
    return c


def vendor():
    names = sorted(os.listdir(CATALOG))
    changed = 0
    for n in names:
        d = os.path.join(CATALOG, n)
        why = vendor_stale(d)
        if why is None:
            continue
        for f in os.listdir(os.path.join(d, "charts")) if os.path.isdir(os.path.join(d, "charts")) else []:
            os.remove(os.path.join(d, "charts", f))
        rc, out, err = helm("dependency", "update", "--skip-refresh", d)
        print(f"{n}: {why}; helm dependency update: {'ok' if rc == 0 else err.strip()}")
        if rc != 0:
            return 1
        changed += 1
    print(f"re-vendored {changed} of {len(names)} charts")
    return 0


def main():
    if ARGS[:1] == ["--vendor"]:
        return vendor()
    all_names = sorted(n for n in os.listdir(CATALOG) if os.path.isfile(os.path.join(CATALOG, n, "Chart.yaml")))
    names = ARGS or all_names
    unknown = [n for n in names if n not in all_names]
    if unknown:
        print(f"unknown chart(s): {', '.join(unknown)}")
        return 2
    catalog_meta = {n: load(os.path.join(CATALOG, n, "Chart.yaml")) for n in all_names}
    shown = [str(m.get("annotations", {}).get("kubarr.io/display-name")) for m in catalog_meta.values()]
    catalog_errors = []
    if len(set(shown)) != len(shown):
        catalog_errors.append("display names are not unique")
    rc, out, err = helm("lint", "--strict", LIBRARY)
    if rc != 0:
        catalog_errors.append(f"library: helm lint --strict failed: {(out + err).strip()}")
    for e in catalog_errors:
        print(f"FAIL catalog: {e}")

    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = pool.map(lambda n: check_chart(n, catalog_meta), names)
        for c in results:
            if c.errors:
                failed += 1
                print(f"FAIL {c.name}: {len(c.errors)} problem(s)")
                for e in c.errors:
                    print(f"    - {e}")
            else:
                passed += 1
                print(f"PASS {c.name}")
    if catalog_errors:
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())
PY
rc=$?
set -e
ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf 'check.sh: took %d.%01ds\n' $((ms / 1000)) $((ms % 1000 / 100)) >&2
exit $rc
