// SPDX-License-Identifier: MIT
/// @file libFuzzer target: the scenario parser (`fascia validate` / `run` before the lattice).
/// Any input must either parse or throw fascia::InputError; anything else (another exception, a
/// sanitizer report, a crash) is a finding. Crashing inputs live in fuzz/regressions/scenario/ and
/// are parsed by the test suite (tests/io/test_toml_screen.cpp).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fascia/core/error.hpp"
#include "fascia/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)fascia::parse_scenario(std::string(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  } catch (const fascia::InputError&) {
  }
  return 0;
}
