#!/usr/bin/env bash
# Item pages of random ids (mostly misses of the page cache) beside /healthz and beside the bare
# libraries doing the same page (`gongkai bench item-floor`: axum, sqlx's concrete SQLite driver and
# minijinja alone), for one or more binaries in turn, ROUNDS times, so that two builds are compared in
# the same minutes of a noisy machine. DATA_DIR: a data dir with N items (e.g. `gongkai bench corpus --items 20000 -o c.jsonl`
# then `gongkai bench import c.jsonl --data-dir DATA_DIR --no-bare`).
# Usage: reliability/bench-items.sh DATA_DIR N ROUNDS BINARY...  (FLOOR_BIN: the binary running the floor)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="$1"; N="$2"; ROUNDS="$3"; shift 3
PORT=8470
# The floor is run by the last binary named (an older build may not have `bench item-floor`).
FLOOR_BIN="${FLOOR_BIN:-${!#}}"
for r in $(seq 1 "$ROUNDS"); do
  for BIN in "$@"; do
    GONGKAI_LOG=warn GONGKAI_TRUST_PROXY=true "$BIN" serve --data-dir "$DATA" --listen 127.0.0.1:$PORT 2>/dev/null &
    PID=$!
    for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$PORT/readyz >/dev/null && break; sleep 0.3; done
    wrk -t2 -c64 -d5s -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" >/dev/null
    items=$(wrk -t2 -c64 -d10s -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" | awk '/Requests\/sec/{print $2} /Non-2xx/{print "non-2xx:", $0}' | tr '\n' ' ')
    healthz=$(wrk -t2 -c64 -d10s http://127.0.0.1:$PORT/healthz | awk '/Requests\/sec/{print $2}')
    kill $PID; wait $PID 2>/dev/null || true
    echo "round $r  $BIN  item pages $items req/s  /healthz $healthz req/s"
  done
  GONGKAI_LOG=warn "$FLOOR_BIN" bench item-floor --data-dir "$DATA" --listen 127.0.0.1:$PORT 2>/dev/null &
  PID=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:$PORT/items/1 && break; sleep 0.3; done
  wrk -t2 -c64 -d5s -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" >/dev/null
  floor=$(wrk -t2 -c64 -d10s -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" | awk '/Requests\/sec/{print $2} /Non-2xx/{print "non-2xx:", $0}' | tr '\n' ' ')
  kill $PID; wait $PID 2>/dev/null || true
  echo "round $r  bare libraries ($FLOOR_BIN bench item-floor)  item pages $floor req/s"
done
