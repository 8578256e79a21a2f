#!/usr/bin/env bash
# Drover's one entry point: deps | build | test | publish | up | down | bench.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
ARTIFACTS="$ROOT/artifacts"
BIN="$ARTIFACTS/bin"
RID=linux-x64
DROVER_HOME=${DROVER_HOME:-$HOME/.drover}
DATA_DIR=${DROVER_DATA_DIR:-$DROVER_HOME/server}
PORT=${DROVER_PORT:-6443}

# Every Debian package the tests, the demo and the benchmarks need. Later capabilities use the
# container runtime, etcd, Prometheus, D-Bus and nginx/wrk; they are installed from the start so a
# fresh machine is ready for all of them.
DEBIAN_PACKAGES=(
  clang zlib1g-dev                                   # Native AOT linking
  containerd runc containernetworking-plugins        # real pods through CRI
  busybox-static umoci skopeo                        # building images without a registry
  etcd-server etcd-client                            # HA store
  prometheus                                         # scrape tests
  dbus                                               # logind/D-Bus tests
  nginx wrk                                          # side-by-side benchmarks
  iproute2 iptables procps curl ca-certificates sqlite3
)
# Deployables published with Native AOT: project path and binary name.
DEPLOYABLES=(
  "controlplane/Drover.ControlPlane:droverd"
  "controlplane/Drover.Cli:drover"
  "agent/Drover.Agent:drover-agent"
  "ingress/Drover.Ingress:drover-ingress"
)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

cmd_deps() {
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "installing packages needs root (missing: ${missing[*]})"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"
}

cmd_build() {
  log "dotnet build"
  dotnet build "$ROOT/Drover.sln" -c Debug -nologo -clp:ErrorsOnly -v:quiet
}

# Publishes every deployable with Native AOT; any IL/AOT/trim warning fails the build.
cmd_publish() {
  mkdir -p "$BIN" "$ARTIFACTS/logs"
  for entry in "${DEPLOYABLES[@]}"; do
    local project=${entry%%:*} name=${entry##*:}
    local logfile="$ARTIFACTS/logs/publish-$name.log"
    # Native AOT compilation takes minutes: skip a binary newer than every source it is built from.
    if [ -f "$BIN/$name" ] && [ -z "$(find controlplane agent ingress Directory.Build.props Directory.Packages.props \
         -newer "$BIN/$name" -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.proto' \) \
         -not -path '*/obj/*' -not -path '*/bin/*' -print -quit 2>/dev/null)" ]; then
      log "publish $name: up to date"
      continue
    fi
    log "publish $name (Native AOT, $RID)"
    if ! dotnet publish "$ROOT/$project" -c Release -r "$RID" -o "$BIN" -nologo -p:PublishAot=true >"$logfile" 2>&1; then
      grep -E "error|warning" "$logfile" | sort -u >&2 || cat "$logfile" >&2
      die "publishing $name failed (log: $logfile)"
    fi
    if grep -qE "warning (IL[0-9]+|AOT|CS|NU)" "$logfile"; then
      grep -E "warning" "$logfile" | sort -u >&2
      die "publishing $name produced trim/AOT warnings (log: $logfile)"
    fi
    awk -v n="$name" -v s="$(stat -c %s "$BIN/$name")" 'BEGIN { printf "    %-13s %6.1f MB\n", n, s / 1048576 }' >&2
  done
}

# Runs every test project, then sums them into the one line CI reads: "N passed, N failed".
cmd_test() {
  cmd_deps
  cmd_build
  cmd_publish
  local passed=0 failed=0 status=0
  mkdir -p "$ARTIFACTS/logs"
  for project in "$ROOT"/tests/*/*.csproj; do
    grep -q "<IsTestProject>false</IsTestProject>" "$project" && continue
    local name; name=$(basename "$project" .csproj)
    local logfile="$ARTIFACTS/logs/test-$name.log"
    log "test $name"
    set +e
    dotnet test "$project" --no-build -c Debug -nologo 2>&1 | tee "$logfile" | grep -E -A4 "^\s*(Failed|Skipped) |Error Message|Passed!|Failed!|error" | grep -v "^\s*Passed \|^--$" 
    local rc=${PIPESTATUS[0]}
    set -e
    local summary; summary=$(grep -E "(Passed|Failed)!  - Failed:" "$logfile" | tail -1 || true)
    if [ -z "$summary" ]; then
      log "$name produced no test summary (exit $rc): counted as one failure; see $logfile"
      tail -5 "$logfile" >&2
      failed=$((failed + 1)); status=1; continue
    fi
    local f p
    f=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$summary")
    p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$summary")
    passed=$((passed + p)); failed=$((failed + f))
    [ "$rc" = 0 ] || status=1
  done
  echo "$passed passed, $failed failed"
  return $status
}

pid_file() { echo "$DATA_DIR/droverd.pid"; }
NODE_DIR=${DROVER_NODE_DIR:-$DROVER_HOME/node}
AGENT_DIR=${DROVER_AGENT_DIR:-$DROVER_HOME/agent}
agent_pid_file() { echo "$AGENT_DIR/drover-agent.pid"; }
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# A one-node cluster on this machine: droverd, a containerd of Drover's own (packaging/containerd,
# its own socket and bridge drover0, not the machine's default one) and an agent joined to droverd.
cmd_up() {
  cmd_deps
  cmd_publish
  mkdir -p "$DATA_DIR" "$AGENT_DIR"
  if running "$(pid_file)"; then
    log "droverd already running (pid $(cat "$(pid_file)"))"
  else
    log "starting droverd (data in $DATA_DIR, https://127.0.0.1:$PORT)"
    nohup "$BIN/droverd" --data-dir "$DATA_DIR" --bind-address 127.0.0.1 --port "$PORT" \
      --write-client-config "$DROVER_HOME/config" >"$DATA_DIR/droverd.log" 2>&1 &
    echo $! >"$(pid_file)"
    for _ in $(seq 1 100); do
      curl -skf "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && [ -f "$DROVER_HOME/config" ] && break
      running "$(pid_file)" || { cat "$DATA_DIR/droverd.log" >&2; die "droverd exited"; }
      sleep 0.1
    done
  fi
  if [ -S "$NODE_DIR/containerd.sock" ] && "$ROOT/packaging/containerd/run-private.sh" status "$NODE_DIR" >/dev/null 2>&1; then
    log "containerd already running ($NODE_DIR)"
  else
    log "starting containerd for the node ($NODE_DIR, bridge drover0)"
    "$ROOT/packaging/containerd/run-private.sh" start "$NODE_DIR" 0 >&2
  fi
  local node; node=$(hostname | tr '[:upper:]_' '[:lower:]-')
  if running "$(agent_pid_file)"; then
    log "drover-agent already running (pid $(cat "$(agent_pid_file)"))"
  else
    log "starting drover-agent as node $node"
    nohup "$BIN/drover-agent" --server "https://127.0.0.1:$PORT" --token "$(cat "$DATA_DIR/credentials/join-token")" \
      --node-name "$node" --data-dir "$AGENT_DIR" --containerd-socket "$NODE_DIR/containerd.sock" \
      --cni-conf-dir "$NODE_DIR/cni/conf" --cni-bridge drover0 --cni-ip-masq false \
      --metrics-addr 127.0.0.1:9101 >"$AGENT_DIR/drover-agent.log" 2>&1 &
    echo $! >"$(agent_pid_file)"
  fi
  for _ in $(seq 1 150); do
    DROVER_CONFIG="$DROVER_HOME/config" "$BIN/drover" get nodes --no-headers 2>/dev/null | grep -q " Ready " && break
    running "$(agent_pid_file)" || { tail -20 "$AGENT_DIR/drover-agent.log" >&2; die "drover-agent exited"; }
    sleep 0.2
  done
  "$BIN/drover" version
  "$BIN/drover" get nodes -o wide
  cat <<EOT

Drover is up: droverd (log $DATA_DIR/droverd.log), containerd ($NODE_DIR), drover-agent (log $AGENT_DIR/drover-agent.log).
The admin client config is $DROVER_HOME/config. Try:
  $BIN/drover get nodes
  $BIN/drover apply -f examples/
  $BIN/drover get deployments -o wide
  $BIN/drover describe deployment my-app
Pods bound to the node run now (spec.nodeName: $node); the scheduler, the Deployment controller and the
ingress that turn examples/ into running replicas come with their capabilities. Stop with ./build.sh down.
EOT
}

stop_pid() {
  local name=$1 pidfile=$2
  if running "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  else
    log "$name is not running"
  fi
  rm -f "$pidfile"
}

cmd_down() {
  stop_pid drover-agent "$(agent_pid_file)"
  if [ -d "$NODE_DIR" ]; then
    log "stopping the node's containerd (its pods and network go with it)"
    "$ROOT/packaging/containerd/run-private.sh" stop "$NODE_DIR" >&2 || true
  fi
  stop_pid droverd "$(pid_file)"
}

# ./build.sh bench [controlplane|agent|cluster|ingress]: all by default; one failing does not skip the others.
cmd_bench() {
  local which=${1:-all} status=0
  case "$which" in all|controlplane|agent|cluster|ingress) ;; *) die "usage: ./build.sh bench [controlplane|agent|cluster|ingress]" ;; esac
  cmd_deps
  cmd_publish
  if [ "$which" = all ] || [ "$which" = controlplane ]; then "$ROOT/bench/run.sh" || status=$?; fi
  if [ "$which" = all ] || [ "$which" = agent ]; then "$ROOT/bench/agent.sh" || status=$?; fi
  if [ "$which" = all ] || [ "$which" = cluster ]; then "$ROOT/bench/cluster.sh" || status=$?; fi
  if [ "$which" = all ] || [ "$which" = ingress ]; then "$ROOT/bench/ingress.sh" || status=$?; fi
  return "$status"
}

case "${1:-}" in
  deps|build|test|publish|up|down|bench) c=$1; shift; "cmd_$c" "$@" ;;
  *) echo "usage: ./build.sh deps|build|test|publish|up|down|bench" >&2; exit 2 ;;
esac
