#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/fuzz_classify.sh on recorded findings (tests/data/fuzz_logs/): third_party_*.log are
# libhdf5's own (fuzz.sh goes on), ours_*.log are fascia's (fuzz.sh fails). CI once failed on a
# SIGSEGV in glibc's memcpy called from libhdf5, symbolized by source path rather than `libc.so`.
# Then timeout_did_not_recur on made-up logs.
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
# A timeout whose input runs through quickly again is a stall; one that hangs again, a crash, or a
# timeout whose unit is gone are not (stand-in fuzzers: `true` returns at once, `sleep 7` outlasts
# recheck_s).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "x" >"$tmp/unit"
printf '==1== ERROR: libFuzzer: timeout after 11 seconds\nTest unit written to %s\n' "$tmp/unit" >"$tmp/timeout.log"
printf '==1==ERROR: AddressSanitizer: heap-buffer-overflow\nTest unit written to %s\n' "$tmp/unit" >"$tmp/crash.log"
printf '==1== ERROR: libFuzzer: timeout after 11 seconds\nTest unit written to %s\n' "$tmp/gone" >"$tmp/gone.log"
printf '#!/bin/sh\nsleep 7\n' >"$tmp/hangs" && chmod +x "$tmp/hangs"
timeout_did_not_recur true "$tmp/timeout.log" || { echo "FAIL: a timeout that did not recur was not recognised"; fail=1; }
timeout_did_not_recur "$tmp/hangs" "$tmp/timeout.log" && { echo "FAIL: a timeout that recurs was taken for a stall"; fail=1; }
timeout_did_not_recur true "$tmp/crash.log" && { echo "FAIL: a crash was taken for a stall"; fail=1; }
timeout_did_not_recur true "$tmp/gone.log" && { echo "FAIL: a timeout without its unit was taken for a stall"; fail=1; }
[ $fail -eq 0 ] && echo "fuzz_classify: $(ls tests/data/fuzz_logs | wc -l) logs classified as recorded; stalls told from hangs"
exit $fail
