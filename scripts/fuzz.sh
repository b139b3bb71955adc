#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Short libFuzzer runs of the targets in fuzz/ (built by `make fuzz`: the asan preset), as CI runs them:
#   scripts/fuzz.sh BUILD_DIR SECONDS_PER_TARGET
# Corpora start from examples/scenarios/*.toml, a tiny output file, and the regression inputs of
# fuzz/regressions/ (every input that once crashed). A crash leaves its input in BUILD_DIR/fuzz-crashes/
# and fails the script: add it to fuzz/regressions/<target>/ with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
seconds=${2:-30}
work=$build/fuzz-work
rm -rf "$work"
mkdir -p "$work/scenario" "$work/output_file" "$build/fuzz-crashes"
cp examples/scenarios/*.toml fuzz/regressions/scenario/* "$work/scenario/"
cp fuzz/regressions/output_file/* "$work/output_file/" 2>/dev/null || true
"$build/fascia" --quiet run fuzz/seed_output.toml -o "$work/seed/seed.h5" >/dev/null
cp "$work/seed/seed.h5" "$work/output_file/"
# True when LOG reports a libFuzzer timeout whose innermost frame, below the alarm handler, is in libhdf5.
hang_inside_libhdf5() {
  awk '/ERROR: libFuzzer: timeout/ {t = 1; next}
       t && /^ +#[0-9]+ / && !/__sanitizer_print_stack_trace|fuzzer::|libc\.so/ {found = /libhdf5/; exit}
       END {exit !(t && found)}' "$1"
}
status=0
for target in scenario output_file; do
  echo "fuzz_$target: $seconds s"
  # Leaks: libhdf5 keeps library-wide state for the process; the targets own no memory across calls.
  rc=0
  ASAN_OPTIONS=detect_leaks=0 "$build/fuzz/fuzz_$target" "$work/$target" -max_total_time="$seconds" \
    -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-crashes/${target}-" >"$work/$target.log" 2>&1 || rc=$?
  grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|ERROR|SUMMARY|Test unit written" "$work/$target.log" || true
  if [ "$rc" -ne 0 ] && hang_inside_libhdf5 "$work/$target.log"; then
    # Third-party, not fixed here: libhdf5 1.10.8 (Debian 12) loops for ever parsing some damaged
    # global heap collections (H5HG, reached reading a variable-length string). The fuzzer stops at
    # the first hang; crashes and any other hang still fail. Users get a deadline instead of a hang
    # (fascia info, fascia.io: docs/testing.md "Known: damaged files that make libhdf5 loop").
    echo "fuzz_$target: stopped early on a hang inside libhdf5 (known, third-party; input kept in $build/fuzz-crashes/)"
  elif [ "$rc" -ne 0 ]; then
    tail -40 "$work/$target.log"
    status=1
  fi
done
exit $status
