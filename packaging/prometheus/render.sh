#!/usr/bin/env bash
# Renders prometheus.yml.template for one Drover cluster and checks the result with promtool when it is there.
#
#   packaging/prometheus/render.sh --data-dir DIR --server HOST:PORT [--ingress HOST:PORT]
#       [--scrape-interval 15s] [--sd-refresh-interval 30s] [--out FILE]
#
# --data-dir is droverd's (credentials/metrics-token and pki/ca.crt are read from there, by path: Prometheus
# rereads them, so a rotated token needs no new config). Without --out the configuration goes to stdout.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "render.sh: $*" >&2; exit 2; }

data_dir="" server="" ingress="127.0.0.1:10254" interval="15s" refresh="30s" out=""
while (($#)); do
  case "$1" in
    --data-dir) data_dir=${2:?--data-dir needs a value}; shift 2 ;;
    --server) server=${2:?--server needs a value}; shift 2 ;;
    --ingress) ingress=${2:?--ingress needs a value}; shift 2 ;;
    --scrape-interval) interval=${2:?--scrape-interval needs a value}; shift 2 ;;
    --sd-refresh-interval) refresh=${2:?--sd-refresh-interval needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[ -n "$data_dir" ] || die "--data-dir is required (droverd's, e.g. /var/lib/drover/server)"
[ -n "$server" ] || die "--server HOST:PORT is required (droverd's address as Prometheus reaches it, e.g. 10.0.0.1:6443)"
hostport='^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$'
[[ "$server" =~ $hostport ]] || die "--server '$server' is not HOST:PORT"
[[ "$ingress" =~ $hostport ]] || die "--ingress '$ingress' is not HOST:PORT"
duration='^[0-9]+(ms|s|m|h)$'
[[ "$interval" =~ $duration ]] || die "--scrape-interval '$interval' is not a duration such as 15s"
[[ "$refresh" =~ $duration ]] || die "--sd-refresh-interval '$refresh' is not a duration such as 30s"
# Arguments first, files second: a typo is reported as such, not as a missing token.
[ -d "$data_dir" ] || die "--data-dir '$data_dir' is not a directory"
data_dir=$(cd "$data_dir" && pwd)
token="$data_dir/credentials/metrics-token" ca="$data_dir/pki/ca.crt"
[ -f "$token" ] || die "$token is missing: start droverd on that data dir first"
[ -f "$ca" ] || die "$ca is missing: start droverd on that data dir first"

content=$(cat "$HERE/prometheus.yml.template")
for kv in "SCRAPE_INTERVAL=$interval" "SD_REFRESH_INTERVAL=$refresh" "DROVERD_ADDRESS=$server" \
  "CA_FILE=$ca" "TOKEN_FILE=$token" "INGRESS_METRICS_ADDRESS=$ingress"; do
  content=${content//@${kv%%=*}@/${kv#*=}}
done
if [[ "$content" =~ @[A-Z_]+@ ]]; then die "placeholder ${BASH_REMATCH[0]} left unfilled in the template"; fi

if [ -z "$out" ]; then
  printf '%s\n' "$content"
  exit 0
fi
printf '%s\n' "$content" >"$out"
if command -v promtool >/dev/null 2>&1; then
  promtool check config --syntax-only "$out" >/dev/null || die "promtool rejects $out"
fi
