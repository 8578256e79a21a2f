# Sourced by the benchmarks that run a .NET driver against a cluster of private containerds on this host
# (bench/memory.sh, bench/chaos.sh): the machine-wide lock, a work dir whose leftovers are removed on every exit, and
# the driver's build. The caller sets NAME (its own name for messages) and PROJECT (the driver's folder) first.

LOCK=${DROVER_E2E_LOCK:-/tmp/drover-e2e.lock}
RUN_PRIVATE="$ROOT/packaging/containerd/run-private.sh"
BIN=${DROVER_BIN:-$ROOT/artifacts/bin}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$NAME" "$*" >&2; exit 1; }

require_cluster_tools() {
  local b
  for b in droverd drover-agent drover-ingress drover; do
    [ -f "$BIN/$b" ] || die "$BIN/$b is missing: run ./build.sh publish"
  done
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"
  [ "$(id -u)" = 0 ] || die "private containerds need root"
}

# flock(1) passes its locked descriptor on to the command it runs: seeing it among ours means the caller holds the
# lock (`flock /tmp/drover-e2e.lock bench/chaos.sh`), and taking it again through a second descriptor would wait forever.
take_lock() {
  [ "$LOCK" = off ] && return 0
  local fd
  for fd in /proc/$$/fd/*; do [ "$(readlink "$fd" 2>/dev/null)" = "$LOCK" ] && return 0; done
  exec 9>>"$LOCK"
  flock -n 9 || { log "waiting for $LOCK (another containerd test or bench is running)"; flock 9; }
}

# The driver stops everything it started; this is for a driver that was killed: daemons whose command line names this
# run's work dir, then every node's containerd with its pods, bridge and netns. Bridges the driver took down are
# deleted with their containerd (run-private.sh stop).
cleanup_cluster() {
  local status=$? pid dir
  trap - EXIT INT TERM
  for pid in $(grep -lsF -- "$WORK" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
      droverd|drover-agent|drover-ingres*|dotnet) log "stopping leftover $(cat "/proc/$pid/comm") (pid $pid)"; kill -KILL "$pid" 2>/dev/null || true ;;
    esac
  done
  for dir in "$WORK"/node-*/containerd; do
    [ -d "$dir" ] && { "$RUN_PRIVATE" stop "$dir" >>"$OUT/containerd-stop.log" 2>&1 || log "run-private.sh stop $dir failed: see $OUT/containerd-stop.log"; }
  done
  rm -rf "$WORK"
  exit "$status"
}

build_driver() {
  log "building the driver $(basename "$PROJECT") (Release)"
  dotnet build "$PROJECT" -c Release -nologo -v:quiet -clp:ErrorsOnly >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die "building the driver failed"; }
}

machine_line() {
  local mem_gib cpu
  mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  echo "Machine: $(nproc) CPUs (${cpu:-unknown}), ${mem_gib} GiB RAM, Linux $(uname -r), .NET SDK $(dotnet --version)," \
       "$(containerd --version | awk '{ print $1, $3 }'); git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+dirty')."
}
