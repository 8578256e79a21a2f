#!/usr/bin/env bash
# High availability figures (docs/BENCHMARKS.md, "High availability"), side by side in one run: ConfigMap creates at
# RATE/s (default 500, open loop) on SQLite vs a 3-member etcd, alternated, with the RSS of droverd and of each member;
# failover time over KILLS (default 5) SIGKILLs of the leader among 3 droverd replicas (kill → first write acknowledged
# → Lease moved → the new leader's controllers acting), and every replica's and member's RSS.
# COUNT (default 3000) creates per run, ROUNDS (default 3) runs of each store. droverd: the Native AOT binary in
# artifacts/bin when it is there (./build.sh publish), else the Release build (JIT).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/etcd ] || { echo "bench/ha.sh: /usr/bin/etcd is missing (apt-get install etcd-server)" >&2; exit 1; }
bin=()
if [ -x artifacts/bin/droverd ]; then
  bin=(--bin artifacts/bin)
else
  dotnet build controlplane/Drover.ControlPlane -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
fi
dotnet build bench/Drover.Bench.Ha -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
echo "Start: $(date -u '+%Y-%m-%d %H:%M UTC'); uptime:$(uptime | sed 's/.*load average/ load average/'); $(nproc) CPUs; git $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')"
echo
dotnet bench/Drover.Bench.Ha/bin/Release/net10.0/Drover.Bench.Ha.dll --count "${COUNT:-3000}" --rate "${RATE:-500}" --rounds "${ROUNDS:-3}" --kills "${KILLS:-5}" "${bin[@]}"
echo
echo "End: $(date -u '+%H:%M UTC'); uptime:$(uptime | sed 's/.*load average/ load average/')"
