# Sourced by the benchmarks that set nginx beside Gongkai (bench-pages.sh, bench-issue19.sh):
#   static_nginx WORK_DIR PORT   serves WORK_DIR/www as static files on 127.0.0.1:PORT (index.html
#                                for a folder), pid in WORK_DIR/nginx.pid;
#   stop_static_nginx WORK_DIR   stops it (no error if it is not running).
# WORK_DIR is opened to every user: nginx started as root runs its workers as another user, and a
# folder only root can read (mktemp's 0700) made every nginx answer a 403, a few hundred bytes,
# fast, counted by wrk as if it were the page (BENCHMARKS.md, "fourteenth steps").
static_nginx() {
  local work="$1" port="$2"
  chmod 755 "$work"
  cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nb; proxy_temp_path $work/np; fastcgi_temp_path $work/nf;
  uwsgi_temp_path $work/nu; scgi_temp_path $work/ns;
  default_type text/html;
  server { listen 127.0.0.1:$port; root $work/www; index index.html; }
}
CONF
  PATH="$PATH:/usr/sbin" nginx -c "$work/nginx.conf"
}

stop_static_nginx() {
  [ -f "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid")" 2>/dev/null || true
  rm -f "$1/nginx.pid"
}
