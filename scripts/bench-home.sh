#!/usr/bin/env bash
# bench-home.sh: serve the demo from a fresh SQLite file and measure, with
# wrk on 127.0.0.1, the municipality home page against the trivial
# /healthz baseline in the same run, plus the demo's resident set size.
# Usage: scripts/bench-home.sh [seconds] [connections]
# ENGINE=postgres runs it on a fresh database muni_bench on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
port=18089
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
go build -o bin/muni ./cmd/muni
tmp=$(mktemp -d)
export MUNI_DATABASE_URL="sqlite:$tmp/demo.db"
engine="SQLite (WAL)"
if [ "${ENGINE:-sqlite}" = postgres ]; then
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS muni_bench" -c "CREATE DATABASE muni_bench" postgres
  MUNI_DATABASE_URL="postgres://postgres@127.0.0.1:5432/muni_bench?sslmode=disable"
  engine="PostgreSQL $(psql -tA -h 127.0.0.1 -U postgres -c 'SHOW server_version' postgres)"
fi
export MUNI_LISTEN="127.0.0.1:$port" MUNI_LOG_LEVEL=warn MUNI_DATA_DIR="$tmp" MUNI_MQTT_LISTEN="127.0.0.1:$((port + 1))"
# As a newcomer's `make demo` does: one process seeds the empty database,
# then serves it.
bin/muni demo >"$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
sleep 5 # the outbox relay delivers the seed's events
slug=$(sed -n 's#.*(municipality: .*/m/\([^/]*\)/).*#\1#p' "$tmp/serve.log" | head -1)
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status"; }
echo "date: $(date -u +%F) · machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) · engine: $engine"
echo "RSS after start: $(rss)"
page="/m/$slug/"
curl -fs -o /dev/null -w "home page: HTTP %{http_code}, %{size_download} bytes\n" "http://127.0.0.1:$port$page"
# The third run sends a session cookie, which bypasses the page cache: the
# cost of rendering the page afresh (and of a session look-up) every time.
for run in "/healthz" "$page" "$page cookie"; do
  path=${run%% *}
  header=()
  [ "$run" = "$path" ] || header=(-H "Cookie: muni_session=bench")
  wrk -t2 -c"$conns" -d"${secs}s" --latency "${header[@]}" "http://127.0.0.1:$port$path" >"$tmp/wrk.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.txt")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' "$tmp/wrk.txt")
  echo "wrk -t2 -c$conns -d${secs}s ${header[*]:+(uncached: ${header[*]}) }$path: $rps req/s, p50 $p50, p99 $p99 ${errs:+($errs)}"
  echo "  RSS after this run: $(rss)"
done
echo "RSS after load: $(rss)"
sleep 30
echo "RSS 30 s after load: $(rss)"
