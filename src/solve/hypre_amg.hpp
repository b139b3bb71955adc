// SPDX-License-Identifier: MIT
#pragma once
/// @file The "amg" Newton solver: hypre's PCG preconditioned by one BoomerAMG V-cycle (systems AMG
/// for elasticity). Why and how: docs/solvers.md ("Linear solvers"), docs/performance.md.
#include <memory>

#include "fascia/solve/linear_solver.hpp"

namespace fascia {

/// True when this build links hypre (FASCIA_HAVE_HYPRE).
bool hypre_amg_available();
/// A new AMG-CG solver. Throws std::logic_error in a build without hypre.
std::unique_ptr<NewtonLinearSolver> make_hypre_amg_solver();

}  // namespace fascia
