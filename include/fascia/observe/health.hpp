// SPDX-License-Identifier: MIT
#pragma once
/// @file The health check of a run: whether its state is still physics. The runner calls it while
/// sampling; a problem ends the run with status "diverged" and the message (what was written stays).
#include <optional>
#include <string>

#include "fascia/model/system.hpp"

namespace fascia {

/// Why the state of `sys` is no longer physics, as one line naming the time and what to change;
/// nullopt while it is healthy. Checked in this order:
/// 1. a water cell (Maxwell or Biot) inverted, volume ratio <= 0: the lattice folded through itself;
/// 2. two layers passed through each other (an interface's upper node below its lower node);
/// 3. non-finite positions or velocities, or kinetic + stored energy above 10x |work input| + 1 nJ.
/// Takes the System mutable only because stored_energy evaluates into its element buffers.
std::optional<std::string> health_problem(System& sys);

}  // namespace fascia
