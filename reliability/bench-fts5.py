#!/usr/bin/env python3
"""SQLite FTS5 (trigram tokenizer) on the same corpus and queries as `gongkai bench search`:
build rate (items/s) and query latency p50/p99 (top 10 by rank with snippets, and the count).
Words under 3 characters cannot use a trigram index: they are matched with LIKE (a scan), as
FTS5's documentation prescribes.
Usage: reliability/bench-fts5.py CORPUS.jsonl QUERIES.txt WORK.db [ROUNDS=10]"""
import json, os, re, sqlite3, sys, time

corpus, queries_file, path = sys.argv[1:4]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 10
if os.path.exists(path):
    os.remove(path)
c = sqlite3.connect(path, isolation_level=None)
c.execute("pragma journal_mode=wal")
c.execute("create virtual table doc using fts5(title, body, tokenize='trigram')")
tag = re.compile(r"<[^>]+>")
n, start = 0, time.time()
with open(corpus, encoding="utf-8") as f:
    batch = []
    for line in f:
        if not line.strip():
            continue
        d = json.loads(line)
        batch.append((d["title"], tag.sub("\n", d["body"])))
        if len(batch) == 10000:
            c.execute("begin"); c.executemany("insert into doc (title, body) values (?, ?)", batch); c.execute("commit")
            n += len(batch); batch = []
    if batch:
        c.execute("begin"); c.executemany("insert into doc (title, body) values (?, ?)", batch); c.execute("commit")
        n += len(batch)
build = time.time() - start
print(f"FTS5 trigram: built over {n} items in {build:.1f} s ({n / build:.0f} items/s), {os.path.getsize(path) / 1e6:.0f} MB")

queries = [l.strip() for l in open(queries_file, encoding="utf-8") if l.strip() and not l.startswith("#")]

def plan(q):
    words = q.split()
    long = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    where, args = [], []
    if long:
        where.append("doc match ?")
        args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long))
    for w in short:
        where.append("(title like ? or body like ?)")
        args += [f"%{w}%", f"%{w}%"]
    w = " and ".join(where)
    order = "order by rank" if long else ""
    top = f"select rowid, title, snippet(doc, 1, '<b>', '</b>', '…', 40) from doc where {w} {order} limit 10"
    count = f"select count(*) from doc where {w}"
    return top, count, args, bool(short)

lat, zero, scans = [], 0, 0
for r in range(rounds + 1):
    for q in queries:
        top, count, args, scan = plan(q)
        t = time.perf_counter()
        rows = c.execute(top, args).fetchall()
        total = c.execute(count, args).fetchone()[0]
        d = time.perf_counter() - t
        if r == 0:
            zero += total == 0
            scans += scan
        else:
            lat.append(d)
lat.sort()
p = lambda x: lat[min(len(lat) - 1, max(0, int(len(lat) * x + 0.999999) - 1))] * 1000
print(f"FTS5 trigram: {len(queries)} queries × {rounds} rounds ({zero} without hits; {scans} with a word under 3 characters, matched by LIKE): p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms")
print(f"FTS5_P50={p(0.5):.3f} FTS5_P99={p(0.99):.3f} FTS5_BUILD={n / build:.0f}")
