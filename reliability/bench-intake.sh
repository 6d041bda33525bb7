#!/usr/bin/env bash
# Intake over HTTP, sustained, on SQLite: wrk posts applications to a release `gongkai serve`
# for DURATION; then every 2xx answer must be exactly one row (none lost, none duplicated).
# Beside it, in the same run, a bare SQLite insert loop (Python's sqlite3, one transaction per
# row, WAL + synchronous=FULL like Gongkai) gives the machine's floor.
# Usage: reliability/bench-intake.sh [DURATION=20s] [CONNECTIONS=32]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || bash scripts/install-test-deps.sh
DURATION="${1:-20s}"; CONNS="${2:-32}"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}"
BIN="$TARGET/release/gongkai"
[ -x "$BIN" ] || cargo build --release -p gongkai
DIR=$(mktemp -d); PORT=18080
GONGKAI_TODAY=2026-06-01 GONGKAI_LOG=warn GONGKAI_PUBLIC_SUBMISSIONS_PER_MINUTE=100000000 \
  "$BIN" serve --data-dir "$DIR" --listen 127.0.0.1:$PORT 2>"$DIR/server.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
wrk -t2 -c"$CONNS" -d"$DURATION" -s reliability/intake.lua http://127.0.0.1:$PORT/ | tee "$DIR/wrk.txt"
total=$(grep -Eo '^ +[0-9]+ requests' "$DIR/wrk.txt" | grep -Eo '[0-9]+')
non2xx=$(grep -Eo 'Non-2xx or 3xx responses: [0-9]+' "$DIR/wrk.txt" | grep -Eo '[0-9]+$' || echo 0)
ok=$((total - non2xx))
sleep 1
rows=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from application').fetchone()[0])" "$DIR/gongkai.db")
dups=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from (select idempotency_key from application group by idempotency_key having count(*)>1)').fetchone()[0])" "$DIR/gongkai.db")
echo "2xx answers: $ok; rows stored: $rows; duplicated keys: $dups"
# Requests still in flight when wrk stops may commit without wrk counting their answer: at most
# one per connection. Every acknowledged one must be there, and none twice.
if [ "$rows" -ge "$ok" ] && [ $((rows - ok)) -le "$CONNS" ] && [ "$dups" -eq 0 ]; then
  echo "none lost, none duplicated ($((rows - ok)) committed while wrk was stopping)"
else
  echo "MISMATCH"; exit 1
fi
python3 - "$DIR" <<'PY'
import sqlite3, sys, time, os
path = os.path.join(sys.argv[1], "bare.db")
c = sqlite3.connect(path, isolation_level=None)
c.execute("pragma journal_mode=wal"); c.execute("pragma synchronous=full")
c.execute("create table t (id integer primary key, a text, b text, c text, d text, e text)")
n, start = 0, time.time()
while time.time() - start < 5:
    c.execute("begin"); c.execute("insert into t (a,b,c,d,e) values (?,?,?,?,?)", ("x"*40, "y"*200, "z"*20, "w"*30, "v"*300)); c.execute("commit"); n += 1
print(f"bare SQLite insert loop (one transaction per row, WAL, synchronous=FULL): {n/(time.time()-start):.0f} rows/s")
PY
