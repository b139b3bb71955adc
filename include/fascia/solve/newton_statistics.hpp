// SPDX-License-Identifier: MIT
#pragma once
/// @file What the implicit integrator's steps cost (ImplicitIntegrator::statistics, a run's
/// attributes implicit_steps, step_halvings, newton_iterations, factorisations).
#include <cstdint>

namespace fascia {

/// What an integrator's steps cost so far, summed over its calls of step() (an abandoned step
/// excepted): where a run's time goes, without a profiler (docs/solvers.md).
struct NewtonStatistics {
  std::int64_t steps = 0;               ///< accepted backward-Euler (sub)steps
  std::int64_t halvings = 0;            ///< failed attempts, each retried with half the step
  std::int64_t newton_iterations = 0;   ///< over all attempts
  std::int64_t factorisations = 0;      ///< numeric factorisations (or iterative solves), failed ones included

  NewtonStatistics& operator+=(const NewtonStatistics& o) {
    steps += o.steps;
    halvings += o.halvings;
    newton_iterations += o.newton_iterations;
    factorisations += o.factorisations;
    return *this;
  }
};

}  // namespace fascia
