// SPDX-License-Identifier: MIT
#pragma once
/// @file The phase machinery shared by every loading protocol (docs/model.md §6 "Protocols"): a protocol is a
/// sequence of named phases (ramp, hold, release, recover; pulse, ripple) with a time span and
/// a hint whether the phase is fast (waves: explicit) or slow (quasi-static: implicit), plus a
/// load function that sets external forces and prescribed positions at any time.
#include <string>
#include <vector>

#include "fascia/solve/explicit.hpp"

namespace fascia {

enum class PhaseSpeed { fast, slow };

/// How the implicit integrator steps through a slow phase. The protocol states it for each of its
/// phases; the runner obeys without knowing phase names (docs/solvers.md, "Step sizes").
struct StepPolicy {
  /// Largest step = the phase's remaining span / steps_per_phase: the accuracy of the loading path.
  double steps_per_phase = 16.0;
  /// > 0: something is driven at this frequency [Hz] during the phase, and the step is also limited
  /// to 1 / (frequency x steps_per_cycle): friction switches between stick and slip within a cycle,
  /// and the work of a step crossing the switch is first order in the step.
  double cycle_frequency_hz = 0.0;
  double steps_per_cycle = 64.0;
  /// > 0: the first step is span / first_step_divisor (it then grows adaptively): a recovery's fast
  /// initial relaxation that the largest step would skip. 0: start at the largest step.
  double first_step_divisor = 0.0;
};

struct Phase {
  std::string name;
  double start = 0.0, end = 0.0;  ///< [s]
  PhaseSpeed speed = PhaseSpeed::fast;
  StepPolicy step = {};
  /// The state at the end of this phase is the "hold" snapshot of the run's metrics
  /// (adhesions_broken_fraction_hold, interface viscosity at the end of the hold).
  bool ends_hold = false;
  double duration() const { return end - start; }
};

/// Smooth ramp 0 -> 1 over [0, 1] with zero slope at both ends (C1 smoothstep), so that a
/// force-controlled ramp does not excite the lattice more than the physics asks.
inline double smooth_ramp(double s) {
  if (s <= 0.0) return 0.0;
  if (s >= 1.0) return 1.0;
  return s * s * (3.0 - 2.0 * s);
}

/// Index of the phase containing t (the last one past the end).
inline std::size_t phase_at(const std::vector<Phase>& phases, double t) {
  for (std::size_t p = 0; p < phases.size(); ++p)
    if (t < phases[p].end) return p;
  return phases.empty() ? 0 : phases.size() - 1;
}

}  // namespace fascia
