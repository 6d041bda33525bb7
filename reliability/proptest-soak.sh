#!/usr/bin/env bash
# The property tests from new seeds. CI runs them from one fixed seed (.ci/run sets
# PROPTEST_RNG_SEED), so a CI run is reproducible; this script is where new seeds are tried.
# Usage: reliability/proptest-soak.sh [ROUNDS=20]. Each round draws a seed, runs the domain crate's unit
# tests (where every property test is) with it, and on a failure prints the seed that
# reproduces it: PROPTEST_RNG_SEED=<seed> cargo test -p gongkai-domain --lib <test>.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}"
cargo test -q -p gongkai-domain --lib --no-run
status=0
for round in $(seq 1 "$ROUNDS"); do
  seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
  if ! PROPTEST_RNG_SEED="$seed" cargo test -q -p gongkai-domain --lib > "/tmp/proptest-soak.$$.log" 2>&1; then
    echo "round $round: FAILED with PROPTEST_RNG_SEED=$seed"
    grep -E "^test .* FAILED|panicked at|minimal failing input" "/tmp/proptest-soak.$$.log" | head -10
    status=1
  else
    echo "round $round: seed $seed passed"
  fi
done
exit $status
