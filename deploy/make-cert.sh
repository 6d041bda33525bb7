#!/bin/sh
# A self-signed certificate for the example deployment (deploy/certs/gongkai.{crt,key}).
# A real site uses its own certificate: put it in the same two files.
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/certs"
mkdir -p "$dir"
if [ -f "$dir/gongkai.crt" ] && [ -f "$dir/gongkai.key" ]; then
  echo "certificate exists: $dir/gongkai.crt"
  exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/gongkai.key" -out "$dir/gongkai.crt" 2>/dev/null
chmod 600 "$dir/gongkai.key"
echo "self-signed certificate written to $dir/gongkai.crt"
