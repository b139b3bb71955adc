// SPDX-License-Identifier: MIT
/// @file ucum_unit: the unit-suffix table of the naming contract (SCENARIO.md, docs/hdf5-schema.md).
#include "fascia/io/units.hpp"

#include <array>
#include <utility>

namespace fascia::io {

std::string ucum_unit(std::string_view name) {
  // Suffix -> UCUM unit. Checked longest first, so compound suffixes are not read as their tail.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 23> kSuffixes = {{
      {"_kg_m3_per_strain", "kg/m3"},
      {"_m4_per_ns", "m4/(N.s)"},
      {"_kg_per_kg", "kg/kg"},
      {"_j_mol", "J/mol"},
      {"_kg_m3", "kg/m3"},
      {"_per_s", "/s"},
      {"_pa_s", "Pa.s"},
      {"_m_s", "m/s"},
      {"_n_m", "N/m"},
      {"_m3", "m3"},
      {"_m2", "m2"},
      {"_kpa", "kPa"},
      {"_deg", "deg"},
      {"_hz", "Hz"},
      {"_mm", "mm"},
      {"_kg", "kg"},
      {"_pa", "Pa"},
      {"_j", "J"},
      {"_n", "N"},
      {"_s", "s"},
      {"_m", "m"},
      {"_c", "Cel"},
      {"_w", "W"},
  }};
  std::string_view best_unit = "1";
  std::size_t best = 0;
  for (const auto& [suffix, unit] : kSuffixes) {
    if (suffix.size() > best && name.size() > suffix.size() && name.ends_with(suffix)) {
      best = suffix.size();
      best_unit = unit;
    }
  }
  return std::string(best_unit);
}

}  // namespace fascia::io
