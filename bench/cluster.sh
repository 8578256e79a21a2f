#!/usr/bin/env bash
# Cluster benchmark (docs/BENCHMARKS.md, "Cluster: rolling update"). Runs against the published Native AOT binaries in
# artifacts/bin (./build.sh bench publishes them first; run ./build.sh publish yourself before calling this directly).
# Needs root: it starts three private containerds (packaging/containerd/run-private.sh, node INDEXes 13, 14, 15: bridges
# drover13-15, 10.88.13-15.0/24), droverd on a free loopback port and three drover-agents (tests/Drover.Testing's
# TestCluster), applies the seed Deployment and Service (readiness period 1 s, no initial delay, maxUnavailable 0) and
# times `drover set image` → `drover rollout status` exit 0 over several rollouts (v1 → v2 → v1 …). Markdown goes to
# stdout and to artifacts/bench/<UTC time>/cluster-results.md, next to each rollout's timeline and the daemons' logs.
# Takes about 2 minutes plus the build of the driver. Arguments go to the driver (e.g. --rollouts 9).
#
# Holds /tmp/drover-containerd-tests.lock as bench/agent.sh does (DROVER_CONTAINERD_LOCK=off skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN="$ROOT/artifacts/bin"
PROJECT="$ROOT/bench/Drover.Bench.Cluster"
LOCK=${DROVER_CONTAINERD_LOCK:-/tmp/drover-containerd-tests.lock}
RUN_PRIVATE="$ROOT/packaging/containerd/run-private.sh"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/cluster.sh: %s\n' "$*" >&2; exit 1; }
for b in droverd drover-agent drover; do
  [ -f "$BIN/$b" ] || die "$BIN/$b is missing: run ./build.sh publish (or ./build.sh bench)"
done
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"
[ "$(id -u)" = 0 ] || die "private containerds need root"

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
WORK=$(mktemp -d /tmp/drover-bench-cluster.XXXXXX)
mkdir -p "$OUT"

# The driver stops everything it started; this is for a driver that was killed: daemons whose command line names this
# run's work dir, then every node's containerd with its pods, bridge and netns.
cleanup() {
  local status=$? pid dir
  trap - EXIT INT TERM
  for pid in $(grep -lsF -- "$WORK" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
      droverd|drover-agent|dotnet) log "stopping leftover $(cat "/proc/$pid/comm") (pid $pid)"; kill -KILL "$pid" 2>/dev/null || true ;;
    esac
  done
  for dir in "$WORK"/node-*/containerd; do
    [ -d "$dir" ] && { "$RUN_PRIVATE" stop "$dir" >>"$OUT/containerd-stop.log" 2>&1 || log "run-private.sh stop $dir failed: see $OUT/containerd-stop.log"; }
  done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building the benchmark driver (Release)"
dotnet build "$PROJECT" -c Release -nologo -v:quiet -clp:ErrorsOnly >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die "building the driver failed"; }

mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "## Cluster (rolling update): bench/cluster.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) CPUs (${cpu:-unknown}), ${mem_gib} GiB RAM, Linux $(uname -r), .NET SDK $(dotnet --version)," \
       "$(containerd --version | awk '{ print $1, $3 }'); git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo '+dirty')."
  echo
  echo "Command: \`bench/cluster.sh${*:+ $*}\`. Raw output: \`artifacts/bench/$STAMP\`. Load average at the start: $(cat /proc/loadavg)."
  echo
} >"$OUT/cluster-results.md"
cat "$OUT/cluster-results.md"

log "running (raw output in $OUT)"
set +e
dotnet "$PROJECT/bin/Release/net10.0/Drover.Bench.Cluster.dll" --bin "$BIN" --work "$WORK" --out "$OUT" "$@" \
  2> >(tee "$OUT/cluster-timeline-stderr.txt" >&2) | tee -i -a "$OUT/cluster-results.md"
status=${PIPESTATUS[0]}
set -e
ln -sfn "$STAMP" "$ROOT/artifacts/bench/latest-cluster"
exit "$status"
