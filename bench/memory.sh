#!/usr/bin/env bash
# Memory that comes back (docs/BENCHMARKS.md, "Memory that comes back"). Runs against the published Native AOT binaries
# in artifacts/bin (run ./build.sh publish first). Needs root: a one-node cluster on this host (a private containerd as
# node INDEX 53: bridge drover53, 10.88.53.0/24; droverd on a free loopback port; drover-agent; drover-ingress on free
# loopback ports) with the seed app behind the ingress, then two bursts — large objects (1,000 ConfigMaps, 20 Pods,
# 100 Services + Ingresses, 100 KiB each, with 8 reading watchers and one stuck one) and streams (1,000 watches, 256
# ingress connections, 30 followed logs) — and each daemon's RSS at idle, at the peak and 10/30/60 s after.
# Markdown to stdout and artifacts/bench/<UTC time>/memory-results.md, the daemons' logs beside it. About 6 minutes.
# Arguments go to the driver (e.g. --objects 2000 --kib 100). Holds /tmp/drover-e2e.lock (DROVER_E2E_LOCK=off skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NAME=bench/memory.sh
PROJECT="$ROOT/bench/Drover.Bench.Memory"
# shellcheck source=lib/cluster-driver.sh
. "$ROOT/bench/lib/cluster-driver.sh"
require_cluster_tools
take_lock

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/artifacts/bench/$STAMP"
WORK=$(mktemp -d /tmp/drover-bench-memory.XXXXXX)
mkdir -p "$OUT"
trap cleanup_cluster EXIT
trap 'exit 130' INT TERM
build_driver

{
  echo "## Memory that comes back: bench/memory.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  machine_line
  echo
  echo "Command: \`bench/memory.sh${*:+ $*}\`. Raw output: \`artifacts/bench/$STAMP\`. Load average at the start: $(cat /proc/loadavg)."
  echo
} >"$OUT/memory-results.md"
cat "$OUT/memory-results.md"

log "running (raw output in $OUT)"
set +e
dotnet "$PROJECT/bin/Release/net10.0/Drover.Bench.Memory.dll" --bin "$BIN" --work "$WORK" --out "$OUT" "$@" | tee -i -a "$OUT/memory-results.md"
status=${PIPESTATUS[0]}
set -e
echo "Load average at the end: $(cat /proc/loadavg)." | tee -a "$OUT/memory-results.md"
ln -sfn "$STAMP" "$ROOT/artifacts/bench/latest-memory"
exit "$status"
