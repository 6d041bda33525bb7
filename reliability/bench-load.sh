#!/usr/bin/env bash
# Issue 19 §5: open-loop mixed load (`gongkai bench load`) against a release server on the demo,
# rate limits on at their defaults (the server trusts no X-Forwarded-For; each simulated citizen
# has its own loopback address). Rates in turn; each request's latency counted from when it was
# due; every answer checked (status and a marker). The server's resident memory after each run.
# With PG_URL set: two nodes on one PostgreSQL, each under the same load at once.
# CITIZENS (default 2000): simulated citizens, each its own address; each may submit 10 applications a
# minute (the default limit), so past ~2,000 requests/s use more of them, or some are refused (429).
# Usage: reliability/bench-load.sh [RATES=400,800,1200,1600,2000] [SECONDS=30] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
RATES="${1:-400,800,1200,1600,2000}"; SECONDS_EACH="${2:-30}"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}"
BIN="${3:-$TARGET/release/gongkai}"
[ -x "$BIN" ] || cargo build --release -p gongkai
DIR=$(mktemp -d); PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$DIR"; }
trap cleanup EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F); commit $(git rev-parse --short HEAD)"
start() { # $1 port, $2.. extra args
  local port=$1; shift
  GONGKAI_LOG=warn "$BIN" serve --listen 127.0.0.1:$port "$@" 2>"$DIR/server-$port.log" &
  PIDS+=($!)
  for _ in $(seq 1 600); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && return; sleep 0.5; done
  echo "server on $port did not start"; cat "$DIR/server-$port.log"; exit 1
}
if [ -n "${PG_URL:-}" ]; then
  start 18081 --demo --data-dir "$DIR/n1" --database-url "$PG_URL"
  start 18082 --data-dir "$DIR/n2" --database-url "$PG_URL"
  PORTS="18081 18082"
else
  start 18081 --demo --data-dir "$DIR/n1"
  PORTS="18081"
fi
PASS=$(grep -o 'password: [0-9a-f]*' "$DIR/server-18081.log" | awk '{print $2}')
CSRF=$(curl -s -c "$DIR/jar" http://127.0.0.1:18081/staff/login | grep -o 'name="_csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
curl -s -b "$DIR/jar" -c "$DIR/jar" -o /dev/null -d "_csrf=$CSRF&username=admin&password=$PASS" http://127.0.0.1:18081/staff/login
COOKIE="gk_session=$(awk '$6=="gk_session"{print $7}' "$DIR/jar")"
[ "$COOKIE" != "gk_session=" ] || { echo "could not sign in as admin"; exit 1; }
for p in "${PIDS[@]}"; do echo "server $p resident memory at start: $(( $(ps -o rss= -p "$p") / 1024 )) MB"; done
GENS=()
for port in $PORTS; do
  "$BIN" bench load --url "http://127.0.0.1:$port" --rates "$RATES" --seconds "$SECONDS_EACH" --citizens "${CITIZENS:-2000}" --staff-cookie "$COOKIE" > "$DIR/load-$port.txt" &
  GENS+=($!)
done
for g in "${GENS[@]}"; do wait "$g"; done
for port in $PORTS; do echo "== node :$port"; cat "$DIR/load-$port.txt"; done
for p in "${PIDS[@]}"; do echo "server $p resident memory at the end: $(( $(ps -o rss= -p "$p") / 1024 )) MB"; done
