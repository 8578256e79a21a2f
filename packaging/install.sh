#!/usr/bin/env bash
# Drover's installer, run from the release directory (./build.sh publish: artifacts/release/drover-linux-x64/):
#
#   sudo ./install.sh server [--cluster-cidr CIDR] [--pod-network vxlan|host-gw|none] [--data-dir DIR] [--port 6443] [--bind-address ADDR]
#                            [--advertise-address ADDR] [--with-agent] [--with-ingress] [--node-name NAME]
#                            [--ingress-bind-address ADDR] [--ingress-http-port 80] [--ingress-https-port 443]
#                            [--ingress-metrics-addr 127.0.0.1:10254]
#                            [--datastore-endpoint https://h1:2379,https://h2:2379,https://h3:2379 [--datastore-cafile F]
#                             [--datastore-certfile F --datastore-keyfile F]] [--server https://first:6443 --token SERVER_TOKEN]
#                            [--advertise-servers https://a:6443,https://b:6443,https://c:6443]
#   sudo ./install.sh agent --server https://IP:6443 --token TOKEN [--node-name NAME] [--node-ip IP]
#                           [--registry-mirror REGISTRY=URL[,URL...]]... [--registry-ca HOST=CA_FILE]...
#   sudo ./install.sh uninstall       everything install.sh installed, and nothing else
#   sudo ./install.sh stop            (--no-systemd) stops the daemons it started, by process id
#
# Common options: --no-systemd (run the daemons as plain processes: pid files in /run/drover, logs in
# /var/log/drover; for machines where systemd is not PID 1), --root DIR (install under DIR instead of /: for
# tests and image builders; --no-systemd is implied when DIR is not /). Agent: --agent-metrics-addr (127.0.0.1:9101),
# --agent-serving-addr (0.0.0.0:10250), --node-index N (0: pod bridge drover0; another N for a second node on one host),
# --service-proxy true|false (true: kube-proxy's part, as in k3s), --cluster-dns pod-gateway|IP|off (pod-gateway: CoreDNS's
# part, node-local), --checkpoint-secrets true|false (false: Secrets never reach the node's disk, so after a reboot without
# droverd pods that read a Secret wait for it; true: they start offline from a sealed copy kept with its key on the node's
# disk, README "Secrets on the nodes"). The server's --pod-network (default vxlan, flannel's in k3s) is the cluster's, stored for every agent.
# Images (agent, or server --with-agent), as k3s's registries.yaml: --registry-mirror docker.io=https://mirror.lan:5000
# pulls docker.io's images from the mirror first; --registry-ca mirror.lan:5000=/path/ca.pem trusts that CA for TLS to
# that host (a registry or a mirror). Both repeatable; containerd reads them per pull (packaging/containerd/registries.sh).
#
# Several servers (README "High availability"): every replica on one etcd cluster (--datastore-endpoint and its TLS
# client files); the first installed without --server, the others with --server (the first's URL) and --token (its
# DATA/credentials/server-token); --advertise-servers (every replica) goes into the admin, ingress and agent configs so
# those clients fail over between the replicas. The agent's --server may list several replicas, comma-separated.
#
# Idempotent: a second run with the same options changes no file and restarts nothing. Every path it creates is
# listed in /etc/drover/installed.list, which uninstall reads.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PROG=install.sh

die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '==> %s\n' "$*" >&2; }
usage() { sed -n '2,/^set /{/^#/p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

COMMAND=${1:-}
[ -n "$COMMAND" ] || usage
shift
case "$COMMAND" in server|agent|uninstall|stop) ;; -h|--help|help) usage ;; *) die "unknown command '$COMMAND' (server, agent, uninstall or stop)" ;; esac

ROOT=/ NO_SYSTEMD=0 WITH_AGENT=0 WITH_INGRESS=0
CLUSTER_CIDR=10.42.0.0/16 POD_NETWORK=vxlan PORT=6443 BIND_ADDRESS=0.0.0.0 ADVERTISE_ADDRESS= DATA_DIR_OPT=
SERVER_URL= TOKEN= NODE_NAME= NODE_IP=
DATASTORE_ENDPOINT= DATASTORE_CAFILE= DATASTORE_CERTFILE= DATASTORE_KEYFILE= ADVERTISE_SERVERS=
INGRESS_BIND=0.0.0.0 INGRESS_HTTP=80 INGRESS_HTTPS=443
AGENT_METRICS=127.0.0.1:9101 AGENT_SERVING=0.0.0.0:10250 NODE_INDEX=0 INGRESS_METRICS=127.0.0.1:10254
SERVICE_PROXY= CLUSTER_DNS= CHECKPOINT_SECRETS=
REGISTRY_ARGS=()
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --root) need_value "$@"; ROOT=$2; shift ;;
    --no-systemd) NO_SYSTEMD=1 ;;
    --with-agent) WITH_AGENT=1 ;;
    --with-ingress) WITH_INGRESS=1 ;;
    --cluster-cidr) need_value "$@"; CLUSTER_CIDR=$2; shift ;;
    --pod-network) need_value "$@"; POD_NETWORK=$2; shift ;;
    --data-dir) need_value "$@"; DATA_DIR_OPT=$2; shift ;;
    --port) need_value "$@"; PORT=$2; shift ;;
    --bind-address) need_value "$@"; BIND_ADDRESS=$2; shift ;;
    --advertise-address) need_value "$@"; ADVERTISE_ADDRESS=$2; shift ;;
    --server) need_value "$@"; SERVER_URL=$2; shift ;;
    --token) need_value "$@"; TOKEN=$2; shift ;;
    --node-name) need_value "$@"; NODE_NAME=$2; shift ;;
    --node-ip) need_value "$@"; NODE_IP=$2; shift ;;
    --ingress-bind-address) need_value "$@"; INGRESS_BIND=$2; shift ;;
    --ingress-http-port) need_value "$@"; INGRESS_HTTP=$2; shift ;;
    --ingress-https-port) need_value "$@"; INGRESS_HTTPS=$2; shift ;;
    --ingress-metrics-addr) need_value "$@"; INGRESS_METRICS=$2; shift ;;
    --agent-metrics-addr) need_value "$@"; AGENT_METRICS=$2; shift ;;
    --agent-serving-addr) need_value "$@"; AGENT_SERVING=$2; shift ;;
    --node-index) need_value "$@"; NODE_INDEX=$2; shift ;;
    --service-proxy) need_value "$@"; SERVICE_PROXY=$2; shift ;;
    --cluster-dns) need_value "$@"; CLUSTER_DNS=$2; shift ;;
    --checkpoint-secrets) need_value "$@"; CHECKPOINT_SECRETS=$2; shift ;;
    --datastore-endpoint) need_value "$@"; DATASTORE_ENDPOINT=$2; shift ;;
    --datastore-cafile) need_value "$@"; DATASTORE_CAFILE=$2; shift ;;
    --datastore-certfile) need_value "$@"; DATASTORE_CERTFILE=$2; shift ;;
    --datastore-keyfile) need_value "$@"; DATASTORE_KEYFILE=$2; shift ;;
    --advertise-servers) need_value "$@"; ADVERTISE_SERVERS=$2; shift ;;
    --registry-mirror|--registry-ca) need_value "$@"; REGISTRY_ARGS+=("$1" "$2"); shift ;;
    -h|--help) usage ;;
    *) die "unknown option '$1' for $COMMAND (see: $0 --help)" ;;
  esac
  shift
done

# ---- checks that come before any change ---------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "must run as root: it installs into /usr/local, /etc and /var/lib and starts daemons (try: sudo $0 $COMMAND …)"
case "$ROOT" in /*) ;; *) die "--root must be an absolute path, got '$ROOT'" ;; esac
ROOT=${ROOT%/}
[ -n "$ROOT" ] && NO_SYSTEMD=1
valid_port() { [[ "$2" =~ ^[0-9]+$ ]] && (($2 >= 1 && $2 <= 65535)) || die "$1 must be a port number 1-65535, got '$2'"; }
valid_port --port "$PORT"
valid_port --ingress-http-port "$INGRESS_HTTP"
[ "$INGRESS_HTTPS" = 0 ] || valid_port --ingress-https-port "$INGRESS_HTTPS"
[[ "$NODE_INDEX" =~ ^[0-9]+$ ]] && ((NODE_INDEX <= 255)) || die "--node-index must be 0-255, got '$NODE_INDEX'"
# How nodes route each other's pods (README "Several hosts, one pod network"): none keeps a single machine's network as
# it is; vxlan (any IP network between the nodes) or host-gw (nodes on one L2 segment) for a cluster of several.
case "$POD_NETWORK" in none|vxlan|host-gw) ;; *) die "--pod-network must be vxlan, host-gw or none, got '$POD_NETWORK'" ;; esac
case "$SERVICE_PROXY" in ''|true|false) ;; *) die "--service-proxy must be true or false, got '$SERVICE_PROXY'" ;; esac
case "$CHECKPOINT_SECRETS" in ''|true|false) ;; *) die "--checkpoint-secrets must be true or false, got '$CHECKPOINT_SECRETS'" ;; esac
[[ -z "$CLUSTER_DNS" || "$CLUSTER_DNS" =~ ^(off|pod-gateway|([0-9]{1,3}\.){3}[0-9]{1,3})$ ]] || die "--cluster-dns must be pod-gateway, off or an IPv4 address, got '$CLUSTER_DNS'"
[[ "$CLUSTER_CIDR" =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$ ]] || die "--cluster-cidr must be an IPv4 CIDR like 10.42.0.0/16, got '$CLUSTER_CIDR'"
# url_list OPTION VALUE: one or more https://HOST:PORT, comma-separated (at most 16).
url_list() {
  local part count=0
  IFS=, read -ra parts <<<"$2"
  for part in "${parts[@]}"; do
    [[ "$part" =~ ^https?://[^/,]+$ ]] || die "$1 must be URLs like https://IP:PORT, comma-separated, got '$2'"
    count=$((count + 1))
  done
  ((count >= 1 && count <= 16)) || die "$1 must list 1 to 16 URLs, got '$2'"
}
if [ "$COMMAND" = agent ]; then
  [ -n "$SERVER_URL" ] || die "agent needs --server https://IP:PORT (printed by install.sh server)"
  url_list --server "$SERVER_URL"
  [[ "$SERVER_URL" != *http://* ]] || die "--server must be https:// URLs, got '$SERVER_URL'"
  [ -n "$TOKEN" ] || die "agent needs --token (printed by install.sh server; on the server: /var/lib/drover/server/credentials/join-token)"
fi
if [ "$COMMAND" = server ]; then
  [ -z "$DATASTORE_ENDPOINT" ] || url_list --datastore-endpoint "$DATASTORE_ENDPOINT"
  [ -z "$ADVERTISE_SERVERS" ] || { url_list --advertise-servers "$ADVERTISE_SERVERS"; [[ "$ADVERTISE_SERVERS" != *http://* ]] || die "--advertise-servers must be https:// URLs, got '$ADVERTISE_SERVERS'"; }
  for f in "--datastore-cafile:$DATASTORE_CAFILE" "--datastore-certfile:$DATASTORE_CERTFILE" "--datastore-keyfile:$DATASTORE_KEYFILE"; do
    [ -z "${f#*:}" ] || [ -n "$DATASTORE_ENDPOINT" ] || die "${f%%:*} needs --datastore-endpoint"
    [ -z "${f#*:}" ] || [ -r "${f#*:}" ] || die "${f%%:*}: cannot read '${f#*:}'"
  done
  if { [ -n "$DATASTORE_CERTFILE" ] && [ -z "$DATASTORE_KEYFILE" ]; } || { [ -z "$DATASTORE_CERTFILE" ] && [ -n "$DATASTORE_KEYFILE" ]; }; then
    die "--datastore-certfile and --datastore-keyfile go together"
  fi
  if [ -n "$SERVER_URL" ] || [ -n "$TOKEN" ]; then
    # Joining another replica: both, and a shared datastore (two SQLite files would be two clusters).
    [ -n "$SERVER_URL" ] && [ -n "$TOKEN" ] || die "server: --server and --token go together (joining the replica at --server with its DATA/credentials/server-token)"
    [[ "$SERVER_URL" =~ ^https://[^/,]+$ ]] || die "--server must look like https://IP:PORT, got '$SERVER_URL'"
    [ -n "$DATASTORE_ENDPOINT" ] || die "server --server needs --datastore-endpoint: replicas share one etcd cluster (with SQLite each would be a cluster of its own)"
  fi
fi
if ((${#REGISTRY_ARGS[@]} > 0)); then
  [ "$COMMAND" = agent ] || [ "$WITH_AGENT" = 1 ] || die "--registry-mirror and --registry-ca configure a node's containerd: use them with agent or server --with-agent"
  # Relative CA paths are the caller's; resolve them before anything else reads them.
  for ((i = 1; i < ${#REGISTRY_ARGS[@]}; i += 2)); do
    if [ "${REGISTRY_ARGS[i - 1]}" = --registry-ca ] && [[ "${REGISTRY_ARGS[i]}" == *=* ]] && [[ "${REGISTRY_ARGS[i]#*=}" != /* ]]; then
      REGISTRY_ARGS[i]="${REGISTRY_ARGS[i]%%=*}=$PWD/${REGISTRY_ARGS[i]#*=}"
    fi
  done
  registry_error=$("$HERE/packaging/containerd/registries.sh" check "${REGISTRY_ARGS[@]}" 2>&1) || die "${registry_error#registries.sh: }"
fi
if [ -n "$NODE_NAME" ] && ! [[ "$NODE_NAME" =~ ^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$ ]]; then
  die "--node-name must be a DNS-1123 name (lower case letters, digits, '-', '.'), got '$NODE_NAME'"
fi

LIB_DIR=$ROOT/usr/local/lib/drover
BIN_DIR=$ROOT/usr/local/bin
SHARE_DIR=$ROOT/usr/local/share/drover
ETC_DIR=$ROOT/etc/drover
UNIT_DIR=$ROOT/etc/systemd/system
VAR_DIR=$ROOT/var/lib/drover
DATA_DIR=${DATA_DIR_OPT:-$VAR_DIR/server}
AGENT_DIR=$VAR_DIR/agent
CONTAINERD_DIR=$VAR_DIR/containerd
RUN_DIR=$ROOT/run/drover
LOG_DIR=$ROOT/var/log/drover
MANIFEST=$ETC_DIR/installed.list
ADMIN_CONFIG=$ETC_DIR/admin.config
CONTAINERD_SOCKET=$CONTAINERD_DIR/containerd.sock
BINARIES=(droverd drover drover-agent drover-ingress)

systemd_is_pid1() { [ -d /run/systemd/system ]; }
if [ "$COMMAND" = server ] || [ "$COMMAND" = agent ]; then
  if [ "$NO_SYSTEMD" = 0 ] && ! systemd_is_pid1; then
    die "systemd is not running as PID 1 here (PID 1 is '$(cat /proc/1/comm 2>/dev/null || echo unknown)'): add --no-systemd to run the daemons as plain processes"
  fi
  for b in "${BINARIES[@]}"; do [ -x "$HERE/bin/$b" ] || die "$HERE/bin/$b is missing: run install.sh from a release directory (./build.sh publish)"; done
  missing=()
  for t in curl setsid; do command -v "$t" >/dev/null || missing+=("$t"); done
  if [ "$COMMAND" = agent ] || [ "$WITH_AGENT" = 1 ]; then
    for t in containerd containerd-shim-runc-v2 runc ctr ip iptables mount; do command -v "$t" >/dev/null || missing+=("$t"); done
    for t in bridge host-local loopback portmap; do [ -x "/usr/lib/cni/$t" ] || missing+=("/usr/lib/cni/$t"); done
    if [ "$NO_SYSTEMD" = 0 ] && ! systemctl cat containerd.service >/dev/null 2>&1; then missing+=(containerd.service); fi
  fi
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]} (Debian: apt-get install containerd runc containernetworking-plugins iproute2 iptables curl util-linux)"
fi

# ---- recording what is installed ----------------------------------------------------------------------------
CHANGED=0
# The manifest has one path per line: a file; "DIR/" a directory install.sh created (removed when empty);
# "DIR/**" a directory whose whole tree belongs to Drover (daemon state: removed with its content).
record() { mkdir -p "$ETC_DIR"; touch "$MANIFEST"; grep -qxF "$1" "$MANIFEST" || printf '%s\n' "$1" >>"$MANIFEST"; }
# state_dir DIR MODE: a directory the daemons fill; recorded as a whole tree only when install.sh creates it.
state_dir() { [ -d "$1" ] || { ensure_dir "$1" "$2"; record "$1/**"; }; }
# ensure_dir DIR [MODE]: creates DIR and every missing parent, recording the ones it created.
ensure_dir() {
  local dir=$1 mode=${2:-755} created=() d
  d=$dir
  while [ ! -d "$d" ]; do created=("$d" "${created[@]}"); d=$(dirname "$d"); done
  for d in "${created[@]}"; do mkdir -m "$mode" "$d"; done
  for d in "${created[@]}"; do record "$d/"; done
}
# put SRC DST MODE: copies when the content or mode differs; records DST.
put() {
  local src=$1 dst=$2 mode=$3
  ensure_dir "$(dirname "$dst")"
  if [ -f "$dst" ] && cmp -s "$src" "$dst" && [ "$(stat -c %a "$dst")" = "$mode" ]; then record "$dst"; return 0; fi
  install -m "$mode" "$src" "$dst.drover-new"
  mv -f "$dst.drover-new" "$dst"
  record "$dst"
  CHANGED=1
  log "installed $dst"
}
# write DST MODE <<<content
write() {
  local dst=$1 mode=$2 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  put "$tmp" "$dst" "$mode"
  rm -f "$tmp"
}
link() { # TARGET LINK
  ensure_dir "$(dirname "$2")"
  if [ "$(readlink "$2" 2>/dev/null)" != "$1" ]; then
    [ -e "$2" ] && [ ! -L "$2" ] && die "$2 exists and is not Drover's link: not overwriting it"
    ln -sfn "$1" "$2"; CHANGED=1
  fi
  record "$2"
}
render() { # TEMPLATE KEY=VALUE... → stdout
  local content kv
  content=$(cat "$1"); shift
  for kv in "$@"; do content=${content//@${kv%%=*}@/${kv#*=}}; done
  printf '%s\n' "$content"
}

# ---- daemons: systemd units or plain processes ---------------------------------------------------------------
pid_file() { echo "$RUN_DIR/$1.pid"; }
running_pid() { local f; f=$(pid_file "$1"); [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

# start_daemon NAME UNIT CHANGED COMMAND...: (re)starts a daemon whose files changed, starts one that is down,
# leaves a running, unchanged one alone.
start_daemon() {
  local name=$1 unit=$2 changed=$3; shift 3
  if [ "$NO_SYSTEMD" = 0 ]; then
    systemctl daemon-reload
    systemctl enable "$unit" >/dev/null 2>&1
    if [ "$changed" = 1 ] || ! systemctl is-active --quiet "$unit"; then
      log "systemctl restart $unit"
      systemctl restart "$unit"
    else
      log "$unit: running, unchanged"
    fi
    return
  fi
  if running_pid "$name"; then
    if [ "$changed" = 0 ]; then log "$name: running (pid $(cat "$(pid_file "$name")")), unchanged"; return; fi
    stop_daemon "$name"
  fi
  state_dir "$RUN_DIR" 755; state_dir "$LOG_DIR" 755
  log "starting $name (log $LOG_DIR/$name.log)"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
  record "$(pid_file "$name")"
  record "$LOG_DIR/$name.log"
}

stop_daemon() {
  local name=$1 f pid
  f=$(pid_file "$name")
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# ---- the parts -----------------------------------------------------------------------------------------------
install_files() {
  local changed_before=$CHANGED b
  for b in "${BINARIES[@]}"; do put "$HERE/bin/$b" "$LIB_DIR/$b" 755; done
  # droverd loads SQLite from beside itself.
  [ -f "$HERE/bin/libe_sqlite3.so" ] && put "$HERE/bin/libe_sqlite3.so" "$LIB_DIR/libe_sqlite3.so" 644
  for b in "${BINARIES[@]}"; do link "$LIB_DIR/$b" "$BIN_DIR/$b"; done
  put "$HERE/README.md" "$SHARE_DIR/README.md" 644
  put "$HERE/packaging/containerd/run-private.sh" "$SHARE_DIR/packaging/containerd/run-private.sh" 755
  put "$HERE/packaging/containerd/config.toml.template" "$SHARE_DIR/packaging/containerd/config.toml.template" 644
  put "$HERE/packaging/containerd/registries.sh" "$SHARE_DIR/packaging/containerd/registries.sh" 755
  put "$HERE/packaging/cni/10-drover.conflist.template" "$SHARE_DIR/packaging/cni/10-drover.conflist.template" 644
  local archive base
  while read -r archive base; do
    [ -n "$archive" ] && put "$HERE/images/$archive" "$SHARE_DIR/images/$archive" 644
  done <"$HERE/images/images.list"
  put "$HERE/images/images.list" "$SHARE_DIR/images/images.list" 644
  BINARIES_CHANGED=$((CHANGED != changed_before))
}

unit() { # NAME KEY=VALUE... : renders packaging/systemd/NAME into the unit directory
  local name=$1; shift
  # Without systemd the units are still part of an install under --root (an image that boots with systemd).
  [ "$NO_SYSTEMD" = 0 ] || [ -n "$ROOT" ] || return 0
  render "$HERE/packaging/systemd/$name" "SHARE_DIR=$SHARE_DIR" "LIB_DIR=$LIB_DIR" "ETC_DIR=$ETC_DIR" "$@" | write "$UNIT_DIR/$name" 644
}

# The server token of a joining replica: in a file only root reads, never on the command line or in the unit.
SERVER_TOKEN_FILE=$ETC_DIR/server-join-token

server_args() {
  local args="--data-dir $DATA_DIR --bind-address $BIND_ADDRESS --port $PORT --cluster-cidr $CLUSTER_CIDR --pod-network $POD_NETWORK --write-client-config $ADMIN_CONFIG"
  [ -z "$ADVERTISE_ADDRESS" ] || args+=" --advertise-address $ADVERTISE_ADDRESS"
  [ -z "$DATASTORE_ENDPOINT" ] || args+=" --datastore-endpoint $DATASTORE_ENDPOINT"
  [ -z "$DATASTORE_CAFILE" ] || args+=" --datastore-cafile $DATASTORE_CAFILE"
  [ -z "$DATASTORE_CERTFILE" ] || args+=" --datastore-certfile $DATASTORE_CERTFILE --datastore-keyfile $DATASTORE_KEYFILE"
  [ -z "$SERVER_URL" ] || args+=" --server $SERVER_URL --token-file $SERVER_TOKEN_FILE"
  [ -z "$ADVERTISE_SERVERS" ] || args+=" --advertise-servers $ADVERTISE_SERVERS"
  echo "$args"
}

# The servers the agent installed with this server dials: this replica first, then the others of --advertise-servers.
agent_servers() {
  local servers url
  servers=$(local_server_url)
  IFS=, read -ra urls <<<"$ADVERTISE_SERVERS"
  for url in "${urls[@]}"; do [[ ",$servers," == *",$url,"* ]] || servers+=",$url"; done
  echo "$servers"
}

local_server_url() {
  case "$BIND_ADDRESS" in 0.0.0.0|::|'[::]') echo "https://127.0.0.1:$PORT" ;; *) echo "https://$BIND_ADDRESS:$PORT" ;; esac
}

install_server() {
  local before=$CHANGED
  state_dir "$DATA_DIR" 700
  [ -z "$TOKEN" ] || write "$SERVER_TOKEN_FILE" 600 <<<"$TOKEN"
  unit drover-server.service "SERVER_ARGS=$(server_args)"
  write "$ETC_DIR/server.args" 644 <<<"$(server_args)"
  local changed=$((BINARIES_CHANGED || CHANGED != before))
  # shellcheck disable=SC2046 # the arguments are words on purpose
  start_daemon droverd drover-server.service "$changed" "$LIB_DIR/droverd" $(server_args)
  log "waiting for the API at $(local_server_url)"
  local i
  for ((i = 0; i < 300; i++)); do
    curl -skf "$(local_server_url)/readyz" >/dev/null 2>&1 && [ -f "$ADMIN_CONFIG" ] && [ -f "$DATA_DIR/credentials/join-token" ] && break
    if [ "$NO_SYSTEMD" = 1 ] && ! running_pid droverd; then tail -20 "$LOG_DIR/droverd.log" >&2; die "droverd exited"; fi
    sleep 0.2
  done
  ((i < 300)) || die "droverd's API did not become ready within 60 s (log: ${NO_SYSTEMD:+$LOG_DIR/droverd.log}; journalctl -u drover-server)"
  record "$ADMIN_CONFIG"
  log "API ready"
}

containerd_running() { ctr -a "$CONTAINERD_SOCKET" version >/dev/null 2>&1; }

# The sandbox cannot lower oom_score_adj without CAP_SYS_RESOURCE (bit 24 of the effective capabilities).
restrict_oom_score_adj() {
  local cap
  cap=$(awk '/^CapEff/ { print $2 }' /proc/self/status)
  if (( (16#$cap >> 24) & 1 )); then echo false; else echo true; fi
}

install_containerd() {
  local before=$CHANGED config_before=""
  state_dir "$CONTAINERD_DIR" 711
  state_dir "$RUN_DIR" 755
  [ -f "$CONTAINERD_DIR/config.toml" ] && config_before=$(cat "$CONTAINERD_DIR/config.toml")
  DROVER_CONTAINERD_STATE=$RUN_DIR/containerd DROVER_RESTRICT_OOM_SCORE_ADJ=$(restrict_oom_score_adj) DROVER_CNI_CONFLIST=agent \
    "$SHARE_DIR/packaging/containerd/run-private.sh" configure "$CONTAINERD_DIR" "$NODE_INDEX"
  [ "$(cat "$CONTAINERD_DIR/config.toml")" = "$config_before" ] || CHANGED=1
  # Mirrors and CAs (exactly the ones given: a run without them removes them). containerd reads them per pull.
  local registries
  registries=$("$SHARE_DIR/packaging/containerd/registries.sh" render "$CONTAINERD_DIR/certs.d" "${REGISTRY_ARGS[@]}")
  [ "$registries" = unchanged ] || log "registry configuration written to $CONTAINERD_DIR/certs.d"
  if [ "$NO_SYSTEMD" = 0 ] || [ -n "$ROOT" ]; then
    render "$HERE/packaging/systemd/containerd-drover.conf" "CONTAINERD_DIR=$CONTAINERD_DIR" \
      | write "$UNIT_DIR/containerd.service.d/10-drover.conf" 644
  fi
  if [ "$NO_SYSTEMD" = 0 ]; then
    systemctl daemon-reload
    if [ "$CHANGED" != "$before" ] || ! containerd_running; then
      log "systemctl restart containerd (on Drover's configuration)"
      systemctl restart containerd.service
    fi
  elif ! containerd_running; then
    log "starting containerd (root $CONTAINERD_DIR, socket $CONTAINERD_SOCKET)"
    DROVER_CONTAINERD_STATE=$RUN_DIR/containerd DROVER_IMAGES_DIR=$SHARE_DIR/images DROVER_CNI_CONFLIST=agent \
      DROVER_RESTRICT_OOM_SCORE_ADJ=$(restrict_oom_score_adj) \
      "$SHARE_DIR/packaging/containerd/run-private.sh" start "$CONTAINERD_DIR" "$NODE_INDEX"
  else
    log "containerd: running ($CONTAINERD_SOCKET)"
  fi
  for _ in $(seq 1 100); do containerd_running && return 0; sleep 0.1; done
  die "containerd does not answer on $CONTAINERD_SOCKET"
}

install_agent() {
  local server=$1 token=$2 before=$CHANGED
  install_containerd
  local node=${NODE_NAME:-$(hostname | tr '[:upper:]_' '[:lower:]-')}
  state_dir "$AGENT_DIR" 700
  # The images of the release go to the agent's airgap directory; it imports them into containerd itself.
  local archive base
  while read -r archive base; do
    [ -n "$archive" ] && put "$SHARE_DIR/images/$archive" "$AGENT_DIR/images/$archive" 644
  done <"$SHARE_DIR/images/images.list"
  write "$ETC_DIR/agent.yaml" 600 <<EOT
# drover-agent's configuration (keys are its flags; see drover-agent --help). Written by install.sh.
server: $server
token: $token
node-name: $node
${NODE_IP:+node-ip: $NODE_IP
}data-dir: $AGENT_DIR
containerd-socket: $CONTAINERD_SOCKET
cni-conf-dir: $CONTAINERD_DIR/cni/conf
cni-bridge: drover$NODE_INDEX
metrics-addr: $AGENT_METRICS
${SERVICE_PROXY:+service-proxy: $SERVICE_PROXY
}${CLUSTER_DNS:+cluster-dns: $CLUSTER_DNS
}${CHECKPOINT_SECRETS:+checkpoint-secrets: $CHECKPOINT_SECRETS
}serving-addr: $AGENT_SERVING
EOT
  unit drover-agent.service "AFTER_SERVER=$([ "$COMMAND" = server ] && echo ' drover-server.service')"
  local changed=$((BINARIES_CHANGED || CHANGED != before))
  start_daemon drover-agent drover-agent.service "$changed" "$LIB_DIR/drover-agent" --config "$ETC_DIR/agent.yaml"
  AGENT_NODE=$node
}

install_ingress() {
  local before=$CHANGED
  local args="--config $DATA_DIR/ingress.config --bind-address $INGRESS_BIND --http-port $INGRESS_HTTP --https-port $INGRESS_HTTPS --metrics-addr $INGRESS_METRICS"
  write "$ETC_DIR/ingress.args" 644 <<<"$args"
  unit drover-ingress.service "INGRESS_ARGS=$args" "AFTER_SERVER= drover-server.service"
  local changed=$((BINARIES_CHANGED || CHANGED != before))
  # shellcheck disable=SC2086 # the arguments are words on purpose
  start_daemon drover-ingress drover-ingress.service "$changed" "$LIB_DIR/drover-ingress" $args
}

wait_node_ready() {
  local node=$1 i
  log "waiting for node $node to be Ready"
  for ((i = 0; i < 300; i++)); do
    DROVER_CONFIG=$ADMIN_CONFIG "$LIB_DIR/drover" get nodes --no-headers 2>/dev/null | grep -qE "^$node +Ready " && { log "node $node is Ready"; return 0; }
    if [ "$NO_SYSTEMD" = 1 ] && ! running_pid drover-agent; then tail -20 "$LOG_DIR/drover-agent.log" >&2; die "drover-agent exited"; fi
    sleep 0.2
  done
  die "node $node did not become Ready within 60 s (log: $LOG_DIR/drover-agent.log or journalctl -u drover-agent)"
}

advertised_url() { awk '/server:/ { print $2; exit }' "$ADMIN_CONFIG"; }

cmd_server() {
  ensure_dir "$ETC_DIR"
  install_files
  install_server
  if [ "$WITH_AGENT" = 1 ]; then
    install_agent "$(agent_servers)" "$(cat "$DATA_DIR/credentials/join-token")"
    wait_node_ready "$AGENT_NODE"
  fi
  [ "$WITH_INGRESS" = 0 ] || install_ingress
  local url; url=$(advertised_url)
  cat <<EOT

Drover server is running: $url (data in $DATA_DIR${NO_SYSTEMD:+; without systemd: logs in $LOG_DIR}).
Use the CLI as root with its admin config:
  export DROVER_CONFIG=$ADMIN_CONFIG
  $BIN_DIR/drover get nodes
Join another node (from its copy of this release directory):
  sudo ./install.sh agent --server $url --token $(cat "$DATA_DIR/credentials/join-token")
EOT
  if [ -n "$DATASTORE_ENDPOINT" ]; then
    cat <<EOT
Join another server replica on the same etcd (its token gives the cluster CA's key: keep it secret):
  sudo ./install.sh server --datastore-endpoint $DATASTORE_ENDPOINT … --server $url --token \$(cat $DATA_DIR/credentials/server-token)
EOT
  fi
}

cmd_agent() {
  ensure_dir "$ETC_DIR"
  install_files
  install_agent "$SERVER_URL" "$TOKEN"
  # Without systemd nothing waits for READY=1: the agent's health endpoint says when its loops run.
  local i
  for ((i = 0; i < 300; i++)); do
    curl -sf "http://$AGENT_METRICS/healthz" >/dev/null 2>&1 && break
    if [ "$NO_SYSTEMD" = 1 ] && ! running_pid drover-agent; then tail -20 "$LOG_DIR/drover-agent.log" >&2; die "drover-agent exited"; fi
    sleep 0.2
  done
  ((i < 300)) || die "drover-agent is not healthy after 60 s (log: $LOG_DIR/drover-agent.log or journalctl -u drover-agent)"
  printf '\ndrover-agent is running as node %s, joined to %s. On the server: drover get nodes\n' "$AGENT_NODE" "$SERVER_URL"
}

# The pod network's device, routes and masquerade table (drover-agent cleanup-network changes nothing where none is).
cleanup_pod_network() {
  local agent="$BIN_DIR/drover-agent"
  [ -x "$agent" ] && "$agent" cleanup-network >/dev/null 2>&1 || true
}

cmd_stop() {
  stop_daemon drover-ingress
  stop_daemon drover-agent
  stop_daemon droverd
  cleanup_pod_network
  if [ -f "$CONTAINERD_DIR/config.toml" ]; then
    DROVER_CONTAINERD_STATE=$RUN_DIR/containerd "$HERE/packaging/containerd/run-private.sh" stop "$CONTAINERD_DIR" || true
  fi
}

cmd_uninstall() {
  [ -f "$MANIFEST" ] || { log "nothing to uninstall: $MANIFEST does not exist"; return 0; }
  local paths path u
  mapfile -t paths < <(tac "$MANIFEST")
  if [ "$NO_SYSTEMD" = 0 ] && systemd_is_pid1; then
    for u in drover-ingress drover-agent drover-server; do
      [ -f "$UNIT_DIR/$u.service" ] && { systemctl disable --now "$u.service" >/dev/null 2>&1 || true; }
    done
  fi
  stop_daemon drover-ingress
  stop_daemon drover-agent
  stop_daemon droverd
  cleanup_pod_network
  # Pods first: their containers, network namespaces, bridge and mounts go with Drover's containerd.
  if [ -f "$CONTAINERD_DIR/config.toml" ]; then
    local script="$SHARE_DIR/packaging/containerd/run-private.sh"
    [ -x "$script" ] || script="$HERE/packaging/containerd/run-private.sh"
    DROVER_CONTAINERD_STATE=$RUN_DIR/containerd "$script" stop "$CONTAINERD_DIR" || true
  fi
  # The service proxy's rules outlive the agent on purpose (traffic flows across restarts); uninstall takes them.
  if command -v nft >/dev/null 2>&1; then nft delete table ip drover-proxy 2>/dev/null || true; fi
  local d
  for d in /sys/fs/cgroup/*/drover; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null; done
  # Exactly what the manifest lists: files and state trees, then the directories it created, deepest first.
  for path in "${paths[@]}"; do
    case "$path" in */\*\*) rm -rf "${path%/\*\*}" ;; */) ;; *) rm -f "$path" ;; esac
  done
  rm -f "$MANIFEST"
  for path in "${paths[@]}"; do
    case "$path" in */\*\*) ;; */) [ -d "$path" ] && { rmdir "$path" 2>/dev/null || log "left $path: not empty (not Drover's content)"; } ;; esac
  done
  if [ "$NO_SYSTEMD" = 0 ] && systemd_is_pid1; then
    systemctl daemon-reload
    # containerd.service back on its own configuration.
    systemctl try-restart containerd.service || true
  fi
  log "uninstalled"
}

case "$COMMAND" in
  server) cmd_server ;;
  agent) cmd_agent ;;
  stop) cmd_stop ;;
  uninstall) cmd_uninstall ;;
esac
