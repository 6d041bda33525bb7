#!/usr/bin/env bash
# Instruction counts of the item page (callgrind: they do not depend on the machine's load): the
# server under valgrind on DATA_DIR (N items), 200 warm-up requests, counters zeroed, then COUNT
# item pages of random ids one at a time, dumped; prints the inclusive cost of the request and its
# parts. With FLOOR=1 the same of the bare libraries' page (`gongkai bench item-floor`: axum, sqlx's
# concrete SQLite driver, minijinja), for the program totals side by side. With PAGE=/path the same
# address every time instead (e.g. PAGE=/livez for the layers alone, PAGE=/items/1 for a page the
# cache holds), as an anonymous visitor with no cookie, as wrk asks.
# Usage: [FLOOR=1] [PAGE=/path] reliability/profile-item-page.sh BINARY DATA_DIR N [COUNT=1000]
set -euo pipefail
BIN="$1"; DATA="$2"; N="$3"; COUNT="${4:-1000}"; PORT=8460
OUT=$(mktemp -d)/callgrind.out
if [ -n "${FLOOR:-}" ]; then CMD=(bench item-floor); READY=/items/1; else CMD=(serve); READY=/readyz; fi
GONGKAI_LOG=warn valgrind --tool=callgrind --callgrind-out-file="$OUT" "$BIN" "${CMD[@]}" --data-dir "$DATA" --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
VG=$!
for _ in $(seq 1 240); do curl -sf -o /dev/null http://127.0.0.1:$PORT$READY && break; sleep 0.5; done
hit() { python3 -c "
import random, sys, urllib.request
random.seed(int(sys.argv[2]))
for _ in range(int(sys.argv[1])):
    page = '${PAGE:-}' or '/items/%d' % random.randint(1, $N)
    r = urllib.request.urlopen('http://127.0.0.1:$PORT' + page); assert r.status == 200; r.read()
" "$1" "$2"; }
hit 200 1
callgrind_control -z $VG >/dev/null
hit "$COUNT" 2
callgrind_control -d $VG >/dev/null
sleep 3; kill -INT $VG
# `serve` stops on SIGINT; the floor has no handler for it under valgrind: TERM after a while.
for _ in $(seq 1 20); do kill -0 $VG 2>/dev/null || break; sleep 0.5; done
kill -TERM $VG 2>/dev/null || true; wait $VG 2>/dev/null || true
echo "$COUNT requests of ${PAGE:-random item pages}; instructions, inclusive (divide by $COUNT for one page):"
callgrind_annotate --inclusive=yes --threshold=100 "$OUT.1" 2>/dev/null \
  | grep -E "PROGRAM TOTALS|sqlite3_step |handle_connection::\{\{closure\}\}::\{\{closure\}\} |Handler<\(M,T1,T2,T3\)|load_public|templates::render|random_token|core::str::converts::from_utf8 |page_cache|context_layer|metrics::track|getrandom" | cut -c1-140
echo "profile: $OUT.1 (callgrind_annotate it for the rest)"
