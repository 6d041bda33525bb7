#!/usr/bin/env bash
# Instructions a request of the mixed load (reliability/mixed.lua, with a staff session), which do
# not depend on the machine's load: the demo served under callgrind, 15 s of warm-up, counters
# zeroed, then SECONDS of the mix from one wrk thread at 8 connections; prints the requests, the
# program's instructions and their quotient. Compare two builds by running it for each (at once if
# you like: the counts do not move with the other's load).
# Usage: reliability/profile-mixed.sh BINARY [PORT=8501] [SECONDS=60]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$1"; PORT="${2:-8501}"; SECS="${3:-60}"
D=$(mktemp -d); OUT="$D/callgrind.out"
GONGKAI_LOG=warn GONGKAI_TRUST_PROXY=true GONGKAI_PUBLIC_SUBMISSIONS_PER_MINUTE=100000000 \
  valgrind --tool=callgrind --callgrind-out-file="$OUT" "$BIN" serve --demo --data-dir "$D/data" --listen 127.0.0.1:$PORT 2>"$D/log" &
VG=$!
for _ in $(seq 1 600); do [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/readyz)" = 200 ] && break; sleep 1; done
PASS=$(grep -o 'password: [0-9a-f]*' "$D/log" | awk '{print $2}')
CSRF=$(curl -s -c "$D/jar" http://127.0.0.1:$PORT/staff/login | grep -o 'name="_csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
curl -s -b "$D/jar" -c "$D/jar" -o /dev/null -d "_csrf=$CSRF&username=admin&password=$PASS" http://127.0.0.1:$PORT/staff/login
export STAFF_COOKIE="gk_session=$(awk '$6=="gk_session"{print $7}' "$D/jar")"
[ "$STAFF_COOKIE" != "gk_session=" ] || { echo "could not sign in as admin" >&2; kill "$VG"; exit 1; }
wrk -t1 -c8 -d15s -s reliability/mixed.lua "http://127.0.0.1:$PORT/" >/dev/null
callgrind_control -z "$VG" >/dev/null
wrk -t1 -c8 -d"${SECS}s" -s reliability/mixed.lua "http://127.0.0.1:$PORT/" >"$D/wrk.txt"
callgrind_control -d "$VG" >/dev/null
sleep 2; kill -INT "$VG"; wait "$VG" 2>/dev/null || true
REQ=$(awk '/requests in/{print $1}' "$D/wrk.txt")
TOT=$(callgrind_annotate "$OUT.1" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1}')
echo "$(basename "$BIN"): $REQ requests, $TOT instructions, $((TOT / REQ)) a request $(grep -E 'Non-2xx' "$D/wrk.txt" || true)"
echo "profile: $OUT.1 (callgrind_annotate --inclusive=yes it for where they go)"
