#!/usr/bin/env bash
# Issue 19: SQLite's own cost of writing the item table, without Gongkai. Copies the items of an
# imported data dir, in their order, into two fresh databases with the `sqlite3` shell — one with
# the item table as Gongkai's migrations leave it (its indexes), one with the table and its unique
# 索引号 alone — 1,000 rows a transaction, with the import's settings (WAL, synchronous=FULL, a
# 64 MiB cache, a checkpoint every 16,384 pages). What separates the import's rate from this is
# Gongkai's; what separates the two copies is the indexes' (the public lists', migrations 0024-0025).
# Usage: reliability/bench-sqlite-schema.sh DATA_DIR [WORK_DIR=DATA_DIR/..]
set -euo pipefail
SRC="$1/gongkai.db"; WORK="${2:-$(dirname "$1")}"
[ -f "$SRC" ] || { echo "no $SRC: import a corpus first (gongkai bench import CORPUS --data-dir DIR)"; exit 1; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F); $(sqlite3 --version | cut -d' ' -f1)"
python3 - "$SRC" "$WORK" <<'PY'
import sqlite3, sys
src, work = sys.argv[1], sys.argv[2]
db = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
table = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'item'").fetchone()[0]
indexes = [r[0] for r in db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item' AND sql IS NOT NULL")]
lo, hi = db.execute("SELECT MIN(item_id), MAX(item_id) FROM item").fetchone()
head = ("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\nPRAGMA cache_size=-65536;\n"
        "PRAGMA wal_autocheckpoint=16384;\n" f"ATTACH 'file:{src}?mode=ro' AS src;\n")
copies = "\n".join(f"BEGIN; INSERT INTO main.item SELECT * FROM src.item WHERE item_id BETWEEN {a} AND {a + 999}; COMMIT;"
                   for a in range(lo, hi + 1, 1000))
for name, ix in (("plain", []), ("schema", indexes)):
    with open(f"{work}/bare-{name}.sql", "w") as f:
        f.write(head + table + ";\n" + "".join(i + ";\n" for i in ix) + copies + "\n")
print(f"{hi - lo + 1} item ids; {len(indexes)} indexes besides the key and the unique 索引号")
PY
items=$(sqlite3 "$SRC" "SELECT COUNT(*) FROM item")
for name in plain schema; do
  rm -f "$WORK/bare-$name.db" "$WORK/bare-$name.db-wal" "$WORK/bare-$name.db-shm"
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$WORK/bare-$name.time" sqlite3 "$WORK/bare-$name.db" < "$WORK/bare-$name.sql" >/dev/null
  end=$(date +%s.%N)
  read -r user sys < "$WORK/bare-$name.time"
  python3 -c "import sys; n,s,e,u,k,label=sys.argv[1:]; t=float(e)-float(s); print(f'SQLite alone, item table {label}: {int(n)/t:,.0f} rows/s ({t:.1f} s; CPU {u} s user + {k} s kernel)')" \
    "$items" "$start" "$end" "$user" "$sys" "$([ $name = plain ] && echo 'with its key and unique 索引号 alone' || echo 'with its indexes')"
  rm -f "$WORK/bare-$name.db" "$WORK/bare-$name.db-wal" "$WORK/bare-$name.db-shm" "$WORK/bare-$name.sql" "$WORK/bare-$name.time"
done
