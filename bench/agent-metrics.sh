#!/usr/bin/env bash
# The agent's cost of resource metrics (issue 6, docs/BENCHMARKS.md "Resource metrics"): bench/agent.sh twice in a
# row on the same machine, first with usage reports off (--resource-metrics-interval 0s), then at the default 15 s,
# and the agent's RSS and CPU with 20 pods from both runs side by side. Needs root and the published binaries
# (./build.sh publish); about 10 minutes. Extra arguments go to both runs (e.g. --cpu-seconds 120).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
declare -A RUN
for interval in 0s 15s; do
  printf '==> bench/agent.sh with --resource-metrics-interval %s\n' "$interval" >&2
  bench/agent.sh --resource-metrics-interval "$interval" "$@" >/dev/null
  RUN[$interval]=$(readlink -f "$ROOT/artifacts/bench/latest-agent")
done
row() { grep -F "$2" "${RUN[$1]}/agent-results.md" | head -1; }
echo "### Agent with 20 pods: resource metrics off vs every 15 s ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| Run | Memory row (VmRSS, Pss, RssAnon, RssFile, VmHWM MiB, threads) | CPU row (CPU s, wall s, % of a core, load) |"
echo "|---|---|---|"
for interval in 0s 15s; do
  mem=$(row "$interval" "pods running, " | cut -d'|' -f3-8 | tr -s ' ')
  cpu=$(row "$interval" "readiness probes running), right after" | cut -d'|' -f3-6 | tr -s ' ')
  echo "| --resource-metrics-interval $interval | $mem | $cpu |"
done
echo
echo "Raw runs: ${RUN[0s]} and ${RUN[15s]}."
