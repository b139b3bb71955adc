// SPDX-License-Identifier: MIT
#pragma once
/// @file Parallel, deterministic assembly over all element groups: energy, forces, Hessian,
/// history updates. Elements write into a per-element buffer; nodes gather from it through the
/// CSR incidence (no atomics), so results are bitwise identical for any thread count.
/// Sums of scalars are taken serially over per-element values in element order for the same reason.
#include <Eigen/Sparse>
#include <omp.h>

#include "fascia/model/system.hpp"

namespace fascia {

/// Below this many elements a group is processed serially (threads cost more than they save).
/// On a machine shared with other processes, run with OMP_WAIT_POLICY=passive (docs/performance.md).
inline constexpr std::size_t kParallelThreshold = 4096;

/// Total internal energy (incremental potential) at positions x [J].
double internal_energy(System& sys, ConstNodes x);

/// Internal forces -dE/dx at x into f (n x 3, overwritten).
void internal_forces(System& sys, ConstNodes x, std::vector<double>& f);

/// Hessian d²E/dx² at x as a sparse symmetric matrix (full storage), n_dofs x n_dofs.
Eigen::SparseMatrix<double> internal_hessian(const System& sys, ConstNodes x, HessianMode mode);

/// y = H x_dir matrix-free (element Hessians times the direction), for power iterations.
void hessian_product(System& sys, ConstNodes x, HessianMode mode, const std::vector<double>& dir,
                     std::vector<double>& y);

/// Freezes per-step parameters of stateful groups at the start of a step of size ctx.dt.
void begin_step(System& sys, const StepContext& ctx);

/// Updates history variables at the end of a step; returns the energy dissipated [J].
double end_step(System& sys, const StepContext& ctx);

/// Energy stored at the end of a step: elastic energy of all groups with viscous branches counted
/// by their stored spring energy [J].
double stored_energy(System& sys);

/// Kinetic energy sum m v^2 / 2 over the free DOFs [J] (prescribed DOFs belong to the apparatus).
double kinetic_energy(const System& sys);

/// Sets the number of OpenMP threads used by the assembly (0 = all cores).
void set_threads(int threads);

}  // namespace fascia
