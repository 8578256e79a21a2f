#!/usr/bin/env bash
# Fuzzes every parser of outside bytes with afl-fuzz (Debian's afl++) through SharpFuzz. A benchmark, not a
# test: each target runs for a bounded time; figures go to docs/BENCHMARKS.md.
#   bench/fuzz/run.sh [TARGET[,TARGET...]|all] [SECONDS]      default: all targets, 60 s each
# Findings (crashes, hangs, the queue) stay in $FUZZ_WORK (default /tmp/drover-fuzz/findings/TARGET); replay one with
# the uninstrumented build of ./build.sh build (the instrumented one needs afl's shared memory):
#   dotnet bench/fuzz/Drover.Fuzz/bin/Debug/net10.0/Drover.Fuzz.dll TARGET --replay FILE...
# and turn it into a unit test before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
TARGET=${1:-all}
SECONDS_EACH=${2:-60}
WORK=${FUZZ_WORK:-/tmp/drover-fuzz}
BIN=$WORK/bin

command -v afl-fuzz >/dev/null || { echo "run.sh: afl-fuzz is missing (Debian package afl++; ./build.sh deps installs it)" >&2; exit 1; }

echo "==> building the harness into $BIN" >&2
rm -rf "$BIN"
# A build, not a publish: droverd and the agent publish self-contained (Native AOT) and cannot be referenced then.
dotnet build "$HERE/Drover.Fuzz" -c Release -p:OutDir="$BIN/" -nologo -v:quiet -clp:ErrorsOnly >&2
echo "==> instrumenting with SharpFuzz" >&2
dotnet tool restore >/dev/null
for dll in Drover.Api.dll droverd.dll drover-agent.dll YamlDotNet.dll; do
  dotnet tool run sharpfuzz "$BIN/$dll" >&2
done

if [ "$TARGET" = all ]; then
  TARGETS=$(ls "$HERE/corpus")
else
  TARGETS=${TARGET//,/ }
  for t in $TARGETS; do
    [ -d "$HERE/corpus/$t" ] || { echo "run.sh: no target $t (have: $(ls "$HERE/corpus" | tr '\n' ' '))" >&2; exit 2; }
  done
fi

# afl++ checks for a native instrumented binary and for core dumps going to a file; neither applies to dotnet.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$2"; }
printf '%-15s %10s %9s %8s %6s %7s\n' target seconds execs exec/s crashes hangs
status=0
for t in $TARGETS; do
  out=$WORK/findings/$t
  rm -rf "$out"
  mkdir -p "$out"
  # -V: stop after SECONDS_EACH; -t: per-input timeout (ms); -m none: the CLR reserves far more address space than afl's default.
  if ! afl-fuzz -V "$SECONDS_EACH" -t 5000 -m none -i "$HERE/corpus/$t" -o "$out" -- dotnet "$BIN/Drover.Fuzz.dll" "$t" >"$out/afl.log" 2>&1; then
    echo "run.sh: afl-fuzz failed for $t (log: $out/afl.log)" >&2
    tail -n 20 "$out/afl.log" >&2
    status=1
    continue
  fi
  s=$out/default/fuzzer_stats
  crashes=$(stat saved_crashes "$s"); crashes=${crashes:-$(stat unique_crashes "$s")}
  hangs=$(stat saved_hangs "$s"); hangs=${hangs:-$(stat unique_hangs "$s")}
  printf '%-15s %10s %9s %8s %6s %7s\n' "$t" "$(stat run_time "$s")" "$(stat execs_done "$s")" "$(stat execs_per_sec "$s")" "$crashes" "$hangs"
  [ "${crashes:-0}" = 0 ] || status=1
done
exit $status
