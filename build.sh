#!/usr/bin/env bash
# Drover's one entry point: deps | build | test | publish | up | down | bench.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
ARTIFACTS="$ROOT/artifacts"
BIN="$ARTIFACTS/bin"
RID=linux-x64
DROVER_HOME=${DROVER_HOME:-$HOME/.drover}
PORT=${DROVER_PORT:-6443}

# Every Debian package the tests, the demo and the benchmarks need. Later capabilities use the
# container runtime, etcd, Prometheus, D-Bus and nginx/wrk; they are installed from the start so a
# fresh machine is ready for all of them.
DEBIAN_PACKAGES=(
  clang zlib1g-dev                                   # Native AOT linking
  containerd runc containernetworking-plugins        # real pods through CRI
  busybox-static umoci skopeo                        # building images without a registry
  docker-registry apache2-utils                      # private-registry pull tests (registry + htpasswd)
  etcd-server etcd-client                            # HA store
  prometheus                                         # scrape tests
  dbus                                               # logind/D-Bus tests
  systemd debootstrap systemd-container              # systemd-analyze; the install test under systemd as PID 1
  nginx wrk                                          # side-by-side benchmarks
  afl++                                              # bench/fuzz (SharpFuzz targets under afl-fuzz)
  iproute2 iptables procps curl ca-certificates sqlite3
  nftables libnftables1 iperf3                       # the pod network's masquerade table, the service proxy (in process); bench/podnet.sh
  bind9-dnsutils dnsperf dnsmasq-base                # cluster DNS: dig in the DNS process test, dnsperf and the reference dnsmasq in bench/dns.sh
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
  # The compatibility tests (tests/Drover.E2E.Tests/Compatibility) drive the real kubectl 1.32. It is
  # preinstalled at /usr/bin/kubectl on the project's machines (with the image's cloud CLI); Debian's
  # kubernetes-client is 1.20, too old to be a stand-in. Without it the compatibility tests fail loudly (each names
  # kubectl); said here too, but not fatal, so the rest still runs and the summary line still counts them.
  local kubectl_minor
  kubectl_minor=$(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: v1\.\([0-9][0-9]*\)\..*/\1/p')
  [ -n "$kubectl_minor" ] && [ "$kubectl_minor" -ge 31 ] && [ "$kubectl_minor" -le 33 ] \
    || log "WARNING: kubectl 1.31-1.33 is needed on PATH for the compatibility tests, which will fail (found: ${kubectl_minor:+1.}${kubectl_minor:-none})"
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
  assemble_release
}

RELEASE_NAME=drover-$RID
RELEASE="$ARTIFACTS/release/$RELEASE_NAME"
# The release directory and tarball install.sh works from: the four binaries, the images of packaging/images,
# containerd's and CNI's configuration, the systemd units and the demo manifest.
assemble_release() {
  "$ROOT/packaging/images/build.sh" "$ARTIFACTS/images"
  local staging="$RELEASE.tmp"
  rm -rf "$staging"
  mkdir -p "$staging"/{bin,images,examples,packaging/containerd,packaging/cni,packaging/systemd,packaging/prometheus}
  local entry
  for entry in "${DEPLOYABLES[@]}"; do cp "$BIN/${entry##*:}" "$staging/bin/"; done
  cp "$BIN/libe_sqlite3.so" "$staging/bin/"
  local archive base
  while read -r archive base; do [ -n "$archive" ] && cp "$ARTIFACTS/images/$archive" "$staging/images/"; done <"$ARTIFACTS/images/images.list"
  cp "$ARTIFACTS/images/images.list" "$staging/images/"
  install -m 755 "$ROOT/packaging/install.sh" "$staging/install.sh"
  cp "$ROOT/packaging/README.release.md" "$staging/README.md"
  cp "$ROOT/packaging/containerd/run-private.sh" "$ROOT/packaging/containerd/config.toml.template" \
    "$ROOT/packaging/containerd/registries.sh" "$staging/packaging/containerd/"
  cp "$ROOT/packaging/cni/10-drover.conflist.template" "$staging/packaging/cni/"
  cp "$ROOT"/packaging/systemd/*.service "$ROOT"/packaging/systemd/*.conf "$staging/packaging/systemd/"
  cp "$ROOT"/packaging/prometheus/* "$staging/packaging/prometheus/"
  cp "$ROOT/examples/hello.yaml" "$staging/examples/"
  rm -rf "$RELEASE"
  mv "$staging" "$RELEASE"
  tar --sort=name --owner=0 --group=0 --numeric-owner -C "$ARTIFACTS/release" -czf "$RELEASE.tar.gz" "$RELEASE_NAME"
  log "release: $RELEASE/ and $RELEASE.tar.gz ($(du -m "$RELEASE.tar.gz" | cut -f1) MB)"
}

# Runs every test project, then sums them into the one line CI reads: "N passed, N failed".
# --fast: the unit tests only (no deps, no publish; every class in the Process category — droverd, agents,
# containerd, scripts — left out; Drover.Architecture.Tests checks that category is complete). For between edits.
cmd_test() {
  local filter=()
  if [ "${1:-}" = "--fast" ]; then
    filter=(--filter "Category!=Process")
    cmd_build
  else
    cmd_deps
    cmd_build
    cmd_publish
  fi
  local passed=0 failed=0 status=0
  mkdir -p "$ARTIFACTS/logs"
  for project in "$ROOT"/tests/*/*.csproj; do
    grep -q "<IsTestProject>false</IsTestProject>" "$project" && continue
    local name; name=$(basename "$project" .csproj)
    local logfile="$ARTIFACTS/logs/test-$name.log"
    log "test $name"
    set +e
    dotnet test "$project" --no-build -c Debug -nologo "${filter[@]}" 2>&1 | tee "$logfile" | grep -E -A4 "^\s*(Failed|Skipped) |Error Message|Passed!|Failed!|error" | grep -v "^\s*Passed \|^--$" 
    local rc=${PIPESTATUS[0]}
    set -e
    local summary; summary=$(grep -E "(Passed|Failed)!  - Failed:" "$logfile" | tail -1 || true)
    if [ -z "$summary" ] && [ ${#filter[@]} -gt 0 ] && grep -q "No test matches the given testcase filter" "$logfile"; then
      continue  # --fast: a project of process tests only
    fi
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
  if [ ${#filter[@]} -eq 0 ]; then
    # Formatting as .editorconfig says (whitespace: indentation, new lines, spacing); one failure when it differs.
    log "dotnet format whitespace --verify-no-changes"
    if dotnet format whitespace "$ROOT/Drover.sln" --verify-no-changes >"$ARTIFACTS/logs/format.log" 2>&1; then
      passed=$((passed + 1))
    else
      grep -m 20 "error WHITESPACE" "$ARTIFACTS/logs/format.log" >&2 || tail -5 "$ARTIFACTS/logs/format.log" >&2
      log "formatting differs from .editorconfig: run 'dotnet format whitespace Drover.sln'"
      failed=$((failed + 1)); status=1
    fi
  fi
  echo "$passed passed, $failed failed"
  return $status
}

# `up` installs the release under ~/.drover/root (install.sh --root: nothing outside it but the pods' network and
# cgroups) and runs the daemons without systemd; `down` stops them by process id and removes the pods, their
# network namespaces and the bridge.
UP_ROOT=${DROVER_UP_ROOT:-$DROVER_HOME/root}
INGRESS_HTTP_PORT=${DROVER_INGRESS_HTTP_PORT:-8080}
INGRESS_HTTPS_PORT=${DROVER_INGRESS_HTTPS_PORT:-8443}

MULTIHOST_DIR=$DROVER_HOME/multihost
HA_DIR=$DROVER_HOME/ha

cmd_up() {
  cmd_deps
  cmd_publish
  if [ "${1:-}" = --nodes ]; then
    # Several hosts, each in a network namespace of its own (packaging/multihost.sh): droverd, N nodes on a LAN of
    # 198.51.100.0/24, the pod network (--pod-network vxlan|host-gw), the ingress on the first host.
    "$ROOT/packaging/multihost.sh" up "$MULTIHOST_DIR" --bin "$BIN" "$@"
    mkdir -p "$DROVER_HOME"
    install -m 600 "$MULTIHOST_DIR/admin.config" "$DROVER_HOME/config"
    local ingress; ingress=$(sed -n 's/^ingress=//p' "$MULTIHOST_DIR/cluster")
    curl -sf -m 5 -H 'Host: hello.local' "http://$ingress/" || die "hello.local does not answer through the ingress at $ingress"
    cat <<EOT

Drover is up on $(sed -n 's/^nodes=//p' "$MULTIHOST_DIR/cluster") hosts (network namespaces drover-h*, LAN bridge drover-lan), pod network
$(sed -n 's/^backend=//p' "$MULTIHOST_DIR/cluster"); logs in $MULTIHOST_DIR/logs. Try:
  $BIN/drover get pods -o wide
  curl -H 'Host: hello.local' http://$ingress/
  packaging/multihost.sh pod-run $MULTIHOST_DIR POD_IP curl -s http://OTHER_POD_IP:3000/cgi-bin/whoami
  packaging/multihost.sh link $MULTIHOST_DIR 32 down      # the third host falls off the LAN
Stop with ./build.sh down.
EOT
    return 0
  fi
  local ha=0
  if [ "${1:-}" = --ha ]; then
    # Three etcd members and three droverd replicas on loopback (packaging/ha.sh): the first replica with containerd,
    # the agent and the ingress; every client config lists the three replicas.
    ha=1
    "$ROOT/packaging/ha.sh" up "$HA_DIR" "$RELEASE" --port "$PORT" \
      --ingress-http-port "$INGRESS_HTTP_PORT" --ingress-https-port "$INGRESS_HTTPS_PORT"
    mkdir -p "$DROVER_HOME"
    install -m 600 "$HA_DIR/r0/etc/drover/admin.config" "$DROVER_HOME/config"
  else
    log "installing the release under $UP_ROOT (install.sh server --no-systemd --with-agent --with-ingress)"
    "$RELEASE/install.sh" server --no-systemd --root "$UP_ROOT" --bind-address 127.0.0.1 --port "$PORT" \
      --with-agent --with-ingress --ingress-bind-address 127.0.0.1 \
      --ingress-http-port "$INGRESS_HTTP_PORT" --ingress-https-port "$INGRESS_HTTPS_PORT" >&2
    mkdir -p "$DROVER_HOME"
    install -m 600 "$UP_ROOT/etc/drover/admin.config" "$DROVER_HOME/config"
  fi
  local drover=("$BIN/drover" --config "$DROVER_HOME/config")
  log "deploying examples/hello.yaml"
  "${drover[@]}" apply -f "$ROOT/examples/hello.yaml"
  "${drover[@]}" rollout status deployment/hello --timeout 180s
  log "waiting for hello.local through the ingress (127.0.0.1:$INGRESS_HTTP_PORT)"
  local answer="" i
  for ((i = 0; i < 100; i++)); do
    answer=$(curl -sf -H 'Host: hello.local' "http://127.0.0.1:$INGRESS_HTTP_PORT/" 2>/dev/null) && break
    sleep 0.2
  done
  [ -n "$answer" ] || die "hello.local does not answer through the ingress (logs: $UP_ROOT/var/log/drover/)"
  echo "$answer"
  "${drover[@]}" get pods -o wide
  if [ "$ha" = 1 ]; then
    "$ROOT/packaging/ha.sh" status "$HA_DIR"
    cat <<EOT

Drover is up in high availability: 3 etcd members (https://127.0.0.1:2379,12379,22379; client certificates in
$HA_DIR/etcd/pki), 3 droverd replicas (https://127.0.0.1:$PORT-$((PORT + 2)), each installed by install.sh under
$HA_DIR/rN), containerd, drover-agent and drover-ingress (http://127.0.0.1:$INGRESS_HTTP_PORT) with replica 0; logs in
$HA_DIR/logs (etcd) and $HA_DIR/rN/var/log/drover/. The admin config $DROVER_HOME/config lists the three replicas. Try:
  $BIN/drover get pods -o wide
  packaging/ha.sh status $HA_DIR                                  # etcd members, replicas, the leader
  kill -9 \$(cat $HA_DIR/r0/run/drover/droverd.pid)                # the leader may be any replica: see status
  $BIN/drover scale deployment/hello --replicas 4                 # answered by another replica
Stop with ./build.sh down.
EOT
    return 0
  fi
  cat <<EOT

Drover is up: droverd (https://127.0.0.1:$PORT), containerd, drover-agent and drover-ingress (http://127.0.0.1:$INGRESS_HTTP_PORT,
https://127.0.0.1:$INGRESS_HTTPS_PORT), installed under $UP_ROOT by the release's install.sh; logs in $UP_ROOT/var/log/drover/.
The admin client config is $DROVER_HOME/config. Try:
  $BIN/drover get pods -o wide
  curl -H 'Host: hello.local' http://127.0.0.1:$INGRESS_HTTP_PORT/
  $BIN/drover scale deployment/hello --replicas 5
  $BIN/drover rollout restart deployment/hello && $BIN/drover rollout status deployment/hello
  $BIN/drover apply -f examples/        # the seed manifests
Prometheus (droverd, the agents through droverd's service discovery, the ingress; Grafana dashboard beside it):
  packaging/prometheus/render.sh --data-dir $UP_ROOT/var/lib/drover/server --server 127.0.0.1:$PORT --out prometheus.yml
Stop with ./build.sh down.
EOT
}

cmd_down() {
  if [ -d "$HA_DIR" ]; then
    "$ROOT/packaging/ha.sh" down "$HA_DIR" "$RELEASE"
  fi
  if [ -f "$MULTIHOST_DIR/lan" ] || [ -s "$MULTIHOST_DIR/pids" ]; then
    "$ROOT/packaging/multihost.sh" down "$MULTIHOST_DIR"
  fi
  if [ -x "$RELEASE/install.sh" ] && [ -d "$UP_ROOT" ]; then
    "$RELEASE/install.sh" stop --root "$UP_ROOT"
  else
    log "nothing to stop ($UP_ROOT does not exist)"
  fi
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
  *) echo "usage: ./build.sh deps|build|test [--fast]|publish|up [--ha|--nodes N]|down|bench" >&2; exit 2 ;;
esac
