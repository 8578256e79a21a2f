#!/usr/bin/env bash
# High availability figures (docs/BENCHMARKS.md, "High availability"): ConfigMap create latency on SQLite vs a 3-member
# etcd, alternated, and failover time over KILLS (default 5) SIGKILLs of the leader among 3 droverd replicas.
# COUNT (default 500) creates per run, ROUNDS (default 2) runs of each store. Uses droverd built in Release (JIT).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/etcd ] || { echo "bench/ha.sh: /usr/bin/etcd is missing (apt-get install etcd-server)" >&2; exit 1; }
dotnet build controlplane/Drover.ControlPlane -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
dotnet build bench/Drover.Bench.Ha -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
echo "Load average at the start: $(cat /proc/loadavg); $(nproc) CPUs; git $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty'); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
dotnet bench/Drover.Bench.Ha/bin/Release/net10.0/Drover.Bench.Ha.dll --count "${COUNT:-500}" --rounds "${ROUNDS:-2}" --kills "${KILLS:-5}"
echo
echo "Load average at the end: $(cat /proc/loadavg)"
