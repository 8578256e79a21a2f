#!/usr/bin/env bash
# The chaos soak (docs/BENCHMARKS.md, "Chaos soak"). Runs against the published Native AOT binaries in artifacts/bin (run
# ./build.sh publish first; DROVER_BIN=DIR for others). Needs root: three nodes on this host (private containerds as node
# INDEXes 50, 51, 52: bridges drover50-52, 10.88.50-52.0/24; an agent each), droverd and drover-ingress on free loopback
# ports, the seed app (my-app Deployment, its Service and an Ingress to it) under constant load through the ingress, a
# rolling update every minute and every 20 s a seeded random fault: kill -9 of droverd, an agent, a containerd, the
# ingress or a pod's process, or a node's pod network cut for 8-15 s (the veths on its bridge down; the bridge keeps its
# address and route, so nothing for the pods can leave the host). Only loopback and the soak's own bridges carry traffic.
# Prints acknowledged API writes lost (target 0), time to converge and ingress error rate per fault kind, and each
# daemon's RSS in the first and the last minute. Markdown to stdout and artifacts/bench/<UTC time>/chaos-results.md.
#
#   MINUTES=10 (default; bounded to 1440) SEED=N (default: random, printed) bench/chaos.sh [driver arguments]
# Holds /tmp/drover-e2e.lock (DROVER_E2E_LOCK=off when the caller already holds it). Exit 0 when no acknowledged write
# was lost, every fault converged and no daemon exited on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NAME=bench/chaos.sh
PROJECT="$ROOT/bench/Drover.Bench.Chaos"
# shellcheck source=lib/cluster-driver.sh
. "$ROOT/bench/lib/cluster-driver.sh"
MINUTES=${MINUTES:-10}
SEED=${SEED:-$((RANDOM * 32768 + RANDOM))}
[[ "$MINUTES" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "MINUTES must be a number of minutes (got '$MINUTES')"
require_cluster_tools
take_lock

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/artifacts/bench/$STAMP"
WORK=$(mktemp -d /tmp/drover-bench-chaos.XXXXXX)
mkdir -p "$OUT"
trap cleanup_cluster EXIT
trap 'exit 130' INT TERM
build_driver

{
  echo "## Chaos soak: bench/chaos.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  machine_line
  echo
  echo "Command: \`MINUTES=$MINUTES SEED=$SEED bench/chaos.sh${*:+ $*}\`. Raw output: \`artifacts/bench/$STAMP\`. Load average at the start: $(cat /proc/loadavg)."
  echo
} >"$OUT/chaos-results.md"
cat "$OUT/chaos-results.md"

log "running $MINUTES min with seed $SEED (raw output in $OUT)"
set +e
dotnet "$PROJECT/bin/Release/net10.0/Drover.Bench.Chaos.dll" --bin "$BIN" --minutes "$MINUTES" --seed "$SEED" --work "$WORK" --out "$OUT" "$@" \
  2> >(tee "$OUT/chaos-timeline.txt" >&2) | tee -i -a "$OUT/chaos-results.md"
status=${PIPESTATUS[0]}
set -e
echo "Load average at the end: $(cat /proc/loadavg)." | tee -a "$OUT/chaos-results.md"
ln -sfn "$STAMP" "$ROOT/artifacts/bench/latest-chaos"
exit "$status"
