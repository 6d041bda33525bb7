#!/usr/bin/env bash
# Load, bounded: mixed traffic (90% browsing and search, 9% submissions, 1% staff) against a
# release `gongkai serve --demo` on loopback for DURATION; error rate, p50/p99 latency and
# throughput from wrk; the server's resident memory sampled every second (it must stay flat).
# With PG_URL set: two nodes on one PostgreSQL, each under the same load at once.
# Usage: [BIN=binary] reliability/load.sh [DURATION=60s] [CONNECTIONS=32]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || bash scripts/install-test-deps.sh
DURATION="${1:-60s}"; CONNS="${2:-32}"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}"
BIN="${BIN:-$TARGET/release/gongkai}"
[ -x "$BIN" ] || cargo build --release -p gongkai
DIR=$(mktemp -d); PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$DIR"; }
trap cleanup EXIT
start() { # $1 port, $2.. extra args
  local port=$1; shift
  GONGKAI_LOG=warn GONGKAI_TRUST_PROXY=true GONGKAI_PUBLIC_SUBMISSIONS_PER_MINUTE=100000000 "$BIN" serve --listen 127.0.0.1:$port "$@" 2>"$DIR/server-$port.log" &
  PIDS+=($!)
  for _ in $(seq 1 600); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.5; done
  # Ready is more than up: until its search index is built a node answers search with 503 (never
  # a false "no results"), which the load would count as errors. An older build has no /readyz (404).
  for _ in $(seq 1 600); do
    case "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/readyz)" in 200|404) return ;; esac
    sleep 0.5
  done
  echo "server on $port did not get ready"; exit 1
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
export STAFF_COOKIE="gk_session=$(awk '$6=="gk_session"{print $7}' "$DIR/jar")"
# Without a session the 1% staff requests would all be redirects to the login (counted as non-2xx).
[ "$STAFF_COOKIE" != "gk_session=" ] || { echo "could not sign in as admin"; cat "$DIR/server-18081.log"; exit 1; }
(while true; do for p in "${PIDS[@]}"; do ps -o rss= -p "$p" 2>/dev/null | awk -v p="$p" '{printf "%s %s %d\n", strftime("%H:%M:%S"), p, $1/1024}'; done; sleep 1; done) > "$DIR/rss.txt" &
SAMPLER=$!
WRKS=()
for port in $PORTS; do
  wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s reliability/mixed.lua "http://127.0.0.1:$port/" > "$DIR/wrk-$port.txt" &
  WRKS+=($!)
done
for w in "${WRKS[@]}"; do wait "$w"; done
kill $SAMPLER 2>/dev/null || true
for port in $PORTS; do echo "== node :$port"; cat "$DIR/wrk-$port.txt"; done
echo "== resident memory (MB) per process: first sample, then one a minute, and the last"
awk '{n[$2]++; if (n[$2]==1 || n[$2]%60==0) printf "pid %s  %s  %d MB\n", $2, $1, $3; last[$2]=$1" "$3} END {for (p in last) printf "pid %s  %s MB (last)\n", p, last[p]}' "$DIR/rss.txt"
# Flat means: the second half of the run stays within the first half's peak plus 10 %.
awk '{v[$2][++n[$2]]=$3} END {for (p in n) {h=int(n[p]/2); a=0; b=0; for (i=1;i<=h;i++) if (v[p][i]>a) a=v[p][i]; for (i=h+1;i<=n[p];i++) if (v[p][i]>b) b=v[p][i]; printf "pid %s: peak %d MB in the first half, %d MB in the second: %s\n", p, a, b, (b <= a*1.10 ? "flat" : "GROWING")}}' "$DIR/rss.txt"
