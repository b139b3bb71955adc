// SPDX-License-Identifier: MIT
#pragma once
/// @file What of a System changes while it runs: `step_state` (the nodes' state, boundary
/// conditions, loads, clock and ledger) plus every element group's declared history
/// (fascia/elements/history.hpp: every member a step writes). The implicit integrator's retry
/// restores exactly these, and `resume_state` saves them into or restores them from a checkpoint
/// (fascia/core/checkpoint.hpp) so that a resumed run continues bit for bit. Groups are taken
/// generically, so a group that gains history variables is checkpointed with them; everything else
/// (rest positions, masses, connectivity, parameters, caches) is rebuilt identically from the
/// scenario.
#include <string>
#include <tuple>
#include <type_traits>

#include "fascia/core/checkpoint.hpp"
#include "fascia/elements/history.hpp"
#include "fascia/model/system.hpp"

namespace fascia {

/// The System's own members a step writes (`step` keys the counter-based random streams: the
/// adhesions' draws).
inline auto step_state(System& sys) {
  return std::tie(sys.positions, sys.velocities, sys.fixed, sys.prescribed, sys.external_forces, sys.time, sys.step,
                  sys.work_input, sys.dissipated);
}

inline void resume_state(System& sys, CheckpointIO& io) {
  io("system", step_state(sys));
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(auto& g) {
    using G = std::decay_t<decltype(g)>;
    static_assert(!G::kHasState || DeclaresHistory<G>,
                  "a stateful group must declare history() (fascia/elements/history.hpp) to be checkpointed");
    if constexpr (G::kHasState) io("group" + std::to_string(I) + "." + std::string(G::kName), g.history());
  });
}

}  // namespace fascia
