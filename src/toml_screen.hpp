// SPDX-License-Identifier: MIT
#pragma once
/// @file A lexical screen run on scenario text before toml++ sees it.
///
/// toml++ 3.3.0 (Debian 12's libtomlplusplus-dev) reaches `TOML_UNREACHABLE` (undefined behaviour,
/// `__builtin_unreachable`) in `impl::is_non_ascii_horizontal_whitespace` for code points whose
/// lookup bucket it never filled: U+00A1..U+0499, U+2C5E..U+3057 and U+FB26..U+FEFE (minus the real
/// whitespace U+3000). The parser asks that question of every character outside strings and
/// comments (whitespace skipping, value terminators, e.g. `force_n = 0.5ɋ`), of every character of a
/// quoted key (key recording) and of the character after a backslash in a basic string. Comments and
/// the inside of strings are read without it. The screen rejects exactly those positions, so that
/// toml++ only ever sees text it handles with defined behaviour; found by the libFuzzer target
/// tests/fuzz/fuzz_scenario.cpp (regression: tests/io/test_toml_screen.cpp).
#include <string>

namespace fascia::detail {

/// True for a code point that makes toml++ 3.3.0's whitespace test undefined (see the file comment).
bool toml_whitespace_test_undefined(char32_t c) noexcept;

/// Throws InputError ("<origin>:<line>:<column>: ...") when `text` holds such a code point outside a
/// comment or a string value, in a quoted key, or right after a backslash in a basic string.
void screen_toml_text(const std::string& text, const std::string& origin);

}  // namespace fascia::detail
