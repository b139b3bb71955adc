// SPDX-License-Identifier: MIT
// The screen in front of toml++ 3.3.0 (src/toml_screen.hpp): it flags exactly the code points whose
// whitespace test is undefined, rejects them where the parser would test them, and lets
// non-ASCII text through where the parser reads it safely (comments, string values).
#include <gtest/gtest.h>

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fascia/core/error.hpp"
#include "fascia/scenario.hpp"
#include "toml_screen.hpp"

namespace fascia {
namespace {

std::string utf8(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += char(c);
  } else if (c < 0x800) {
    s += char(0xC0 | (c >> 6));
    s += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += char(0xE0 | (c >> 12));
    s += char(0x80 | ((c >> 6) & 0x3F));
    s += char(0x80 | (c & 0x3F));
  } else {
    s += char(0xF0 | (c >> 18));
    s += char(0x80 | ((c >> 12) & 0x3F));
    s += char(0x80 | ((c >> 6) & 0x3F));
    s += char(0x80 | (c & 0x3F));
  }
  return s;
}

TEST(TomlScreen, FlagsExactlyTheCodePointsToml33LeavesUndefined) {
  // Every code point the screen lets through is one toml++ answers with defined behaviour: built
  // with -fsanitize=undefined (the asan test preset) a missed one traps on __builtin_unreachable.
  // The whitespace it does know stays whitespace.
  std::size_t flagged = 0;
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (detail::toml_whitespace_test_undefined(c)) {
      ++flagged;
      continue;
    }
    const bool ws = toml::impl::is_non_ascii_horizontal_whitespace(c);
    if (c == 0xA0 || c == 0x3000 || c == 0xFEFF || c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200B) ||
        c == 0x202F || c == 0x205F || c == 0x2060)
      EXPECT_TRUE(ws) << std::hex << unsigned(c);
    else
      ASSERT_FALSE(ws) << std::hex << unsigned(c);
  }
  // (0xA1..0x499) + (0x2C5E..0x3057 without 0x3000) + (0xFB26..0xFEFE): the three buckets of
  // 0x3FA code points whose case toml++ 3.3.0 never generated.
  EXPECT_EQ(flagged, (0x499u - 0xA1 + 1) + (0x3057u - 0x2C5E + 1 - 1) + (0xFEFEu - 0xFB26 + 1));
}

TEST(TomlScreen, RejectsWhereTheParserWouldTestAndNamesThePosition) {
  const std::string bad = utf8(0x24B);  // ɋ, the fuzzer's input
  for (const std::string& text : {"force_n = 0.5" + bad, "a = 1\n" + bad + " = 2", "\"k" + bad + "\" = 1",
                                 "[\"t" + bad + "\"]", "a = { \"k" + bad + "\" = 1 }",
                                 "s = \"\"\"x\\\n  " + bad + "\"\"\"", "x = [1, 2" + bad + "]"}) {
    SCOPED_TRACE(text);
    try {
      detail::screen_toml_text(text, "t.toml");
      ADD_FAILURE() << "not rejected";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("t.toml:"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("U+024B"), std::string::npos) << e.what();
    }
  }
}

TEST(TomlScreen, LetsNonAsciiThroughInCommentsAndStringValues) {
  const std::string degree = utf8(0xB0), e_acute = utf8(0xE9);
  for (const std::string& text :
       {"# 37 " + degree + "C\na = 1", "file = \"r" + e_acute + "sultats.h5\"", "x = ['" + e_acute + "', \"" + degree + "\"]",
        "s = '''" + e_acute + "\n" + degree + "'''", "t = { file = \"" + e_acute + "\" }",
        "s = \"\"\"quote\"\"\"\"\n# " + e_acute}) {
    SCOPED_TRACE(text);
    EXPECT_NO_THROW(detail::screen_toml_text(text, "t.toml"));
    EXPECT_NO_THROW((void)toml::parse(text));
  }
}

TEST(TomlScreen, ScenarioParserUsesIt) {
  const std::string text = "[protocol.tap]\nkind = \"impulse\"\nforce_n = 0.5" + utf8(0x24B) + "\n";
  try {
    (void)parse_scenario(text, "fuzz.toml");
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fuzz.toml:3:14"), std::string::npos) << e.what();
  }
}

TEST(TomlScreen, EveryFuzzerFindingParsesOrIsRefused) {
  // fuzz/regressions/scenario: inputs that once crashed the parser (or reached undefined behaviour;
  // the asan test preset turns a repeat into a failure).
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(FASCIA_EXAMPLES_DIR).parent_path() / "fuzz" / "regressions" / "scenario";
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    SCOPED_TRACE(entry.path().string());
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_THROW((void)parse_scenario(text, entry.path().string()), InputError);
    ++count;
  }
  EXPECT_GE(count, 2);
}

}  // namespace
}  // namespace fascia
