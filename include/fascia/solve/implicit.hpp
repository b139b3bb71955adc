// SPDX-License-Identifier: MIT
#pragma once
/// @file Implicit backward-Euler integration (first order, unconditionally stable) with Newton's
/// method, a backtracking line search and an adaptive step size: the engine of slow phases
/// (holds, creep, recovery) lasting minutes to hours, where the explicit limit dt < 2/omega_max
/// would cost billions of steps. Equations and the adaptive rule: docs/solvers.md.
///
/// One step of size h from (x_n, v_n) minimises the incremental potential over the free DOFs
/// \f[ \Phi(x) = \frac{1}{2h^2}(x - \hat x)^T M (x - \hat x) + E(x) - f_{ext}(t_{n+1})^T x,
///     \qquad \hat x = x_n + h v_n, \f]
/// with prescribed DOFs at `System::prescribed` for t_{n+1}; then v_{n+1} = (x_{n+1} - x_n)/h.
/// E is the elements' incremental potential for the step (viscous branches frozen by
/// begin_step, history advanced by end_step after acceptance). `quasi_static` drops the inertia
/// term: each step is then a static equilibrium under the loads of t_{n+1}.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fascia/solve/explicit.hpp"
#include "fascia/solve/linear_solver.hpp"
#include "fascia/solve/newton_statistics.hpp"

namespace fascia {

/// Newton / step-size settings of the implicit integrator. Call validate() (the constructor does).
struct ImplicitOptions {
  double dt_initial = 1e-3;  ///< first step tried by advance_to [s], in [dt_min, dt_max]
  double dt_min = 1e-9;      ///< smallest step before giving up with SimulationError [s], > 0
  double dt_max = 1e300;     ///< largest step advance_to takes [s], >= dt_initial
  /// Relative residual: converged when |r_free| <= tolerance * max(|f_int|, |f_ext|, floor),
  /// 2-norms, f_int over all DOFs (reactions included), floor = 1e-9 * max diag(K) * extent.
  /// Range (0, 1).
  double tolerance = 1e-6;
  int max_newton_iterations = 30;  ///< per attempt, >= 1; more means the step is halved
  /// The Newton systems' solver (fascia/solve/linear_solver.hpp); `automatic` picks by the
  /// free-DOF count (resolve_linear_solver with `thresholds`). Parse names with
  /// parse_linear_solver at the edge.
  LinearSolver linear_solver = LinearSolver::automatic;
  SolverThresholds thresholds;  ///< where `automatic` leaves the direct solvers, each >= 0
  bool quasi_static = false;  ///< drop the inertia term (static equilibrium at every step)
  /// Quasi-static steps only: where the prescribed DOFs move other than the extrapolation
  /// x_n + h v_n (the first step of a ramp, a change of rate), Newton starts from the linearised
  /// response of the body to that motion (one more Newton-matrix solve; docs/solvers.md
  /// "Linearised predictor"). With inertia the extrapolation stays the start: within a step the
  /// mass keeps the body from following its boundary at once.
  bool linear_predictor = true;
  /// Newton matrix from the exact Hessian (quadratic convergence) while it is positive definite;
  /// false, or where it is not: HessianMode::projected (positive semi-definite, linear convergence).
  bool exact_hessian = true;
  double growth = 1.5;        ///< step factor after a quick convergence, >= 1
  /// "quick": converged within this many Newton iterations (with reuse_factorisation: within this
  /// many numeric factorisations, the cost of a Newton iteration), >= 1
  int quick_iterations = 4;
  /// Modified Newton (docs/solvers.md "Reusing the factorisation"): an iteration first tries the
  /// factorisation of an earlier iteration or step (one back-substitution instead of a Hessian
  /// assembly and a numeric factorisation) and refactorises where that contracts the residual
  /// poorly. Only with a direct solver (ldlt, cholmod): cg keeps no factor. Off by default: on the
  /// lacrosse-ball benchmark it has not yet been shown to pay (docs/performance.md, body scale).
  bool reuse_factorisation = false;
  /// A reused factorisation is kept while each iteration with it reduces the relative residual to
  /// at most this fraction of the one before; otherwise the next iteration refactorises. (0, 1).
  double reuse_contraction = 0.5;
  /// Step control beyond convergence (docs/solvers.md "Step control"): called after Newton
  /// converged, with the system still at the start of the step and `end` the converged positions;
  /// false rejects the step, which is retried with half its size like a failed one. Empty: every
  /// converged step is accepted. The compressor protocols use it so that a force-controlled
  /// indenter never moves further into the tissue in one step than its contact resolves.
  std::function<bool(const System& start, const std::vector<double>& end)> accept_step;
  /// Polled inside step() before every attempt but the first: one step may substep and halve for
  /// minutes where the load is hard to follow. True puts back the state the step started from
  /// (step_state, element histories, the ledger and the numerical dissipation) and ends the step
  /// with StepReport::abandoned, nothing advanced; advance_to then returns at once. The runner
  /// polls its stop request (a signal) here, so a stop does not wait for a long step, and the
  /// checkpoint it then writes is the state at the step's start: a resumed run takes that step
  /// again, bit for bit as an uninterrupted run. Empty: never (and no copy of the start is kept).
  std::function<bool()> abandon_step;

  /// Throws InputError naming the field (key prefix `solver.implicit.`).
  void validate() const;
};

/// What one call of ImplicitIntegrator::step did.
struct StepReport {
  double dt = 0.0;                ///< time advanced [s]
  int substeps = 0;               ///< accepted backward-Euler steps
  int halvings = 0;               ///< failed attempts that halved the step (a failed linearised start is retried unhalved)
  int newton_iterations = 0;      ///< over all attempts, failed ones included
  int factorisations = 0;         ///< numeric factorisations (shifted retries included), all attempts
  double residual = 0.0;          ///< relative residual of the last accepted substep
  double numerical_dissipation = 0.0;  ///< energy lost to backward Euler's damping [J]
  double next_dt = 0.0;           ///< step size suggested for the next call [s]
  bool abandoned = false;         ///< ImplicitOptions::abandon_step said so: the state is the step's start
};

class ImplicitIntegrator {
public:
  /// Validates `options`; the system is held by reference and must outlive the integrator.
  ImplicitIntegrator(System& sys, ImplicitOptions options);
  ~ImplicitIntegrator();
  ImplicitIntegrator(const ImplicitIntegrator&) = delete;
  ImplicitIntegrator& operator=(const ImplicitIntegrator&) = delete;

  /// Advances by exactly `dt` [s]. Substeps adaptively when Newton fails: the step is halved and
  /// retried from the saved state (positions, velocities, history variables), down to
  /// options.dt_min, below which it throws SimulationError. `load` sets external forces and
  /// prescribed positions for a time t (called for the end time of every substep).
  StepReport step(const LoadFunction& load, double dt);

  /// Steps from sys.time to t_end with the adaptive step size: x growth after a quick
  /// convergence, halving on failure, never beyond dt_max or past t_end. `on_step`, when given,
  /// is called after every accepted step; returning false stops early. Returns at once when a
  /// step is abandoned (ImplicitOptions::abandon_step; last_step_abandoned() says so).
  void advance_to(double t_end, const LoadFunction& load, const std::function<bool()>& on_step = {});
  /// The last call of step() was abandoned (ImplicitOptions::abandon_step).
  bool last_step_abandoned() const { return abandoned_; }

  /// Re-evaluates the start-of-step forces after the caller changed the state (e.g. between
  /// phases or after another integrator ran); called automatically on the first step.
  void reset(const LoadFunction& load);
  /// Saves or restores what one step carries to the next (ledger state of the last accepted step,
  /// the suggested step size, the numerical dissipation and the statistics so far, the free-DOF
  /// reduction with the scales of the convergence test) for a checkpoint; after a restore, instead of reset(),
  /// advance_to continues bit for bit. A factorisation kept for modified Newton is not saved: a
  /// restored integrator refactorises at its first iteration.
  void resume_state(CheckpointIO& io);

  /// Steps, halvings, Newton iterations and factorisations of every step() so far, an abandoned
  /// step's excepted (it is retaken from its start); saved in a checkpoint with the rest.
  const NewtonStatistics& statistics() const { return statistics_; }
  /// Step size advance_to tries next [s].
  double suggested_dt() const { return dt_; }
  /// Total energy removed by backward Euler's numerical damping so far [J]: the ledger residual
  /// W_in - dE_stored - dE_kin - D_physical (inertia excluded when quasi_static). Not added to
  /// System::dissipated, which holds physical dissipation only.
  double numerical_dissipation() const { return numerical_dissipation_; }
  /// The linear solver in use (never `automatic`); set by the first step.
  LinearSolver linear_solver() const { return solver_; }
  /// Iterations of the iterative linear solver (cg, amg) so far, over all Newton solves; 0 for the direct ones.
  std::int64_t linear_iterations() const;
  /// AMG hierarchies built so far ("amg": one per time step while it keeps converging; 0 for the others).
  std::int64_t preconditioner_setups() const;
  const ImplicitOptions& options() const { return opt_; }

  /// Why a step attempt failed (each halves the step; the last one is reported at dt_min).
  enum class AttemptFailure {
    none,
    no_valid_start,           ///< every start (the predictors, x_n) inverts an element
    non_finite_residual,      ///< forces not finite at an iterate
    not_converged,            ///< max_newton_iterations reached
    no_descent_direction,     ///< the Newton matrix stayed indefinite after every shift
    line_search,              ///< no decrease of Phi along the Newton direction
    refused_by_step_control,  ///< converged, but ImplicitOptions::accept_step said no
  };

private:
  struct Workspace;
  bool fail(AttemptFailure why) {
    last_failure_ = why;
    return false;
  }
  /// One backward-Euler step of size h from the saved state: predict (with `linearise`, the
  /// linearised predictor where it applies; `linearised` says whether Newton started from it),
  /// then Newton iterations (residual, direction, line search) until converged, then accept.
  /// False: retry (from the extrapolation when it was linearised, else with h/2).
  bool attempt(const LoadFunction& load, double h, bool linearise, bool& linearised, StepReport& report);
  /// x_pred = x_n + h v_n (prescribed DOFs at their targets) and the first iterate; returns the
  /// elements' energy at it (+inf when no valid start exists).
  double predict(double h);
  /// The linearised predictor (ImplicitOptions::linear_predictor): replaces the iterate predict()
  /// set when the prescribed DOFs' extrapolation misses their targets and the linearised start
  /// lowers Phi (or predict() found no valid start); true when it did. e_x is the energy at the
  /// iterate either way.
  bool linearised_start(double h, double& e_x, StepReport& report);
  /// Reduced gradient g of Phi at the iterate (into the workspace); returns |g| relative to the
  /// force scale, and |g|^2 through `g_sq`.
  double residual(double inertia, double force_floor, double& g_sq);
  /// The relative residual the iterative linear solve of this Newton iteration must reach.
  double forcing_term(double relative);
  /// Newton direction d solving A d = -g with the exact, then projected Hessian, then diagonal
  /// shifts `mu` (kept between iterations). False when no descent direction was found.
  bool newton_direction(double inertia, double relative, double& mu, StepReport& report);
  /// Modified Newton direction d = -A_old^{-1} g with the kept factorisation; false when there is
  /// none or d is no usable descent direction (the caller then refactorises).
  bool kept_factor_direction();
  /// Fills the reduced Newton matrix A = M/h^2 + H(mode); returns its largest |diagonal| (1 if 0).
  double assemble_newton_matrix(HessianMode mode, double inertia);
  /// The same from H (all DOFs) already assembled at the iterate.
  double load_newton_matrix(const Eigen::SparseMatrix<double>& hess, double inertia);
  /// Armijo backtracking along d; on success the iterate moves and e_x is its energy.
  bool line_search(double inertia, double g_sq, double& e_x);
  /// Phi(xt) - Phi(x) for the current iterate x with energies e_t, e_x (term by term).
  double phi_change(const std::vector<double>& xt, double e_t, double e_x, double inertia) const;
  /// The attempt since these counts converged quickly enough for the step to grow.
  bool quick(const StepReport& report, int iterations_before, int factorisations_before) const;
  /// The SimulationError's message when a step would be halved below dt_min at time t.
  std::string failure_below_dt_min(double t, double h) const;
  /// Velocities, energy ledger and numerical dissipation, history update (end_step).
  void accept(double h, const StepContext& ctx, double relative, StepReport& report);
  /// save = true: live state -> saved copy; false: saved copy -> live state. The copy is the one
  /// an attempt retries from, or (step_start) the one abandon_step returns to.
  void transfer_state(bool save, bool step_start = false);
  void prepare_pattern();
  double build_reduced_pattern(const Eigen::SparseMatrix<double>& h, const std::vector<Eigen::Index>& reduced);
  /// Index into A's value array of entry (row, col), which must be in A's pattern.
  Eigen::Index reduced_slot(Eigen::Index row, Eigen::Index col) const;

  System& sys_;
  ImplicitOptions opt_;
  double dt_;
  double numerical_dissipation_ = 0.0;
  LinearSolver solver_ = LinearSolver::automatic;  ///< resolved by prepare_pattern
  std::unique_ptr<NewtonLinearSolver> linear_;
  std::int64_t linear_iterations_done_ = 0;  ///< of solver objects replaced since (pattern changes)
  std::int64_t setups_done_ = 0;             ///< likewise, their preconditioner setups
  std::unique_ptr<Workspace> ws_;
  AttemptFailure last_failure_ = AttemptFailure::none;
  NewtonStatistics statistics_;
  bool abandoned_ = false;
};

}  // namespace fascia
