#!/usr/bin/env bash
# The service proxy's costs (issue 15), in network namespaces of this script's own (nothing touches the host's ruleset):
# 1. sync: S Services × E ready endpoints through the agent's own model and nft renderer, applied with a real `nft -f`:
#    the first full sync, U single-Service updates, the full reconcile a restarted agent does;
# 2. propagation: a droverd on loopback (the Debug build: ./build.sh build) and N proxies (one per namespace, each
#    its own watch, as on N nodes); C EndpointSlice updates, each timed from the API write to every node's applied
#    transaction.
# Both halves compare nftables in process (libnftables, the agent's way) with an nft process per transaction (the
# agent's way before): the sync bench interleaves the two per update; propagation runs once per mode in MODES
# (default "cli lib", each with a droverd of its own).
#   flock -o /tmp/drover-e2e.lock bench/proxy.sh [SERVICES] [ENDPOINTS] [UPDATES] [NODES] [CHANGES]
#   defaults: 1000 10 50 3 50; SKIP_SYNC=1 runs the propagation half only
# Figures go to docs/BENCHMARKS.md with the date and the load.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v nft >/dev/null || { echo "proxy.sh: nft is missing (Debian package nftables)" >&2; exit 1; }
# The driver is a Release build, so the droverd it starts (Drover.Testing's DroverdProcess) is the Release one too.
dotnet build "$ROOT/bench/Drover.Bench.Agent" -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
dotnet build "$ROOT/controlplane/Drover.ControlPlane" -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
NAMESPACES=()
cleanup() { for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done; }
trap cleanup EXIT
for n in $(seq 0 "${4:-3}"); do NAMESPACES+=("drover-proxybench-$$-$n"); ip netns add "${NAMESPACES[-1]}"; done
DLL="$ROOT/bench/Drover.Bench.Agent/bin/Release/net10.0/Drover.Bench.Agent.dll"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg); $(nft --version)"
if [ "${SKIP_SYNC:-0}" != 1 ]; then
  echo "## sync"
  dotnet "$DLL" proxy-sync "${NAMESPACES[0]}" "${1:-1000}" "${2:-10}" "${3:-50}"
fi
echo "## propagation"
NODES=$(IFS=,; echo "${NAMESPACES[*]:1}")
for mode in ${MODES:-cli lib}; do
  dotnet "$DLL" proxy-propagation "$NODES" "${1:-1000}" "${5:-50}" "$mode"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
