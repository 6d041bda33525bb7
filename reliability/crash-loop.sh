#!/usr/bin/env bash
# Crash safety, long form: the same test as CI's (tests/it/reliability.rs) with many more SIGKILLs.
# Usage: reliability/crash-loop.sh [KILLS=200]   (PostgreSQL too when GONGKAI_TEST_DATABASE_URL is set)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}"
GONGKAI_CRASH_KILLS="${1:-200}" cargo test -p gongkai --test it reliability:: -- --nocapture 2>&1 | grep -E "SIGKILLs survived|test result|panicked|lost"
