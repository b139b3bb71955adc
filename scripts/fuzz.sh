#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Short libFuzzer runs of the targets in fuzz/ (built by `cmake --preset fuzz`), as CI runs them:
#   scripts/fuzz.sh BUILD_DIR SECONDS_PER_TARGET
# Corpora start from examples/scenarios/*.toml, a tiny output file, and the regression inputs of
# fuzz/regressions/ (every input that once crashed). A crash leaves its input in BUILD_DIR/fuzz-crashes/
# and fails the script: add it to fuzz/regressions/<target>/ with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
seconds=${2:-30}
work=$build/fuzz-work
rm -rf "$work"
mkdir -p "$work/scenario" "$work/output_file" "$build/fuzz-crashes"
cp examples/scenarios/*.toml fuzz/regressions/scenario/* "$work/scenario/"
cp fuzz/regressions/output_file/* "$work/output_file/" 2>/dev/null || true
"$build/fascia" --quiet run fuzz/seed_output.toml -o "$work/seed/seed.h5" >/dev/null
cp "$work/seed/seed.h5" "$work/output_file/"
status=0
for target in scenario output_file; do
  echo "fuzz_$target: $seconds s"
  # Leaks: libhdf5 keeps library-wide state for the process; the targets own no memory across calls.
  rc=0
  ASAN_OPTIONS=detect_leaks=0 "$build/fuzz_$target" "$work/$target" -max_total_time="$seconds" \
    -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-crashes/${target}-" >"$work/$target.log" 2>&1 || rc=$?
  grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|ERROR|SUMMARY|Test unit written" "$work/$target.log" || true
  if [ "$rc" -ne 0 ]; then
    tail -40 "$work/$target.log"
    status=1
  fi
done
exit $status
