// SPDX-License-Identifier: MIT
#pragma once
/// @file How the Biot water may move (docs/model.md §5 "Water", water.flow): by Darcy's law, not at
/// all (undrained: no flow anywhere, k -> 0), or freely (drained: the pore pressure stays zero,
/// k -> infinity).
#include <array>
#include <string_view>

namespace fascia {

enum class WaterFlow { darcy, undrained, drained };
/// Their names as water.flow spells them, indexed by WaterFlow (the scenario layer parses them; the
/// /model attribute water_flow writes them).
inline constexpr std::array<std::string_view, 3> kWaterFlowNames = {"darcy", "undrained", "drained"};

}  // namespace fascia
