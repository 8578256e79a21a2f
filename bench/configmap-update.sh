#!/usr/bin/env bash
# ConfigMap and Secret changes reaching a running pod's volumes (docs/BENCHMARKS.md, "ConfigMap and Secret updates"):
# one node on this host (a private containerd as node INDEX 54: bridge drover54, 10.88.54.0/24; a drover-agent) and
# droverd on a free loopback port, a pod reading a configMap and a secret volume every 20 ms, CHANGES (default 20)
# merge patches alternating between the two objects at seeded random intervals (0.5–10.5 s); latency = containerd's
# timestamp of the container's log line that shows the new value − the time the patch was sent. Side by side, one fresh
# cluster each: the agent's --config-change-detection Watch (default) and Get (resync only, the behaviour before the
# watches). Takes about 7 minutes with CHANGES=20. Runs against the published binaries
# in artifacts/bin when they exist (./build.sh publish), else the Debug build (DROVER_BIN=DIR for others).
#
#   CHANGES=20 SEED=1 bench/configmap-update.sh
# Holds /tmp/drover-e2e.lock (DROVER_E2E_LOCK=off when the caller already holds it). Markdown to stdout and to
# artifacts/bench/<UTC time>/configmap-update-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NAME=bench/configmap-update.sh
PROJECT="$ROOT/bench/Drover.Bench.ConfigMaps"
# shellcheck source=lib/cluster-driver.sh
. "$ROOT/bench/lib/cluster-driver.sh"
CHANGES=${CHANGES:-20}
SEED=${SEED:-1}
[[ "$CHANGES" =~ ^[0-9]+$ ]] || die "CHANGES must be a whole number (got '$CHANGES')"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be a whole number (got '$SEED')"
[ "$(id -u)" = 0 ] || die "a private containerd needs root"
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"
# The driver's configuration decides which dlls tests/Drover.Testing starts without --bin: Debug ones then.
BIN_ARGS=() CONFIGURATION=Debug
if [ -f "$BIN/droverd" ] && [ -f "$BIN/drover-agent" ] && [ -f "$BIN/drover" ]; then BIN_ARGS=(--bin "$BIN") CONFIGURATION=Release; fi
take_lock

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/artifacts/bench/$STAMP"
WORK=$(mktemp -d /tmp/drover-bench-configmap.XXXXXX)
mkdir -p "$OUT"
trap cleanup_cluster EXIT
trap 'exit 130' INT TERM
log "building the driver $(basename "$PROJECT") ($CONFIGURATION)"
dotnet build "$PROJECT" -c "$CONFIGURATION" -nologo -v:quiet -clp:ErrorsOnly >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die "building the driver failed"; }

{
  echo "## ConfigMap and Secret updates: bench/configmap-update.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  machine_line
  echo
  echo "Command: \`CHANGES=$CHANGES SEED=$SEED bench/configmap-update.sh\` (binaries: ${BIN_ARGS[1]:-the Debug build}). Load average at the start: $(cat /proc/loadavg)."
  echo
} >"$OUT/configmap-update-results.md"
cat "$OUT/configmap-update-results.md"

set +e
dotnet "$PROJECT/bin/$CONFIGURATION/net10.0/Drover.Bench.ConfigMaps.dll" "${BIN_ARGS[@]}" --changes "$CHANGES" --seed "$SEED" --work "$WORK" \
  2> >(tee "$OUT/configmap-update-log.txt" >&2) | tee -i -a "$OUT/configmap-update-results.md"
status=${PIPESTATUS[0]}
set -e
echo "Load average at the end: $(cat /proc/loadavg)." | tee -a "$OUT/configmap-update-results.md"
exit "$status"
