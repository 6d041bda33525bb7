#!/usr/bin/env bash
# The deployment smoke test where no container runtime is present: the same layout as compose.yaml
# on this machine — PostgreSQL (the local server), two Gongkai nodes, nginx with TLS in front using
# deploy/nginx.conf — then requests through nginx over HTTPS, and one run of backup.sh.
#
#   bash deploy/smoke.sh [path/to/gongkai]       (default: the debug build in $CARGO_TARGET_DIR or target/)
#
# Needs: nginx (installed from Debian's nginx-light if missing and run as root), openssl, curl,
# PostgreSQL at GONGKAI_SMOKE_PG (default postgres://postgres@127.0.0.1:5432) with createdb rights.
# With a container runtime, the same checks run against compose: `bash deploy/smoke.sh --url https://localhost:8443`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
pass=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { pass=$((pass + 1)); echo "PASS: $*"; }

url=""
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="$2"; shift 2;;
    *) bin="$1"; shift;;
  esac
done

work="$(mktemp -d)"
pids=()
db=""
pg="${GONGKAI_SMOKE_PG:-postgres://postgres@127.0.0.1:5432}"
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -n "$db" ] && psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [ -z "$url" ]; then
  if [ -z "$bin" ]; then
    target="${CARGO_TARGET_DIR:-$root/target}"
    bin="$target/debug/gongkai"
    [ -x "$bin" ] || bin="$target/release/gongkai"
  fi
  [ -x "$bin" ] || fail "no gongkai binary at $bin: run 'cargo build' first or pass its path"
  if ! command -v nginx >/dev/null 2>&1 && [ -x /usr/sbin/nginx ]; then PATH="$PATH:/usr/sbin"; fi
  if ! command -v nginx >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || fail "nginx is missing (apt-get install nginx-light)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
    PATH="$PATH:/usr/sbin"
  fi
  command -v openssl >/dev/null || fail "openssl is missing"
  command -v psql >/dev/null || fail "psql (postgresql-client) is missing"

  # The database, as compose's `db` service.
  db="gongkai_smoke_$$"
  psql -q "$pg/postgres" -c "CREATE DATABASE $db" >/dev/null || fail "cannot create database $db at $pg"
  dburl="$pg/$db"

  # Two nodes, as compose's node1/node2: the same database, each its own data directory.
  ports=()
  for n in 1 2; do
    port="$(free_port)"
    ports+=("$port")
    mkdir -p "$work/node$n"
    extra=()
    [ "$n" = 1 ] && extra=(--demo)
    GONGKAI_TRUST_PROXY=true GONGKAI_TRUSTED_PROXIES=1 GONGKAI_SECURE_COOKIES=true \
    GONGKAI_LOG_FORMAT=json GONGKAI_LOG=gongkai=info,gongkai::request=info \
      "$bin" serve --data-dir "$work/node$n" --database-url "$dburl" --listen "127.0.0.1:$port" "${extra[@]}" \
      >"$work/node$n.log" 2>&1 &
    pids+=($!)
    # Node 1 migrates and loads the demo before node 2 starts on the same database.
    for _ in $(seq 1 240); do
      curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
      kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/node$n.log" >&2; fail "node $n stopped"; }
      sleep 0.5
    done
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/node$n.log" >&2; fail "node $n never became ready"; }
  done
  ok "two nodes ready on one PostgreSQL database (ports ${ports[*]})"
  password="$(grep -o 'with password: [^ ]*' "$work/node1.log" | head -n1 | cut -d' ' -f3)"
  [ -n "$password" ] || fail "the demo's admin password was not printed"

  # nginx with deploy/nginx.conf, the upstreams and ports written in for this machine.
  mkdir -p "$work/certs"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -keyout "$work/certs/gongkai.key" -out "$work/certs/gongkai.crt" 2>/dev/null
  https_port="$(free_port)"
  http_port="$(free_port)"
  sed -e "s|server node1:8080|server 127.0.0.1:${ports[0]}|; s|server node2:8080|server 127.0.0.1:${ports[1]}|" \
      -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|; s|listen 80;|listen 127.0.0.1:$http_port;|" \
      -e "s|/etc/nginx/certs/|$work/certs/|g" \
      -e "s|https://\$host\$request_uri|https://\$host:$https_port\$request_uri|" \
      "$here/nginx.conf" >"$work/site.conf"
  cat >"$work/nginx-main.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  include $work/site.conf;
}
CONF
  nginx -t -c "$work/nginx-main.conf" >/dev/null 2>&1 || { nginx -t -c "$work/nginx-main.conf"; fail "nginx rejects deploy/nginx.conf"; }
  nginx -c "$work/nginx-main.conf"
  for _ in $(seq 1 50); do [ -f "$work/nginx.pid" ] && break; sleep 0.1; done
  url="https://localhost:$https_port"
  plain="http://localhost:$http_port"
  ok "nginx accepts deploy/nginx.conf and serves TLS on $url"
fi

c=(curl -sS -k --max-time 20)
code() { "${c[@]}" -o /dev/null -w '%{http_code}' "$@"; }

[ "$(code "$url/livez")" = 200 ] || fail "/livez through nginx"
ok "/livez 200 through TLS"
[ "$(code "$url/readyz")" = 200 ] || fail "/readyz through nginx"
ok "/readyz 200 through TLS"
home="$("${c[@]}" "$url/")"
grep -q "政府信息公开" <<<"$home" || fail "the portal's home page through nginx"
ok "the portal's home page through TLS"
hdrs="$("${c[@]}" -D - -o /dev/null "$url/")"
grep -qi '^strict-transport-security:' <<<"$hdrs" || fail "HSTS header missing"
grep -qi '^content-security-policy:' <<<"$hdrs" || fail "the node's CSP header did not pass through"
ok "HSTS from nginx and the node's CSP on the answer"
[ "$(code "$url/metrics")" = 404 ] || fail "/metrics must not answer through nginx"
ok "/metrics is 404 through nginx"
if [ -n "${plain:-}" ]; then
  [ "$(code "$plain/")" = 301 ] || fail "plain HTTP must redirect to HTTPS"
  ok "plain HTTP redirects to HTTPS"
  m="$("${c[@]}" "http://127.0.0.1:${ports[0]}/metrics")"
  grep -q '^gongkai_http_requests_total' <<<"$m" || grep -q '^gongkai_' <<<"$m" || fail "/metrics on the node itself"
  ok "/metrics answers on the node itself (Prometheus text)"
fi

# Staff login through nginx: CSRF cookie + field, session cookie Secure, the session good on both nodes.
jar="$work/jar"
login_page="$("${c[@]}" -c "$jar" -b "$jar" "$url/staff/login")"
csrf="$(grep -o 'name="_csrf" value="[^"]*"' <<<"$login_page" | head -n1 | sed 's/.*value="//; s/"$//')"
[ -n "$csrf" ] || fail "no CSRF field on the login page"
if [ -n "${password:-}" ]; then
  h="$("${c[@]}" -c "$jar" -b "$jar" -D - -o /dev/null --data-urlencode "_csrf=$csrf" \
      --data-urlencode "username=admin" --data-urlencode "password=$password" "$url/staff/login")"
  grep -q '^HTTP/[0-9.]* 303' <<<"$h" || fail "login through nginx: $(head -n1 <<<"$h")"
  grep -qi '^set-cookie: gk_session=.*; Secure' <<<"$h" || grep -qi '^set-cookie: .*session.*Secure' <<<"$h" || fail "the session cookie is not Secure behind TLS"
  ok "staff login through TLS, session cookie Secure"
  for i in 1 2 3 4; do
    [ "$(code -b "$jar" "$url/staff")" = 200 ] || fail "the staff dashboard, request $i (a node does not know the session)"
  done
  ok "the session holds on every request, whichever node answers"
  n1="$(grep -c '"gongkai::request"' "$work/node1.log" || true)"
  n2="$(grep -c '"gongkai::request"' "$work/node2.log" || true)"
  [ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] || fail "nginx did not spread requests over both nodes ($n1 / $n2)"
  ok "both nodes answered requests through nginx ($n1 and $n2 request log lines)"
fi
# A forged X-Forwarded-For is read from the right: the node logs nginx's address for this client.
[ "$(code -H 'X-Forwarded-For: 6.6.6.6' "$url/")" = 200 ] || fail "a request with a forged X-Forwarded-For"
ok "a forged X-Forwarded-For is answered normally"

if [ -n "$db" ]; then
  # backup.sh against the same database: a whole dump, and retention removing only old backups.
  bdir="$work/backups"
  mkdir -p "$bdir"
  touch -d '20 days ago' "$bdir/gongkai-20000101T000000Z.dump"
  touch -d '20 days ago' "$bdir/keep-me.txt"
  GONGKAI_DATABASE_URL="$dburl" GONGKAI_BACKUP_DIR="$bdir" GONGKAI_BACKUP_KEEP_DAYS=14 sh "$here/backup.sh" >/dev/null
  new="$(ls "$bdir"/gongkai-*.dump | grep -v 20000101 | head -n1)"
  [ -n "$new" ] || fail "backup.sh wrote no dump"
  pg_restore --list "$new" >"$work/dump-list" || fail "pg_restore cannot read the dump"
  grep -q 'TABLE DATA public application ' "$work/dump-list" || fail "the dump does not hold the application table"
  [ ! -e "$bdir/gongkai-20000101T000000Z.dump" ] || fail "retention kept a backup older than 14 days"
  [ -e "$bdir/keep-me.txt" ] || fail "retention removed a file that is not a backup"
  ok "backup.sh: a restorable dump, old backups removed, other files kept"
fi
echo "smoke: $pass checks passed"
