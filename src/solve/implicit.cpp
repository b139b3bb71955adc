// SPDX-License-Identifier: MIT
#include "fascia/solve/implicit.hpp"

#include <algorithm>
#include <utility>
#include <cmath>
#include <cstring>
#include <limits>

#include "fascia/core/error.hpp"
#include "fascia/elements/history.hpp"
#include "fascia/model/resume_state.hpp"

namespace fascia {

using SpMat = Eigen::SparseMatrix<double>;

void ImplicitOptions::validate() const {
  // Errors name the scenario key a user sets ([solver] in docs/scenario.md); the step sizes are
  // derived from solver.implicit_dt_s and the protocol's phases.
  const std::string k = "solver.";
  require_positive(k + "implicit_dt_s", dt_min, "s");
  require_in_range(k + "implicit_dt_s", dt_initial, dt_min, dt_max, "s");
  require_positive(k + "implicit_dt_s", dt_max, "s");
  require_in_range(k + "newton_tolerance", tolerance, 1e-14, 0.5);
  require_in_range(k + "max_newton_iterations", max_newton_iterations, 1, 1000);
  require_in_range("ImplicitOptions.thresholds.amg", double(thresholds.amg), 0, 9e15);
  require_in_range("ImplicitOptions.thresholds.cg", double(thresholds.cg), 0, 9e15);
  require_in_range("ImplicitOptions.growth", growth, 1.0, 10.0);
  require_in_range("ImplicitOptions.quick_iterations", quick_iterations, 1, 1000);
  require_in_range("ImplicitOptions.reuse_contraction", reuse_contraction, 1e-3, 0.999);
}

namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double norm(const std::vector<double>& a) { return std::sqrt(dot(a, a)); }

/// Why the last step attempt failed, in a user's words (the error when steps reach dt_min).
std::string describe(ImplicitIntegrator::AttemptFailure why, int max_iterations) {
  using F = ImplicitIntegrator::AttemptFailure;
  switch (why) {
    case F::no_valid_start: return "every start guess inverts an element";
    case F::non_finite_residual: return "the forces became non-finite (an element inverted or a law left its range)";
    case F::not_converged: return "Newton did not converge in " + std::to_string(max_iterations) + " iterations";
    case F::no_descent_direction: return "no descent direction (the Newton matrix stayed indefinite after shifts)";
    case F::line_search: return "the line search found no decrease of the step's potential";
    case F::refused_by_step_control: return "the step control refused every converged step (an indenter moved further into the tissue in one step than the cells under the surface are tall)";
    case F::none: break;
  }
  return "no attempt failed";
}

}  // namespace

/// Everything sized by the system, kept between steps so that Newton iterations do not allocate
/// (beyond the Hessian assembly itself) and the symbolic factorisation is reused.
struct ImplicitIntegrator::Workspace {
  // Reduction to the free DOFs, valid for `fixed_mask` and the Hessian pattern below.
  std::vector<std::uint8_t> fixed_mask;
  std::vector<Eigen::Index> free;         ///< reduced index -> DOF
  std::vector<Eigen::Index> value_target; ///< per nonzero of H: slot in A's values, or -1
  std::vector<Eigen::Index> diag_slot;    ///< per reduced index: slot of A's diagonal entry
  std::vector<SpMat::StorageIndex> h_outer, h_inner;  ///< pattern of H the maps were built for
  std::vector<double> mass;     ///< per reduced index: nodal mass [kg]
  SpMat a;                                ///< reduced Newton matrix
  double k_max = 0.0, m_max = 0.0;        ///< largest free diagonal stiffness [N/m], mass [kg]
  double length_scale = 0.0;              ///< [m], for the stagnation test
  bool analysed = false;
  /// The linear solver holds the factorisation of a positive definite Newton matrix of this
  /// pattern (from an earlier iteration or step), usable for modified Newton directions.
  bool factor_kept = false;
  /// Within the current attempt: the exact Hessian was not positive definite at some iterate;
  /// the last line search took the full step (newton_direction's choice of Hessian).
  bool exact_refused = false, full_step = false;
  /// Within the current attempt: the relative residual of the last Newton direction (0 before
  /// the first; forcing_term's Eisenstat-Walker rule).
  double last_relative = 0.0;

  // Per-step vectors (full DOF length unless noted).
  std::vector<double> x, x_pred, trial, f_int, trial_f;
  Eigen::VectorXd g, d;  ///< reduced gradient of Phi and Newton direction

  // Ledger state carried from the last accepted step.
  std::vector<double> force;             ///< f_int + f_ext at the last accepted state
  std::vector<double> previous_external; ///< f_ext at the last accepted state
  double stored = 0.0, kinetic = 0.0;
  bool initialised = false;
  /// What a step carries to the next of the above (saved for retries and in checkpoints).
  auto ledger_state() { return std::tie(force, previous_external, stored, kinetic); }

  // Saved state for retries: copies of the System's step_state (model/resume_state.hpp), of
  // ledger_state and of the groups' history.
  struct Saved {
    decltype(detail::history_values(step_state(std::declval<System&>()))) system;
    std::tuple<std::vector<double>, std::vector<double>, double, double> ledger;
    SavedHistories<ElementGroups>::type histories;  ///< history only (fascia/elements/history.hpp)
  } saved, step_start;  ///< before the current attempt; before the current step (abandon_step)
};

ImplicitIntegrator::ImplicitIntegrator(System& sys, ImplicitOptions options)
    : sys_(sys), opt_(std::move(options)), ws_(std::make_unique<Workspace>()) {
  opt_.validate();
  dt_ = opt_.dt_initial;
}

ImplicitIntegrator::~ImplicitIntegrator() = default;

void ImplicitIntegrator::reset(const LoadFunction& load) {
  Workspace& w = *ws_;
  load(sys_.time, sys_);
  internal_forces(sys_, view(sys_.positions), w.force);
  for (std::size_t d = 0; d < w.force.size(); ++d) w.force[d] += sys_.external_forces[d];
  w.previous_external = sys_.external_forces;
  w.stored = stored_energy(sys_);
  w.kinetic = kinetic_energy(sys_);
  w.initialised = true;
}

void ImplicitIntegrator::resume_state(CheckpointIO& io) {
  Workspace& w = *ws_;
  io("implicit.ledger", w.ledger_state());
  io("implicit.dt", dt_);
  io("implicit.numerical_dissipation", numerical_dissipation_);
  io("implicit.statistics", statistics_);
  w.initialised = true;
  // The free-DOF reduction and the scales of the convergence test (k_max, m_max, length_scale)
  // are those of the state prepare_pattern last ran in, not of the current one: restored as saved,
  // so that the Newton iterations, and when the pattern is prepared again, stay the same.
  std::uint8_t analysed = w.analysed;
  io("implicit.analysed", analysed);
  if (!analysed) return;
  std::vector<SpMat::StorageIndex> a_outer, a_inner;
  if (io.saving()) {
    a_outer.assign(w.a.outerIndexPtr(), w.a.outerIndexPtr() + w.a.outerSize() + 1);
    a_inner.assign(w.a.innerIndexPtr(), w.a.innerIndexPtr() + w.a.nonZeros());
  }
  io("implicit.a_outer", a_outer);
  io("implicit.a_inner", a_inner);
  io("implicit.fixed_mask", w.fixed_mask);
  io("implicit.free", w.free);
  io("implicit.value_target", w.value_target);
  io("implicit.diag_slot", w.diag_slot);
  io("implicit.h_outer", w.h_outer);
  io("implicit.h_inner", w.h_inner);
  io("implicit.mass", w.mass);
  io("implicit.k_max", w.k_max);
  io("implicit.m_max", w.m_max);
  io("implicit.length_scale", w.length_scale);
  if (io.saving()) return;
  const Eigen::Index m = Eigen::Index(w.free.size());
  std::vector<double> values(a_inner.size(), 0.0);
  w.a = Eigen::Map<const SpMat>(m, m, Eigen::Index(a_inner.size()), a_outer.data(), a_inner.data(), values.data());
  w.a.makeCompressed();
  solver_ = resolve_linear_solver(opt_.linear_solver, std::int64_t(m), opt_.thresholds);
  linear_ = make_newton_linear_solver(solver_);
  linear_->set_dof_layout(w.free, sys_.rest_positions);
  if (m > 0) linear_->analyze(w.a);
  w.analysed = true;
  w.factor_kept = false;
}

std::int64_t ImplicitIntegrator::linear_iterations() const {
  return linear_iterations_done_ + (linear_ ? linear_->iterations() : 0);
}

std::int64_t ImplicitIntegrator::preconditioner_setups() const {
  return setups_done_ + (linear_ ? linear_->preconditioner_setups() : 0);
}

/// Copies everything a step may change between the live state and the saved copy: to the copy
/// (save) or back (restore), one list for both directions.
void ImplicitIntegrator::transfer_state(bool save, bool step_start) {
  Workspace::Saved& s = step_start ? ws_->step_start : ws_->saved;
  auto sync = [save](auto& live, auto& copy) {
    if (save) copy = live;
    else live = copy;
  };
  static_assert(std::is_same_v<decltype(s.ledger), decltype(detail::history_values(ws_->ledger_state()))>,
                "Saved::ledger holds copies of ledger_state()");
  auto live_system = step_state(sys_);
  auto live_ledger = ws_->ledger_state();
  sync(live_system, s.system);
  sync(live_ledger, s.ledger);
  // Only groups with history can change during a step, and of those only their history members.
  for_each_group_indexed(sys_.groups, [&]<std::size_t I>(auto& g) {
    if constexpr (std::decay_t<decltype(g)>::kHasState) {
      if (save) save_history(g, std::get<I>(s.histories));
      else restore_history(g, std::get<I>(s.histories));
    }
  });
}

/// Builds the free-DOF reduction, the pattern of the reduced matrix A (H's free block plus every
/// diagonal entry) and the map from H's nonzeros into A; runs the symbolic factorisation.
void ImplicitIntegrator::prepare_pattern() {
  Workspace& w = *ws_;
  const std::size_t n = sys_.num_dofs();
  // The pattern, and the stiffness scale k_max of the convergence test, from the exact Hessian: the
  // projected one gives both too, at the cost of a 9 x 9 eigensolver per continuum point (an
  // isochoric tangent is singular, so none can be skipped), 11 % of a one-step 32^3 compression.
  const SpMat h = internal_hessian(sys_, view(sys_.positions), HessianMode::exact);
  w.fixed_mask = sys_.fixed;
  std::vector<Eigen::Index> reduced(n, -1);
  w.free.clear();
  for (std::size_t d = 0; d < n; ++d)
    if (!sys_.fixed[d]) {
      reduced[d] = Eigen::Index(w.free.size());
      w.free.push_back(Eigen::Index(d));
    }
  const Eigen::Index m = Eigen::Index(w.free.size());
  w.k_max = build_reduced_pattern(h, reduced);
  w.diag_slot.resize(std::size_t(m));
  w.mass.resize(std::size_t(m));
  for (Eigen::Index r = 0; r < m; ++r) {
    w.diag_slot[std::size_t(r)] = reduced_slot(r, r);
    w.mass[std::size_t(r)] = sys_.masses[std::size_t(w.free[std::size_t(r)]) / 3];
  }
  w.h_outer.assign(h.outerIndexPtr(), h.outerIndexPtr() + h.outerSize() + 1);
  w.h_inner.assign(h.innerIndexPtr(), h.innerIndexPtr() + h.nonZeros());

  double x_scale = 0.0;
  for (double c : sys_.rest_positions) x_scale = std::max(x_scale, std::abs(c));
  for (double c : sys_.positions) x_scale = std::max(x_scale, std::abs(c));
  w.length_scale = x_scale > 0.0 ? x_scale : 1.0;
  w.m_max = 0.0;
  for (double q : w.mass) w.m_max = std::max(w.m_max, q);

  // Chosen once (a new solver object only if the free-DOF count moves `automatic` across the
  // threshold); the Newton loop calls it through one interface.
  const LinearSolver chosen = resolve_linear_solver(opt_.linear_solver, std::int64_t(m), opt_.thresholds);
  if (!linear_ || chosen != solver_) {
    if (linear_) {
      linear_iterations_done_ += linear_->iterations();
      setups_done_ += linear_->preconditioner_setups();
    }
    linear_ = make_newton_linear_solver(chosen);
  }
  solver_ = chosen;
  linear_->set_dof_layout(w.free, sys_.rest_positions);
  if (m > 0) linear_->analyze(w.a);
  w.analysed = true;
  w.factor_kept = false;
}

/// A's pattern (H's free block plus the diagonal) and the map from H's nonzeros to A's slots.
/// Returns the largest |diagonal| of H's free block [N/m].
double ImplicitIntegrator::build_reduced_pattern(const SpMat& h, const std::vector<Eigen::Index>& reduced) {
  Workspace& w = *ws_;
  const Eigen::Index m = Eigen::Index(w.free.size());
  std::vector<Eigen::Triplet<double>> trip;
  trip.reserve(std::size_t(h.nonZeros()) + std::size_t(m));
  double k_max = 0.0;
  for (Eigen::Index j = 0; j < h.outerSize(); ++j) {
    if (reduced[j] < 0) continue;
    for (SpMat::InnerIterator it(h, j); it; ++it)
      if (reduced[it.row()] >= 0) {
        trip.emplace_back(reduced[it.row()], reduced[j], 0.0);
        if (it.row() == j) k_max = std::max(k_max, std::abs(it.value()));
      }
  }
  for (Eigen::Index r = 0; r < m; ++r) trip.emplace_back(r, r, 0.0);
  w.a.resize(m, m);
  w.a.setFromTriplets(trip.begin(), trip.end());
  w.a.makeCompressed();

  w.value_target.assign(std::size_t(h.nonZeros()), -1);
  for (Eigen::Index j = 0; j < h.outerSize(); ++j) {
    if (reduced[j] < 0) continue;
    for (Eigen::Index k = h.outerIndexPtr()[j]; k < h.outerIndexPtr()[j + 1]; ++k) {
      const Eigen::Index i = h.innerIndexPtr()[k];
      if (reduced[i] >= 0) w.value_target[std::size_t(k)] = reduced_slot(reduced[i], reduced[j]);
    }
  }
  return k_max;
}

Eigen::Index ImplicitIntegrator::reduced_slot(Eigen::Index row, Eigen::Index col) const {
  const SpMat& a = ws_->a;
  const auto* inner = a.innerIndexPtr();
  const auto* begin = inner + a.outerIndexPtr()[col];
  const auto* end = inner + a.outerIndexPtr()[col + 1];
  return Eigen::Index(std::lower_bound(begin, end, SpMat::StorageIndex(row)) - inner);
}

// One function (72 lines, ten of them the modified-Newton comment): the loop's reuse state (before,
// last_kept, reuse) and the shift mu live across its iterations and its inner retry; the pieces
// (predict, residual, newton_direction, kept_factor_direction, line_search, accept) are their own.
bool ImplicitIntegrator::attempt(const LoadFunction& load, double h, bool linearise, bool& linearised, StepReport& report) {
  Workspace& w = *ws_;
  const StepContext ctx{h, sys_.time, sys_.step, sys_.seed, true};
  begin_step(sys_, ctx);
  load(sys_.time + h, sys_);
  if (!w.analysed || sys_.fixed != w.fixed_mask) prepare_pattern();
  if (linear_) linear_->begin_step();

  const double inertia = opt_.quasi_static ? 0.0 : 1.0 / (h * h);
  const std::size_t m = w.free.size();
  // Residuals below tolerance * 1e-6 max(K, M/h^2) X sqrt(m) are at the level of force rounding.
  const double force_floor = std::max(1e-6 * std::max(w.k_max, inertia * w.m_max) * w.length_scale *
                                          std::sqrt(double(std::max<std::size_t>(m, 1))),
                                      std::numeric_limits<double>::min());
  w.exact_refused = w.full_step = false;
  w.last_relative = 0.0;
  w.g.resize(Eigen::Index(m));
  double e_x = predict(h);
  linearised = linearise && opt_.quasi_static && opt_.linear_predictor && linearised_start(h, e_x, report);
  if (!std::isfinite(e_x)) return fail(AttemptFailure::no_valid_start);
  double mu = 0.0;  // diagonal shift, kept between iterations once needed
  double relative = 0.0;
  // Modified Newton (docs/solvers.md "Reusing the factorisation"): the kept factorisation of an
  // earlier iteration or step, A_old, gives d = -A_old^{-1} g, a descent direction since A_old is
  // positive definite; it converges linearly, at the rate |I - A_old^{-1} A|. It is kept while an
  // iteration with it reduces the residual to reuse_contraction of the one before, and the next
  // iteration refactorises where it did not (or where its step found no decrease of Phi); from
  // then on the attempt is full Newton: the tangent is changing (a contact or a stick-slip switch),
  // and alternating stale and fresh iterations would spend the iteration budget that full Newton
  // needs there (measured on the lacrosse ball's first touch: attempts failing at 30 iterations with
  // 15 factorisations). The next step tries the kept factorisation again.
  double before = std::numeric_limits<double>::infinity();  // relative residual one iteration ago
  bool last_kept = false;  // the last iteration used the kept factorisation
  bool reuse = true;       // this attempt may still use the kept factorisation
  for (int it = 0;; ++it) {
    double g_sq = 0.0;
    relative = residual(inertia, force_floor, g_sq);
    if (!std::isfinite(relative)) return fail(AttemptFailure::non_finite_residual);
    if (relative <= opt_.tolerance) break;
    if (it >= opt_.max_newton_iterations) return fail(AttemptFailure::not_converged);
    ++report.newton_iterations;
    if (last_kept && relative > opt_.reuse_contraction * before) reuse = false;
    bool kept = reuse;
    before = relative;
    bool done = false;
    for (;;) {
      kept = kept && kept_factor_direction();
      if (!kept && !newton_direction(inertia, relative, mu, report)) return fail(AttemptFailure::no_descent_direction);
      // A correction below the rounding of positions cannot improve the solution: done (only a
      // fresh factorisation says so; a stale one may just be much stiffer than A).
      if (w.d.cwiseAbs().maxCoeff() <= 1e-13 * w.length_scale) {
        if (kept) {
          kept = reuse = false;
          continue;
        }
        for (std::size_t r = 0; r < m; ++r) w.x[std::size_t(w.free[r])] += w.d[Eigen::Index(r)];
        internal_forces(sys_, view(w.x), w.f_int);
        done = true;
        break;
      }
      if (line_search(inertia, g_sq, e_x)) break;
      if (!kept) return fail(AttemptFailure::line_search);
      kept = reuse = false;  // no decrease along the stale direction: refactorise at this iterate
    }
    if (done) break;
    last_kept = kept;
  }
  // A converged step the caller's step control refuses (e.g. an indenter that tunnelled through
  // the surface it met: a minimum of Phi too, docs/solvers.md "Step control") is retried shorter.
  if (opt_.accept_step && !opt_.accept_step(sys_, w.x)) return fail(AttemptFailure::refused_by_step_control);
  accept(h, ctx, relative, report);
  return true;
}

double ImplicitIntegrator::predict(double h) {
  Workspace& w = *ws_;
  System& s = sys_;
  const std::size_t n = s.num_dofs();
  w.x_pred.resize(n);
  w.x.resize(n);
  for (std::size_t d = 0; d < n; ++d) {
    w.x_pred[d] = s.fixed[d] ? s.prescribed[d] : s.positions[d] + h * s.velocities[d];
    w.x[d] = w.x_pred[d];
  }
  const double e_x = internal_energy(s, view(w.x));
  if (std::isfinite(e_x)) return e_x;
  // The extrapolation inverted an element: start from x_n instead.
  for (std::size_t d = 0; d < n; ++d)
    if (!s.fixed[d]) w.x[d] = s.positions[d];
  return internal_energy(s, view(w.x));
}

bool ImplicitIntegrator::linearised_start(double h, double& e_x, StepReport& report) {
  // Where the prescribed DOFs x_p move by e_p beyond their extrapolation x_e = x_n + h v_n, the
  // start x_pred puts all of e_p into the elements along the boundary and Newton spends its first
  // iterations (for a long step, halvings) spreading it into the body. Newton's iteration at x_e
  // with e_p in the linearisation spreads it in one solve:
  //   K_ff du_f = -(g_f(x_e) + K_fp e_p),   start x_0 = (x_e,f + du_f, x_p(t_{n+1})),
  // kept when Phi(x_0) < Phi(x_pred) or x_pred inverts an element (a prescribed move longer than
  // the elements along the boundary are tall). Quasi-static: Phi = E - f_ext . x, no inertia.
  Workspace& w = *ws_;
  System& s = sys_;
  const std::size_t n = s.num_dofs();
  Eigen::VectorXd shift = Eigen::VectorXd::Zero(Eigen::Index(n));  // e_p on the prescribed DOFs
  double largest = 0.0;
  for (std::size_t d = 0; d < n; ++d)
    if (s.fixed[d]) {
      shift[Eigen::Index(d)] = w.x_pred[d] - (s.positions[d] + h * s.velocities[d]);
      largest = std::max(largest, std::abs(shift[Eigen::Index(d)]));
    }
  // Below position rounding the extrapolation is the motion (a steady ramp): nothing to spread.
  if (largest <= 1e-12 * w.length_scale) return false;
  w.trial = w.x;  // x_pred: the plain start
  for (std::size_t d = 0; d < n; ++d)
    if (s.fixed[d]) w.x[d] = s.positions[d] + h * s.velocities[d];  // x_e
  const auto keep_plain_start = [&] {
    w.x.swap(w.trial);
    return false;
  };
  if (!std::isfinite(internal_energy(s, view(w.x)))) return keep_plain_start();
  double g_sq = 0.0;
  residual(0.0, std::numeric_limits<double>::min(), g_sq);
  const std::size_t m = w.free.size();
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(Eigen::Index(m));
  bool solved = false;
  for (const HessianMode mode : {HessianMode::exact, HessianMode::projected}) {
    if (mode == HessianMode::exact && !opt_.exact_hessian) continue;
    const SpMat hess = internal_hessian(s, view(w.x), mode);
    const double diag_max = load_newton_matrix(hess, 0.0);
    double* av = w.a.valuePtr();
    for (std::size_t r = 0; r < m; ++r) av[w.diag_slot[r]] += 1e-10 * diag_max;  // rigid modes, as Newton's
    const Eigen::VectorXd coupling = hess * shift;
    for (std::size_t r = 0; r < m; ++r) rhs[Eigen::Index(r)] = -(w.g[Eigen::Index(r)] + coupling[w.free[r]]);
    ++report.factorisations;
    solved = linear_->solve(w.a, rhs, w.d, 1e-2) && w.d.allFinite();
    if (solved) break;
  }
  ++report.newton_iterations;
  w.factor_kept = false;  // the matrix of x_e, not of an iterate
  if (!solved) return keep_plain_start();
  for (std::size_t r = 0; r < m; ++r) w.x[std::size_t(w.free[r])] += w.d[Eigen::Index(r)];
  for (std::size_t d = 0; d < n; ++d)
    if (s.fixed[d]) w.x[d] = w.x_pred[d];
  const double e_0 = internal_energy(s, view(w.x));
  w.x.swap(w.trial);  // the plain start is the iterate phi_change measures from
  if (!std::isfinite(e_0) || (std::isfinite(e_x) && phi_change(w.trial, e_0, e_x, 0.0) >= 0.0)) return false;
  w.x.swap(w.trial);
  e_x = e_0;
  return true;
}

double ImplicitIntegrator::residual(double inertia, double force_floor, double& g_sq) {
  Workspace& w = *ws_;
  System& s = sys_;
  internal_forces(s, view(w.x), w.f_int);
  double ext_sq = 0.0;
  g_sq = 0.0;
  for (std::size_t r = 0; r < w.free.size(); ++r) {
    const std::size_t d = std::size_t(w.free[r]);
    const double gr = inertia * w.mass[r] * (w.x[d] - w.x_pred[d]) - w.f_int[d] - s.external_forces[d];
    w.g[Eigen::Index(r)] = gr;
    g_sq += gr * gr;
    ext_sq += s.external_forces[d] * s.external_forces[d];
  }
  const double scale = std::max({norm(w.f_int), std::sqrt(ext_sq), force_floor});
  return std::sqrt(g_sq) / scale;
}

double ImplicitIntegrator::assemble_newton_matrix(HessianMode mode, double inertia) {
  return load_newton_matrix(internal_hessian(sys_, view(ws_->x), mode), inertia);
}

double ImplicitIntegrator::load_newton_matrix(const SpMat& hess, double inertia) {
  Workspace& w = *ws_;
  if (std::size_t(hess.nonZeros()) != w.h_inner.size() ||
      std::memcmp(hess.outerIndexPtr(), w.h_outer.data(), w.h_outer.size() * sizeof(SpMat::StorageIndex)) ||
      std::memcmp(hess.innerIndexPtr(), w.h_inner.data(), w.h_inner.size() * sizeof(SpMat::StorageIndex)))
    prepare_pattern();
  double* av = w.a.valuePtr();
  std::fill(av, av + w.a.nonZeros(), 0.0);
  const double* hv = hess.valuePtr();
  for (std::size_t k = 0; k < w.value_target.size(); ++k)
    if (w.value_target[k] >= 0) av[w.value_target[k]] += hv[k];
  double diag_max = 0.0;
  for (std::size_t r = 0; r < w.free.size(); ++r) {
    av[w.diag_slot[r]] += inertia * w.mass[r];
    diag_max = std::max(diag_max, std::abs(av[w.diag_slot[r]]));
  }
  return diag_max > 0.0 ? diag_max : 1.0;
}

bool ImplicitIntegrator::kept_factor_direction() {
  Workspace& w = *ws_;
  if (!w.factor_kept) return false;
  linear_->solve_factored(-w.g, w.d);
  return w.d.allFinite() && w.g.dot(w.d) < 0.0;
}

double ImplicitIntegrator::forcing_term(double relative) {
  Workspace& w = *ws_;
  // Inexact Newton (Eisenstat & Walker 1996, SIAM J. Sci. Comput. 17:16-32, "choice 2" with
  // gamma = 0.9, alpha = 2): far from the solution the linear model is only as good as the
  // residual's last reduction, so the iterative solve need only reduce its residual by
  //   eta_k = 0.9 (r_k / r_{k-1})^2,
  // which keeps Newton's quadratic convergence without solving each system to the final
  // tolerance. Never tighter than what reaches the tolerance in this iteration were the problem
  // linear (0.5 tolerance / r_k), never looser than 1e-2 (the first iteration's); under that cap
  // their safeguard (eta_k >= 0.9 eta_{k-1}^2 where that exceeds 0.1) never applies. Direct
  // solvers ignore it. Measured on the 40^3 compression benchmark: docs/performance.md
  // "Eisenstat-Walker forcing".
  double eta = 1e-2;
  if (w.last_relative > 0.0) {
    const double ratio = relative / w.last_relative;
    eta = 0.9 * ratio * ratio;
  }
  w.last_relative = relative;
  return std::clamp(std::max(eta, 0.5 * opt_.tolerance / relative), 1e-12, 1e-2);
}

bool ImplicitIntegrator::newton_direction(double inertia, double relative, double& mu, StepReport& report) {
  Workspace& w = *ws_;
  // Newton matrix A = M/h^2 + H (free block); A d = -g. The exact Hessian first (quadratic
  // convergence); where it is not positive definite, the projected one, then diagonal shifts.
  // Once the exact Hessian has been refused in an attempt, it is tried again only after a full
  // step was accepted: a compressed or ruptured region can make it indefinite far from the solution
  // while it is positive definite near it, where the full steps come, and staying with the
  // projected Hessian for the rest of the attempt (linear convergence) would then exhaust
  // max_newton_iterations and halve the step for nothing; far from it, each refused exact
  // factorisation is one more factorisation per iteration (docs/solvers.md "Where Newton is slow").
  const bool try_exact = !w.exact_refused || w.full_step;
  HessianMode mode = opt_.exact_hessian && try_exact ? HessianMode::exact : HessianMode::projected;
  double diag_max = assemble_newton_matrix(mode, inertia);
  if (opt_.quasi_static) mu = std::max(mu, 1e-10 * diag_max);  // rigid modes: tiny regularisation
  const double iterative_tolerance = forcing_term(relative);
  const Eigen::VectorXd rhs = -w.g;
  double applied = 0.0;
  for (int tries = 0; tries < 13; ++tries) {
    double* av = w.a.valuePtr();
    for (std::size_t r = 0; r < w.free.size(); ++r) av[w.diag_slot[r]] += mu - applied;
    applied = mu;
    const bool ok = linear_->solve(w.a, rhs, w.d, iterative_tolerance);
    ++report.factorisations;
    const bool descent = ok && w.d.allFinite() && w.g.dot(w.d) < 0.0;
    w.factor_kept = descent && opt_.reuse_factorisation && linear_->keeps_factor();
    if (descent) return true;
    if (mode == HessianMode::exact) {  // until a full step is accepted
      w.exact_refused = true;
      mode = HessianMode::projected;
      diag_max = assemble_newton_matrix(mode, inertia);
      applied = 0.0;
    } else {
      mu = std::max(10.0 * mu, 1e-8 * diag_max);
    }
  }
  return false;
}

double ImplicitIntegrator::phi_change(const std::vector<double>& xt, double e_t, double e_x, double inertia) const {
  const Workspace& w = *ws_;
  double inert = 0.0, ext = 0.0;
  for (std::size_t r = 0; r < w.free.size(); ++r) {
    const std::size_t d = std::size_t(w.free[r]);
    const double dx = xt[d] - w.x[d];
    inert += w.mass[r] * dx * (xt[d] + w.x[d] - 2.0 * w.x_pred[d]);
    ext += sys_.external_forces[d] * dx;
  }
  return 0.5 * inertia * inert + (e_t - e_x) - ext;
}

bool ImplicitIntegrator::line_search(double inertia, double g_sq, double& e_x) {
  // Backtracking (Armijo) line search on Phi; +inf (inverted elements) backs off too.
  Workspace& w = *ws_;
  System& s = sys_;
  const std::size_t m = w.free.size();
  const double slope = w.g.dot(w.d);
  w.trial = w.x;
  double alpha = 1.0;
  for (int ls = 0; ls < 40; ++ls, alpha *= 0.5) {
    for (std::size_t r = 0; r < m; ++r)
      w.trial[std::size_t(w.free[r])] = w.x[std::size_t(w.free[r])] + alpha * w.d[Eigen::Index(r)];
    const double e_t = internal_energy(s, view(w.trial));
    if (!std::isfinite(e_t)) continue;
    const double dphi = phi_change(w.trial, e_t, e_x, inertia);
    bool accepted = dphi <= 1e-4 * alpha * slope;
    if (!accepted && std::abs(dphi) <= 1e-13 * (std::abs(e_t) + std::abs(e_x))) {
      // Change at the level of rounding in the energy: accept if the residual still drops.
      internal_forces(s, view(w.trial), w.trial_f);
      double gt_sq = 0.0;
      for (std::size_t r = 0; r < m; ++r) {
        const std::size_t d = std::size_t(w.free[r]);
        const double gr = inertia * w.mass[r] * (w.trial[d] - w.x_pred[d]) - w.trial_f[d] - s.external_forces[d];
        gt_sq += gr * gr;
      }
      accepted = gt_sq < g_sq;
    }
    if (accepted) {
      e_x = e_t;
      w.x.swap(w.trial);
      w.full_step = ls == 0;
      return true;
    }
  }
  return false;
}

void ImplicitIntegrator::accept(double h, const StepContext& ctx, double relative, StepReport& report) {
  Workspace& w = *ws_;
  System& s = sys_;
  const std::size_t n = s.num_dofs();
  // Numerical dissipation of backward Euler, from its own discrete energy identity (not as the
  // ledger residual). With v_{n+1} = dx/h and M (v_{n+1} - v_n) = h F_{n+1} on the free DOFs,
  //   v_{n+1}.M(v_{n+1} - v_n) = dK + |dv|_M^2 / 2,
  // so the trapezoid work 1/2 (F_n + F_{n+1}).dx that the ledger counts for the free DOFs differs
  // from dK by
  //   D_num = |v_{n+1} - v_n|_M^2 / 2 + (F_n - F_{n+1}).dx / 2        (free DOFs)
  // (a linear oscillator: D_num = m dv^2/2 + k dx^2/2, exactly the energy backward Euler loses per
  // step, the factor 1/(1 + omega^2 h^2) of docs/solvers.md). F = f_int + f_ext; F_n is the force
  // at the start of the step *after* the previous end_step (a broken bond no longer pulls), so the
  // recoil that backward Euler damps out is counted here. Without inertia (quasi_static) the
  // first term is absent. The ledger W = dE_stored + dK + D_physical + D_num then closes up to the
  // elements' own energy bookkeeping (each element's booked stored + dissipated energy against the
  // trapezoid work of its forces) and the Newton tolerance: that remainder is what
  // energy_balance_error measures.
  double work = 0.0, numerical = 0.0;
  for (std::size_t d = 0; d < n; ++d) {
    const double dx = w.x[d] - s.positions[d];
    const double f_new = w.f_int[d] + s.external_forces[d];
    if (s.fixed[d]) {
      work += -0.5 * (w.force[d] + f_new) * dx;
    } else {
      work += 0.5 * (w.previous_external[d] + s.external_forces[d]) * dx;
      const double dv = dx / h - s.velocities[d];
      if (!opt_.quasi_static) numerical += 0.5 * s.masses[d / 3] * dv * dv;
      numerical += 0.5 * (w.force[d] - f_new) * dx;
    }
    s.velocities[d] = dx / h;
  }
  s.positions.swap(w.x);
  w.previous_external = s.external_forces;
  s.time += h;
  ++s.step;
  const double dissipated = end_step(s, ctx);
  s.dissipated += dissipated;
  s.work_input += work;
  // Start force of the next step: after the history update (ruptured bonds, moved friction
  // anchors), as the next step's reactions and D_num need it.
  internal_forces(s, view(s.positions), w.force);
  for (std::size_t d = 0; d < n; ++d) w.force[d] += s.external_forces[d];
  w.stored = stored_energy(s);
  w.kinetic = opt_.quasi_static ? 0.0 : kinetic_energy(s);
  numerical_dissipation_ += numerical;
  report.numerical_dissipation += numerical;
  report.residual = relative;
}

bool ImplicitIntegrator::quick(const StepReport& report, int iterations_before, int factorisations_before) const {
  // Few Newton iterations; with modified Newton, few factorisations (what costs).
  const int work = opt_.reuse_factorisation && linear_->keeps_factor() ? report.factorisations - factorisations_before
                                                                       : report.newton_iterations - iterations_before;
  return work <= opt_.quick_iterations;
}

std::string ImplicitIntegrator::failure_below_dt_min(double t, double h) const {
  return "implicit step failed at t = " + detail::to_text(t) + " s: " + describe(last_failure_, opt_.max_newton_iterations) +
         " even with dt = " + detail::to_text(h) + " s (dt_min = " + detail::to_text(opt_.dt_min) + " s); " +
         (last_failure_ == AttemptFailure::refused_by_step_control
              ? "the load may move the indenter too fast for the mesh; ramp it more slowly or refine the mesh"
              : "the load may be too abrupt or the tissue may have failed");
}

namespace {
/// Adds a step's report to the integrator's running totals when the step ends, by whichever return.
struct StatisticsTally {
  NewtonStatistics& total;
  const StepReport& report;
  ~StatisticsTally() {
    total += {report.substeps, report.halvings, report.newton_iterations, report.factorisations};
  }
};
}  // namespace

StepReport ImplicitIntegrator::step(const LoadFunction& load, double dt) {
  require_positive("dt", dt, "s");
  if (!ws_->initialised) reset(load);
  if (opt_.quasi_static) ws_->kinetic = 0.0;
  StepReport report;
  const double t_end = sys_.time + dt;
  double size = std::min(dt, opt_.dt_max);  // current substep size
  abandoned_ = false;
  const double start_dissipation = numerical_dissipation_;
  const StatisticsTally tally{statistics_, report};  // counts the work of whichever return
  bool linearise = true;  // the next attempt may start from the linearised predictor
  for (int tries = 0;; ++tries) {
    const double remaining = t_end - sys_.time;
    if (!(remaining > 1e-12 * dt)) break;
    if (tries > 0 && opt_.abandon_step && opt_.abandon_step()) {
      // Before any substep was accepted the live state is the start (failed attempts restore it);
      // after one, the start was kept in step_start when the first substep was accepted.
      if (report.substeps > 0) transfer_state(false, true);
      numerical_dissipation_ = start_dissipation;
      report = StepReport{};  // an abandoned step is retaken from its start: its work is not counted
      abandoned_ = true;
      return StepReport{.next_dt = dt_, .abandoned = true};
    }
    // The rest of dt when it is shorter than the substep, or only a sliver longer.
    const bool last = size >= remaining * (1.0 - 1e-9) || remaining - size < 1e-6 * size;
    const double h = last ? remaining : size;
    transfer_state(true);
    const int iterations_before = report.newton_iterations, factorisations_before = report.factorisations;
    bool linearised = false;
    if (attempt(load, h, linearise, linearised, report)) {
      linearise = true;
      if (last) sys_.time = t_end;
      // The first accepted substep of a step that goes on: `saved` holds the step's start (no
      // substep was accepted before); abandon_step may need it, and the next attempt overwrites
      // `saved`, so it moves to step_start (a swap of vectors: no copy).
      if (report.substeps == 0 && !last && opt_.abandon_step) std::swap(ws_->saved, ws_->step_start);
      ++report.substeps;
      if (quick(report, iterations_before, factorisations_before) && h >= size) size = std::min(opt_.dt_max, size * opt_.growth);
    } else {
      transfer_state(false);
      if (linearised) {
        // Newton failed from the linearised start: the same step once more from the
        // extrapolation before it is halved (docs/solvers.md "Linearised predictor").
        linearise = false;
        continue;
      }
      linearise = true;
      ++report.halvings;
      if (0.5 * h < opt_.dt_min) throw SimulationError(failure_below_dt_min(sys_.time, h));
      size = 0.5 * h;
    }
  }
  dt_ = std::max(size, opt_.dt_min);
  report.dt = dt;
  report.next_dt = dt_;
  return report;
}

void ImplicitIntegrator::advance_to(double t_end, const LoadFunction& load,
                                    const std::function<bool()>& on_step) {
  while (t_end - sys_.time > 1e-12 * std::max(std::abs(t_end), dt_)) {
    const double remaining = t_end - sys_.time;
    // No sliver at the end: two even steps when less than two suggested steps remain.
    const double h = remaining <= dt_ ? remaining : remaining < 2.0 * dt_ ? 0.5 * remaining : dt_;
    const double suggested = dt_;
    const StepReport r = step(load, h);
    if (r.abandoned) return;
    if (r.halvings == 0) dt_ = std::max(dt_, suggested);  // a shortened step is no reason to shrink
    if (on_step && !on_step()) return;
  }
}

}  // namespace fascia
