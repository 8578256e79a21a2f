#!/bin/sh
# Sample app: busybox httpd on :3000 (override with PORT). Exits promptly on SIGTERM so pods stop
# without waiting for the grace period.
PORT=${PORT:-3000}
httpd -f -p "$PORT" -h /www &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 0' TERM INT
wait "$pid"
