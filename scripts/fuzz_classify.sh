# SPDX-License-Identifier: MIT
# Sourced by scripts/fuzz.sh and tests/scripts/fuzz_classify_test.sh: which fuzzer findings are
# libhdf5's own (docs/testing.md, "Findings").
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
