#!/usr/bin/env bash
# Pod network route convergence (docs/BENCHMARKS.md, "Pod network: route convergence"), host-gw and vxlan in one run:
# how long after a node joins, and after it leaves, every other host has (or no longer has) its route — and with vxlan
# its FDB entry — in the kernel. Each backend gets a fresh three-host cluster from packaging/multihost.sh (no workload).
# A join is a Node object becoming a complete peer, as an agent's registration ends: the Node (podCIDR, backend and
# VTEP MAC annotations) is created, then its status with an InternalIP is written — t0 is taken just before that write
# (one curl on loopback). A leave is the Node's DELETE (t0 just before it). Then the three hosts' kernels are polled
# (ip route / bridge fdb in each namespace, a pass every few ms) until every one has the change; the figure is the
# slowest host's. The paper Node has no agent and is unschedulable; its LAN address is unused (routes do not need it up).
#   bench/podnet-converge.sh [--bin DIR] [--rounds 10]   (DIR: droverd, drover-agent, drover, drover-ingress; default artifacts/bin)
# Needs root and what multihost.sh needs; run under flock -o /tmp/drover-e2e.lock. Markdown to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/artifacts/bin
ROUNDS=10
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "usage: bench/podnet-converge.sh [--bin DIR] [--rounds N]" >&2; exit 2 ;;
  esac
done
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && ((ROUNDS >= 1 && ROUNDS <= 50)) || { echo "--rounds must be 1..50" >&2; exit 2; }
MH=$ROOT/packaging/multihost.sh
FIRST=56
HOSTS=(56 57 58)
WORK=$(mktemp -d /tmp/drover-podnet-converge.XXXXXX)
trap '"$MH" down "$WORK/cluster" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
log() { printf '==> %s\n' "$*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

api() { curl -sS -f -m 10 -k -H "Authorization: Bearer $TOKEN" "$@"; }

# present HOST CIDR MAC: the route (and with vxlan the FDB entry) for the paper node is in host HOST's kernel.
present() {
  [ -n "$(ip -n "drover-h$1" -4 route show "$2" 2>/dev/null)" ] || return 1
  [ "$BACKEND" != vxlan ] || bridge -n "drover-h$1" fdb show dev drover-vxlan 2>/dev/null | grep -q "^$3 "
}
absent() {
  [ -z "$(ip -n "drover-h$1" -4 route show "$2" 2>/dev/null)" ] || return 1
  [ "$BACKEND" != vxlan ] || ! bridge -n "drover-h$1" fdb show dev drover-vxlan 2>/dev/null | grep -q "^$3 "
}

# wait_all CHECK CIDR MAC T0 → ms from T0 until CHECK holds on every host (the slowest host), or fails after 60 s.
wait_all() {
  local check=$1 cidr=$2 mac=$3 t0=$4 h done_count
  declare -A seen=()
  while :; do
    done_count=0
    for h in "${HOSTS[@]}"; do
      if [ -z "${seen[$h]:-}" ] && "$check" "$h" "$cidr" "$mac"; then seen[$h]=$(now_ms); fi
      [ -n "${seen[$h]:-}" ] && done_count=$((done_count + 1))
    done
    ((done_count == ${#HOSTS[@]})) && break
    (($(now_ms) - t0 < 60000)) || { echo "timeout: $check $cidr on hosts ${!seen[*]} only" >&2; return 1; }
  done
  local slowest=0
  for h in "${HOSTS[@]}"; do ((seen[$h] - t0 > slowest)) && slowest=$((seen[$h] - t0)); done
  echo "$slowest"
}

stats() { python3 -c 'import sys,statistics as s; v=sorted(int(x) for x in sys.argv[1:]); print("%d | %d | %d" % (s.median(v), v[-1], v[0]))' "$@"; }

declare -A RESULT
for BACKEND in host-gw vxlan; do
  log "$BACKEND: three hosts"
  "$MH" up "$WORK/cluster" --nodes 3 --pod-network "$BACKEND" --bin "$BIN" --first-index "$FIRST" --lan 198.51.100.0/24 \
    --lan-bridge drover-lan56 --cluster-cidr 10.156.0.0/16 --no-deploy >/dev/null 2>"$WORK/up.log" || { cat "$WORK/up.log" >&2; exit 1; }
  TOKEN=$(sed -n 's/^ *token: //p' "$WORK/cluster/admin.config")
  SERVER=$(sed -n 's/^server=//p' "$WORK/cluster/cluster")
  joins=(); leaves=()
  for ((i = 1; i <= ROUNDS; i++)); do
    name=paper-$i cidr=10.156.$((200 + i)).0/24 address=198.51.100.$((200 + i)) mac=$(printf '0a:00:00:00:9c:%02x' "$i")
    api -X POST -H 'Content-Type: application/json' "$SERVER/api/v1/nodes" -o /dev/null -d "{\"apiVersion\":\"v1\",\"kind\":\"Node\",
      \"metadata\":{\"name\":\"$name\",\"annotations\":{\"drover.io/pod-network-backend\":\"$BACKEND\",\"drover.io/vtep-mac\":\"$mac\"}},
      \"spec\":{\"podCIDR\":\"$cidr\",\"podCIDRs\":[\"$cidr\"],\"unschedulable\":true}}"
    t0=$(now_ms)
    api -X PATCH -H 'Content-Type: application/merge-patch+json' "$SERVER/api/v1/nodes/$name/status" -o /dev/null \
      -d "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"$address\"}]}}"
    joins+=("$(wait_all present "$cidr" "$mac" "$t0")")
    sleep 0.5
    t0=$(now_ms)
    api -X DELETE "$SERVER/api/v1/nodes/$name" -o /dev/null
    leaves+=("$(wait_all absent "$cidr" "$mac" "$t0")")
    log "$BACKEND round $i: join ${joins[-1]} ms, leave ${leaves[-1]} ms"
    sleep 0.5
  done
  RESULT[$BACKEND-join]=$(stats "${joins[@]}")
  RESULT[$BACKEND-leave]=$(stats "${leaves[@]}")
  RESULT[$BACKEND-all]="join ${joins[*]}; leave ${leaves[*]}"
  "$MH" down "$WORK/cluster" >/dev/null 2>&1
done

cat <<EOT
### Pod network: route convergence after a join and a leave ($(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg))
\`bench/podnet-converge.sh --rounds $ROUNDS\` (3 hosts; ms from the API write until the slowest host's kernel has the change)

| backend | event | p50 ms | max ms | min ms |
| --- | --- | ---: | ---: | ---: |
| host-gw | join (route on every host) | ${RESULT[host-gw-join]} |
| host-gw | leave (route gone everywhere) | ${RESULT[host-gw-leave]} |
| vxlan | join (route + FDB on every host) | ${RESULT[vxlan-join]} |
| vxlan | leave (route + FDB gone everywhere) | ${RESULT[vxlan-leave]} |

Each round (ms): host-gw ${RESULT[host-gw-all]}; vxlan ${RESULT[vxlan-all]}.
EOT
