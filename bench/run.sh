#!/usr/bin/env bash
# Control-plane benchmarks for droverd (docs/BENCHMARKS.md). Runs against the published Native AOT binaries in
# artifacts/bin (./build.sh bench publishes them first; run ./build.sh publish yourself before calling this directly).
# Every scenario starts its own droverd on a free loopback port with a temp data dir and stops/deletes it afterwards.
# Markdown goes to stdout and to artifacts/bench/<UTC time>/results.md, next to the raw samples, droverd logs,
# /metrics scrapes and results.json. Takes about 1.5 minutes plus the build of the driver.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN="$ROOT/artifacts/bin"
PROJECT="$ROOT/bench/Drover.Bench.ApiServer"

die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }
for b in droverd drover libe_sqlite3.so; do
  [ -f "$BIN/$b" ] || die "$BIN/$b is missing: run ./build.sh publish (or ./build.sh bench)"
done
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/artifacts/bench/$STAMP"
mkdir -p "$OUT"

printf '==> building the benchmark driver (Release)\n' >&2
dotnet build "$PROJECT" -c Release -nologo -v:quiet -clp:ErrorsOnly >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die "building the driver failed"; }

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
ln -sfn "$STAMP" "$ROOT/artifacts/bench/latest"
exit "$status"
