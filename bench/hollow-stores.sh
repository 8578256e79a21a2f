#!/usr/bin/env bash
# The whole control plane on SQLite vs etcd (docs/BENCHMARKS.md, "High availability"), side by side in one run: the
# hollow-node bench (bench/Drover.Bench.HollowNodes: NODES hollow nodes, DEPLOYMENTS × REPLICAS pods; defaults 1,000
# and 10 × 1,000 as issue 4's) on a fresh droverd over its embedded SQLite and over a fresh 3-member etcd on loopback,
# in the order SQLite, etcd, etcd, SQLite (ROUNDS pairs, default 1), so a load drift on this shared machine weighs on
# both alike. droverd: the Native AOT binary in artifacts/bin (./build.sh publish). Markdown to stdout; every run's
# report, droverd log and raw figures under OUT (default a temp dir, printed).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-artifacts/bin}
[ -x "$BIN/droverd" ] || { echo "bench/hollow-stores.sh: $BIN/droverd is missing (./build.sh publish)" >&2; exit 1; }
[ -x /usr/bin/etcd ] || { echo "bench/hollow-stores.sh: /usr/bin/etcd is missing (apt-get install etcd-server)" >&2; exit 1; }
NODES=${NODES:-1000} DEPLOYMENTS=${DEPLOYMENTS:-10} REPLICAS=${REPLICAS:-1000} ROUNDS=${ROUNDS:-1}
OUT=${OUT:-$(mktemp -d /tmp/drover-hollow-stores.XXXXXX)}
dotnet build bench/Drover.Bench.HollowNodes -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
echo "Start: $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; git $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty'); output $OUT"
echo
run=0
for ((round = 1; round <= ROUNDS; round++)); do
  for members in 0 3 3 0; do
    run=$((run + 1))
    store=$([ "$members" = 0 ] && echo sqlite || echo etcd)
    dir=$OUT/$run-$store
    mkdir -p "$dir"
    printf '==> run %d: %s, %s nodes, %s x %s pods (load %s)\n' "$run" "$store" "$NODES" "$DEPLOYMENTS" "$REPLICAS" "$(cut -d' ' -f1 /proc/loadavg)" >&2
    # In the background and waited for, so a SIGTERM or Ctrl-C of this script reaches the bench, which then stops its
    # droverd and etcd members (a foreground child would be left running when bash exits).
    dotnet bench/Drover.Bench.HollowNodes/bin/Release/net10.0/Drover.Bench.HollowNodes.dll --droverd "$BIN/droverd" --out "$dir" \
      --nodes "$NODES" --deployments "$DEPLOYMENTS" --replicas "$REPLICAS" --etcd-members "$members" >"$dir/report.md" &
    bench=$!
    trap 'kill -TERM "$bench" 2>/dev/null; wait "$bench"; exit 143' TERM INT
    wait "$bench" || echo "run $run ($store) failed: see $dir" >&2
    trap - TERM INT
  done
done

echo "| run | store | pods bound/s | pods Running/s | all bound s | all Running s | probe p99 ms | droverd HWM MiB | load at start / end |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for dir in "$OUT"/*-*/; do
  dir=${dir%/}
  [ -f "$dir/hollow-results.json" ] || { echo "| ${dir##*/} | (no result: $(tail -1 "$dir/report.md" 2>/dev/null)) |"; continue; }
  python3 - "$dir" <<'EOF'
import json, re, sys, pathlib
d = pathlib.Path(sys.argv[1]); r = json.loads((d / "hollow-results.json").read_text())
run, store = d.name.split("-", 1)
load = re.search(r"Load average at the start ([0-9. ]+), at the end ([0-9. ]+)\.", (d / "report.md").read_text())
print("| %s | %s | %.0f | %.0f | %.2f | %.2f | %.0f | %.0f | %s |" % (run, store, r["hollow.bound_per_s"], r["hollow.running_per_s"],
      r["hollow.all_bound_s"], r["hollow.all_running_s"], r["hollow.probe.p99_ms"], r["hollow.hwm.end"] / 1048576,
      (load.group(1).strip() + " / " + load.group(2).strip()) if load else "?"))
EOF
done
echo
echo "End: $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
