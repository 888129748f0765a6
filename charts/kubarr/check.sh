#!/usr/bin/env bash
# Offline checks of Kubarr's own chart: helm lint --strict in every exposure and database mode,
# the objects each mode renders, RBAC without wildcards, the app gateway in host, port and ingress
# mode (and its refusals), and appVersion = the Cargo workspace version. (The install/upgrade/uninstall and RBAC tests on the test bed are in
# crates/kubarr/tests/deploy.rs.)
#   charts/kubarr/check.sh        helm: $HELM, else the test bed's build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
HELM=${HELM:-$("$repo/testbed/build.sh" --bin-dir)/helm}
export HELM_CACHE_HOME="${TMPDIR:-/tmp}/kubarr-chart-check/cache"
export HELM_CONFIG_HOME="${TMPDIR:-/tmp}/kubarr-chart-check/config"
export HELM_DATA_HOME="${TMPDIR:-/tmp}/kubarr-chart-check/data"

workspace_version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml")
app_version=$(sed -n 's/^appVersion: "\(.*\)"/\1/p' "$here/Chart.yaml")
if [ "$workspace_version" != "$app_version" ]; then
  echo "FAIL appVersion $app_version != workspace version $workspace_version" >&2
  exit 1
fi

check_program=$(cat <<'PY'
import sys, yaml
mode = sys.argv[1]
docs = [d for d in yaml.safe_load_all(sys.stdin.read()) if d]
by = {}
for d in docs:
    by.setdefault(d["kind"], []).append(d)
def names(kind):
    return sorted(d["metadata"]["name"] for d in by.get(kind, []))
def check(cond, msg):
    if not cond:
        print(f"FAIL {mode}: {msg}")
        sys.exit(1)
ingress = not mode.startswith(("nodeport", "loadbalancer"))
gateway = "-gw-" in mode or mode.startswith("gw-")
postgres = mode.startswith(("postgres", "existing"))
check(names("Deployment") == (["kubarr-backend", "kubarr-frontend"] if ingress else ["kubarr-backend"]), f"deployments {names('Deployment')}")
check(bool(by.get("Ingress")) == ingress, "ingress only in ingress mode")
check(bool(by.get("PersistentVolumeClaim")) != postgres, "a data volume only with SQLite")
backend = next(d for d in by["Deployment"] if d["metadata"]["name"] == "kubarr-backend")
check(backend["spec"]["strategy"]["type"] == ("RollingUpdate" if postgres else "Recreate"), "strategy")
svc = next(d for d in by["Service"] if d["metadata"]["name"] == "kubarr-backend")
want = "NodePort" if mode.startswith("nodeport") else "LoadBalancer" if mode.startswith("loadbalancer") else "ClusterIP"
check(svc["spec"]["type"] == want, f"backend service type {svc['spec']['type']}")
for role in by["ClusterRole"]:
    for rule in role["rules"]:
        for field in ("apiGroups", "resources", "verbs"):
            check("*" not in rule.get(field, []), f"wildcard in {role['metadata']['name']}: {rule}")
        check("escalate" not in rule["verbs"] and "impersonate" not in rule["verbs"], f"dangerous verb: {rule}")
check(names("ClusterRole") == ["kubarr", "kubarr-app-manager"], names("ClusterRole"))
bindings = by["ClusterRoleBinding"]
check([b["roleRef"]["name"] for b in bindings] == ["kubarr"], "the app-manager role is never bound cluster-wide")
bind_rule = [r for r in by["ClusterRole"][0]["rules"] + by["ClusterRole"][1]["rules"] if "bind" in r["verbs"]]
check(len(bind_rule) == 1 and bind_rule[0].get("resourceNames") == ["kubarr-app-manager"], f"bind limited to the app-manager role: {bind_rule}")
check(len(by.get("ValidatingAdmissionPolicy", [])) == 1, "the admission policy")
vap = by["ValidatingAdmissionPolicy"][0]["spec"]
covered = {r for rule in vap["matchConstraints"]["resourceRules"] for r in rule["resources"]}
check(covered == {"rolebindings", "namespaces", "persistentvolumes"}, f"the policy covers {sorted(covered)}")
cel = " ".join(v["expression"] for v in vap["validations"])
for must in ("roleRef.name", "subjects[0]", "pod-security.kubernetes.io/enforce", "hostPath.path", "variables.roots"):
    check(must in cel, f"the policy lacks its {must} rule")
env_all = {e["name"]: e.get("value") for e in backend["spec"]["template"]["spec"]["containers"][0]["env"]}
check(env_all.get("KUBARR_MEDIA__ALLOWED_ROOTS") == "/srv/kubarr", "media roots reach the backend")
check(bool(env_all.get("KUBARR_TRUSTED_PROXIES")) == ingress, "the ingress controller's forwarded address is believed in ingress mode only")
secret = by["Secret"][0]
check(("database-url" in secret["data"]) == mode.startswith("postgres"), "database URL in the Secret only when given")
env = {e["name"]: e for e in backend["spec"]["template"]["spec"]["containers"][0]["env"]}
check("KUBARR_SECRET_KEY" not in env and "KUBARR_SECRET_KEY_FILE" in env, "secrets come from files")
policies = {p["metadata"]["name"]: p["spec"] for p in by["NetworkPolicy"]}
np = policies["kubarr-backend"]
check([p["port"] for p in np["ingress"][0]["ports"]] == [8080] and (gateway or len(np["ingress"]) == 1), "backend ingress: the web port (and the gateway's)")
egress = sorted({p["port"] for r in np["egress"] for p in r["ports"] if "port" in p})
check(egress == sorted([53, 443, 6443] + ([5432] if postgres else [])), f"backend egress ports {egress}")
if ingress:
    fe = policies["kubarr-frontend"]
    check("Egress" in fe["policyTypes"] and not fe.get("egress"), "the frontend sends nothing out")
PY
)

gateway_program=$(cat <<'PY'
# The app gateway (values gateway) in each mode: env, ports, Service, Ingress, policy, RBAC.
import sys, yaml
mode = sys.argv[1]
docs = [d for d in yaml.safe_load_all(sys.stdin.read()) if d]
def check(cond, msg):
    if not cond:
        print(f"FAIL {mode}: {msg}")
        sys.exit(1)
def one(kind, name):
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    return found[0] if found else None
backend = one("Deployment", "kubarr-backend")
container = backend["spec"]["template"]["spec"]["containers"][0]
env = {e["name"]: e.get("value") for e in container["env"]}
genv = {k: v for k, v in env.items() if k.startswith("KUBARR_GATEWAY__")}
ports = {p["name"]: p["containerPort"] for p in container["ports"]}
svc = one("Service", "kubarr-gateway")
ing = one("Ingress", "kubarr-gateway")
np = one("NetworkPolicy", "kubarr-backend")["spec"]
manager = one("ClusterRole", "kubarr-app-manager")
managed = {(g, r) for rule in manager["rules"] for g in rule["apiGroups"] for r in rule["resources"]}
for rule in manager["rules"]:
    if rule["resources"] in (["ingresses"], ["middlewares"]):
        check(rule["verbs"] == ["get", "list", "create", "update", "patch", "delete"], f"verbs of {rule}")
gw_rules = np["ingress"][1:]
apps_egress = [r for r in np["egress"] if any(
    e.get("key") == "kubarr.io/app" and e.get("operator") == "Exists"
    for t in r.get("to", []) for e in t.get("namespaceSelector", {}).get("matchExpressions", []))]
fqdn = "svc.cluster.local"
if not mode.startswith("gw-") and "-gw-" not in mode:
    check(not genv and svc is None and ing is None, "no gateway unless gateway.enabled")
    check(not gw_rules and not apps_egress, "no gateway rules in the policy unless gateway.enabled")
    check(("networking.k8s.io", "ingresses") not in managed and ("traefik.io", "middlewares") not in managed,
          "the app-manager role manages no Ingresses outside ingress mode")
    sys.exit(0)
check(len(apps_egress) == 1 and apps_egress[0]["ports"] == [{"protocol": "TCP"}], "egress to the app namespaces")
def from_namespaces(rule):
    return [f["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for f in rule.get("from", []) if "namespaceSelector" in f]
host = {
    "gw-host-ingress-tls": ("https", "443"),
    "gw-host-ingress": ("http", "80"),
    "gw-host-loadbalancer": ("http", "80"),
    "gw-host-nodeport": ("http", "30443"),
    "gw-ingressmode-traefik": ("https", "443"),
    "nodeport-gw-ingressmode-nginx": ("http", "80"),
}
if mode in host:
    scheme, port = host[mode]
    want = {"KUBARR_GATEWAY__LISTEN": "0.0.0.0:8090", "KUBARR_GATEWAY__APPS_DOMAIN": "apps.home.example",
            "KUBARR_GATEWAY__PUBLIC_SCHEME": scheme, "KUBARR_GATEWAY__PUBLIC_PORT": port}
    if mode == "gw-ingressmode-traefik":
        want.update({"KUBARR_GATEWAY__INGRESS__CONTROLLER": "traefik",
                     "KUBARR_GATEWAY__INGRESS__CLASS_NAME": "traefik",
                     "KUBARR_GATEWAY__INGRESS__TLS_SECRET": "apps-tls",
                     "KUBARR_GATEWAY__INGRESS__AUTH_URL": f"http://kubarr-backend.kubarr-system.{fqdn}:8080/api/auth/forward",
                     "KUBARR_GATEWAY__INGRESS__GATEWAY_SERVICE": f"kubarr-gateway.kubarr-system.{fqdn}:80",
                     "KUBARR_GATEWAY__INGRESS__CONTROLLER_NAMESPACE": "kube-system"})
    if mode == "nodeport-gw-ingressmode-nginx":
        # The backend Service's port is expose.servicePort outside expose.mode=ingress.
        want.update({"KUBARR_GATEWAY__INGRESS__CONTROLLER": "nginx",
                     "KUBARR_GATEWAY__INGRESS__AUTH_URL": f"http://kubarr-backend.kubarr-system.{fqdn}:80/api/auth/forward",
                     "KUBARR_GATEWAY__INGRESS__GATEWAY_SERVICE": f"kubarr-gateway.kubarr-system.{fqdn}:80",
                     "KUBARR_GATEWAY__INGRESS__CONTROLLER_NAMESPACE": "ingress-nginx"})
    check(genv == want, f"gateway env {genv}")
    check(ports == {"http": 8080, "gateway": 8090}, f"container ports {ports}")
    want_type = {"gw-host-loadbalancer": "LoadBalancer", "gw-host-nodeport": "NodePort"}.get(mode, "ClusterIP")
    check(svc["spec"]["type"] == want_type, f"gateway Service type {svc['spec']['type']}")
    sp = svc["spec"]["ports"]
    check(len(sp) == 1 and sp[0]["name"] == "gateway" and sp[0]["port"] == 80 and sp[0]["targetPort"] == "gateway"
          and sp[0].get("nodePort") == (30443 if mode == "gw-host-nodeport" else None), f"gateway Service ports {sp}")
    if mode.startswith("gw-host-ingress"):
        spec = ing["spec"]
        check(spec["rules"][0]["host"] == "*.apps.home.example", "the Ingress serves *.<appsDomain>")
        back = spec["rules"][0]["http"]["paths"][0]["backend"]["service"]
        check(back == {"name": "kubarr-gateway", "port": {"name": "gateway"}}, f"Ingress backend {back}")
        check(spec.get("ingressClassName") == "traefik", "ingressClassName")
        tls = spec.get("tls")
        check(tls == ([{"hosts": ["*.apps.home.example"], "secretName": "apps-tls"}] if mode.endswith("-tls") else None), f"Ingress tls {tls}")
    else:
        check(ing is None, "no wildcard Ingress")
    if want_type == "ClusterIP":
        ns = "ingress-nginx" if "nginx" in mode else "kube-system"
        check(len(gw_rules) == 1 and from_namespaces(gw_rules[0]) == [ns], f"gateway ingress from {ns} only: {gw_rules}")
    else:
        check(len(gw_rules) == 1 and "from" not in gw_rules[0], f"gateway open to any address: {gw_rules}")
    check(gw_rules[0]["ports"] == [{"port": 8090, "protocol": "TCP"}], f"gateway policy ports {gw_rules[0]['ports']}")
    ingress_mode = "ingressmode" in mode
    check((("networking.k8s.io", "ingresses") in managed) == ingress_mode, "the app-manager role manages Ingresses in ingress mode only")
    check((("traefik.io", "middlewares") in managed) == (mode == "gw-ingressmode-traefik"), "Middlewares with the traefik controller only")
else:
    first, last = {"gw-port-nodeport": (30100, 30131), "gw-port-loadbalancer": (18100, 18109)}[mode]
    nodeport = mode == "gw-port-nodeport"
    check(genv == {"KUBARR_GATEWAY__LISTEN": f"0.0.0.0:{first}", "KUBARR_GATEWAY__PORT_RANGE": f"{first}-{last}",
                   "KUBARR_GATEWAY__PUBLIC_SCHEME": "http"}, f"gateway env {genv}")
    want_ports = {"http": 8080, **{f"gw-{p}": p for p in range(first, last + 1)}}
    check(ports == want_ports, f"container ports {sorted(ports)}")
    check(svc["spec"]["type"] == ("NodePort" if nodeport else "LoadBalancer"), "gateway Service type")
    got = [(p["name"], p["port"], p["targetPort"], p.get("nodePort")) for p in svc["spec"]["ports"]]
    check(got == [(f"gw-{p}", p, f"gw-{p}", p if nodeport else None) for p in range(first, last + 1)], f"gateway Service ports {got[:3]}…")
    check(ing is None, "no Ingress in port mode")
    check(len(gw_rules) == 1 and "from" not in gw_rules[0]
          and gw_rules[0]["ports"] == [{"port": first, "endPort": last, "protocol": "TCP"}], f"gateway policy {gw_rules}")
    check(("networking.k8s.io", "ingresses") not in managed, "no Ingress rights outside ingress mode")
PY
)

gw=(--set gateway.enabled=true)
host=("${gw[@]}" --set gateway.appsDomain=apps.home.example)
modes=(
  "sqlite-ingress|"
  "sqlite-tls|--set expose.ingress.tls.enabled=true --set expose.ingress.tls.secretName=kubarr-tls"
  "postgres-2-replicas|--set database.url=postgres://k:p@db:5432/kubarr --set backend.replicas=2"
  "existing-secret|--set database.existingSecret=kubarr-db --set backend.replicas=3"
  "nodeport|--set expose.mode=nodePort --set expose.nodePort=30080"
  "loadbalancer|--set expose.mode=loadBalancer"
  "gw-host-ingress-tls|${host[*]} --set gateway.ingress.enabled=true --set gateway.ingress.className=traefik --set gateway.ingress.tls.secretName=apps-tls"
  "gw-host-ingress|${host[*]} --set gateway.ingress.enabled=true --set gateway.ingress.className=traefik"
  "gw-host-loadbalancer|${host[*]} --set gateway.service.type=LoadBalancer"
  "gw-host-nodeport|${host[*]} --set gateway.service.type=NodePort --set gateway.service.nodePort=30443"
  "gw-port-nodeport|${gw[*]} --set gateway.portRange=30100-30131 --set gateway.service.type=NodePort"
  "gw-port-loadbalancer|${gw[*]} --set gateway.portRange=18100-18109 --set gateway.service.type=LoadBalancer"
  "gw-ingressmode-traefik|${host[*]} --set gateway.ingressMode.controller=traefik --set gateway.ingressMode.className=traefik --set gateway.ingressMode.tlsSecretName=apps-tls"
  "nodeport-gw-ingressmode-nginx|--set expose.mode=nodePort ${host[*]} --set gateway.ingressMode.controller=nginx --set gateway.ingress.controllerNamespace=ingress-nginx"
)
fail=0
for m in "${modes[@]}"; do
  name=${m%%|*}
  read -r -a args <<<"${m#*|}"
  # lint cannot be told the cluster's APIs, so it renders without the admission policy.
  if ! "$HELM" lint --strict "$here" --set rbac.admissionPolicy=false "${args[@]}" >/dev/null 2>"/tmp/kubarr-chart-lint.$$"; then
    echo "FAIL $name: helm lint"; cat "/tmp/kubarr-chart-lint.$$"; fail=1; continue
  fi
  if ! out=$("$HELM" template kubarr "$here" -n kubarr-system --api-versions admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy "${args[@]}" 2>&1); then
    echo "FAIL $name: template"; echo "$out"; fail=1; continue
  fi
  if ! python3 -c "$check_program" "$name" <<<"$out"; then fail=1; continue; fi
  if ! python3 -c "$gateway_program" "$name" <<<"$out"; then fail=1; continue; fi
  echo "PASS $name"
done
rm -f "/tmp/kubarr-chart-lint.$$"

# Refusals with a reason: no admission-policy API without the explicit opt-out, bad media roots.
refuse() {
  local name=$1 want=$2; shift 2
  local out
  if out=$("$HELM" template kubarr "$here" -n kubarr-system "$@" 2>&1); then
    echo "FAIL $name: rendered"; fail=1
  elif ! grep -q -- "$want" <<<"$out"; then
    echo "FAIL $name: no \"$want\" in: $out"; fail=1
  else
    echo "PASS $name"
  fi
}
vap=(--api-versions admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy)
refuse "no policy API" "rbac.admissionPolicy=false"
refuse "media root /" "allowedRoots" "${vap[@]}" --set 'media.allowedRoots={/}'
refuse "media root /etc" "not allowed" "${vap[@]}" --set 'media.allowedRoots={/etc/kubarr/..}'
# The app gateway's refusals.
refuse "gateway without a mode" "needs gateway.appsDomain (host mode" "${vap[@]}" "${gw[@]}"
refuse "gateway in both modes" "not both" "${vap[@]}" "${host[@]}" --set gateway.portRange=30100-30131
refuse "gateway domain not a DNS name" "is not a DNS name" "${vap[@]}" "${gw[@]}" --set gateway.appsDomain=Apps_Home
refuse "gateway range over 256 ports" "at most 256" "${vap[@]}" "${gw[@]}" --set gateway.portRange=30000-30300
refuse "gateway range reversed" "the first not above the last" "${vap[@]}" "${gw[@]}" --set gateway.portRange=30131-30100
refuse "gateway range over the backend's port" "includes 8080" "${vap[@]}" "${gw[@]}" --set gateway.portRange=8000-8100
refuse "gateway range below 1024" "below 1024" "${vap[@]}" "${gw[@]}" --set gateway.portRange=80-90
refuse "gateway NodePort range outside node ports" "outside 30000-32767" "${vap[@]}" "${gw[@]}" --set gateway.portRange=18100-18109 --set gateway.service.type=NodePort
refuse "gateway Ingress in port mode" "needs gateway.appsDomain, not gateway.portRange" "${vap[@]}" "${gw[@]}" --set gateway.portRange=30100-30131 --set gateway.ingress.enabled=true
refuse "gateway ingress mode in port mode" "gateway.ingressMode needs gateway.enabled=true and gateway.appsDomain" "${vap[@]}" "${gw[@]}" --set gateway.portRange=30100-30131 --set gateway.ingressMode.controller=traefik
refuse "gateway ingress mode while off" "gateway.ingressMode needs gateway.enabled=true" "${vap[@]}" --set gateway.appsDomain=apps.home.example --set gateway.ingressMode.controller=nginx
refuse "gateway Ingress with ingress mode" "exclude each other: pick one" "${vap[@]}" "${host[@]}" --set gateway.ingress.enabled=true --set gateway.ingressMode.controller=nginx
refuse "gateway host-mode NodePort without a port" "needs gateway.service.nodePort" "${vap[@]}" "${host[@]}" --set gateway.service.type=NodePort
refuse "gateway on the backend's port" "not 8080" "${vap[@]}" "${host[@]}" --set gateway.containerPort=8080
refuse "gateway unknown controller" "ingressMode/controller" "${vap[@]}" "${host[@]}" --set gateway.ingressMode.controller=haproxy
refuse "gateway unknown key" "additional properties" "${vap[@]}" "${host[@]}" --set gateway.domain=x
if "$HELM" template kubarr "$here" -n kubarr-system --set rbac.admissionPolicy=false | grep -q ValidatingAdmissionPolicy; then
  echo "FAIL opt-out: the policy rendered"; fail=1
else
  echo "PASS opt-out"
fi
exit $fail
