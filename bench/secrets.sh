#!/usr/bin/env bash
# The cost of Secrets encryption at rest (docs/BENCHMARKS.md, "Secrets encryption at rest"): Secret create/get latency
# against the published droverd with --secrets-encryption on and off, alternated. Needs ./build.sh publish first.
# COUNT (default 1000) requests of each kind per run, ROUNDS (default 2) runs of each mode.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/artifacts/bin}
for b in droverd drover drover-agent; do
  [ -f "$BIN/$b" ] || { echo "bench/secrets.sh: $BIN/$b is missing: run ./build.sh publish" >&2; exit 1; }
done
dotnet build bench/Drover.Bench.Secrets -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
echo "Load average at the start: $(cat /proc/loadavg); $(nproc) CPUs; git $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty'); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
dotnet bench/Drover.Bench.Secrets/bin/Release/net10.0/Drover.Bench.Secrets.dll --bin "$BIN" --count "${COUNT:-1000}" --rounds "${ROUNDS:-2}"
echo
echo "Load average at the end: $(cat /proc/loadavg)"
