#!/usr/bin/env bash
# Installs what the tests use from Debian's packages, where missing: LibreOffice (to open the
# .docx/.xlsx the platform writes), poppler-utils (pdftotext, for PDF reports), CJK fonts,
# Chromium and its driver (browser tests), the PostgreSQL client (psql, to create test databases).
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
# nginx and openssl: the deployment smoke test (deploy/smoke.sh) puts nginx with TLS before two nodes.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# curl: the portal monitor fetches pages with it (and its test serves a planted site).
command -v curl >/dev/null 2>&1 || need+=(curl)
# python3 with venv: the OpenAPI test's validators live in a venv (below).
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
# wrk: the load generator of the long forms in reliability/ (load.sh, bench-*.sh).
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ERROR: missing packages: ${need[*]} (run as root, or install them: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "installing: ${need[*]}"
  if ! apt-get update -qq || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; then
    echo "ERROR: could not install ${need[*]}; the tests that need them would not run" >&2
    exit 1
  fi
fi
# axe-core, the accessibility checker the browser test runs in the page: from the npm registry,
# pinned and checked, into a cache outside the clone.
AXE_VERSION=4.10.3
AXE_SHA256=880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb
axe_dir="$HOME/.cache/gongkai-test/axe-core-$AXE_VERSION"
if ! echo "$AXE_SHA256  $axe_dir/axe.min.js" | sha256sum -c --status 2>/dev/null; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "ERROR: npm is needed to fetch axe-core $AXE_VERSION for the accessibility test (apt-get install npm)" >&2
    exit 1
  fi
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf "axe-core-$AXE_VERSION.tgz")
  mkdir -p "$axe_dir"
  cp "$tmp/package/axe.min.js" "$axe_dir/axe.min.js"
  rm -rf "$tmp"
  if ! echo "$AXE_SHA256  $axe_dir/axe.min.js" | sha256sum -c --status; then
    echo "ERROR: axe-core $AXE_VERSION from the npm registry does not match its checksum" >&2
    exit 1
  fi
fi
# Python tools from PyPI, pinned, in a venv outside the clone: the OpenAPI test's validators
# (openapi-spec-validator: the document is OpenAPI 3.1; jsonschema: each answer fits its schema) and
# aiosmtpd, the SMTP server the notice test delivers to.
venv="$HOME/.cache/gongkai-test/venv"
if ! "$venv/bin/python" -c "import openapi_spec_validator, jsonschema, aiosmtpd" 2>/dev/null; then
  if ! python3 -m venv "$venv" || ! "$venv/bin/pip" install -q "openapi-spec-validator==0.7.1" "jsonschema==4.23.0" "aiosmtpd==1.4.6"; then
    echo "ERROR: could not install the Python test tools into $venv (python3 -m venv, pip from PyPI)" >&2
    exit 1
  fi
fi
# Verify: every tool the tests use is now here.
missing=()
for tool in soffice pdftotext chromium chromedriver psql curl openssl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -d /usr/share/fonts/opentype/noto ] || missing+=("fonts-noto-cjk")
if [ ${#missing[@]} -gt 0 ]; then
  echo "ERROR: still missing after installing: ${missing[*]}" >&2
  exit 1
fi
