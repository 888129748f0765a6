#!/usr/bin/env bash
# Builds the test bed binaries (etcd, Kubernetes control plane, kubectl, kwok, helm) from Go modules,
# once, into a cache directory outside the repository keyed by the pinned versions.
# Prints the bin directory on the last line of stdout. A warm run takes well under a second.
# `build.sh --bin-dir` only prints the bin directory (building nothing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=versions.env
source "$here/versions.env"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
key="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_helm-${HELM_VERSION}"
cache_root=${KUBARR_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubarr-testbed}
out="$cache_root/$key/bin"
if [ "${1:-}" = "--bin-dir" ]; then echo "$out"; exit 0; fi
mkdir -p "$out"
start=$(date +%s)
log() { echo "[testbed-build +$(( $(date +%s) - start ))s] $*" >&2; }
have() { for b in "$@"; do [ -x "$out/$b" ] || return 1; done; }

build_helm() {
  have helm && return 0
  log "building helm $HELM_VERSION"
  local h=helm.sh/helm/v3 min=${K8S_VERSION#v1.}; min=${min%%.*}
  GOBIN="$out" go install -trimpath -ldflags "-s -w -X $h/internal/version.version=$HELM_VERSION \
    -X $h/internal/version.gitTreeState=clean \
    -X $h/pkg/chartutil.k8sVersionMajor=1 -X $h/pkg/chartutil.k8sVersionMinor=$min \
    -X $h/pkg/lint/rules.k8sVersionMajor=1 -X $h/pkg/lint/rules.k8sVersionMinor=$min" \
    "$h/cmd/helm@$HELM_VERSION"
}

build_etcd() {
  have etcd etcdctl && return 0
  log "building etcd $ETCD_VERSION"
  local w; w=$(mktemp -d); (
    cd "$w"
    go mod init local/etcd-bins >/dev/null 2>&1
    go mod edit -go=1.25.0
    go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "go.etcd.io/etcd/etcdctl/v3@$ETCD_VERSION" >&2
    go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
    go build -trimpath -ldflags "-s -w" -o "$out/etcdctl" go.etcd.io/etcd/etcdctl/v3
  ); rm -rf "$w"
}

build_kwok() {
  have kwok && return 0
  log "building kwok $KWOK_VERSION"
  GOBIN="$out" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
}

build_k8s() {
  have kube-apiserver kube-controller-manager kube-scheduler kubectl && return 0
  log "building Kubernetes $K8S_VERSION (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl; the slow part)"
  local stg="v0.${K8S_VERSION#v1.}" min=${K8S_VERSION#v1.}; min=${min%%.*}
  local w; w=$(mktemp -d); (
    cd "$w"
    go mod init local/k8s-bins >/dev/null 2>&1
    go mod edit -go=1.26.0 -godebug=default=go1.26
    gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    # shellcheck disable=SC2013  # module paths contain no spaces
    for m in $(awk '$2=="=>" && $3 ~ /^\.\/staging\// {print $1}' "$gomod"); do
      go mod edit -replace="$m=$m@$stg"
    done
    go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" >&2
    ld="-s -w"
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$min -X $p.gitTreeState=clean"
      ld+=" -X $p.buildDate=1970-01-01T00:00:00Z"
    done
    for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
      [ -x "$out/$c" ] && continue
      log "  go build $c"
      go build -trimpath -ldflags "$ld" -o "$out/$c" "k8s.io/kubernetes/cmd/$c"
    done
  ); rm -rf "$w"
}

build_helm
build_etcd
build_kwok
build_k8s
# kwok's default stage and metrics definitions ship in its module source; keep a copy beside the
# binaries (testbed/up reads them from there).
for d in stage:stages metrics:metrics; do
  if [ ! -d "$out/../${d#*:}" ]; then
    src=$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/${d%%:*}
    [ -d "$src" ] || (cd "$(mktemp -d)" && go mod download "sigs.k8s.io/kwok@$KWOK_VERSION")
    cp -r "$src" "$out/../${d#*:}.tmp" && chmod -R u+w "$out/../${d#*:}.tmp"
    mv "$out/../${d#*:}.tmp" "$out/../${d#*:}"
  fi
done
log "ready: $out"
echo "$out"
