# Sourced by bench/podnet.sh: the kernel's own floor for the across-hosts pod path, without Drover's agent. In the two
# host namespaces of a multihost.sh cluster, "floor pods" (network namespaces drover-floor-*, a veth each) hang off a
# bridge of their own (floorbr), one /25 of the documentation range 192.0.2.0/24 per host, and the two hosts join them
# either with a plain route via the peer's LAN address (host-gw's floor) or a plain kernel VXLAN device with static
# neighbour and FDB entries (vxlan's floor; VNI 99 on UDP 4799, beside Drover's device on 8472). The path has the shape
# of Drover's (veth, bridge, route or VXLAN device, LAN, and back) and crosses the same netfilter state of the host
# namespaces (conntrack, the agent's nftables tables; the floor's addresses match none of their rules), so the gap
# between Drover's across-hosts figure and this one is what Drover's own set-up costs, and the gap between this one and
# same host is the kernel's cost on this machine.
#   floor_up INDEX_A ADDRESS_A INDEX_B ADDRESS_B route|vxlan    floor_down (removes every floor namespace; the hosts'
#   ends go with the host namespaces)
# After floor_up: FLOOR_SERVER (pod on A), FLOOR_SAME (second pod on A), FLOOR_CROSS (pod on B) name the namespaces.

FLOOR_NETNS_PREFIX=drover-floor-
FLOOR_SERVER=${FLOOR_NETNS_PREFIX}a1
FLOOR_SAME=${FLOOR_NETNS_PREFIX}a2
FLOOR_CROSS=${FLOOR_NETNS_PREFIX}b1
FLOOR_SERVER_IP=192.0.2.2

floor_down() {
  local ns
  for ns in $(ip netns list | awk -v p="$FLOOR_NETNS_PREFIX" 'index($1, p) == 1 { print $1 }'); do ip netns delete "$ns"; done
}

# floor_pod HOST_NS POD_NS ADDRESS/PREFIX GATEWAY MTU: a namespace with eth0 (a veth whose other end is on floorbr).
floor_pod() {
  local host=$1 pod=$2 address=$3 gateway=$4 mtu=$5 port=f${2#"$FLOOR_NETNS_PREFIX"}
  ip netns add "$pod"
  ip -n "$pod" link set lo up
  ip -n "$host" link add "$port" mtu "$mtu" type veth peer name eth0 mtu "$mtu" netns "$pod"
  ip -n "$host" link set "$port" master floorbr up
  ip -n "$pod" addr add "$address" dev eth0
  ip -n "$pod" link set eth0 up
  ip -n "$pod" route add default via "$gateway"
}

# floor_host HOST_NS SUBNET_BASE MTU: floorbr with the /25's first address (the pods' gateway).
floor_host() {
  ip -n "$1" link add floorbr mtu "$3" type bridge
  ip -n "$1" addr add "192.0.2.$(($2 + 1))/25" dev floorbr
  ip -n "$1" link set floorbr up
}

floor_up() {
  local a=drover-h$1 address_a=$2 b=drover-h$3 address_b=$4 kind=$5 mtu
  mtu=$(ip -n "$a" -o link show eth0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
  # Flannel's (and Drover's) VXLAN overhead: outer IPv4, UDP, VXLAN and inner Ethernet headers.
  [ "$kind" = vxlan ] && mtu=$((mtu - 50))
  floor_host "$a" 0 "$mtu"
  floor_host "$b" 128 "$mtu"
  floor_pod "$a" "$FLOOR_SERVER" "$FLOOR_SERVER_IP/25" 192.0.2.1 "$mtu"
  floor_pod "$a" "$FLOOR_SAME" 192.0.2.3/25 192.0.2.1 "$mtu"
  floor_pod "$b" "$FLOOR_CROSS" 192.0.2.130/25 192.0.2.129 "$mtu"
  case "$kind" in
    route)
      ip -n "$a" route replace 192.0.2.128/25 via "$address_b" dev eth0
      ip -n "$b" route replace 192.0.2.0/25 via "$address_a" dev eth0 ;;
    vxlan)
      # As flannel's device (and Drover's): learning off, the kernel's default UDP checksum, a /32 of the host's
      # subnet on it, the peer's subnet routed onlink via the peer's VTEP address with a permanent ARP and FDB entry.
      floor_vtep "$a" "$address_a" 0 02:00:c0:00:02:0a
      floor_vtep "$b" "$address_b" 128 02:00:c0:00:02:0b
      floor_peer "$a" 128 02:00:c0:00:02:0b "$address_b"
      floor_peer "$b" 0 02:00:c0:00:02:0a "$address_a" ;;
    *) echo "floor_up: route or vxlan (got '$kind')" >&2; return 2 ;;
  esac
}

floor_vtep() {
  ip -n "$1" link add floorvx type vxlan id 99 local "$2" dstport 4799 nolearning dev eth0
  ip -n "$1" link set floorvx address "$4" up
  ip -n "$1" addr add "192.0.2.$3/32" dev floorvx
}

# floor_peer HOST_NS PEER_SUBNET_BASE PEER_MAC PEER_ADDRESS
floor_peer() {
  ip -n "$1" neigh replace "192.0.2.$2" lladdr "$3" dev floorvx nud permanent
  ip netns exec "$1" bridge fdb replace "$3" dev floorvx dst "$4" self permanent
  ip -n "$1" route replace "192.0.2.$2/25" via "192.0.2.$2" dev floorvx onlink
}
