#!/usr/bin/env bash
# Control-plane benchmarks for droverd (docs/BENCHMARKS.md). Runs against the published Native AOT binaries in
# artifacts/bin (./build.sh bench publishes them first; run ./build.sh publish yourself before calling this directly).
# Every scenario starts its own droverd on a free loopback port with a temp data dir and stops/deletes it afterwards.
# Markdown goes to stdout and to artifacts/bench/<UTC time>/results.md, next to the raw samples, droverd logs,
# /metrics scrapes and results.json. Then the whole control plane with 1,000 hollow nodes and 10,000 pods
# (bench/Drover.Bench.HollowNodes, its own fresh droverd; hollow-results.json). Takes about 2.5 minutes plus the
# build of the drivers. HOLLOW=0 skips the hollow-node run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN="$ROOT/artifacts/bin"
PROJECT="$ROOT/bench/Drover.Bench.ApiServer"
HOLLOW="$ROOT/bench/Drover.Bench.HollowNodes"

die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }
for b in droverd drover libe_sqlite3.so; do
  [ -f "$BIN/$b" ] || die "$BIN/$b is missing: run ./build.sh publish (or ./build.sh bench)"
done
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/artifacts/bench/$STAMP"
mkdir -p "$OUT"

printf '==> building the benchmark drivers (Release)\n' >&2
for p in "$PROJECT" "$HOLLOW"; do
  dotnet build "$p" -c Release -nologo -v:quiet -clp:ErrorsOnly >>"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die "building $p failed"; }
done

mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "## Control plane (droverd): bench/run.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) CPUs (${cpu:-unknown}), ${mem_gib} GiB RAM, Linux $(uname -r), .NET SDK $(dotnet --version);" \
       "droverd $(stat -c %s "$BIN/droverd") bytes, git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+dirty')."
  echo
  echo "Load average at the start: $(cat /proc/loadavg)."
  echo
} >"$OUT/results.md"
cat "$OUT/results.md"

printf '==> running (raw output in %s)\n' "$OUT" >&2
dotnet "$PROJECT/bin/Release/net10.0/Drover.Bench.ApiServer.dll" \
  --droverd "$BIN/droverd" --drover "$BIN/drover" --out "$OUT" "$@" | tee -a "$OUT/results.md"
status=${PIPESTATUS[0]}
if [ "${HOLLOW:-1}" != 0 ]; then
  printf '==> whole control plane: 1,000 hollow nodes, 10,000 pods\n' >&2
  echo | tee -a "$OUT/results.md"
  dotnet "$HOLLOW/bin/Release/net10.0/Drover.Bench.HollowNodes.dll" --droverd "$BIN/droverd" --out "$OUT" | tee -a "$OUT/results.md"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
fi
ln -sfn "$STAMP" "$ROOT/artifacts/bench/latest"
exit "$status"
