#!/usr/bin/env bash
# Issue 19: the public lists over a large database, as a visitor meets them when no page is kept
# (the page cache keeps a page a minute at most, and every ?page= is a page of its own): the home
# page (three lists), a column code across units with its count (/catalog?code=), the special
# column (two code prefixes), a unit's page (its list, its count, its counts by column) and one
# column's page. Each round starts the server afresh (nothing kept) and asks each address once,
# page number = the round; every answer must be 200 and list items (the special column: 200). Prints each address's time
# (curl's time_total) per round, then the median and the worst.
# The data dir is used as it is: a build with a newer migration upgrades it (an older build then
# refuses it), so compare builds on copies.
# With DATABASE_URL (PostgreSQL): the server reads that database (DATA_DIR holds its search index).
# Usage: [DATABASE_URL=postgres://…] reliability/bench-lists.sh DATA_DIR BINARY [ROUNDS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="$1"; BIN="$2"; ROUNDS="${3:-5}"
PORT=8361; PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; }
trap cleanup EXIT
if [ -n "${DATABASE_URL:-}" ]; then
  sql() { psql "$DATABASE_URL" -At -F ' ' -c "$1"; }
  DB_ARGS=(--database-url "$DATABASE_URL")
else
  sql() { sqlite3 -separator ' ' "$DIR/gongkai.db" "$1"; }
  DB_ARGS=()
fi
items=$(sql "SELECT COUNT(*) FROM item")
# The busiest column code of the corpus, one of its columns, and the unit with most items.
read -r CODE NODE < <(sql "SELECT n.code, MIN(n.catalog_node_id) FROM item i JOIN catalog_node n ON n.catalog_node_id = i.catalog_node_id GROUP BY n.code ORDER BY COUNT(*) DESC LIMIT 1")
UNIT=$(sql "SELECT unit_id FROM item GROUP BY unit_id ORDER BY COUNT(*) DESC LIMIT 1")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F); binary $BIN; ${DATABASE_URL:-SQLite}; $items items; code $CODE, column $NODE, unit $UNIT"
LABELS=("/" "/catalog?code=" "/special" "/units/{id}" "/catalog/{column}")
declare -A T
for r in $(seq 1 "$ROUNDS"); do
  GONGKAI_LOG=warn "$BIN" serve --data-dir "$DIR" "${DB_ARGS[@]}" --listen 127.0.0.1:$PORT 2>"$DIR/lists-server.log" &
  PID=$!
  for _ in $(seq 1 1200); do curl -sf http://127.0.0.1:$PORT/readyz >/dev/null && break; sleep 0.5; done
  PATHS=("/" "/catalog?code=$CODE&page=$r" "/special?page=$r" "/units/$UNIT?page=$r" "/catalog/$NODE?page=$r")
  line="round $r:"
  for k in "${!PATHS[@]}"; do
    out=$(curl -s -o /tmp/bench-lists.body -w '%{http_code} %{time_total}' -H "X-Forwarded-For: 10.7.0.$r" "http://127.0.0.1:$PORT${PATHS[$k]}")
    # The special column lists only items filed under its codes (a corpus may have none).
    if [ "${out% *}" != 200 ] || { [ "$k" != 2 ] && ! grep -q 'href="/items/' /tmp/bench-lists.body; }; then
      echo "FAILED: ${PATHS[$k]} answered ${out% *} or listed no item"; exit 1
    fi
    T[$k]="${T[$k]:-} ${out#* }"
    line="$line ${LABELS[$k]} $(awk -v t="${out#* }" 'BEGIN{printf "%.1f", t*1000}') ms;"
  done
  echo "$line"
  kill $PID; wait $PID 2>/dev/null || true; PID=
done
for k in "${!LABELS[@]}"; do
  python3 -c "import sys,statistics as s; v=[float(x)*1000 for x in sys.argv[2:]]; print(f'{sys.argv[1]}: median {s.median(v):.1f} ms, worst {max(v):.1f} ms over {len(v)} rounds')" "${LABELS[$k]}" ${T[$k]}
done
