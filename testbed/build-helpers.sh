#!/usr/bin/env bash
# Builds the helper programs that feature tests run against (Dex as OpenID Connect provider, mailpit as
# SMTP server, the CNCF distribution registry as OCI registry) from Go modules, once each, into cache
# directories outside the repository keyed by their pinned versions (testbed/versions.env).
# Prints a bin directory holding all three on the last line of stdout; a warm run takes well under a
# second. `build-helpers.sh --bin-dir` only prints that directory (building nothing).
# Never runs `mailpit version`: it dials out to check for updates.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=versions.env
source "$here/versions.env"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
cache_root=${KUBARR_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubarr-testbed}
dex_dir="$cache_root/dex-$DEX_VERSION/bin"
mailpit_dir="$cache_root/mailpit-$MAILPIT_VERSION/bin"
registry_dir="$cache_root/registry-$REGISTRY_VERSION/bin"
out="$cache_root/helpers_dex-${DEX_VERSION}_mailpit-${MAILPIT_VERSION}_registry-${REGISTRY_VERSION}/bin"
if [ "${1:-}" = "--bin-dir" ]; then echo "$out"; exit 0; fi
start=$(date +%s)
log() { echo "[helpers-build +$(( $(date +%s) - start ))s] $*" >&2; }
# Builds into a temporary name and renames, so an interrupted build never leaves a half-written binary
# that a later run would take as cached.
finish() { mv "$1.tmp" "$1"; }

build_mailpit() {
  [ -x "$mailpit_dir/mailpit" ] && return 0
  log "building mailpit $MAILPIT_VERSION"
  mkdir -p "$mailpit_dir"
  local w; w=$(mktemp -d); (
    cd "$w"
    go mod init local/mailpit-bin >/dev/null 2>&1
    go get -tool "github.com/axllent/mailpit@$MAILPIT_VERSION" >&2
    go build -trimpath -ldflags "-s -w -X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION" \
      -o "$mailpit_dir/mailpit.tmp" github.com/axllent/mailpit
  ); rm -rf "$w"
  finish "$mailpit_dir/mailpit"
}

build_registry() {
  [ -x "$registry_dir/registry" ] && return 0
  log "building the distribution registry $REGISTRY_VERSION"
  mkdir -p "$registry_dir"
  local m=github.com/distribution/distribution/v3
  local w; w=$(mktemp -d); (
    cd "$w"
    go mod init local/registry-bin >/dev/null 2>&1
    go get -tool "$m/cmd/registry@$REGISTRY_VERSION" >&2
    go build -trimpath -ldflags "-s -w -X $m/version.version=$REGISTRY_VERSION" \
      -o "$registry_dir/registry.tmp" "$m/cmd/registry"
  ); rm -rf "$w"
  finish "$registry_dir/registry"
}

build_dex() {
  [ -x "$dex_dir/dex" ] && return 0
  # `go install` refuses Dex (its go.mod replaces ./api/v2), so it is built as a tool dependency of a
  # small module of our own, where that replace does not apply.
  log "building Dex $DEX_VERSION ($DEX_MODULE_VERSION)"
  mkdir -p "$dex_dir"
  local w; w=$(mktemp -d); (
    cd "$w"
    go mod init local/dex-bin >/dev/null 2>&1
    go get -tool "github.com/dexidp/dex/cmd/dex@$DEX_MODULE_VERSION" >&2
    go build -trimpath -ldflags "-s -w -X main.version=$DEX_VERSION" \
      -o "$dex_dir/dex.tmp" github.com/dexidp/dex/cmd/dex
  ); rm -rf "$w"
  finish "$dex_dir/dex"
}

build_mailpit
build_registry
build_dex
mkdir -p "$out"
ln -sfn "$dex_dir/dex" "$out/dex"
ln -sfn "$mailpit_dir/mailpit" "$out/mailpit"
ln -sfn "$registry_dir/registry" "$out/registry"
log "ready: $out"
echo "$out"
