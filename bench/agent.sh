#!/usr/bin/env bash
# Node-agent benchmark (docs/BENCHMARKS.md, "Agent"). Runs against the published Native AOT binaries in artifacts/bin
# (./build.sh bench publishes them first; run ./build.sh publish yourself before calling this directly). Needs root:
# it starts a private containerd (packaging/containerd/run-private.sh, node INDEX 3: bridge drover3, 10.88.3.0/24),
# droverd on a free loopback port and drover-agent, then measures the agent's size, memory, idle CPU and bind→Ready
# latency next to the raw CRI floor. Markdown goes to stdout and to artifacts/bench/<UTC time>/agent-results.md, next
# to the raw samples, the daemons' logs and /metrics scrapes. Takes about 5 minutes plus the build of the driver.
#
# Other work on this machine runs private containerds too: the run holds /tmp/drover-containerd-tests.lock (waits for
# it, or uses it as is when the caller already holds it, e.g. `flock /tmp/drover-containerd-tests.lock bench/agent.sh`).
# Set DROVER_CONTAINERD_LOCK=off to skip it, DROVER_BENCH_NODE_INDEX to use another node index.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN="$ROOT/artifacts/bin"
PROJECT="$ROOT/bench/Drover.Bench.Agent"
INDEX=${DROVER_BENCH_NODE_INDEX:-3}
LOCK=${DROVER_CONTAINERD_LOCK:-/tmp/drover-containerd-tests.lock}
RUN_PRIVATE="$ROOT/packaging/containerd/run-private.sh"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/agent.sh: %s\n' "$*" >&2; exit 1; }
for b in droverd drover-agent; do
  [ -f "$BIN/$b" ] || die "$BIN/$b is missing: run ./build.sh publish (or ./build.sh bench)"
done
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"
[ "$(id -u)" = 0 ] || die "a private containerd needs root"

# flock(1) passes its locked descriptor on to the command it runs: seeing it among ours means the caller holds the lock,
# and taking it again through a second descriptor would wait forever.
holds_lock() {
  local fd
  for fd in /proc/$$/fd/*; do [ "$(readlink "$fd" 2>/dev/null)" = "$LOCK" ] && return 0; done
  return 1
}
if [ "$LOCK" != off ] && ! holds_lock; then
  exec 9>>"$LOCK"
  flock -n 9 || { log "waiting for $LOCK (another containerd test or bench is running)"; flock 9; }
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/artifacts/bench/$STAMP"
WORK=$(mktemp -d /tmp/drover-bench-agent.XXXXXX)
CONTAINERD_DIR="$WORK/containerd"
mkdir -p "$OUT"

# Stops whatever a killed or failed driver left: the daemons (by their PID files, only if the PID still runs a command
# that names this run's work dir), the containerd with its pods, bridge and netns, the pods' log dirs and cgroups the
# agent did not remove, and the work dir. Runs on every exit, Ctrl-C included.
cleanup() {
  local status=$? pidfile pid uid
  trap - EXIT INT TERM
  for pidfile in "$WORK/agent.pid" "$WORK/droverd.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$WORK"; then
      log "stopping leftover $(cat "/proc/$pid/comm" 2>/dev/null) (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  [ -f "$CONTAINERD_DIR/logs/containerd.log" ] && cp "$CONTAINERD_DIR/logs/containerd.log" "$OUT/containerd.log"
  "$RUN_PRIVATE" stop "$CONTAINERD_DIR" >>"$OUT/containerd-stop.log" 2>&1 || log "run-private.sh stop failed: see $OUT/containerd-stop.log"
  if [ -f "$WORK/pod-uids.txt" ]; then
    while read -r uid; do
      [ -n "$uid" ] || continue
      rm -rf /var/log/pods/*_"$uid"
      find /sys/fs/cgroup/*/drover/pod"$uid" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done <"$WORK/pod-uids.txt"
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building the benchmark driver (Release)"
dotnet build "$PROJECT" -c Release -nologo -v:quiet -clp:ErrorsOnly >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die "building the driver failed"; }

log "starting containerd for node $INDEX ($CONTAINERD_DIR, bridge drover$INDEX)"
"$RUN_PRIVATE" start "$CONTAINERD_DIR" "$INDEX" >"$OUT/containerd-start.log" 2>&1 || { cat "$OUT/containerd-start.log" >&2; die "run-private.sh start failed"; }

mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "## Agent (drover-agent): bench/agent.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) CPUs (${cpu:-unknown}), ${mem_gib} GiB RAM, Linux $(uname -r), .NET SDK $(dotnet --version)," \
       "$(containerd --version | awk '{ print $1, $3 }'), runc $(runc --version | awk 'NR == 1 { print $3 }');" \
       "drover-agent $(stat -c %s "$BIN/drover-agent") bytes, git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo '+dirty')."
  echo
  echo "Command: \`bench/agent.sh${*:+ $*}\`. Raw output: \`artifacts/bench/$STAMP\`."
  echo
  echo "Load average at the start: $(cat /proc/loadavg)."
  echo
} >"$OUT/agent-results.md"
cat "$OUT/agent-results.md"

log "running (raw output in $OUT)"
set +e
dotnet "$PROJECT/bin/Release/net10.0/Drover.Bench.Agent.dll" \
  --droverd "$BIN/droverd" --agent "$BIN/drover-agent" --containerd-dir "$CONTAINERD_DIR" --node-index "$INDEX" \
  --work "$WORK" --out "$OUT" "$@" | tee -i -a "$OUT/agent-results.md"
status=${PIPESTATUS[0]}
set -e
ln -sfn "$STAMP" "$ROOT/artifacts/bench/latest-agent"
exit "$status"
