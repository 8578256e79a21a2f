#!/usr/bin/env bash
# Pod network route convergence (docs/BENCHMARKS.md, "Pod network: route convergence"), host-gw and vxlan in one run:
# how long after a node joins, and after it leaves, every other host has (or no longer has) its route — and with vxlan
# its FDB entry — in the kernel. Each backend gets a fresh three-host cluster from packaging/multihost.sh (no workload).
# A join is a Node object becoming a complete peer, as an agent's registration ends: the Node (podCIDR, backend and
# VTEP MAC annotations) is created, then its status with an InternalIP is written — t0 is taken just before that write
# (one curl on loopback). A leave is the Node's DELETE (t0 just before it). The end is read from the kernels themselves:
# `ip -ts monitor route` runs in each host's namespace and timestamps the route's addition (with vxlan the FDB and
# neighbour entries go in just before it, in the same pass) and its deletion; the figure is the slowest host's. The
# paper Node has no agent and is unschedulable; its LAN address is unused (routes do not need it up).
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
MONITORS=()
trap '((${#MONITORS[@]} == 0)) || kill "${MONITORS[@]}" 2>/dev/null || true; "$MH" down "$WORK/cluster" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
log() { printf '==> %s\n' "$*" >&2; }

api() { curl -sS -f -m 10 -k -H "Authorization: Bearer $TOKEN" "$@"; }

# route_on HOST CIDR: host HOST's main table has a route for CIDR.
route_on() { [ -n "$(ip -n "drover-h$1" -4 route show "$2" 2>/dev/null)" ]; }

# wait_hosts present|absent CIDR: until every host has (or no longer has) the route; 60 s at most. Only a gate between
# steps: the times come from the monitors.
wait_hosts() {
  local want=$1 cidr=$2 h deadline=$((SECONDS + 60)) left
  while :; do
    left=0
    for h in "${HOSTS[@]}"; do
      if route_on "$h" "$cidr"; then [ "$want" = present ] || left=1; else [ "$want" = absent ] || left=1; fi
    done
    ((left)) || return 0
    ((SECONDS < deadline)) || { echo "bench/podnet-converge.sh: $cidr not $want on every host within 60 s" >&2; return 1; }
    sleep 0.1
  done
}

# converge EVENTS MONITOR-LOGS...: per event line "join|leave ROUND CIDR T0_NS", the ms from T0 until the last host's
# monitor shows the route added (join) or deleted (leave).
converge() {
  python3 - "$@" <<'PY'
import datetime, re, sys
events = [l.split() for l in open(sys.argv[1]) if l.strip()]
hosts = []
for path in sys.argv[2:]:
    lines = []
    for l in open(path):
        m = re.match(r"\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)\] (Deleted )?(\S+) ", l)
        if m:
            t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
            lines.append((t, bool(m.group(2)), m.group(3)))
    hosts.append(lines)
for kind, rnd, cidr, t0 in events:
    t0 = int(t0) / 1e9
    ends = []
    for lines in hosts:
        hit = [t for t, deleted, dest in lines if dest == cidr and deleted == (kind == "leave") and t >= t0 - 0.001]
        ends.append(min(hit) if hit else float("nan"))
    print(kind, rnd, "%.0f" % ((max(ends) - t0) * 1000))
PY
}

stats() { python3 -c 'import sys,statistics as s; v=sorted(int(x) for x in sys.argv[1:]); print("%d | %d | %d" % (s.median(v), v[-1], v[0]))' "$@"; }

declare -A RESULT
for BACKEND in host-gw vxlan; do
  log "$BACKEND: three hosts"
  "$MH" up "$WORK/cluster" --nodes 3 --pod-network "$BACKEND" --bin "$BIN" --first-index "$FIRST" --lan 198.51.100.0/24 \
    --lan-bridge drover-lan56 --cluster-cidr 10.156.0.0/16 --no-deploy >/dev/null 2>"$WORK/up.log" || { cat "$WORK/up.log" >&2; exit 1; }
  TOKEN=$(sed -n 's/^ *token: //p' "$WORK/cluster/admin.config")
  SERVER=$(sed -n 's/^server=//p' "$WORK/cluster/cluster")
  for h in "${HOSTS[@]}"; do
    ip -n "drover-h$h" -ts monitor route >"$WORK/monitor-$BACKEND-$h.log" 2>&1 &
    MONITORS+=("$!")
  done
  sleep 1
  : >"$WORK/events-$BACKEND"
  for ((i = 1; i <= ROUNDS; i++)); do
    name=paper-$i cidr=10.156.$((200 + i)).0/24 address=198.51.100.$((200 + i)) mac=$(printf '0a:00:00:00:9c:%02x' "$i")
    api -X POST -H 'Content-Type: application/json' "$SERVER/api/v1/nodes" -o /dev/null -d "{\"apiVersion\":\"v1\",\"kind\":\"Node\",
      \"metadata\":{\"name\":\"$name\",\"annotations\":{\"drover.io/pod-network-backend\":\"$BACKEND\",\"drover.io/vtep-mac\":\"$mac\"}},
      \"spec\":{\"podCIDR\":\"$cidr\",\"podCIDRs\":[\"$cidr\"],\"unschedulable\":true}}"
    sleep 0.5
    t0=$(date +%s%N)
    api -X PATCH -H 'Content-Type: application/merge-patch+json' "$SERVER/api/v1/nodes/$name/status" -o /dev/null \
      -d "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"$address\"}]}}"
    echo "join $i $cidr $t0" >>"$WORK/events-$BACKEND"
    wait_hosts present "$cidr"
    sleep 0.5
    t0=$(date +%s%N)
    api -X DELETE "$SERVER/api/v1/nodes/$name" -o /dev/null
    echo "leave $i $cidr $t0" >>"$WORK/events-$BACKEND"
    wait_hosts absent "$cidr"
    log "$BACKEND round $i done"
    sleep 0.5
  done
  sleep 1
  kill "${MONITORS[@]}" 2>/dev/null || true
  wait "${MONITORS[@]}" 2>/dev/null || true
  MONITORS=()
  logs=(); for h in "${HOSTS[@]}"; do logs+=("$WORK/monitor-$BACKEND-$h.log"); done
  times=$(converge "$WORK/events-$BACKEND" "${logs[@]}")
  joins=($(awk '$1 == "join" { print $3 }' <<<"$times"))
  leaves=($(awk '$1 == "leave" { print $3 }' <<<"$times"))
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
