// SPDX-License-Identifier: MIT
#include "fascia/solve/linear_solver.hpp"

#include <algorithm>

#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseCholesky>
#ifdef FASCIA_HAVE_CHOLMOD
#include <Eigen/CholmodSupport>
#endif

#include "fascia/core/error.hpp"
#include "solve/hypre_amg.hpp"

namespace fascia {

std::string_view linear_solver_name(LinearSolver solver) {
  switch (solver) {
    case LinearSolver::automatic: return "auto";
    case LinearSolver::ldlt: return "ldlt";
    case LinearSolver::cholmod: return "cholmod";
    case LinearSolver::cg: return "cg";
    case LinearSolver::amg: return "amg";
  }
  return "auto";
}

std::vector<LinearSolver> available_linear_solvers() {
  std::vector<LinearSolver> solvers{LinearSolver::automatic, LinearSolver::ldlt};
#ifdef FASCIA_HAVE_CHOLMOD
  solvers.push_back(LinearSolver::cholmod);
#endif
  solvers.push_back(LinearSolver::cg);
  if (hypre_amg_available()) solvers.push_back(LinearSolver::amg);
  return solvers;
}

LinearSolver parse_linear_solver(std::string_view name, const std::string& key) {
  std::string list;
  for (LinearSolver s : available_linear_solvers()) {
    if (linear_solver_name(s) == name) return s;
    list += (list.empty() ? "" : ", ") + std::string(linear_solver_name(s));
  }
  throw InputError(key, "unknown or unavailable solver '" + std::string(name.substr(0, 64)) +
                            (name.size() > 64 ? "…" : "") + "'; allowed: " + list);
}

LinearSolver resolve_linear_solver(LinearSolver requested, std::int64_t free_dofs, const SolverThresholds& limits) {
  if (requested != LinearSolver::automatic) return requested;
  if (free_dofs > limits.amg && hypre_amg_available()) return LinearSolver::amg;
  if (free_dofs > limits.cg) return LinearSolver::cg;
#ifdef FASCIA_HAVE_CHOLMOD
  return LinearSolver::cholmod;
#else
  return LinearSolver::ldlt;
#endif
}

void NewtonLinearSolver::solve_factored(const Eigen::VectorXd&, Eigen::VectorXd&) {
  throw std::logic_error("NewtonLinearSolver::solve_factored: this solver keeps no factorisation");
}

namespace {

using Matrix = NewtonLinearSolver::Matrix;

/// Simplicial LDL^T. Its D exposes indefiniteness directly: a pivot below 1e-14 of the largest
/// counts as failure, so that a (nearly) singular or indefinite A is shifted rather than solved.
class LdltSolver final : public NewtonLinearSolver {
public:
  void analyze(const Matrix& a) override { ldlt_.analyzePattern(a); }
  bool solve(const Matrix& a, const Eigen::VectorXd& rhs, Eigen::VectorXd& x, double) override {
    ldlt_.factorize(a);
    if (ldlt_.info() != Eigen::Success) return false;
    const auto d = ldlt_.vectorD();
    if (!(d.minCoeff() > 1e-14 * d.cwiseAbs().maxCoeff())) return false;
    x = ldlt_.solve(rhs);
    return true;
  }
  bool keeps_factor() const override { return true; }
  void solve_factored(const Eigen::VectorXd& rhs, Eigen::VectorXd& x) override { x = ldlt_.solve(rhs); }

private:
  Eigen::SimplicialLDLT<Matrix, Eigen::Lower> ldlt_;
};

#ifdef FASCIA_HAVE_CHOLMOD
/// Supernodal Cholesky: fails (and is retried shifted) when A is not positive definite.
class CholmodSolver final : public NewtonLinearSolver {
public:
  CholmodSolver() { llt_.cholmod().print = 0; }  // a failed (indefinite) factorisation is handled, not printed
  void analyze(const Matrix& a) override { llt_.analyzePattern(a); }
  bool solve(const Matrix& a, const Eigen::VectorXd& rhs, Eigen::VectorXd& x, double) override {
    llt_.factorize(a);
    if (llt_.info() != Eigen::Success) return false;
    x = llt_.solve(rhs);
    return true;
  }
  bool keeps_factor() const override { return true; }
  void solve_factored(const Eigen::VectorXd& rhs, Eigen::VectorXd& x) override { x = llt_.solve(rhs); }

private:
  Eigen::CholmodSupernodalLLT<Matrix, Eigen::Lower> llt_;
};
#endif

/// Preconditioned conjugate gradient: no factorisation, memory linear in the unknowns; an inexact
/// Newton step to the tolerance the caller asks. Indefiniteness shows as a non-descent direction,
/// which the caller tests (g.d < 0).
class CgSolver final : public NewtonLinearSolver {
public:
  void analyze(const Matrix& a) override { cg_.analyzePattern(a); }
  bool solve(const Matrix& a, const Eigen::VectorXd& rhs, Eigen::VectorXd& x, double iterative_tolerance) override {
    cg_.factorize(a);
    cg_.setTolerance(iterative_tolerance);
    cg_.setMaxIterations(std::max<Eigen::Index>(1000, 2 * a.rows()));
    x = cg_.solve(rhs);
    iterations_ += cg_.iterations();
    return true;
  }
  std::int64_t iterations() const override { return iterations_; }

private:
  std::int64_t iterations_ = 0;
  Eigen::ConjugateGradient<Matrix, Eigen::Lower | Eigen::Upper, Eigen::DiagonalPreconditioner<double>> cg_;
};

}  // namespace

std::unique_ptr<NewtonLinearSolver> make_newton_linear_solver(LinearSolver solver) {
  switch (solver) {
    case LinearSolver::ldlt: return std::make_unique<LdltSolver>();
#ifdef FASCIA_HAVE_CHOLMOD
    case LinearSolver::cholmod: return std::make_unique<CholmodSolver>();
#else
    case LinearSolver::cholmod: break;
#endif
    case LinearSolver::cg: return std::make_unique<CgSolver>();
    case LinearSolver::amg:
      if (hypre_amg_available()) return make_hypre_amg_solver();
      break;
    case LinearSolver::automatic: break;
  }
  throw std::logic_error("make_newton_linear_solver: '" + std::string(linear_solver_name(solver)) +
                         "' is not a concrete solver of this build");
}

}  // namespace fascia
