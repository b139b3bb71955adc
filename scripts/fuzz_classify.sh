# SPDX-License-Identifier: MIT
# Sourced by scripts/fuzz.sh and tests/scripts/fuzz_classify_test.sh: which fuzzer findings are
# libhdf5's own, and which timeouts were stalls of the machine (docs/testing.md, "Findings").
# True when LOG reports a crash (AddressSanitizer's summary names libhdf5), or an AddressSanitizer
# report or a libFuzzer timeout or out-of-memory whose innermost frame that is neither the
# sanitizer's, libFuzzer's nor the C library's is in libhdf5. The C library's frames are named two
# ways: by the shared object (`libc.so.6+0x...`) or, where its debug information is installed (CI),
# by glibc's source path (`__memcpy_avx512_unaligned_erms string/../sysdeps/...`): both are skipped,
# so a SIGSEGV inside memcpy called from H5HG_read is libhdf5's.
inside_libhdf5() {
  grep -qE "^SUMMARY: AddressSanitizer: .*libhdf5" "$1" && return 0
  awk '/ERROR: libFuzzer: (timeout|out-of-memory)|ERROR: AddressSanitizer: / {t = 1; next}
       t && /^ +#[0-9]+ / && !/__sanitizer|__asan|__interceptor_|fuzzer::|in (malloc|calloc|realloc|free) |libc\.so|[ (]([a-z]+\/)?\.\.\/sysdeps\/|in __(mem|str|wmem)[a-z]*_/ {found = /libhdf5/; exit}
       END {exit !(t && found)}' "$1"
}

# True when LOG reports a libFuzzer timeout whose input (the unit it wrote) runs through TARGET (the
# fuzzer binary) again within recheck_s seconds, twice: a stall of the machine, not a hang.
recheck_s=5
timeout_did_not_recur() {
  grep -q "ERROR: libFuzzer: timeout" "$2" || return 1
  local unit
  unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$2" | tail -1)
  [ -n "$unit" ] && [ -f "$unit" ] || return 1
  for _ in 1 2; do
    timeout "$recheck_s" "$1" "$unit" >/dev/null 2>&1 || return 1
  done
}
