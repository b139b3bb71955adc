// SPDX-License-Identifier: MIT
#pragma once
/// @file The sparse linear solvers of the Newton systems A d = -g (A = M/h^2 + H on the free DOFs,
/// symmetric): which exist, how a user names them, and one object per solver behind one interface,
/// chosen once per integrator. Why these: docs/solvers.md ("Linear solvers").
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/SparseCore>

namespace fascia {

/// The solver a user asks for. `automatic` resolves by problem size and build options
/// (resolve_linear_solver); the others are used as named.
enum class LinearSolver {
  automatic,  ///< by size: resolve_linear_solver
  ldlt,       ///< Eigen SimplicialLDLT (always available)
  cholmod,    ///< CHOLMOD supernodal LLT (only when built with FASCIA_HAVE_CHOLMOD)
  cg,         ///< Eigen conjugate gradient, diagonal preconditioner (inexact Newton)
  amg,        ///< hypre PCG with a BoomerAMG V-cycle, systems AMG (only with FASCIA_HAVE_HYPRE; inexact Newton)
};

/// The free-DOF counts at which `automatic` leaves the direct solvers.
struct SolverThresholds {
  std::int64_t amg = 300000;   ///< above: amg when built in (why not lower: docs/performance.md, "Implicit solves at scale")
  std::int64_t cg = 300000;    ///< above, without hypre: cg
};

/// The scenario's name of a solver ("auto", "ldlt", "cholmod", "cg", "amg").
std::string_view linear_solver_name(LinearSolver solver);
/// The solvers this build offers, `automatic` first.
std::vector<LinearSolver> available_linear_solvers();
/// Parses a name at the edge (scenario, CLI, tests). Throws InputError naming `key`, the value and
/// the names this build accepts when the name is unknown or the solver is not built in.
LinearSolver parse_linear_solver(std::string_view name, const std::string& key = "solver.linear_solver");
/// The concrete solver for `requested` and a system of `free_dofs` unknowns: never `automatic`.
/// `automatic`: amg above `limits.amg` free DOFs when built in, else cg above `limits.cg`, else
/// cholmod when built in, else ldlt.
LinearSolver resolve_linear_solver(LinearSolver requested, std::int64_t free_dofs, const SolverThresholds& limits);

/// One factorisation (or preconditioner) reused across Newton iterations whose matrices share one
/// sparsity pattern. Called once per Newton iteration, so the virtual call costs nothing measurable.
class NewtonLinearSolver {
public:
  using Matrix = Eigen::SparseMatrix<double>;
  virtual ~NewtonLinearSolver() = default;
  /// Which degree of freedom each unknown is (`free_dofs[r]` = 3 node + axis, ascending) and the
  /// nodes' rest positions (3 per node): systems AMG groups the unknowns by node and interpolates
  /// the rigid-body rotations. Called before analyze(); the other solvers ignore it.
  virtual void set_dof_layout(std::span<const Eigen::Index> free_dofs, std::span<const double> rest_positions) {
    (void)free_dofs;
    (void)rest_positions;
  }
  /// Iterations of an iterative solver summed over its solves (0 for the direct ones).
  virtual std::int64_t iterations() const { return 0; }
  /// Preconditioner setups (AMG hierarchies built) summed over its solves (0 for the others).
  virtual std::int64_t preconditioner_setups() const { return 0; }
  /// A new time step (an implicit attempt) begins: a preconditioner kept from the last step's
  /// Newton matrices is dropped, so that a step's result depends only on the state it starts from
  /// (a run resumed from a checkpoint continues bit for bit). Within a step, "amg" keeps its
  /// hierarchy across Newton iterations.
  virtual void begin_step() {}
  /// Symbolic analysis of `a`'s pattern (once per pattern).
  virtual void analyze(const Matrix& a) = 0;
  /// Solves a x = rhs. False when `a` is not (numerically) positive definite or the solve failed;
  /// the caller then shifts the diagonal and retries. `iterative_tolerance` is the relative
  /// residual an iterative solver must reach (direct solvers ignore it).
  virtual bool solve(const Matrix& a, const Eigen::VectorXd& rhs, Eigen::VectorXd& x,
                     double iterative_tolerance) = 0;
  /// True when the factorisation of the last successful solve() stays usable after `a` changes,
  /// so that solve_factored() can apply it to new right-hand sides (the direct solvers; cg keeps
  /// no factor). The modified Newton iterations of the implicit integrator rest on it.
  virtual bool keeps_factor() const { return false; }
  /// Solves with the factorisation of the last successful solve(): x = A_old^{-1} rhs. Only when
  /// keeps_factor(); A_old is positive definite, so for rhs = -g the result is a descent direction.
  virtual void solve_factored(const Eigen::VectorXd& rhs, Eigen::VectorXd& x);
};

/// The solver object for a concrete (resolved) choice.
std::unique_ptr<NewtonLinearSolver> make_newton_linear_solver(LinearSolver solver);

}  // namespace fascia
