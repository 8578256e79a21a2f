#!/usr/bin/env bash
# Idle memory of drover-agent variants side by side, in one run on one machine (docs/BENCHMARKS.md, "Agent"): one
# private containerd (node index 3, as bench/agent.sh), one droverd (artifacts/bin), then one agent per variant, each
# its own node; after SETTLE seconds one VmRSS/RssAnon/RssFile/Pss/threads line per variant, with smaps, status and
# a /metrics scrape of each in OUT. A label starting with "floor" runs bench/agent-floor's program instead of an agent
# (arguments: droverd's URL and the CRI socket). No pods are started. Needs root; hold the containerd lock:
#   flock /tmp/drover-containerd-tests.lock bench/agent-idle-ab.sh 25 old=/tmp/old-agent new=artifacts/bin/drover-agent \
#     gen0=artifacts/bin/drover-agent@DOTNET_GCgen0size=40000 floor=/tmp/agent-floor/agent-floor
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SETTLE=${1:?usage: agent-idle-ab.sh SETTLE_SECONDS label=BINARY[@ENV=VALUE...] ...}; shift
W=$(mktemp -d /tmp/agent-ab.XXXXXX)
OUT=$ROOT/artifacts/bench/idle-ab-$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$OUT"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  "$ROOT/packaging/containerd/run-private.sh" stop "$W/containerd" >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT
"$ROOT/packaging/containerd/run-private.sh" start "$W/containerd" 3 > "$OUT/containerd.log" 2>&1
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$ROOT/artifacts/bin/droverd" --data-dir "$W/droverd" --bind-address 127.0.0.1 --port $port --write-client-config "$W/admin.config" \
  --cluster-cidr 10.89.0.0/16 --node-cidr-mask-size 24 > "$OUT/droverd.log" 2>&1 &
pids+=($!)
for i in $(seq 1 100); do [ -f "$W/droverd/credentials/join-token" ] && grep -q "droverd serving" "$OUT/droverd.log" && break; sleep 0.2; done
token=$(cat "$W/droverd/credentials/join-token")
declare -A apid amport
for v in "$@"; do
  label=${v%%=*}; rest=${v#*=}; bin=${rest%%@*}; envs=()
  [ "$rest" != "$bin" ] && IFS=@ read -ra envs <<<"${rest#*@}"
  mport=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  if [[ $label == floor* ]]; then
    env "${envs[@]}" "$bin" https://127.0.0.1:$port "$W/containerd/containerd.sock" > "$OUT/agent-$label.log" 2>&1 &
    apid[$label]=$!; amport[$label]=0; pids+=($!); sleep 2; continue
  fi
  env "${envs[@]}" "$bin" --server https://127.0.0.1:$port --token "$token" --node-name "ab-$label" --data-dir "$W/agent-$label" \
    --containerd-socket "$W/containerd/containerd.sock" --cni-conf-dir "$W/cni-$label" --cni-bridge drover3 --cni-ip-masq false \
    --metrics-addr 127.0.0.1:$mport --serving-addr 127.0.0.1:0 > "$OUT/agent-$label.log" 2>&1 &
  apid[$label]=$!; amport[$label]=$mport; pids+=($!)
  sleep 2
done
sleep "$SETTLE"
printf '%-14s %8s %8s %8s %8s %8s %5s\n' variant VmRSS RssAnon RssFile Pss HWM thr
for label in "${!apid[@]}"; do
  p=${apid[$label]}
  cp /proc/$p/smaps "$OUT/smaps-$label"; cp /proc/$p/status "$OUT/status-$label"
  curl -s http://127.0.0.1:${amport[$label]}/metrics > "$OUT/metrics-$label.txt" || true
  g() { awk -v k="$1:" '$1==k{print $2}' /proc/$p/status; }
  pss=$(awk '$1=="Pss:"{print $2}' /proc/$p/smaps_rollup)
  printf '%-14s %8s %8s %8s %8s %8s %5s\n' "$label" $(g VmRSS) $(g RssAnon) $(g RssFile) $pss $(g VmHWM) $(g Threads)
done
echo "out: $OUT  load: $(cat /proc/loadavg)"
