#!/usr/bin/env bash
# Ingress benchmark (docs/BENCHMARKS.md, "Ingress"): one backend (nginx serving a 1 KB file), measured in one go
# directly, through nginx as a reverse proxy (keepalive upstream, the ingress-nginx shape) and through drover-ingress
# (fed by a real droverd: Service + Endpoints + Ingress), with wrk at 32 and 256 connections. Prints req/s, p50, p99,
# the ratios to nginx and drover-ingress's RSS under load; markdown to stdout and artifacts/bench/<UTC>/ingress-results.md.
#
# Needs root (a bridge of its own: Endpoints may not point at loopback, so the backend listens on a /32 of a bridge
# this script creates and deletes), nginx, wrk, and the published binaries (./build.sh publish).
# Knobs: DURATION (s, default 10), WARMUP (s, default 3), CONNECTIONS ("32 256"), WRK_THREADS (1), ROUNDS (1),
# BACKEND_WORKERS (1), PROXY_WORKERS (auto; nginx's worker_processes for the proxy), FLOOR (0; 1 adds the rows of
# bench/ingress-floor: Kestrel answering from memory, Kestrel + SocketsHttpHandler, Kestrel + YARP's forwarder alone).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN="$ROOT/artifacts/bin"
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-"32 256"}
WRK_THREADS=${WRK_THREADS:-1}
ROUNDS=${ROUNDS:-1}
BACKEND_WORKERS=${BACKEND_WORKERS:-1}
PROXY_WORKERS=${PROXY_WORKERS:-auto}
FLOOR=${FLOOR:-0}
HOST=bench.example.com

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/ingress.sh: %s\n' "$*" >&2; exit 1; }
for b in droverd drover-ingress; do [ -x "$BIN/$b" ] || die "$BIN/$b is missing: run ./build.sh publish"; done
command -v nginx >/dev/null || die "nginx is not installed (./build.sh deps)"
command -v wrk >/dev/null || die "wrk is not installed (./build.sh deps)"
[ "$(id -u)" = 0 ] || die "creating the backend's bridge needs root"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/artifacts/bench/$STAMP"
WORK=$(mktemp -d /tmp/drover-bench-ingress.XXXXXX)
BRIDGE="drvbench$((RANDOM % 1000))"
BACKEND_IP="100.127.$((RANDOM % 256)).$((RANDOM % 250 + 1))"
mkdir -p "$OUT" "$WORK/www" "$WORK/data"
# nginx's workers run unprivileged and must read the file (droverd keeps its own data dir 0700 anyway).
chmod 755 "$WORK" "$WORK/www"
PIDS=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT INT TERM

ip link add "$BRIDGE" type bridge
ip addr add "$BACKEND_IP/32" dev "$BRIDGE"
ip link set "$BRIDGE" up

head -c 1024 /dev/zero | tr '\0' 'x' >"$WORK/www/1k.txt"
chmod 644 "$WORK/www/1k.txt"
BACKEND_PORT=$(free_port); PROXY_PORT=$(free_port); INGRESS_PORT=$(free_port); METRICS_PORT=$(free_port); DROVERD_PORT=$(free_port)

nginx_conf() { # name workers body
  cat >"$WORK/$1.conf" <<EOT
worker_processes $2;
pid $WORK/$1.pid;
error_log $WORK/$1.error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/$1-body; proxy_temp_path $WORK/$1-proxy; fastcgi_temp_path $WORK/$1-fcgi;
  uwsgi_temp_path $WORK/$1-uwsgi; scgi_temp_path $WORK/$1-scgi;
  $3
}
EOT
}
nginx_conf backend "$BACKEND_WORKERS" "server { listen $BACKEND_IP:$BACKEND_PORT; root $WORK/www; }"
# The ingress-nginx shape: keepalive to the upstream, HTTP/1.1, the same forwarded headers drover-ingress sets.
nginx_conf proxy "$PROXY_WORKERS" "upstream backend { server $BACKEND_IP:$BACKEND_PORT; keepalive 320; }
  server { listen 127.0.0.1:$PROXY_PORT;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_set_header Host \$http_host; proxy_set_header X-Forwarded-For \$remote_addr; proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme; proxy_set_header X-Forwarded-Host \$http_host; proxy_set_header X-Forwarded-Port \$server_port; } }"
nginx -c "$WORK/backend.conf" & PIDS+=($!)
nginx -c "$WORK/proxy.conf" & PIDS+=($!)

log "droverd on 127.0.0.1:$DROVERD_PORT"
"$BIN/droverd" --data-dir "$WORK/data" --bind-address 127.0.0.1 --port "$DROVERD_PORT" >"$OUT/droverd.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 200); do [ -f "$WORK/data/ingress.config" ] && curl -skf "https://127.0.0.1:$DROVERD_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
[ -f "$WORK/data/ingress.config" ] || die "droverd did not start (log: $OUT/droverd.log)"
curl -sk "https://127.0.0.1:$DROVERD_PORT/cacerts" >"$WORK/ca.pem"
api() { # method path json
  curl -sf --cacert "$WORK/ca.pem" -H "Authorization: Bearer $(cat "$WORK/data/credentials/admin-token")" \
    -H 'Content-Type: application/json' -X "$1" "https://127.0.0.1:$DROVERD_PORT$2" -d "$3" >/dev/null
}
api POST /api/v1/namespaces/default/services '{"apiVersion":"v1","kind":"Service","metadata":{"name":"bench"},"spec":{"ports":[{"port":80,"targetPort":'"$BACKEND_PORT"'}]}}'
api POST /api/v1/namespaces/default/endpoints '{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"bench"},"subsets":[{"addresses":[{"ip":"'"$BACKEND_IP"'"}],"ports":[{"port":'"$BACKEND_PORT"'}]}]}'
api POST /apis/networking.k8s.io/v1/namespaces/default/ingresses '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"bench"},"spec":{"rules":[{"host":"'"$HOST"'","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"bench","port":{"number":80}}}}]}}]}}'

log "drover-ingress on 127.0.0.1:$INGRESS_PORT"
"$BIN/drover-ingress" --config "$WORK/data/ingress.config" --bind-address 127.0.0.1 --http-port "$INGRESS_PORT" --https-port 0 \
  --metrics-addr "127.0.0.1:$METRICS_PORT" --publish-address 127.0.0.1 >"$OUT/drover-ingress.log" 2>&1 & INGRESS_PID=$!; PIDS+=($INGRESS_PID)
for _ in $(seq 1 200); do curl -sf -H "Host: $HOST" "http://127.0.0.1:$INGRESS_PORT/1k.txt" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf -H "Host: $HOST" "http://127.0.0.1:$INGRESS_PORT/1k.txt" >/dev/null || die "drover-ingress does not serve (log: $OUT/drover-ingress.log)"
curl -sf -H "Host: $HOST" "http://127.0.0.1:$PROXY_PORT/1k.txt" >/dev/null || die "the nginx proxy does not serve ($WORK/proxy.error.log)"

FLOOR_MODES=()
if [ "$FLOOR" = 1 ]; then
  log "publishing bench/ingress-floor"
  dotnet publish "$ROOT/bench/ingress-floor" -c Release -r linux-x64 -o "$ROOT/artifacts/ingress-floor" -nologo -v quiet >"$OUT/floor-publish.log" 2>&1 \
    || die "publishing bench/ingress-floor failed ($OUT/floor-publish.log)"
  declare -A FLOOR_PORT
  for mode in static client yarp; do
    FLOOR_PORT[$mode]=$(free_port)
    "$ROOT/artifacts/ingress-floor/ingress-floor" "$mode" "${FLOOR_PORT[$mode]}" "http://$BACKEND_IP:$BACKEND_PORT/" >"$OUT/floor-$mode.log" 2>&1 & PIDS+=($!)
    FLOOR_MODES+=("$mode")
  done
  for mode in "${FLOOR_MODES[@]}"; do
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:${FLOOR_PORT[$mode]}/1k.txt" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -sf "http://127.0.0.1:${FLOOR_PORT[$mode]}/1k.txt" >/dev/null || die "ingress-floor $mode does not serve ($OUT/floor-$mode.log)"
  done
fi

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
# wrk's --latency output → "req/s p50_ms p99_ms errors"
parse() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Non-2xx|Socket errors/ { errors = errors " " $0 }
    END { printf "%.0f %.3f %.3f %s\n", rps, p50, p99, (errors == "" ? "-" : "errors") }' "$1"
}
run() { # name url connections round
  local name=$1 url=$2 c=$3 round=$4 file="$OUT/wrk-$1-c$3-r$4.txt"
  wrk -t"$WRK_THREADS" -c"$c" -d"${WARMUP}s" -H "Host: $HOST" "$url" >/dev/null 2>&1
  local peak=0 sampler=
  if [ "$name" = drover-ingress ]; then
    ( while :; do rss_kb "$INGRESS_PID"; sleep 0.2; done ) >"$OUT/rss-c$c-r$round.txt" 2>/dev/null & sampler=$!
  fi
  wrk -t"$WRK_THREADS" -c"$c" -d"${DURATION}s" --latency -H "Host: $HOST" "$url" >"$file" 2>&1
  if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true; peak=$(sort -n "$OUT/rss-c$c-r$round.txt" | tail -1); fi
  echo "$name $c $round $(parse "$file") $peak $(cut -d' ' -f1 /proc/loadavg)"
}

log "load average before: $(cut -d' ' -f1-3 /proc/loadavg); idle RSS of drover-ingress: $(( $(rss_kb $INGRESS_PID) / 1024 )) MB"
RESULTS="$OUT/raw.txt"
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for c in $CONNECTIONS; do
    run direct "http://$BACKEND_IP:$BACKEND_PORT/1k.txt" "$c" "$round" | tee -a "$RESULTS" >&2
    run nginx "http://127.0.0.1:$PROXY_PORT/1k.txt" "$c" "$round" | tee -a "$RESULTS" >&2
    run drover-ingress "http://127.0.0.1:$INGRESS_PORT/1k.txt" "$c" "$round" | tee -a "$RESULTS" >&2
    for mode in "${FLOOR_MODES[@]}"; do
      run "floor-$mode" "http://127.0.0.1:${FLOOR_PORT[$mode]}/1k.txt" "$c" "$round" | tee -a "$RESULTS" >&2
    done
  done
done
curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$OUT/drover-ingress-metrics.txt" || true

{
  echo "### Ingress run $STAMP"
  echo
  echo "Machine: $(nproc) vCPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r); git $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')."
  echo "wrk -t$WRK_THREADS, ${WARMUP}s warm-up + ${DURATION}s measured per row; backend nginx worker_processes $BACKEND_WORKERS, proxy nginx $PROXY_WORKERS."
  echo
  echo "| Conns | Round | Path | req/s | p50 ms | p99 ms | ×nginx req/s | p99 − nginx p99 ms | ingress peak RSS MB | errors | load avg (1 min) |"
  echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|"
  awk '
    { name=$1; c=$2; r=$3; rps[name,c,r]=$4; p50[name,c,r]=$5; p99[name,c,r]=$6; err[name,c,r]=$7; rss[name,c,r]=$8; load[name,c,r]=$9; order[++n]=name SUBSEP c SUBSEP r }
    END {
      for (i = 1; i <= n; i++) {
        split(order[i], k, SUBSEP); name=k[1]; c=k[2]; r=k[3]
        ratio = (name == "nginx" || rps["nginx",c,r] == 0) ? "" : sprintf("%.2f", rps[name,c,r] / rps["nginx",c,r])
        dp99 = (name == "nginx") ? "" : sprintf("%+.2f", p99[name,c,r] - p99["nginx",c,r])
        mem = (name == "drover-ingress") ? sprintf("%.1f", rss[name,c,r] / 1024) : ""
        printf "| %s | %s | %s | %s | %.2f | %.2f | %s | %s | %s | %s | %s |\n", c, r, name, rps[name,c,r], p50[name,c,r], p99[name,c,r], ratio, dp99, mem, err[name,c,r], load[name,c,r]
      }
    }' "$RESULTS"
  echo
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$OUT/ingress-results.md"
