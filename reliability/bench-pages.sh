#!/usr/bin/env bash
# Public pages beside nginx, in one run (issue 19): the demo on a release build, then wrk against
# the home page, an item page and /healthz, and against nginx serving the very same bytes of the
# home and item pages as static files, and against axum alone serving them from memory (`gongkai
# bench static`) — the floors on this machine: nginx's, and the web framework's own. Also one request
# at a time (wrk -c1), where the home page's latency used to be 12× an item page's.
#
#   reliability/bench-pages.sh [BINARY] [SECONDS]      (default: target-release/release/gongkai, 10)
#
# Needs wrk and nginx (Debian's wrk, nginx-light). Prints a table for BENCHMARKS.md.
set -euo pipefail
bin="${1:-${CARGO_TARGET_DIR:-target}/release/gongkai}"
secs="${2:-10}"
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release -p gongkai)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 2; }
PATH="$PATH:/usr/sbin"
command -v nginx >/dev/null || { echo "nginx is missing (apt-get install nginx-light)" >&2; exit 2; }

work=$(mktemp -d /tmp/gongkai-bench-pages.XXXXXX)
. "$(dirname "$0")/static-nginx.sh"
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  [ -n "${bare:-}" ] && kill "$bare" 2>/dev/null || true
  stop_static_nginx "$work"
  rm -rf "$work"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 10000))
nport=$((port + 1))
GONGKAI_LOG=warn GONGKAI_PUBLIC_SUBMISSIONS_PER_MINUTE=1000000 \
  "$bin" serve --demo --data-dir "$work/data" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log"; echo "server not ready" >&2; exit 1; }

item=$(curl -s "http://127.0.0.1:$port/api/v1/items?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["item_id"])')
mkdir -p "$work/www/items"
curl -s "http://127.0.0.1:$port/" >"$work/www/index.html"
curl -s "http://127.0.0.1:$port/items/$item" >"$work/www/items/$item"
static_nginx "$work" "$nport"
# The web framework alone (axum on the same runtime, the same bytes from memory, no middleware).
aport=$((port + 2))
"$bin" bench static --listen "127.0.0.1:$aport" --dir "$work/www" >"$work/static.log" 2>&1 &
bare=$!
sleep 0.5

# Every figure is of answers that are the page: any answer not 2xx stops the run.
checked() { local out; out=$(wrk "$@"); if grep -q 'Non-2xx' <<<"$out"; then echo "non-2xx answers from ${*: -1}:" >&2; echo "$out" >&2; exit 1; fi; echo "$out"; }
rate() { checked -t2 -c32 -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
one() { checked -t1 -c1 -d"${secs}s" --latency "$1" | awk '/ 50%/ {print $2}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $bin ($(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?')), demo data, item $item, ${secs}s each, wrk -t2 -c32"
printf '%-28s %12s %14s\n' "page" "req/s" "p50 at -c1"
for spec in "home|http://127.0.0.1:$port/" "item|http://127.0.0.1:$port/items/$item" \
  "healthz|http://127.0.0.1:$port/healthz" "livez (no query)|http://127.0.0.1:$port/livez" \
  "nginx home (same bytes)|http://127.0.0.1:$nport/" \
  "nginx item (same bytes)|http://127.0.0.1:$nport/items/$item" \
  "axum alone home (same bytes)|http://127.0.0.1:$aport/" \
  "axum alone item (same bytes)|http://127.0.0.1:$aport/items/$item"; do
  name=${spec%%|*}; url=${spec#*|}
  printf '%-28s %12s %14s\n' "$name" "$(rate "$url")" "$(one "$url")"
done
echo "rss of the server after the runs: $(ps -o rss= -p "$server") kB"
