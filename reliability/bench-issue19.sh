#!/usr/bin/env bash
# Issue 19's table, every row, for two (or more) builds in turn on one corpus, in one run: so the
# "before" and the "after" are measured on the same machine in the same hour, each beside the bare
# library of its own run. For each binary named:
#   1. import N generated items into a fresh data dir, indexing included (`gongkai bench import`:
#      beside it tantivy + jieba alone and SQLite alone, as that build's bench measures them);
#   2. serve it: search through the HTTP API (`gongkai bench search`, beside bare tantivy on the same
#      index); item pages of random ids under wrk -t2 -c64 beside /healthz of the same server, and
#      beside nginx serving 2,000 of those very pages (the bytes this build answered) as static files,
#      and (a build that has it) beside `gongkai bench item-floor`, the bare libraries doing the page;
#   3. the queue page of a unit with 10,000 open applications (`gongkai bench queue`);
#   4. the mixed load of the issue's first figure: `reliability/load.sh 30s 32` (closed loop, the demo).
# The corpus is generated once, by the last binary named. Needs wrk and nginx.
# Usage: reliability/bench-issue19.sh [N=100000] BINARY...   (e.g. before then after)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"; shift
[ $# -ge 1 ] || { echo "usage: $0 N BINARY..." >&2; exit 2; }
PATH="$PATH:/usr/sbin"
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx is missing (apt-get install nginx-light)" >&2; exit 2; }
W=$(mktemp -d /tmp/bench-issue19.XXXXXX)
. reliability/static-nginx.sh
PORT=8361; NPORT=8362; PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  stop_static_nginx "$W"
  rm -rf "$W"
}
trap cleanup EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M') UTC; checkout $(git rev-parse --short HEAD)"
"${!#}" bench corpus --items "$N" -o "$W/corpus.jsonl"
rate() { awk '/Requests\/sec/{print $2}' "$1"; }
# Every figure is of answers that are the page: any answer not 2xx stops the run.
checked() { if grep -q 'Non-2xx' "$1"; then echo "non-2xx answers in $1:" >&2; cat "$1" >&2; exit 1; fi; }
for BIN in "$@"; do
  tag=$(basename "$BIN")
  echo
  echo "=============== $tag ($BIN) — load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "--- import, $N items, indexing included"
  "$BIN" bench import "$W/corpus.jsonl" --data-dir "$W/$tag"
  echo "data dir: $(du -shc "$W/$tag"/gongkai.db* | tail -1 | cut -f1) database, $(du -sh "$W/$tag/search-index" | cut -f1) index"
  GONGKAI_LOG=warn GONGKAI_TRUST_PROXY=true "$BIN" serve --data-dir "$W/$tag" --listen 127.0.0.1:$PORT 2>"$W/$tag.log" &
  PID=$!
  for _ in $(seq 1 600); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.5; done
  # An older build has no /readyz: wait for search to answer instead (its index is built at start).
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 10.9.9.9' "http://127.0.0.1:$PORT/api/v1/search?q=%E8%A1%A5%E8%B4%B4")" = 200 ] && break
    sleep 0.5
  done
  echo "--- search through the HTTP API, 10 rounds"
  "$BIN" bench search --url http://127.0.0.1:$PORT --data-dir "$W/$tag" --rounds 10
  echo "--- item pages: wrk -t2 -c64 -d15s, random ids 1..$N (after 5 s of warm-up)"
  wrk -t2 -c64 -d5s -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" >/dev/null
  wrk -t2 -c64 -d15s -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" >"$W/items.txt"
  wrk -t2 -c64 -d15s http://127.0.0.1:$PORT/healthz >"$W/health.txt"
  rm -rf "$W/www"; mkdir -p "$W/www/items"
  for i in $(seq 1 2000); do curl -s -o "$W/www/items/$i" "http://127.0.0.1:$PORT/items/$i"; done
  echo "  server resident memory while serving: $(( $(ps -o rss= -p "$PID") / 1024 )) MB"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  static_nginx "$W" "$NPORT"
  wrk -t2 -c64 -d15s -s reliability/items.lua http://127.0.0.1:$NPORT/ -- 2000 >"$W/nginx.txt"
  stop_static_nginx "$W"; sleep 0.5
  checked "$W/items.txt"; checked "$W/health.txt"; checked "$W/nginx.txt"
  echo "  item page $(rate "$W/items.txt") req/s (average $(du -b "$W/www/items" | cut -f1 | awk '{printf "%.1f", $1/2000/1024}') KB); /healthz $(rate "$W/health.txt") req/s; nginx serving 2,000 of the same pages $(rate "$W/nginx.txt") req/s"
  if "$BIN" bench item-floor --help >/dev/null 2>&1; then
    # The libraries' floor under an item page: axum alone, sqlx's concrete SQLite driver and
    # minijinja reading and rendering the same page (a build that has `bench item-floor`).
    GONGKAI_LOG=warn "$BIN" bench item-floor --data-dir "$W/$tag" --listen 127.0.0.1:$PORT 2>/dev/null &
    PID=$!
    for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:$PORT/items/1 && break; sleep 0.3; done
    wrk -t2 -c64 -d5s -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" >/dev/null
    wrk -t2 -c64 -d15s -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" >"$W/floor.txt"
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
    checked "$W/floor.txt"
    echo "  the libraries' floor (axum + concrete sqlx + minijinja, the same pages): $(rate "$W/floor.txt") req/s; item page / floor $(python3 -c "print(f'{$(rate "$W/items.txt")/$(rate "$W/floor.txt"):.2f}')")x"
  fi
  python3 -c "i,h,n=$(rate "$W/items.txt"),$(rate "$W/health.txt"),$(rate "$W/nginx.txt"); print(f'  item page / nginx {i/n:.2f}x; item page / healthz {i/h:.2f}x; healthz / nginx {h/n:.2f}x')"
  echo "--- queue page, a unit with 10,000 open applications"
  "$BIN" bench queue --open 10000
  echo "--- mixed load, reliability/load.sh 30s 32 (closed loop, the demo)"
  # Once more if wrk stops at its start (seen twice here: "invalid URL at 1:22", not reproduced alone).
  for try in 1 2; do
    if BIN="$BIN" reliability/load.sh 30s 32 >"$W/load.txt" 2>&1 && grep -q 'Requests/sec' "$W/load.txt"; then break; fi
    echo "  load.sh failed (try $try):"; tail -n 5 "$W/load.txt"
  done
  grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|Socket|errors|flat|GROWING|last' "$W/load.txt" || true
done
