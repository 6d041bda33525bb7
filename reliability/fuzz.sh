#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer). Short form (CI-sized): SECONDS per target; long form:
# reliability/fuzz.sh 3600 for an hour per target. Crashes land in fuzz/artifacts/<target>/.
# Usage: reliability/fuzz.sh [SECONDS=30] [TARGET ...]   (all targets when none is named; two
# runs with different targets can share the machine's two cores)
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the installed stable toolchain accept
# them (no other toolchain can be fetched here).
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_PER_TARGET="${1:-30}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
status=0
ALL=(report_parse privacy_scan calendar_csv disbursement_rows items_jsonl sheet_csv sheet_xlsx)
TARGETS=("${@:2}")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
  log="/tmp/fuzz-$t.$$.log"
  echo "== $t (${SECONDS_PER_TARGET}s)"
  # The corpus grows in fuzz/corpus/<target> (not committed); seeds/<target> holds valid inputs.
  dirs=("corpus/$t")
  mkdir -p "corpus/$t"
  [ -d "seeds/$t" ] && dirs+=("seeds/$t")
  if ! cargo fuzz run "$t" "${dirs[@]}" --sanitizer none -- -max_total_time="$SECONDS_PER_TARGET" -max_len=20000 -timeout=5 > "$log" 2>&1; then
    grep -aE "panicked|ERROR|crash-|error" "$log" | head -20
    status=1
  fi
  grep -aE "Done [0-9]+ runs" "$log" | tail -1
done
exit $status
