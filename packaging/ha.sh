#!/usr/bin/env bash
# Drover in high availability on one machine, as `./build.sh up --ha` runs it: three etcd members (Debian's
# etcd-server; clients over TLS with client certificates, peers over plain HTTP, all on loopback), three droverd
# replicas on them each installed by the release's install.sh under a --root of its own (no systemd), the first with
# containerd, the agent and the ingress; the agent, the ingress and the admin config list all three replicas.
#
#   ha.sh up DIR RELEASE [--port 6443] [--etcd-port 2379] [--ingress-http-port 8080] [--ingress-https-port 8443]
#                                   etcd member i (0-2) on 127.0.0.1:ETCD_PORT+10000·i (its peer port one above),
#                                   replica i on 127.0.0.1:PORT+i; state, logs and the etcd PKI under DIR
#   ha.sh down DIR RELEASE          every replica uninstalled from its root (daemons stopped, pods and their network
#                                   removed), the etcd members stopped by process id, DIR removed
#   ha.sh status DIR                the members, the replicas, which one leads
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPLICAS=3
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ha.sh: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '7,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 2 ] || usage
COMMAND=$1 DIR=$2
shift 2
case "$DIR" in /*) ;; *) die "DIR must be an absolute path, got '$DIR'" ;; esac
PKI=$DIR/etcd/pki
LOGS=$DIR/logs
PIDS=$DIR/etcd/pids

etcd_client_port() { echo $((ETCD_PORT + 10000 * $1)); }
etcd_peer_port() { echo $((ETCD_PORT + 10000 * $1 + 1)); }
replica_port() { echo $((PORT + $1)); }
replica_root() { echo "$DIR/r$1"; }
etcd_endpoints() {
  local i list=()
  for ((i = 0; i < REPLICAS; i++)); do list+=("https://127.0.0.1:$(etcd_client_port "$i")"); done
  local IFS=,; echo "${list[*]}"
}
replica_urls() {
  local i list=()
  for ((i = 0; i < REPLICAS; i++)); do list+=("https://127.0.0.1:$(replica_port "$i")"); done
  local IFS=,; echo "${list[*]}"
}
etcdctl_tls() { ETCDCTL_API=3 etcdctl --cacert "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" "$@"; }

# A CA, one serving certificate for 127.0.0.1 (every member) and droverd's client certificate; EC P-256, 10 years.
make_pki() {
  [ -f "$PKI/client.key" ] && return 0
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 3650 -subj /CN=drover-etcd-ca 2>/dev/null
  local name ext
  for name in server client; do
    if [ "$name" = server ]; then ext="subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth,clientAuth"; else ext="extendedKeyUsage=clientAuth"; fi
    openssl req "${ec[@]}" -keyout "$PKI/$name.key" -out "$PKI/$name.csr" -subj "/CN=drover-etcd-$name" 2>/dev/null
    openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 3650 \
      -out "$PKI/$name.crt" -extfile <(printf '%s\n' "$ext") 2>/dev/null
    rm -f "$PKI/$name.csr"
  done
  chmod 600 "$PKI"/*.key
}

start_etcd() {
  local i cluster=() client peer
  for ((i = 0; i < REPLICAS; i++)); do cluster+=("e$i=http://127.0.0.1:$(etcd_peer_port "$i")"); done
  local IFS=,
  local initial="${cluster[*]}"
  unset IFS
  : >"$PIDS"
  for ((i = 0; i < REPLICAS; i++)); do
    client="https://127.0.0.1:$(etcd_client_port "$i")" peer="http://127.0.0.1:$(etcd_peer_port "$i")"
    log "starting etcd member e$i (clients $client, peers $peer; log $LOGS/etcd-$i.log)"
    setsid etcd --name "e$i" --data-dir "$DIR/etcd/e$i" \
      --listen-client-urls "$client" --advertise-client-urls "$client" \
      --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
      --initial-cluster "$initial" --initial-cluster-token drover-ha --initial-cluster-state new \
      --cert-file "$PKI/server.crt" --key-file "$PKI/server.key" --client-cert-auth --trusted-ca-file "$PKI/ca.crt" \
      --logger zap --log-outputs stderr >>"$LOGS/etcd-$i.log" 2>&1 </dev/null &
    echo "$!" >>"$PIDS"
  done
  local n
  for ((n = 0; n < 300; n++)); do
    etcdctl_tls --endpoints "$(etcd_endpoints)" endpoint health >/dev/null 2>&1 && { log "etcd: 3 members healthy"; return 0; }
    sleep 0.2
  done
  etcdctl_tls --endpoints "$(etcd_endpoints)" endpoint health >&2 || true
  die "etcd did not become healthy within 60 s (logs: $LOGS/etcd-*.log)"
}

datastore_args() {
  echo "--datastore-endpoint $(etcd_endpoints) --datastore-cafile $PKI/ca.crt --datastore-certfile $PKI/client.crt --datastore-keyfile $PKI/client.key"
}

cmd_up() {
  PORT=6443 ETCD_PORT=2379 INGRESS_HTTP=8080 INGRESS_HTTPS=8443
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) PORT=$2; shift ;;
      --etcd-port) ETCD_PORT=$2; shift ;;
      --ingress-http-port) INGRESS_HTTP=$2; shift ;;
      --ingress-https-port) INGRESS_HTTPS=$2; shift ;;
      *) die "unknown option '$1'" ;;
    esac
    shift
  done
  [[ "$PORT" =~ ^[0-9]+$ ]] && [[ "$ETCD_PORT" =~ ^[0-9]+$ ]] && ((PORT + 2 <= 65535 && ETCD_PORT + 20001 <= 65535)) \
    || die "--port and --etcd-port must leave room for three replicas (PORT+2) and three members (ETCD_PORT+20001)"
  [ -x "$RELEASE/install.sh" ] || die "$RELEASE/install.sh is missing (./build.sh publish)"
  for t in etcd etcdctl openssl setsid curl; do command -v "$t" >/dev/null || die "missing: $t (Debian: etcd-server etcd-client openssl util-linux curl)"; done
  [ ! -s "$PIDS" ] || die "$DIR is already up (./build.sh down first)"
  mkdir -p "$LOGS" "$DIR/etcd"
  printf 'port=%s\netcd_port=%s\ningress_http=%s\n' "$PORT" "$ETCD_PORT" "$INGRESS_HTTP" >"$DIR/cluster"
  make_pki
  start_etcd

  local servers; servers=$(replica_urls)
  # shellcheck disable=SC2046 # the datastore arguments are words on purpose
  # Every replica on loopback of this one machine: no other host to route pods to, so no VXLAN device here.
  local common=(--no-systemd --bind-address 127.0.0.1 --pod-network none --advertise-servers "$servers" $(datastore_args))
  log "replica 0: install.sh server --root $(replica_root 0) --port $(replica_port 0) with containerd, the agent and the ingress"
  "$RELEASE/install.sh" server --root "$(replica_root 0)" --port "$(replica_port 0)" "${common[@]}" \
    --with-agent --with-ingress --ingress-bind-address 127.0.0.1 --ingress-http-port "$INGRESS_HTTP" --ingress-https-port "$INGRESS_HTTPS" >&2
  local token; token=$(cat "$(replica_root 0)/var/lib/drover/server/credentials/server-token")
  local i
  for ((i = 1; i < REPLICAS; i++)); do
    log "replica $i: install.sh server --root $(replica_root "$i") --port $(replica_port "$i") --server https://127.0.0.1:$(replica_port 0) --token …"
    "$RELEASE/install.sh" server --root "$(replica_root "$i")" --port "$(replica_port "$i")" "${common[@]}" \
      --server "https://127.0.0.1:$(replica_port 0)" --token "$token" >&2
  done
}

cmd_status() {
  [ -f "$DIR/cluster" ] || die "$DIR is not up"
  PORT=$(sed -n 's/^port=//p' "$DIR/cluster") ETCD_PORT=$(sed -n 's/^etcd_port=//p' "$DIR/cluster")
  etcdctl_tls --endpoints "$(etcd_endpoints)" endpoint status -w table
  local drover=("$(replica_root 0)/usr/local/bin/drover" --config "$(replica_root 0)/etc/drover/admin.config")
  local holder i
  holder=$("${drover[@]}" get lease droverd -n kube-system -o yaml 2>/dev/null | sed -n 's/^ *holderIdentity: *//p' | tr -d '"')
  for ((i = 0; i < REPLICAS; i++)); do
    printf 'replica %d https://127.0.0.1:%s (pid %s) readyz: %s%s\n' "$i" "$(replica_port "$i")" \
      "$(cat "$(replica_root "$i")/run/drover/droverd.pid" 2>/dev/null || echo -)" \
      "$(curl -sk -m 2 "https://127.0.0.1:$(replica_port "$i")/readyz" || echo down)" \
      "$([[ "$holder" == *":$(replica_port "$i")_"* ]] && echo '  <- leader' || true)"
  done
  echo "leader Lease kube-system/droverd held by: ${holder:-nobody}"
}

cmd_down() {
  local i
  for ((i = REPLICAS - 1; i >= 0; i--)); do
    if [ -d "$(replica_root "$i")" ] && [ -x "$RELEASE/install.sh" ]; then
      log "replica $i: install.sh uninstall --root $(replica_root "$i")"
      "$RELEASE/install.sh" uninstall --root "$(replica_root "$i")" >&2 || true
    fi
  done
  if [ -f "$PIDS" ]; then
    local pid
    while read -r pid; do
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { log "stopping etcd (pid $pid)"; kill -TERM "$pid"; }
    done <"$PIDS"
    while read -r pid; do
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    done <"$PIDS"
  fi
  rm -rf "$DIR"
  log "HA cluster removed ($DIR)"
}

case "$COMMAND" in
  up) RELEASE=${1:-}; shift || true; [ -n "$RELEASE" ] || usage; cmd_up "$@" ;;
  down) RELEASE=${1:-}; [ -n "$RELEASE" ] || usage; cmd_down ;;
  status) cmd_status ;;
  *) usage ;;
esac
