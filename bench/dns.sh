#!/usr/bin/env bash
# The agent's cluster DNS resolver under dnsperf (Debian's dnsperf): a droverd on loopback (artifacts/bin/droverd of
# ./build.sh publish, or $DROVERD) given N Services, the resolver's code in the driver on a loopback port, dnsperf for
# S seconds (9 names in 10 exist, 1 is NXDOMAIN); then, in the same run, the reference: Debian's dnsmasq answering the
# same records (name → ClusterIP, NXDOMAIN under cluster.local otherwise) to the same queries, and its RSS.
#   bench/dns.sh [SERVICES] [SECONDS]        default: 1000 services, 10 s
# Loopback only; figures go to docs/BENCHMARKS.md with the date and the load.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DROVERD=${DROVERD:-$ROOT/artifacts/bin/droverd}
command -v dnsperf >/dev/null || { echo "dns.sh: dnsperf is missing (Debian package dnsperf; ./build.sh deps installs it)" >&2; exit 1; }
command -v dnsmasq >/dev/null || { echo "dns.sh: dnsmasq is missing (Debian package dnsmasq-base; ./build.sh deps installs it)" >&2; exit 1; }
[ -x "$DROVERD" ] || { echo "dns.sh: $DROVERD is missing: run ./build.sh publish (or set DROVERD)" >&2; exit 1; }
dotnet build "$ROOT/bench/Drover.Bench.Agent" -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
DATA=$(mktemp -d /tmp/drover-dns-bench.XXXXXX)
"$DROVERD" --data-dir "$DATA" --bind-address 127.0.0.1 --port 0 >"$DATA/droverd.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 600); do grep -q "droverd serving" "$DATA/droverd.log" && break; sleep 0.1; done
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$ROOT/bench/Drover.Bench.Agent/bin/Release/net10.0/Drover.Bench.Agent.dll" dns "$DATA/admin.config" "${1:-1000}" "${2:-10}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); droverd RSS: $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$PID/status)"
