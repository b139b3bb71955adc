#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/fuzz_classify.sh on recorded findings (tests/data/fuzz_logs/): third_party_*.log are
# libhdf5's own (fuzz.sh goes on), ours_*.log are fascia's (fuzz.sh fails). CI once failed on a
# SIGSEGV in glibc's memcpy called from libhdf5, symbolized by source path rather than `libc.so`.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/fuzz_classify.sh
fail=0
for log in tests/data/fuzz_logs/third_party_*.log; do
  inside_libhdf5 "$log" || { echo "FAIL: $log is libhdf5's, classified as fascia's"; fail=1; }
done
for log in tests/data/fuzz_logs/ours_*.log; do
  inside_libhdf5 "$log" && { echo "FAIL: $log is fascia's, classified as libhdf5's"; fail=1; }
done
[ $fail -eq 0 ] && echo "fuzz_classify: $(ls tests/data/fuzz_logs | wc -l) logs classified as recorded"
exit $fail
