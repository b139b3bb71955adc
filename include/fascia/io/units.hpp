// SPDX-License-Identifier: MIT
#pragma once
/// @file The unit of a quantity named by the project's naming contract (SCENARIO.md: "units live in
/// the name"), as a UCUM string (https://ucum.org: "m/s", "Pa.s", "m3", "1" for dimensionless).
/// The writer stores it as the `units` attribute of every dataset it writes, so readers never parse
/// names; this table is the one place that maps a name's unit suffix to its unit.
#include <string>
#include <string_view>

namespace fascia::io {

/// UCUM unit of a metric, series key or field name from its unit suffix; "1" for names without one
/// (fractions, strains, ratios, errors). Longest suffix wins: `_pa_s` is Pa.s, not s.
std::string ucum_unit(std::string_view name);

}  // namespace fascia::io
