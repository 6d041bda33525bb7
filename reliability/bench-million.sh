#!/usr/bin/env bash
# Issue 19 §4: a million items end to end, on SQLite — generate the corpus, import it (streamed,
# indexed as it goes; beside it tantivy + jieba alone and SQLite alone on the same texts), the
# index and database sizes, a full reindex (its progress bar, its time and memory), then serve it
# and measure search (beside bare tantivy on the same index), the item page under wrk (beside
# /healthz), the server's resident memory while serving (peak included) and the public lists with
# nothing cached (bench-lists.sh).
# With PG_URL (an empty database): the same corpus imported into PostgreSQL through node 1 while a
# second node runs; the time node 2 needs after the import to have every item in its own index
# (it follows the change feed).
# Memory: VmHWM (peak) counts the index files' pages mapped while tantivy merges or searches
# (file-backed, given back under pressure); RssAnon is the process's own memory.
# SKIP_SQLITE=1 with a WORK_DIR of an earlier run: only the PostgreSQL part (the corpus is kept).
# Usage: reliability/bench-million.sh [ITEMS=1000000] [WORK_DIR=mktemp] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || bash scripts/install-test-deps.sh
N="${1:-1000000}"
DIR="${2:-$(mktemp -d /tmp/bench-million.XXXXXX)}"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}"
BIN="${3:-$TARGET/release/gongkai}"
[ -x "$BIN" ] || cargo build --release -p gongkai
PORT=8351; PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
mkdir -p "$DIR"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F); commit $(git rev-parse --short HEAD); work dir $DIR"
[ -s "$DIR/corpus.jsonl" ] || "$BIN" bench corpus --items "$N" -o "$DIR/corpus.jsonl"
echo "corpus: $(du -h "$DIR/corpus.jsonl" | cut -f1)"
mem() { awk '/VmRSS|RssAnon|RssFile|VmHWM/{printf "%s %d MB; ", $1, $2/1024}' "/proc/$1/status"; }
if [ "${SKIP_SQLITE:-}" != 1 ]; then
rm -rf "$DIR/data"
"$BIN" bench import "$DIR/corpus.jsonl" --data-dir "$DIR/data"
echo "data dir: $(du -sh "$DIR/data/gongkai.db" | cut -f1) database, $(du -sh "$DIR/data/search-index" | cut -f1) index"
echo "reindex (gongkai reindex, its progress bar on a terminal):"
/usr/bin/time -f "  reindex: %e s, peak resident memory %M KB" "$BIN" reindex --data-dir "$DIR/data" 2>&1 | tr '\r' '\n' | grep -E "reindex:|rebuilt" || true
GONGKAI_LOG=warn GONGKAI_TRUST_PROXY=true "$BIN" serve --data-dir "$DIR/data" --listen 127.0.0.1:$PORT 2>"$DIR/server.log" &
PID=$!; PIDS+=($PID)
for _ in $(seq 1 600); do curl -sf http://127.0.0.1:$PORT/readyz >/dev/null && break; sleep 0.5; done
echo "server memory after start: $(mem $PID)"
"$BIN" bench search --url http://127.0.0.1:$PORT --data-dir "$DIR/data" --rounds 5
echo "item page, wrk -t2 -c64 -d15s over random ids 1..$N:"
wrk -t2 -c64 -d15s -s reliability/items.lua http://127.0.0.1:$PORT/ -- "$N" | grep -E 'Requests/sec|Latency|Non-2xx|Socket'
echo "floor, /healthz on the same server:"
wrk -t2 -c64 -d15s http://127.0.0.1:$PORT/healthz | grep -E 'Requests/sec|Latency|Non-2xx|Socket'
echo "server memory while serving: $(mem $PID)"
kill $PID; wait $PID 2>/dev/null || true
echo "public lists, nothing cached (reliability/bench-lists.sh):"
reliability/bench-lists.sh "$DIR/data" "$BIN" 3 | tail -n 5
fi
if [ -n "${PG_URL:-}" ]; then
  echo "== PostgreSQL, two nodes: node 2 serving while node 1's data dir imports"
  rm -rf "$DIR/n1" "$DIR/n2"
  GONGKAI_LOG=warn GONGKAI_TRUST_PROXY=true "$BIN" serve --data-dir "$DIR/n2" --database-url "$PG_URL" --listen 127.0.0.1:$((PORT+1)) 2>"$DIR/n2.log" &
  N2=$!; PIDS+=($N2)
  for _ in $(seq 1 600); do curl -sf http://127.0.0.1:$((PORT+1))/readyz >/dev/null && break; sleep 0.5; done
  T0=$(date +%s.%N)
  /usr/bin/time -f "  node 1 import: %e s, peak resident memory %M KB" "$BIN" import items "$DIR/corpus.jsonl" --data-dir "$DIR/n1" --database-url "$PG_URL" 2>&1 | tr '\r' '\n' | grep -E "import:|imported" || true
  T1=$(date +%s.%N)
  while true; do
    total=$(curl -s "http://127.0.0.1:$((PORT+1))/api/v1/search?q=" -H "X-Forwarded-For: 10.9.9.9" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("total",0))' 2>/dev/null || echo 0)
    [ "$total" -ge "$N" ] && break
    sleep 1
  done
  T2=$(date +%s.%N)
  python3 -c "print(f'  import into PostgreSQL: {$T1-$T0:.0f} s ({$N/($T1-$T0):.0f} items/s); node 2 had all {$N} in its index {$T2-$T1:.0f} s after the import ended')"
  echo "  node 2 memory: $(mem $N2)"
  "$BIN" bench search --url http://127.0.0.1:$((PORT+1)) --data-dir "$DIR/n2" --rounds 5 | grep -E "HTTP API|bare|ratio"
fi
