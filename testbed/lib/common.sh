# shellcheck shell=bash disable=SC2034
# Shared helpers for testbed/up, testbed/down, testbed/status and testbed/sa-kubeconfig.
# Sourced, never run. Everything here binds to or dials 127.0.0.1 only.

TB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TB_REPO=$(cd "$TB_HERE/.." && pwd)
# shellcheck source=/dev/null
source "$TB_HERE/versions.env"
STATE=${KUBARR_TESTBED_DIR:-$TB_REPO/target/testbed}
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
PKI=$STATE/pki
LOGS=$STATE/logs
PIDS=$STATE/pids
ADMIN_KUBECONFIG=$STATE/admin.kubeconfig
PODLOG=$STATE/podlogs/pods.log
# Components in start order; down stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

tb_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
tb_t0=${tb_t0:-$(tb_ms)}
log() { local d=$(( $(tb_ms) - tb_t0 )); printf '[testbed +%d.%01ds] %s\n' $((d / 1000)) $((d % 1000 / 100)) "$*" >&2; }
die() { echo "testbed: error: $*" >&2; exit 1; }

# Resolve the bin dir (builds the binaries on a cold machine; instant when warm).
tb_bins() {
  BIN=$("$TB_HERE/build.sh" | tail -n 1)
  [ -x "$BIN/kube-apiserver" ] || die "build.sh did not produce binaries in '$BIN'"
  KUBECTL=$BIN/kubectl
  CACHE_DIR=$(cd "$BIN/.." && pwd)
}

kc() { "$KUBECTL" --kubeconfig="$ADMIN_KUBECONFIG" "$@"; }

pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }
# A pid is ours if it is alive and its command line names this state directory (guards against pid reuse).
pid_ours() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$STATE/"; }
alive() { pid_ours "$(pid_of "$1")"; }

# Test-bed processes of this state directory, whatever the pid files say: started from the
# bin dir and naming the state dir on their command line.
leftover_pids() { pgrep -f -- "^$BIN/[^ ]+ .*$STATE/" 2>/dev/null || true; }
no_leftovers() { [ -z "$(leftover_pids)" ]; }

port_busy() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Picks free loopback ports below the ephemeral range (so outgoing connections never take them).
pick_ports() {
  local names=(ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT SCHEDULER_PORT KWOK_PORT) n p used=" "
  : >"$STATE/ports.env.tmp"
  for n in "${names[@]}"; do
    while :; do
      p=$((20000 + RANDOM % 12000))
      [[ $used == *" $p "* ]] && continue
      port_busy "$p" && continue
      break
    done
    used+="$p "
    echo "$n=$p" >>"$STATE/ports.env.tmp"
  done
  mv "$STATE/ports.env.tmp" "$STATE/ports.env"
}

load_ports() {
  [ -f "$STATE/ports.env" ] || return 1
  # shellcheck disable=SC1091
  source "$STATE/ports.env"
}

# The test bed's ports, one "NAME=port" per line (after load_ports).
port_list() {
  local n
  for n in ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT SCHEDULER_PORT KWOK_PORT; do
    echo "$n=${!n}"
  done
}

ports_free() {
  local entry
  for entry in $(port_list); do port_busy "${entry#*=}" && return 1; done
  return 0
}

# "pid command line" of the process listening on port $1 (empty when unknown).
port_holder() {
  local pid
  pid=$(ss -Htlnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)
  [ -n "$pid" ] || return 0
  echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
}

# Waits up to $1 seconds for every test-bed port to be free. A process of ours that was just
# stopped may hold its listening socket for a moment after it stopped looking alive (its other
# threads are still exiting). Fails naming the holder of each port still taken.
wait_ports_free() {
  local secs=$1 entry
  load_ports || return 0
  wait_for "$secs" "the test bed's ports to be free" ports_free && return 0
  for entry in $(port_list); do
    if port_busy "${entry#*=}"; then
      echo "testbed: port ${entry#*=} (${entry%%=*}) is still taken by: $(port_holder "${entry#*=}")" >&2
    fi
  done
  return 1
}

# Waits until "$@" succeeds or the deadline (seconds) passes. Usage: wait_for SECS DESC cmd...
wait_for() {
  local secs=$1 desc=$2; shift 2
  local end=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$end" ]; then
      echo "testbed: timed out after ${secs}s waiting for: $desc" >&2
      return 1
    fi
    sleep 0.2
  done
}

# Prints the tail of a component's log to stderr.
log_tail() {
  local c=$1 n=${2:-40}
  if [ -f "$LOGS/$c.log" ]; then
    echo "----- last $n lines of $LOGS/$c.log -----" >&2
    tail -n "$n" "$LOGS/$c.log" >&2
    echo "-----" >&2
  fi
}

pid_gone() { ! pid_ours "$1"; }

# Stops all components (reverse order), then anything else still naming the state dir.
stop_all() {
  local c pid i
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    c=${COMPONENTS[i]}
    pid=$(pid_of "$c")
    if pid_ours "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      if ! wait_for 15 "$c (pid $pid) to exit" pid_gone "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
        wait_for 10 "$c (pid $pid) to exit after SIGKILL" pid_gone "$pid" || true
      fi
    fi
    rm -f "$PIDS/$c.pid"
  done
  local rest; rest=$(leftover_pids)
  if [ -n "$rest" ]; then
    # shellcheck disable=SC2086
    kill -TERM $rest 2>/dev/null || true
    wait_for 10 "leftover processes to exit" no_leftovers || {
      rest=$(leftover_pids)
      # shellcheck disable=SC2086
      [ -z "$rest" ] || kill -KILL $rest 2>/dev/null || true
    }
  fi
}

# The bin dir without building anything (for down/status): the one `up` used, else the pinned one.
tb_bins_nobuild() {
  if [ -f "$STATE/bin-dir" ]; then BIN=$(cat "$STATE/bin-dir"); else BIN=$("$TB_HERE/build.sh" --bin-dir); fi
  KUBECTL=$BIN/kubectl
  CACHE_DIR=$(cd "$BIN/.." 2>/dev/null && pwd || echo "$BIN/..")
}
