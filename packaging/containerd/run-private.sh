#!/usr/bin/env bash
# A private containerd (CRI on, CNI bridge) for tests and multi-node e2e: one per simulated node.
#
#   run-private.sh start DIR INDEX   containerd with root DIR/root, state DIR/state, socket
#                                    DIR/containerd.sock, CNI conf DIR/cni/conf, bridge drover$INDEX,
#                                    podCIDR 10.88.$INDEX.0/24; imports Drover's images; returns when ready
#   run-private.sh stop DIR          kills tasks, removes containers and sandboxes, stops containerd,
#                                    deletes the network namespaces its pods used and the bridge,
#                                    unmounts everything under DIR, removes DIR/root and DIR/state
#   run-private.sh status DIR        exit 0 when that containerd answers
#   run-private.sh configure DIR INDEX  only renders DIR/config.toml and the CNI conflist (for a containerd
#                                    that systemd starts: packaging/install.sh)
#   run-private.sh stop-daemon DIR   stops only the containerd daemon: shims and containers run on
#   run-private.sh start-daemon DIR  starts containerd again on the same root and state
#   run-private.sh restart-daemon DIR  both (a containerd restart, as an upgrade does it)
#   run-private.sh reboot DIR        a simulated power cut and boot: containerd, shims and containers
#                                    SIGKILLed, netns, bridge and state dir gone, containerd started on
#                                    the old root (see cmd_reboot)
#
# Pods of node INDEX should use cgroup_parent /drover$INDEX/…: stop removes those cgroups.
#
# Environment: DROVER_IMAGES_DIR (default REPO/artifacts/images; built on demand by
# packaging/images/build.sh), DROVER_RESTRICT_OOM_SCORE_ADJ (default true: this dev/test sandbox lacks
# CAP_SYS_RESOURCE), DROVER_SNAPSHOTTER (default: overlayfs when it mounts here, else native),
# DROVER_CONTAINERD_STATE (default DIR/state; an installed node keeps it in /run, as containerd does: state
# must not outlive a boot), DROVER_CNI_CONFLIST (render, default; "agent": the agent writes it).
# Only loopback and the instance's own bridge are touched; no traffic leaves the host.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CNI_BIN_DIR=${DROVER_CNI_BIN_DIR:-/usr/lib/cni}
NETNS_DIR=/var/run/netns
POD_LOG_DIR=/var/log/pods
CNI_CACHE_DIR=/var/lib/cni
IP_FORWARD_SAVE=/run/drover-private.ip_forward

log() { printf 'run-private: %s\n' "$*" >&2; }
die() { printf 'run-private: %s\n' "$*" >&2; exit 1; }
usage() { die "usage: run-private.sh start DIR INDEX | stop DIR | status DIR | stop-daemon DIR | start-daemon DIR | restart-daemon DIR | reboot DIR"; }

ctr_() { ctr -a "$SOCK" -n k8s.io "$@"; }

require_tools() {
  local missing=() t
  for t in containerd containerd-shim-runc-v2 runc ctr ip mount umount; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  for t in bridge host-local loopback portmap; do
    [ -x "$CNI_BIN_DIR/$t" ] || missing+=("$CNI_BIN_DIR/$t")
  done
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]} (Debian: containerd runc containernetworking-plugins iproute2; run ./build.sh deps)"
  [ "$(id -u)" = 0 ] || die "a private containerd needs root"
}

alive() { [ -f "$DIR/containerd.pid" ] && kill -0 "$(cat "$DIR/containerd.pid")" 2>/dev/null; }

# overlayfs is containerd's default snapshotter; it does not mount on every filesystem (e.g. overlay on
# overlay), so probe it where the root lives.
pick_snapshotter() {
  if [ -n "${DROVER_SNAPSHOTTER:-}" ]; then echo "$DROVER_SNAPSHOTTER"; return; fi
  local p="$DIR/.overlay-probe"
  mkdir -p "$p"/{l,u,w,m}
  if mount -t overlay overlay -o "lowerdir=$p/l,upperdir=$p/u,workdir=$p/w" "$p/m" 2>/dev/null; then
    umount "$p/m"; rm -rf "$p"; echo overlayfs
  else
    rm -rf "$p"; echo native
  fi
}

render() { # TEMPLATE OUT KEY=VALUE...
  local template=$1 out=$2; shift 2
  local content kv
  content=$(cat "$template")
  for kv in "$@"; do content=${content//@${kv%%=*}@/${kv#*=}}; done
  printf '%s\n' "$content" >"$out"
}

cmd_start() {
  [[ "$INDEX" =~ ^[0-9]+$ ]] && ((INDEX <= 255)) || die "INDEX must be 0..255 (got '$INDEX')"
  require_tools
  if alive; then log "already running (pid $(cat "$DIR/containerd.pid"))"; return 0; fi
  if ip link show "drover$INDEX" >/dev/null 2>&1; then
    die "bridge drover$INDEX already exists: another node uses INDEX $INDEX (stop it first)"
  fi
  cmd_configure

  # Images first: the CRI plugin caches image references, so import before any pod starts.
  local images=${DROVER_IMAGES_DIR:-$REPO/artifacts/images}
  # In a source tree the archives are built on demand; a release carries them built.
  if [ -x "$REPO/packaging/images/build.sh" ]; then "$REPO/packaging/images/build.sh" "$images"; fi
  [ -f "$images/images.list" ] || die "no images in $images (images.list is missing)"

  launch_containerd

  local archive base
  while read -r archive base; do
    [ -n "$archive" ] || continue
    ctr_ images import --snapshotter "$(cat "$DIR/snapshotter")" --base-name "$base" "$images/$archive" >/dev/null \
      || die "importing $archive as $base failed"
  done <"$images/images.list"
  log "containerd pid $(cat "$DIR/containerd.pid") socket $SOCK bridge drover$INDEX snapshotter $(cat "$DIR/snapshotter")"
}

# Renders DIR/config.toml and the CNI conflist; starts nothing.
cmd_configure() {
  [[ "$INDEX" =~ ^[0-9]+$ ]] && ((INDEX <= 255)) || die "INDEX must be 0..255 (got '$INDEX')"
  local bridge="drover$INDEX" cidr="10.88.$INDEX.0/24"
  mkdir -p "$DIR"/{root,cni/conf,cni/ipam,logs,certs.d} "$STATE"
  local snapshotter
  snapshotter=$(pick_snapshotter)
  render "$HERE/config.toml.template" "$DIR/config.toml" \
    "ROOT=$DIR/root" "STATE=$STATE" "SOCKET=$SOCK" "CNI_CONF_DIR=$DIR/cni/conf" \
    "CNI_BIN_DIR=$CNI_BIN_DIR" "SANDBOX_IMAGE=drover.local/pause:3.9" "SNAPSHOTTER=$snapshotter" \
    "RESTRICT_OOM_SCORE_ADJ=${DROVER_RESTRICT_OOM_SCORE_ADJ:-true}" "REGISTRY_CONFIG_PATH=$DIR/certs.d"
  # An installed node's agent writes the conflist itself, for the podCIDR droverd gave it (DROVER_CNI_CONFLIST=agent).
  if [ "${DROVER_CNI_CONFLIST:-render}" = render ]; then
    render "$REPO/packaging/cni/10-drover.conflist.template" "$DIR/cni/conf/10-drover.conflist" \
      "NETWORK_NAME=$bridge" "BRIDGE=$bridge" "POD_CIDR=$cidr" "IPAM_DATA_DIR=$DIR/cni/ipam" "IP_MASQ=false"
  fi
  printf '%s\n' "$INDEX" >"$DIR/index"
  printf '%s\n' "$snapshotter" >"$DIR/snapshotter"

  # The bridge plugin (isGateway) turns on net.ipv4.ip_forward; remember the host's value once, for
  # the last private node to restore. A node in a network namespace of its own (packaging/multihost.sh)
  # leaves this namespace's value alone: its namespace goes with it.
  in_initial_netns || return 0
  [ -f "$IP_FORWARD_SAVE" ] || cat /proc/sys/net/ipv4/ip_forward >"$IP_FORWARD_SAVE"
}

in_initial_netns() { [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net 2>/dev/null)" ]; }

# Starts containerd on DIR's config (root, state and socket as they are) and waits until CRI answers.
launch_containerd() {
  setsid containerd --config "$DIR/config.toml" --log-level warn \
    >>"$DIR/logs/containerd.log" 2>&1 </dev/null &
  echo $! >"$DIR/containerd.pid"
  local i
  for ((i = 0; i < 200; i++)); do
    if [ -S "$SOCK" ] && ctr -a "$SOCK" version >/dev/null 2>&1; then break; fi
    alive || { tail -n 20 "$DIR/logs/containerd.log" >&2; die "containerd exited during start-up"; }
    sleep 0.05
  done
  ((i < 200)) || { tail -n 20 "$DIR/logs/containerd.log" >&2; die "containerd socket $SOCK not ready after 10 s"; }
  if ! ctr -a "$SOCK" plugins ls 2>/dev/null | grep -E 'io\.containerd\.grpc\.v1[[:space:]]+cri[[:space:]]+.*ok' >/dev/null; then
    tail -n 20 "$DIR/logs/containerd.log" >&2
    die "the CRI plugin did not load (see $DIR/logs/containerd.log)"
  fi
}

# Stops the containerd daemon only (SIGTERM, SIGKILL after 5 s). Its shims, and the containers under
# them, run on: this is what a containerd upgrade or crash looks like to the pods.
cmd_stop_daemon() {
  alive || { log "containerd of $DIR is not running"; rm -f "$DIR/containerd.pid"; return 0; }
  local pid
  pid=$(cat "$DIR/containerd.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$DIR/containerd.pid"
  log "containerd of $DIR stopped (pid $pid); shims and containers left running"
}

cmd_start_daemon() {
  [ -f "$DIR/config.toml" ] || die "$DIR has no config.toml: use start DIR INDEX first"
  require_tools
  if alive; then log "already running (pid $(cat "$DIR/containerd.pid"))"; return 0; fi
  launch_containerd
  log "containerd of $DIR started again (pid $(cat "$DIR/containerd.pid"))"
}

# Shim processes of this instance: they carry its socket in their command line.
our_shims() {
  local pid
  for pid in $(grep -lsF -- "$SOCK" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in containerd-shim*) echo "$pid" ;; esac
  done
}

# What a power cut and boot do to this node's runtime, as far as one host can show it: every process
# dies at once (containerd, shims, containers: SIGKILL, no clean-up), what lives in RAM is gone (the
# state dir, /run in real life, and its mounts; the pods' network namespaces and the bridge), what
# lives on disk stays (root: images, snapshots, containerd's metadata of sandboxes and containers). Then
# containerd boots on that disk: its CRI plugin finds the old sandboxes NotReady and the containers
# exited, as after a real reboot. The agent is not touched: the caller kills it (as it likes) first.
cmd_reboot() {
  [ -f "$DIR/config.toml" ] || die "$DIR has no config.toml: use start DIR INDEX first"
  require_tools
  local index bridge netns=() ns pid child m
  index=$(cat "$DIR/index")
  command -v pgrep >/dev/null || die "missing: pgrep (Debian: procps)"
  bridge=drover$index
  if alive && ctr -a "$SOCK" version >/dev/null 2>&1; then
    mapfile -t netns < <(our_netns)
  fi
  if alive; then
    pid=$(cat "$DIR/containerd.pid")
    kill -KILL "$pid" 2>/dev/null || true
    # Its metadata database stays locked until the process is really gone.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  rm -f "$DIR/containerd.pid"
  # Containers before their shims: a container whose shim died first would be adopted by init and live on.
  for pid in $(our_shims); do
    for child in $(pgrep -P "$pid"); do kill -KILL "$child" 2>/dev/null || true; done
  done
  for pid in $(our_shims); do kill -KILL "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do [ -z "$(our_shims)" ] && break; sleep 0.05; done
  for ns in "${netns[@]}"; do
    [ -n "$ns" ] && [ -e "$NETNS_DIR/$ns" ] && { ip netns delete "$ns" 2>/dev/null || { umount -l "$NETNS_DIR/$ns" 2>/dev/null; rm -f "$NETNS_DIR/$ns"; }; }
  done
  if ip link show "$bridge" >/dev/null 2>&1; then ip link delete "$bridge" || true; fi
  for m in $(awk -v d="$STATE/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
  done
  rm -rf "$STATE" "$SOCK" "$SOCK.ttrpc"
  mkdir -p "$STATE"
  launch_containerd
  log "rebooted $DIR: containerd pid $(cat "$DIR/containerd.pid") on the old root; containers and network gone"
}

# Network namespace names (cni-…) used by this instance's sandboxes, read from their OCI specs.
our_netns() {
  local id
  for id in $(ctr_ containers ls -q 2>/dev/null); do
    ctr_ containers info "$id" 2>/dev/null | grep -o "$NETNS_DIR/cni-[0-9a-f-]*" || true
  done | sed "s|^$NETNS_DIR/||" | sort -u
}

# UIDs of the pods whose containers this instance holds (the CRI plugin labels every container with it).
our_pod_uids() {
  local id
  for id in $(ctr_ containers ls -q 2>/dev/null); do
    ctr_ containers info "$id" 2>/dev/null | grep -o '"io.kubernetes.pod.uid": *"[0-9a-f-]*"' | grep -o '[0-9a-f-]\{36\}' || true
  done | sort -u
}

cmd_stop() {
  [ -d "$DIR" ] || { log "nothing to stop in $DIR"; return 0; }
  local index bridge netns=() ids=() ns id pid
  index=$(cat "$DIR/index" 2>/dev/null || true)
  bridge=${index:+drover$index}

  # Also a containerd this script did not start (systemd's, on an installed node) is emptied here.
  if ctr -a "$SOCK" version >/dev/null 2>&1; then
    mapfile -t netns < <(our_netns)
    printf '%s\n' "${netns[@]}" >"$DIR/netns.list"
    # The pods' container logs (kubelet's layout, written by the agent): they go with the pods.
    local uid
    for uid in $(our_pod_uids); do rm -rf "$POD_LOG_DIR"/*_"$uid"; done
    mapfile -t ids < <(ctr_ containers ls -q 2>/dev/null)
    printf '%s\n' "${ids[@]}" >"$DIR/containers.list"
    for id in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$id" >/dev/null 2>&1 || true; done
  elif [ -f "$DIR/netns.list" ]; then
    mapfile -t netns <"$DIR/netns.list"
    [ -f "$DIR/containers.list" ] && mapfile -t ids <"$DIR/containers.list"
  fi

  if alive; then
    pid=$(cat "$DIR/containerd.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/containerd.pid"

  # Shims of this instance outlive containerd.
  for pid in $(our_shims); do kill -KILL "$pid" 2>/dev/null || true; done

  for ns in "${netns[@]}"; do
    [ -n "$ns" ] && [ -e "$NETNS_DIR/$ns" ] && { ip netns delete "$ns" 2>/dev/null || { umount -l "$NETNS_DIR/$ns" 2>/dev/null; rm -f "$NETNS_DIR/$ns"; }; }
  done
  rm -f "$DIR/netns.list"
  if [ -n "$bridge" ] && ip link show "$bridge" >/dev/null 2>&1; then ip link delete "$bridge" || true; fi

  # Mounts under DIR (rootfs, shm, overlay snapshots), deepest first.
  local m
  for m in $(awk -v d="$DIR/" -v s="$STATE/" 'index($5, d) == 1 || index($5, s) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
  done

  # runc removes a container's own cgroup but not the parents it created: the pod cgroups under the
  # node's cgroup root (cgroup_parent /drover$INDEX/…) and containerd's default /k8s.io parent.
  local cg
  for cg in ${index:+/sys/fs/cgroup/*/drover$index} /sys/fs/cgroup/*/k8s.io; do
    [ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
  done

  # Host-wide leftovers, only this instance's files, and directories only when empty.
  # libcni caches results per network and sandbox: our network's, and containerd's own "cni-loopback".
  [ -n "$bridge" ] && rm -f "$CNI_CACHE_DIR/results/$bridge-"* 2>/dev/null
  for id in "${ids[@]}"; do
    [ -n "$id" ] && rm -f "$CNI_CACHE_DIR/results/cni-loopback-$id-lo"
  done
  rmdir "$CNI_CACHE_DIR/results" "$CNI_CACHE_DIR" 2>/dev/null || true
  rmdir "$NETNS_DIR" 2>/dev/null || true
  rmdir /run/containerd/s /run/containerd 2>/dev/null || true
  if in_initial_netns && [ -f "$IP_FORWARD_SAVE" ] && ! ip -o link show type bridge 2>/dev/null | grep -qE ': drover[0-9]+[:@]'; then
    cat "$IP_FORWARD_SAVE" >/proc/sys/net/ipv4/ip_forward 2>/dev/null || true
    rm -f "$IP_FORWARD_SAVE"
  fi

  rm -rf "$DIR/root" "$STATE" "$DIR/cni/ipam" "$DIR/containers.list" "$SOCK" "$SOCK.ttrpc"
  log "stopped $DIR"
}

CMD=${1:-}
DIR=${2:-}
INDEX=${3:-}
[ -n "$CMD" ] && [ -n "$DIR" ] || usage
[ "$CMD" != start ] || mkdir -p "$DIR"
DIR=$(cd "$DIR" 2>/dev/null && pwd || echo "$DIR")
SOCK="$DIR/containerd.sock"
STATE=${DROVER_CONTAINERD_STATE:-$DIR/state}
case "$CMD" in
  start) [ -n "$INDEX" ] || usage; cmd_start ;;
  configure) [ -n "$INDEX" ] || usage; require_tools; cmd_configure ;;
  stop) cmd_stop ;;
  status) alive && ctr -a "$SOCK" version >/dev/null 2>&1 ;;
  stop-daemon) cmd_stop_daemon ;;
  start-daemon) cmd_start_daemon ;;
  restart-daemon) cmd_stop_daemon; cmd_start_daemon ;;
  reboot) cmd_reboot ;;
  *) usage ;;
esac
