// SPDX-License-Identifier: MIT
#pragma once
/// @file resume_state(System&, CheckpointIO&): what of a System changes while it runs, saved into or
/// restored from a checkpoint (fascia/core/checkpoint.hpp) so that a resumed run continues bit for
/// bit. The element groups' part is their declared history (fascia/elements/history.hpp: every
/// member a step writes), taken generically, so a group that gains history variables is
/// checkpointed with them; everything else (rest positions, masses, connectivity, parameters,
/// caches) is rebuilt identically from the scenario.
#include <string>
#include <type_traits>

#include "fascia/core/checkpoint.hpp"
#include "fascia/elements/history.hpp"
#include "fascia/model/system.hpp"

namespace fascia {

inline void resume_state(System& sys, CheckpointIO& io) {
  io("system.positions", sys.positions);
  io("system.velocities", sys.velocities);
  io("system.fixed", sys.fixed);
  io("system.prescribed", sys.prescribed);
  io("system.external_forces", sys.external_forces);
  io("system.time", sys.time);
  io("system.step", sys.step);  // keys the counter-based random streams (adhesion draws)
  io("system.work_input", sys.work_input);
  io("system.dissipated", sys.dissipated);
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(auto& g) {
    using G = std::decay_t<decltype(g)>;
    static_assert(!G::kHasState || DeclaresHistory<G>,
                  "a stateful group must declare history() (fascia/elements/history.hpp) to be checkpointed");
    if constexpr (G::kHasState) io("group" + std::to_string(I) + "." + std::string(G::kName), g.history());
  });
}

}  // namespace fascia
