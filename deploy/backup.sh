#!/bin/sh
# One backup, then the old ones removed: keeps GONGKAI_BACKUP_KEEP_DAYS days (default 14).
#   PostgreSQL (GONGKAI_DATABASE_URL set): pg_dump -Fc, restore with pg_restore -d DB FILE.
#   SQLite (GONGKAI_DATA_DIR): `gongkai backup`, a consistent snapshot while the server runs;
#   restore with `gongkai restore FILE --data-dir NEW_DIR`.
# Run daily by compose's backup service or by gongkai-backup.timer (systemd).
set -eu
dir="${GONGKAI_BACKUP_DIR:-/var/backups/gongkai}"
keep="${GONGKAI_BACKUP_KEEP_DAYS:-14}"
case "$keep" in ''|*[!0-9]*) echo "GONGKAI_BACKUP_KEEP_DAYS must be a number of days, got '$keep'" >&2; exit 2;; esac
mkdir -p "$dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
if [ -n "${GONGKAI_DATABASE_URL:-}" ]; then
  out="$dir/gongkai-$stamp.dump"
  pg_dump -Fc --no-owner -f "$out.part" "$GONGKAI_DATABASE_URL"
else
  out="$dir/gongkai-$stamp.db"
  "${GONGKAI_BIN:-gongkai}" backup --data-dir "${GONGKAI_DATA_DIR:-/var/lib/gongkai}" "$out.part" >/dev/null
fi
# A backup is only kept whole: written under .part, renamed when complete.
mv "$out.part" "$out"
echo "backup written: $out ($(wc -c < "$out") bytes)"
# Retention: only this script's own files, older than the number of days kept.
find "$dir" -maxdepth 1 -type f \( -name 'gongkai-*.dump' -o -name 'gongkai-*.db' \) -mtime "+$keep" -print -delete
