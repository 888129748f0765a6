#!/usr/bin/env bash
# Offline checks of Kubarr's own chart: helm lint --strict in every exposure and database mode,
# the objects each mode renders, RBAC without wildcards, and appVersion = the Cargo workspace
# version. (The install/upgrade/uninstall and RBAC tests on the test bed are in
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
postgres = mode.startswith(("postgres", "existing"))
check(names("Deployment") == (["kubarr-backend", "kubarr-frontend"] if ingress else ["kubarr-backend"]), f"deployments {names('Deployment')}")
check(bool(by.get("Ingress")) == ingress, "ingress only in ingress mode")
check(bool(by.get("PersistentVolumeClaim")) != postgres, "a data volume only with SQLite")
backend = next(d for d in by["Deployment"] if d["metadata"]["name"] == "kubarr-backend")
check(backend["spec"]["strategy"]["type"] == ("RollingUpdate" if postgres else "Recreate"), "strategy")
svc = next(d for d in by["Service"] if d["metadata"]["name"] == "kubarr-backend")
want = {"nodeport": "NodePort", "loadbalancer": "LoadBalancer"}.get(mode, "ClusterIP")
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
check([p["port"] for r in np["ingress"] for p in r["ports"]] == [8080], "backend ingress: the web port only")
egress = sorted({p["port"] for r in np["egress"] for p in r["ports"]})
check(egress == sorted([53, 443, 6443] + ([5432] if postgres else [])), f"backend egress ports {egress}")
if ingress:
    fe = policies["kubarr-frontend"]
    check("Egress" in fe["policyTypes"] and not fe.get("egress"), "the frontend sends nothing out")
PY
)

modes=(
  "sqlite-ingress|"
  "sqlite-tls|--set expose.ingress.tls.enabled=true --set expose.ingress.tls.secretName=kubarr-tls"
  "postgres-2-replicas|--set database.url=postgres://k:p@db:5432/kubarr --set backend.replicas=2"
  "existing-secret|--set database.existingSecret=kubarr-db --set backend.replicas=3"
  "nodeport|--set expose.mode=nodePort --set expose.nodePort=30080"
  "loadbalancer|--set expose.mode=loadBalancer"
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
if "$HELM" template kubarr "$here" -n kubarr-system --set rbac.admissionPolicy=false | grep -q ValidatingAdmissionPolicy; then
  echo "FAIL opt-out: the policy rendered"; fail=1
else
  echo "PASS opt-out"
fi
exit $fail
