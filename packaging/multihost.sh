#!/usr/bin/env bash
# Several hosts on one machine, as far as the network is concerned: each "host" is a network namespace with its own
# interfaces, routes and nftables tables, its own containerd (run-private.sh, started inside the namespace) and pod
# bridge; the hosts are joined by a bridge in this namespace acting as their LAN. The filesystem is shared (the
# namespaces are entered with nsenter --net only), so containerd's mounts, the pods' network namespace files and the
# cgroups stay where the host's tools and clean-up find them. Used by `./build.sh up --nodes N` and by the tests'
# TestCluster (multi-host mode), so the end-to-end tests run on real separate network stacks.
#
#   multihost.sh lan-up DIR BRIDGE CIDR       the LAN: bridge BRIDGE here with CIDR's first address (the "gateway",
#                                             where droverd listens); state in DIR
#   multihost.sh host-up DIR INDEX ADDRESS    host INDEX: namespace drover-hINDEX, its eth0 (ADDRESS, on the LAN through
#                                             the veth drover-hINDEX, default route via the gateway), lo up, and containerd
#                                             INDEX started inside (run-private.sh start DIR/hINDEX/containerd INDEX; the
#                                             agent writes the CNI conflist for the podCIDR droverd gives it)
#   multihost.sh run DIR INDEX CMD...         CMD in host INDEX's network namespace (the agent, the ingress, a probe)
#   multihost.sh pod-run DIR POD_IP CMD...    CMD in the network namespace of the pod with that address, on any host
#   multihost.sh pod-exec DIR POD_IP CMD...   CMD inside that pod's (first) app container, as `kubectl exec` runs it: its
#                                             network, mount and UTS namespaces (its own files, /etc/resolv.conf, busybox)
#   multihost.sh link DIR INDEX up|down       the host's cable: its LAN port up or down (a node falling off the network)
#   multihost.sh host-down DIR INDEX          processes in the namespace killed, containerd emptied and stopped
#                                             (run-private.sh stop), the namespace deleted with everything in it
#   multihost.sh lan-down DIR                 every host still up, then the LAN bridge
#   multihost.sh up DIR --nodes N [--pod-network vxlan|host-gw] [--bin DIR] [--first-index 30] [--lan 198.51.100.0/24]
#                   [--lan-bridge drover-lan] [--cluster-cidr 10.42.0.0/16] [--no-deploy]
#                                             the demo: LAN, droverd on the gateway address, N hosts each with a drover-agent
#                                             (service proxy and cluster DNS on, as k3s), drover-ingress on the first host
#                                             (port 80 of its LAN address), examples/hello.yaml. The tests give every
#                                             cluster a --cluster-cidr of its own, so no stale rule for 10.42/16 in this
#                                             namespace (an interrupted single-host run's) can touch its pods' traffic.
#   multihost.sh join DIR                     one more host with its agent (node-N+1) joins the cluster `up` started
#   multihost.sh agent DIR N kill|start       node-N's agent killed with SIGKILL (a crash: pods and kernel rules left as
#                                             they are), or started again as `up` started it
#   multihost.sh down DIR                     every process `up` or `join` started (by pid), every host, the LAN, and the
#                                             cluster's state (droverd's data, the hosts' containerd and agent data); logs
#                                             kept until the next up, which always starts a new cluster
#
# Only namespaces, links and bridges this script creates are touched; addresses come from a documentation range.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
RUN_PRIVATE=$HERE/containerd/run-private.sh
NETNS_DIR=/var/run/netns

log() { printf 'multihost: %s\n' "$*" >&2; }
die() { printf 'multihost: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '9,35p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

require_root() { [ "$(id -u)" = 0 ] || die "network namespaces and bridges need root"; }
require_tools() {
  local missing=() t
  for t in ip nsenter setsid; do command -v "$t" >/dev/null || missing+=("$t"); done
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]} (Debian: iproute2 util-linux)"
}

valid_index() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 <= 255)) || die "INDEX must be 0..255 (got '$1')"; }

# CIDR arithmetic for IPv4 in shell integers.
ip_to_int() { local IFS=.; read -r a b c d <<<"$1"; echo $(((a << 24) | (b << 16) | (c << 8) | d)); }
int_to_ip() { echo "$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"; }
valid_cidr() {
  [[ "$1" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})/([0-9]{1,2})$ ]] || return 1
  local i; for i in 1 2 3 4; do ((BASH_REMATCH[i] <= 255)) || return 1; done
  ((BASH_REMATCH[5] >= 8 && BASH_REMATCH[5] <= 29))
}
# in_cidr ADDRESS CIDR: ADDRESS is a host address of CIDR (not its network or broadcast address).
in_cidr() {
  local prefix=${2#*/} net mask a
  net=$(ip_to_int "${2%/*}"); a=$(ip_to_int "$1")
  mask=$(((0xffffffff << (32 - prefix)) & 0xffffffff))
  (((a & mask) == (net & mask) && (a & ~mask & 0xffffffff) != 0 && (a | mask) != 0xffffffff))
}

netns_of() { echo "drover-h$1"; }
host_dir() { echo "$DIR/h$1"; }
lan_value() { sed -n "s/^$1=//p" "$DIR/lan" 2>/dev/null; }
in_host() { local index=$1; shift; nsenter --net="$NETNS_DIR/$(netns_of "$index")" -- "$@"; }

cmd_lan_up() {
  local bridge=$1 cidr=$2
  [[ "$bridge" =~ ^[a-zA-Z0-9_.-]{1,15}$ ]] || die "BRIDGE must be an interface name of 1-15 characters (got '$bridge')"
  valid_cidr "$cidr" || die "CIDR must be an IPv4 network such as 198.51.100.0/24, /8 to /29 (got '$cidr')"
  local prefix=${cidr#*/} net gateway
  net=$(($(ip_to_int "${cidr%/*}") & ((0xffffffff << (32 - prefix)) & 0xffffffff)))
  gateway=$(int_to_ip $((net + 1)))
  mkdir -p "$DIR"
  if [ -f "$DIR/lan" ]; then
    [ "$(lan_value bridge)" = "$bridge" ] && [ "$(lan_value cidr)" = "$(int_to_ip "$net")/$prefix" ] \
      || die "$DIR already holds LAN $(lan_value bridge) $(lan_value cidr)"
  fi
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add "$bridge" type bridge
  elif [ ! -f "$DIR/lan" ]; then
    die "a link named $bridge exists and is not this directory's LAN"
  fi
  ip addr replace "$gateway/$prefix" dev "$bridge"
  ip link set "$bridge" up
  printf 'bridge=%s\ncidr=%s\ngateway=%s\nprefix=%s\n' "$bridge" "$(int_to_ip "$net")/$prefix" "$gateway" "$prefix" >"$DIR/lan"
  log "LAN $bridge $(int_to_ip "$net")/$prefix, gateway $gateway"
}

cmd_host_up() {
  local index=$1 address=$2
  valid_index "$index"
  [ -f "$DIR/lan" ] || die "no LAN in $DIR: lan-up first"
  local bridge cidr gateway prefix ns veth hdir
  bridge=$(lan_value bridge); cidr=$(lan_value cidr); gateway=$(lan_value gateway); prefix=$(lan_value prefix)
  [[ "$address" =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}$ ]] && in_cidr "$address" "$cidr" && [ "$address" != "$gateway" ] \
    || die "ADDRESS must be a host address of the LAN $cidr other than the gateway $gateway (got '$address')"
  ns=$(netns_of "$index"); veth=$ns; hdir=$(host_dir "$index")
  mkdir -p "$hdir"
  if [ ! -e "$NETNS_DIR/$ns" ]; then
    ip netns add "$ns"
  elif [ "$(cat "$hdir/address" 2>/dev/null)" != "$address" ]; then
    die "namespace $ns exists and is not host $index of $DIR with address $address"
  fi
  printf '%s\n' "$address" >"$hdir/address"
  ip -n "$ns" link set lo up
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth0 netns "$ns"
  fi
  ip link set "$veth" master "$bridge"
  ip link set "$veth" up
  ip -n "$ns" addr replace "$address/$prefix" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace default via "$gateway" dev eth0
  # A router between its pods and the LAN, as every node is.
  in_host "$index" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
  if ! in_host "$index" "$RUN_PRIVATE" status "$hdir/containerd" 2>/dev/null; then
    DROVER_CNI_CONFLIST=agent in_host "$index" "$RUN_PRIVATE" start "$hdir/containerd" "$index"
  fi
  log "host $index: namespace $ns, eth0 $address/$prefix on $bridge, containerd $hdir/containerd/containerd.sock"
}

cmd_link() {
  local index=$1 state=$2
  valid_index "$index"
  case "$state" in up|down) ;; *) die "link DIR INDEX up|down (got '$state')" ;; esac
  ip link set "$(netns_of "$index")" "$state"
}

# PIDs of processes whose network namespace is host INDEX's.
pids_in_host() {
  local ns_id pid
  ns_id=$(stat -L -c %i "$NETNS_DIR/$(netns_of "$1")" 2>/dev/null) || return 0
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    [ "$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" = "$ns_id" ] && echo "$pid"
  done
  return 0
}

cmd_host_down() {
  local index=$1 ns hdir pid
  valid_index "$index"
  ns=$(netns_of "$index"); hdir=$(host_dir "$index")
  if [ -e "$NETNS_DIR/$ns" ]; then
    # What runs on the host besides containerd and its shims (agent, ingress): stopped first, so that nothing
    # restarts pods while containerd is emptied. The pods have network namespaces of their own: not listed here.
    for pid in $(pids_in_host "$index"); do
      case "$(cat "/proc/$pid/comm" 2>/dev/null)" in containerd|containerd-shim*) ;; *) kill -TERM "$pid" 2>/dev/null || true ;; esac
    done
    local left
    for _ in $(seq 1 100); do
      left=0
      for pid in $(pids_in_host "$index"); do
        case "$(cat "/proc/$pid/comm" 2>/dev/null)" in containerd|containerd-shim*) ;; *) left=1 ;; esac
      done
      ((left)) || break
      sleep 0.1
    done
  fi
  if [ -d "$hdir/containerd" ]; then
    if [ -e "$NETNS_DIR/$ns" ]; then
      in_host "$index" "$RUN_PRIVATE" stop "$hdir/containerd" || true
    else
      "$RUN_PRIVATE" stop "$hdir/containerd" || true
    fi
  fi
  if [ -e "$NETNS_DIR/$ns" ]; then
    for pid in $(pids_in_host "$index"); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || { umount -l "$NETNS_DIR/$ns" 2>/dev/null; rm -f "$NETNS_DIR/$ns"; }
  fi
  # The veth goes with the namespace's end; a leftover (the namespace file lost) is removed here.
  if ip link show "$ns" >/dev/null 2>&1; then ip link delete "$ns" 2>/dev/null || true; fi
  rmdir "$NETNS_DIR" 2>/dev/null || true
  log "host $index down"
}

hosts_of() { local d; for d in "$DIR"/h[0-9]*; do [ -d "$d" ] && echo "${d##*/h}"; done; return 0; }

cmd_lan_down() {
  local index bridge
  for index in $(hosts_of); do cmd_host_down "$index"; done
  bridge=$(lan_value bridge)
  if [ -n "$bridge" ] && ip link show "$bridge" >/dev/null 2>&1; then ip link delete "$bridge"; fi
  rm -f "$DIR/lan"
  log "LAN ${bridge:-(none)} down"
}

# ---- the demo: droverd on the LAN's gateway address, N hosts each with an agent, the ingress on the first ----

# Starts CMD detached (own session, output to LOG) in host INDEX, or here for INDEX "-"; records NAME PID in DIR/pids.
spawn() {
  local name=$1 index=$2 logfile=$3; shift 3
  if [ "$index" = - ]; then
    setsid "$@" >>"$logfile" 2>&1 </dev/null &
  else
    setsid nsenter --net="$NETNS_DIR/$(netns_of "$index")" -- "$@" >>"$logfile" 2>&1 </dev/null &
  fi
  printf '%s %s\n' "$name" "$!" >>"$DIR/pids"
}

wait_for() {
  local what=$1 tries=$2; shift 2
  for ((i = 0; i < tries; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "timed out waiting for $what"
}

# start_node N FIRST NET BIN SERVER TOKEN: host FIRST+N-1 (LAN address NET+10+N) up, with drover-agent node-N joined.
start_node() {
  local n=$1 first=$2 net=$3
  cmd_host_up $((first + n - 1)) "$(int_to_ip $((net + 10 + n)))"
  start_agent "$@"
}

# start_agent N FIRST NET BIN SERVER TOKEN: drover-agent node-N on host FIRST+N-1 (its log appended to).
start_agent() {
  local n=$1 first=$2 net=$3 bin=$4 server=$5 token=$6 index address hdir
  index=$((first + n - 1)); address=$(int_to_ip $((net + 10 + n))); hdir=$(host_dir "$index")
  spawn "agent-$n" "$index" "$DIR/logs/agent-$n.log" "$bin/drover-agent" --server "$server" --token "$token" \
    --node-name "node-$n" --node-ip "$address" --data-dir "$hdir/agent" --containerd-socket "$hdir/containerd/containerd.sock" \
    --cni-conf-dir "$hdir/containerd/cni/conf" --cni-bridge "drover$index" --cgroup-root "/drover$index" \
    --metrics-addr off --serving-addr "$address:10250" --dbus-address off
}

cluster_value() { sed -n "s/^$1=//p" "$DIR/cluster" 2>/dev/null; }

# One more host joins a cluster `up` started: node-(N+1) on the next index and LAN address, Ready when this returns.
cmd_join() {
  [ -f "$DIR/cluster" ] || die "$DIR has no cluster (multihost.sh up first)"
  local nodes first bin n
  nodes=$(cluster_value nodes); first=$(cluster_value first); bin=$(cluster_value bin)
  n=$((nodes + 1))
  ((n <= 9)) || die "a cluster of this script has at most 9 hosts"
  valid_index $((first + n - 1))
  start_node "$n" "$first" "$(cluster_value net)" "$bin" "$(cluster_value server)" "$(cat "$DIR/server/credentials/join-token")"
  sed -i "s/^nodes=.*/nodes=$n/" "$DIR/cluster"
  wait_for "node-$n Ready" 600 sh -c "'${bin}/drover' --config '$DIR/admin.config' get nodes --no-headers 2>/dev/null | grep -w 'node-$n' | grep -qw Ready"
  log "join: node-$n on host $((first + n - 1))"
}

# The agent of node-N killed with SIGKILL (no clean-up of any kind, as a crash), or started again with the arguments
# `up` gave it; its pods, their network and the kernel's service rules stay as they are in between.
cmd_agent() {
  local n=$1 action=$2 pid
  [ -f "$DIR/cluster" ] || die "$DIR has no cluster (multihost.sh up first)"
  [[ "$n" =~ ^[1-9]$ ]] && ((n <= $(cluster_value nodes))) || die "agent: N must be a node of the cluster, 1..$(cluster_value nodes) (got '$n')"
  pid=$(awk -v name="agent-$n" '$1 == name { p = $2 } END { print p }' "$DIR/pids")
  case "$action" in
    kill)
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || die "agent-$n is not running"
      kill -KILL "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
      # Its pid is free for anyone now: `down` must not kill it later.
      sed -i "/^agent-$n $pid\$/d" "$DIR/pids"
      log "agent-$n (pid $pid) killed" ;;
    start)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then die "agent-$n is running (pid $pid)"; fi
      start_agent "$n" "$(cluster_value first)" "$(cluster_value net)" "$(cluster_value bin)" "$(cluster_value server)" "$(cat "$DIR/server/credentials/join-token")"
      log "agent-$n started again" ;;
    *) die "agent DIR N kill|start (got '$action')" ;;
  esac
}

cmd_up() {
  local nodes=3 backend=vxlan bin=$REPO/artifacts/bin first=30 lan=198.51.100.0/24 deploy=1 lan_bridge=drover-lan cluster_cidr=10.42.0.0/16
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) nodes=$2; shift 2 ;;
      --pod-network) backend=$2; shift 2 ;;
      --bin) bin=$2; shift 2 ;;
      --first-index) first=$2; shift 2 ;;
      --lan) lan=$2; shift 2 ;;
      --lan-bridge) lan_bridge=$2; shift 2 ;;
      --cluster-cidr) cluster_cidr=$2; shift 2 ;;
      --no-deploy) deploy=0; shift ;;
      *) die "up: unknown option '$1'" ;;
    esac
  done
  [[ "$nodes" =~ ^[0-9]+$ ]] && ((nodes >= 1 && nodes <= 9)) || die "--nodes must be 1..9 (got '$nodes')"
  case "$backend" in vxlan|host-gw|none) ;; *) die "--pod-network must be vxlan, host-gw or none (got '$backend')" ;; esac
  valid_index "$first"; valid_index $((first + nodes - 1))
  valid_cidr "$cluster_cidr" || die "--cluster-cidr must be an IPv4 network such as 10.42.0.0/16 (got '$cluster_cidr')"
  local b; for b in droverd drover-agent drover drover-ingress; do [ -x "$bin/$b" ] || die "$bin/$b is missing (./build.sh publish)"; done
  [ ! -s "$DIR/pids" ] || die "$DIR is already up (multihost.sh down $DIR first)"
  # A new cluster every time: droverd's store and the hosts' containerd and agent state of an earlier one (a down
  # before this version kept them) would bring its nodes, pods and pod-network backend back.
  remove_state
  rm -rf "$DIR/logs"
  mkdir -p "$DIR/logs"
  : >"$DIR/pids"
  cmd_lan_up "$lan_bridge" "$lan"
  local gateway prefix net server token
  gateway=$(lan_value gateway); prefix=$(lan_value prefix)
  net=$(ip_to_int "${lan%/*}")
  server=https://$gateway:6443
  # The documentation range's hosts are the LAN; pods get --cluster-cidr (10.42.0.0/16 as on a real cluster), which
  # droverd publishes with the backend for the agents (their service proxy's masquerade decision reads it there too).
  spawn droverd - "$DIR/logs/droverd.log" "$bin/droverd" --data-dir "$DIR/server" --bind-address "$gateway" --port 6443 \
    --advertise-address "$gateway" --pod-network "$backend" --cluster-cidr "$cluster_cidr" --write-client-config "$DIR/admin.config" \
    --node-monitor-grace-period 20s --pod-eviction-timeout 10s
  wait_for "droverd's join token" 300 test -s "$DIR/server/credentials/join-token"
  wait_for "droverd at $server" 300 curl -skf "$server/readyz"
  token=$(cat "$DIR/server/credentials/join-token")
  local n
  for ((n = 1; n <= nodes; n++)); do start_node "$n" "$first" "$net" "$bin" "$server" "$token"; done
  local drover=("$bin/drover" --config "$DIR/admin.config")
  wait_for "$nodes Ready nodes" 600 sh -c "[ \$('${bin}/drover' --config '$DIR/admin.config' get nodes --no-headers 2>/dev/null | grep -cw Ready) -ge $nodes ]"
  spawn ingress "$first" "$DIR/logs/ingress.log" "$bin/drover-ingress" --config "$DIR/server/ingress.config" \
    --bind-address "$(int_to_ip $((net + 11)))" --http-port 80 --https-port 443 --metrics-addr off --publish-address "$(int_to_ip $((net + 11)))"
  printf 'nodes=%s\nfirst=%s\nbackend=%s\nserver=%s\ningress=%s\nbin=%s\nnet=%s\n' "$nodes" "$first" "$backend" "$server" "$(int_to_ip $((net + 11)))" "$bin" "$net" >"$DIR/cluster"
  log "up: droverd $server (admin config $DIR/admin.config), $nodes hosts on $lan_bridge ($backend), ingress http://$(int_to_ip $((net + 11))):80"
  ((deploy)) || return 0
  "${drover[@]}" apply -f "$REPO/examples/hello.yaml" >&2
  "${drover[@]}" rollout status deployment/hello --timeout 300s >&2
  "${drover[@]}" get pods -o wide >&2
}

# Runs CMD in the network namespace of the pod with address POD_IP, on whichever host it is (a client "in" the pod).
cmd_pod_run() {
  local address=$1 index pid; shift
  for index in $(hosts_of); do
    [ -S "$(host_dir "$index")/containerd/containerd.sock" ] || continue
    for pid in $(ctr -a "$(host_dir "$index")/containerd/containerd.sock" -n k8s.io task ls 2>/dev/null | awk 'NR > 1 && $3 == "RUNNING" { print $2 }'); do
      if nsenter --net="/proc/$pid/ns/net" ip -4 -o addr show 2>/dev/null | grep -q " inet $address/"; then
        exec nsenter --net="/proc/$pid/ns/net" -- "$@"
      fi
    done
  done
  die "no running pod has address $address"
}

# Runs CMD inside the first app container (not the sandbox) of the pod with address POD_IP, on whichever host it is.
cmd_pod_exec() {
  local address=$1 index socket id pid; shift
  for index in $(hosts_of); do
    socket=$(host_dir "$index")/containerd/containerd.sock
    [ -S "$socket" ] || continue
    for id in $(ctr -a "$socket" -n k8s.io containers ls -q 'labels."io.cri-containerd.kind"==container' 2>/dev/null); do
      pid=$(ctr -a "$socket" -n k8s.io task ls 2>/dev/null | awk -v id="$id" '$1 == id && $3 == "RUNNING" { print $2 }')
      [ -n "$pid" ] || continue
      if nsenter --net="/proc/$pid/ns/net" ip -4 -o addr show 2>/dev/null | grep -q " inet $address/"; then
        exec nsenter -t "$pid" --net --mount --uts -- "$@"
      fi
    done
  done
  die "no running app container has address $address"
}

cmd_down() {
  local name pid
  if [ -f "$DIR/pids" ]; then
    # The agents and the ingress first (nothing restarts pods while containerd is emptied), droverd last.
    while read -r name pid; do
      [ "$name" = droverd ] || kill -TERM "$pid" 2>/dev/null || true
    done <"$DIR/pids"
    sleep 1
  fi
  cmd_lan_down
  if [ -f "$DIR/pids" ]; then
    while read -r name pid; do kill -TERM "$pid" 2>/dev/null || true; done <"$DIR/pids"
    for _ in $(seq 1 50); do
      local alive=0
      while read -r name pid; do kill -0 "$pid" 2>/dev/null && alive=1; done <"$DIR/pids"
      ((alive)) || break
      sleep 0.1
    done
    while read -r name pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$DIR/pids"
    rm -f "$DIR/pids"
  fi
  remove_state
  log "down: $DIR (logs kept in $DIR/logs until the next up)"
}

# The cluster's state under DIR: droverd's data, each host's containerd root and agent data, the client config. Only
# once nothing is mounted under DIR any more (run-private.sh stop unmounts the pods' rootfs and volumes): rm must never
# follow a mount out of DIR.
remove_state() {
  if awk -v d="$DIR/" 'index($5, d) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    log "state under $DIR kept: something is still mounted there"
    return 0
  fi
  rm -rf --one-file-system "$DIR/server" "$DIR"/h[0-9]* "$DIR/admin.config" "$DIR/cluster"
}

CMD=${1:-}
[ -n "$CMD" ] || usage
shift
case "$CMD" in
  lan-up|host-up|run|pod-run|pod-exec|link|host-down|lan-down|up|join|agent|down) ;;
  -h|--help|help) usage ;;
  *) die "unknown command '$CMD'" ;;
esac
[ $# -ge 1 ] || usage
DIR=$1; shift
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
require_root
require_tools
case "$CMD" in
  lan-up) [ $# -eq 2 ] || usage; cmd_lan_up "$@" ;;
  host-up) [ $# -eq 2 ] || usage; cmd_host_up "$@" ;;
  run) [ $# -ge 2 ] || usage; index=$1; shift; valid_index "$index"; in_host "$index" "$@" ;;
  pod-run) [ $# -ge 2 ] || usage; cmd_pod_run "$@" ;;
  pod-exec) [ $# -ge 2 ] || usage; cmd_pod_exec "$@" ;;
  link) [ $# -eq 2 ] || usage; cmd_link "$@" ;;
  host-down) [ $# -eq 1 ] || usage; cmd_host_down "$1" ;;
  lan-down) [ $# -eq 0 ] || usage; cmd_lan_down ;;
  up) cmd_up "$@" ;;
  join) [ $# -eq 0 ] || usage; cmd_join ;;
  agent) [ $# -eq 2 ] || usage; cmd_agent "$@" ;;
  down) [ $# -eq 0 ] || usage; cmd_down ;;
esac
