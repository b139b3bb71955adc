// SPDX-License-Identifier: MIT
#pragma once
/// @file The closed set of protocols a scenario runs (docs/model.md §6 "Protocols"): one alternative
/// per kind, so that adding a kind is one line here and the compiler lists every place that must
/// handle it (std::visit over a variant has no default branch).
#include <variant>
#include <vector>

#include "fascia/protocol/compressor.hpp"
#include "fascia/protocol/elastography.hpp"
#include "fascia/protocol/impulse.hpp"
#include "fascia/protocol/material_test.hpp"
#include "fascia/protocol/phases.hpp"

namespace fascia {

using Protocol = std::variant<ImpulseProtocol, CompressorProtocol, MaterialTestProtocol, ElastographyProtocol>;

/// The protocol's phases, in time order.
inline const std::vector<Phase>& phases_of(const Protocol& protocol) {
  return std::visit([](const auto& p) -> const std::vector<Phase>& { return p.phases; }, protocol);
}

/// End of the last phase [s] (0 for a protocol without phases).
inline double end_time_of(const Protocol& protocol) {
  const auto& phases = phases_of(protocol);
  return phases.empty() ? 0.0 : phases.back().end;
}

/// Applies the protocol's loads and prescribed motions at time t (the integrators' LoadFunction).
inline void apply_protocol(const Protocol& protocol, double t, System& sys) {
  std::visit([&](const auto& p) { p.apply(t, sys); }, protocol);
}

}  // namespace fascia
