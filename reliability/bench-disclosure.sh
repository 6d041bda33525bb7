#!/usr/bin/env bash
# 主动公开 and search, on SQLite, release build: generate N items (default 100,000), import them
# into a fresh data dir and build the index (beside: tantivy + jieba alone, sqlx + SQLite alone);
# serve them and measure search latency through the HTTP API (beside: Gongkai's search module
# in-process, bare tantivy, and SQLite FTS5 trigram on the same corpus and queries); then the item
# page under wrk at 64 connections (beside: /healthz, the axum + sqlx floor of the same server)
# and the server's resident memory before and after.
# Usage: [BIN=binary] reliability/bench-disclosure.sh [ITEMS=100000] [PORT=8341] [WRK_DURATION=20s]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || bash scripts/install-test-deps.sh
N="${1:-100000}"; PORT="${2:-8341}"; DURATION="${3:-20s}"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}"
BIN="${BIN:-$TARGET/release/gongkai}"
[ -x "$BIN" ] || cargo build --release -p gongkai
DIR=$(mktemp -d /tmp/bench-disclosure.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F)"
"$BIN" bench corpus --items "$N" -o "$DIR/corpus.jsonl"
"$BIN" bench import "$DIR/corpus.jsonl" --data-dir "$DIR/data"
echo "data dir: $(du -sh "$DIR/data/gongkai.db" | cut -f1) database, $(du -sh "$DIR/data/search-index" | cut -f1) index"
GONGKAI_LOG=warn GONGKAI_TRUST_PROXY=true "$BIN" serve --data-dir "$DIR/data" --listen 127.0.0.1:$PORT 2>"$DIR/server.log" &
PID=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
echo "server resident memory after start: $(( $(ps -o rss= -p $PID) / 1024 )) MB"
"$BIN" bench search --url http://127.0.0.1:$PORT --data-dir "$DIR/data" --rounds 10
python3 reliability/bench-fts5.py "$DIR/corpus.jsonl" reliability/search-queries.txt "$DIR/fts.db" 10
rm -f "$DIR/fts.db"*
echo "item page, wrk -t2 -c64 -d$DURATION over random ids 1..$N:"
wrk -t2 -c64 -d"$DURATION" -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" | tee "$DIR/items.txt" | grep -E 'Requests/sec|Latency|Non-2xx|Socket'
echo "floor, /healthz (axum + one sqlx SELECT 1) on the same server:"
wrk -t2 -c64 -d"$DURATION" http://127.0.0.1:$PORT/healthz | tee "$DIR/health.txt" | grep -E 'Requests/sec|Latency|Non-2xx|Socket'
items=$(awk '/Requests\/sec/{print $2}' "$DIR/items.txt"); health=$(awk '/Requests\/sec/{print $2}' "$DIR/health.txt")
echo "item page: $items requests/s; /healthz floor: $health requests/s; ratio $(python3 -c "print(f'{$health/$items:.1f}')")×"
echo "server resident memory after the runs: $(( $(ps -o rss= -p $PID) / 1024 )) MB"
