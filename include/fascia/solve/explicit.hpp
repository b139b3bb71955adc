// SPDX-License-Identifier: MIT
#pragma once
/// @file Explicit velocity-Verlet integration (symplectic, second order) and its stability limit.
///
/// M a = f_int(x) + f_ext(t). Prescribed DOFs follow `System::prescribed`; their reaction does
/// work that enters the energy ledger. Stable for dt < 2 / omega_max, omega_max^2 the largest
/// eigenvalue of M^-1 H (H in HessianMode::stability), estimated by power iteration.
#include <functional>

#include "fascia/core/checkpoint.hpp"
#include "fascia/solve/assembly.hpp"

namespace fascia {

/// Sets System::external_forces and System::prescribed for time t.
using LoadFunction = std::function<void(double t, System& sys)>;

/// Estimate of omega_max^2 [1/s^2] by power iteration on M^-1/2 H M^-1/2 over the free DOFs.
double max_eigenvalue(System& sys, int iterations = 80);

/// Critical time step 2 / omega_max [s], with a 5 % margin on the power-iteration estimate
/// (which approaches omega_max^2 from below).
double critical_time_step(System& sys);

class ExplicitIntegrator {
public:
  /// @param dt            step [s]; must not exceed critical_time_step (checked by the caller)
  /// @param mass_damping  alpha in f_damp = -alpha m v [1/s], >= 0
  ExplicitIntegrator(System& sys, double dt, double mass_damping = 0.0);
  /// Advances the system by one step; `load` is called for the new time before forces are evaluated.
  void step(const LoadFunction& load);
  double dt() const { return dt_; }
  /// Re-evaluates forces after the caller changed the state (e.g. between phases).
  void reset(const LoadFunction& load);
  /// Saves or restores what a step carries to the next (the forces at the current state, evaluated
  /// before the step's history update, and the last external forces) for a checkpoint; after a
  /// restore, instead of reset(), the next step continues bit for bit.
  void resume_state(CheckpointIO& io);

private:
  /// First half kick v += dt/2 F/m and drift x += dt v (prescribed DOFs move to their targets).
  void kick_and_drift(std::size_t blocks, bool parallel);
  /// Second half kick with the new forces, mass damping, and each block's work and damping loss.
  void kick_damp_and_book(std::size_t blocks, bool parallel);

  System& sys_;
  double dt_, damping_;
  std::vector<double> force_, previous_external_;
  // Scratch kept between steps (no allocation per step): forces at the new positions, the
  // displacement of prescribed DOFs, and per-block partial sums of the energy ledger (summed in
  // block order, so the ledger does not depend on the thread count).
  std::vector<double> f_new_, dx_, work_part_, damping_part_;
  bool initialised_ = false;
};

}  // namespace fascia
