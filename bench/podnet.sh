#!/usr/bin/env bash
# Pod network benchmark (docs/BENCHMARKS.md, "Pod network"): iperf3 throughput and ping latency pod → pod on the same
# host and across hosts, for host-gw and vxlan side by side in one run. Each backend gets a fresh two-host cluster from
# packaging/multihost.sh (network namespaces joined by a LAN bridge on 198.51.100.0/24, examples/hello.yaml scaled to 4
# replicas: 2 pods per host); iperf3 and busybox ping are this machine's binaries run inside the pods' network namespaces
# (multihost.sh pod-run), so the packets take the pods' real path: veth, bridge, route or VXLAN device, LAN. Beside
# them, the two hosts' own namespaces over the same LAN (this one-machine simulation's floor for any across-hosts path),
# and the kernel's floor for the backend (bench/lib/podnet-floor.sh: "floor pods" in namespaces of their own on a bridge
# of their own in the same two hosts, joined by a plain route or a plain kernel VXLAN device, without Drover's agent).
#   bench/podnet.sh [--bin DIR] [--seconds 5]     (DIR: droverd, drover-agent, drover, drover-ingress; default artifacts/bin)
# Needs root, iperf3 and what multihost.sh needs; run under flock /tmp/drover-e2e.lock. Markdown to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/artifacts/bin
SECONDS_PER_RUN=5
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    *) echo "usage: bench/podnet.sh [--bin DIR] [--seconds N]" >&2; exit 2 ;;
  esac
done
command -v iperf3 >/dev/null || { echo "bench/podnet.sh: iperf3 is missing (./build.sh deps)" >&2; exit 1; }
MH=$ROOT/packaging/multihost.sh
WORK=$(mktemp -d /tmp/drover-podnet-bench.XXXXXX)
# shellcheck source=bench/lib/podnet-floor.sh
. "$ROOT/bench/lib/podnet-floor.sh"
trap 'floor_down; "$MH" down "$WORK/cluster" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
log() { printf '==> %s\n' "$*" >&2; }

# in_place WHERE CMD…: CMD in a pod's network namespace (WHERE: its IP), a host's own (WHERE: host:INDEX) or a floor
# pod's (WHERE: ns:NAME).
in_place() {
  local where=$1; shift
  case "$where" in
    host:*) "$MH" run "$WORK/cluster" "${where#host:}" "$@" ;;
    ns:*) ip netns exec "${where#ns:}" "$@" ;;
    *) "$MH" pod-run "$WORK/cluster" "$where" "$@" ;;
  esac
}

# throughput SERVER_WHERE SERVER_IP CLIENT_WHERE → Gbit/s received; latency → ping avg ms
# A daemonised server may not listen yet when the client starts (iperf3 then reports an error, not a figure): up to 3
# attempts, each failure logged with iperf3's own error.
throughput() {
  local attempt json
  for attempt in 1 2 3; do
    in_place "$1" iperf3 -s -1 -D -p 5201 >/dev/null 2>&1 || true
    sleep 0.5
    json=$(in_place "$3" iperf3 -c "$2" -p 5201 -t "$SECONDS_PER_RUN" -J) || true
    if python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))' <<<"$json" 2>/dev/null; then
      return 0
    fi
    log "iperf3 $3 -> $1, attempt $attempt: $(python3 -c 'import json,sys; print(json.load(sys.stdin).get("error", "no figure"))' <<<"$json" 2>/dev/null || echo "no output")"
    sleep 2
  done
  return 1
}
latency() {
  in_place "$2" busybox ping -q -c 200 -i 0.005 "$1" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p'
}

declare -A RESULT
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
for backend in host-gw vxlan; do
  RESULT[$backend-load]=$(cut -d' ' -f1 /proc/loadavg)
  log "$backend: two hosts"
  "$MH" up "$WORK/cluster" --nodes 2 --pod-network "$backend" --bin "$BIN" --first-index 50 >/dev/null 2>"$WORK/up.log" || { cat "$WORK/up.log" >&2; exit 1; }
  "$BIN/drover" --config "$WORK/cluster/admin.config" scale deployment/hello --replicas 4 >/dev/null
  "$BIN/drover" --config "$WORK/cluster/admin.config" rollout status deployment/hello --timeout 300s >/dev/null
  pods=$("$BIN/drover" --config "$WORK/cluster/admin.config" get pods -o wide --no-headers)
  # Running ones only: a pod being deleted (Terminating) is still listed after rollout status, its container gone.
  server=$(awk '$3 == "Running" && $7 == "node-1" { print $6 }' <<<"$pods" | sed -n 1p)
  same=$(awk '$3 == "Running" && $7 == "node-1" { print $6 }' <<<"$pods" | sed -n 2p)
  cross=$(awk '$3 == "Running" && $7 == "node-2" { print $6 }' <<<"$pods" | sed -n 1p)
  [ -n "$server" ] && [ -n "$same" ] && [ -n "$cross" ] || { echo "bench/podnet.sh: need 2 pods on node-1 and 1 on node-2:" >&2; echo "$pods" >&2; exit 1; }
  RESULT[$backend-same-gbps]=$(throughput "$server" "$server" "$same")
  RESULT[$backend-cross-gbps]=$(throughput "$server" "$server" "$cross")
  # The two hosts' own namespaces over the LAN (no pod, no backend): on one machine every path shares the same cores,
  # so a pod path across hosts, which adds the pods' veths and bridges to this one, cannot go faster.
  nodes=$("$BIN/drover" --config "$WORK/cluster/admin.config" get nodes -o wide --no-headers)
  host1=$(awk '$1 == "node-1" { print $6 }' <<<"$nodes")
  host2=$(awk '$1 == "node-2" { print $6 }' <<<"$nodes")
  RESULT[$backend-lan-gbps]=$(throughput host:50 "$host1" host:51)
  RESULT[$backend-same-ms]=$(latency "$server" "$same")
  RESULT[$backend-cross-ms]=$(latency "$server" "$cross")
  # The kernel's floor for this backend in the same two hosts, beside Drover's pods: same bridge-veth shape, no agent.
  floor_up 50 "$host1" 51 "$host2" "$([ "$backend" = host-gw ] && echo route || echo vxlan)"
  RESULT[$backend-floor-same-gbps]=$(throughput "ns:$FLOOR_SERVER" "$FLOOR_SERVER_IP" "ns:$FLOOR_SAME")
  RESULT[$backend-floor-cross-gbps]=$(throughput "ns:$FLOOR_SERVER" "$FLOOR_SERVER_IP" "ns:$FLOOR_CROSS")
  RESULT[$backend-floor-cross-ms]=$(latency "$FLOOR_SERVER_IP" "ns:$FLOOR_CROSS")
  floor_down
  log "$backend: same host ${RESULT[$backend-same-gbps]} Gbit/s ${RESULT[$backend-same-ms]} ms, across hosts ${RESULT[$backend-cross-gbps]} Gbit/s ${RESULT[$backend-cross-ms]} ms, host to host ${RESULT[$backend-lan-gbps]} Gbit/s, kernel floor same ${RESULT[$backend-floor-same-gbps]} across ${RESULT[$backend-floor-cross-gbps]} Gbit/s ${RESULT[$backend-floor-cross-ms]} ms"
  "$MH" down "$WORK/cluster" >/dev/null 2>&1
done

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
cat <<EOT
### Pod network: pod → pod, same host vs across hosts (${STARTED}, load ${RESULT[host-gw-load]} at the start)
\`bench/podnet.sh --seconds $SECONDS_PER_RUN\` (iperf3 TCP one stream ${SECONDS_PER_RUN} s; ping 200 × 5 ms, average RTT)

| backend | load (1 min) at its start | same host Gbit/s | across hosts Gbit/s | across / same | kernel floor: same host / across Gbit/s | floor across / floor same | Drover across / floor across | host ↔ host (LAN) Gbit/s | LAN / same host | RTT ms same / across / floor across |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
EOT
for b in host-gw vxlan; do
  echo "| $b | ${RESULT[$b-load]} | ${RESULT[$b-same-gbps]} | ${RESULT[$b-cross-gbps]} | $(ratio "${RESULT[$b-cross-gbps]}" "${RESULT[$b-same-gbps]}") | ${RESULT[$b-floor-same-gbps]} / ${RESULT[$b-floor-cross-gbps]} | $(ratio "${RESULT[$b-floor-cross-gbps]}" "${RESULT[$b-floor-same-gbps]}") | $(ratio "${RESULT[$b-cross-gbps]}" "${RESULT[$b-floor-cross-gbps]}") | ${RESULT[$b-lan-gbps]} | $(ratio "${RESULT[$b-lan-gbps]}" "${RESULT[$b-same-gbps]}") | ${RESULT[$b-same-ms]} / ${RESULT[$b-cross-ms]} / ${RESULT[$b-floor-cross-ms]} |"
done
echo
echo "Load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
