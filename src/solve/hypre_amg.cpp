// SPDX-License-Identifier: MIT
#include "solve/hypre_amg.hpp"

#include <stdexcept>

#ifdef FASCIA_HAVE_HYPRE
#include <mpi.h>
#include <HYPRE.h>
#include <HYPRE_krylov.h>
#include <HYPRE_parcsr_ls.h>
#include <HYPRE_utilities.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>
#endif

namespace fascia {

#ifndef FASCIA_HAVE_HYPRE

bool hypre_amg_available() { return false; }
std::unique_ptr<NewtonLinearSolver> make_hypre_amg_solver() {
  throw std::logic_error("make_hypre_amg_solver: this build has no hypre");
}

#else

bool hypre_amg_available() { return true; }

namespace {

/// hypre's process-wide state (its error flag, memory pools) is not thread-safe: one solve at a
/// time, e.g. when Python runs two scenarios in two threads.
std::mutex& hypre_mutex() {
  static std::mutex m;
  return m;
}

/// Debian's hypre is built with Open MPI: MPI must be initialised once before hypre's first call,
/// even in one process (Open MPI's singleton start needs no mpirun). A program that initialised MPI
/// itself keeps ownership; otherwise MPI and hypre are finalised at exit.
void start_hypre_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    int running = 0;
    MPI_Initialized(&running);
    if (!running) {
      int provided = 0;
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
      std::atexit([] {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (finalized) return;
        HYPRE_Finalize();
        MPI_Finalize();
      });
    }
    HYPRE_Init();
  });
}

/// A hypre IJ object destroyed with its owner (RAII for the C handles).
template <class Handle, HYPRE_Int (*Destroy)(Handle)>
class Owned {
public:
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() { reset(); }
  void reset() {
    if (h_) Destroy(h_);
    h_ = nullptr;
  }
  Handle* out() {
    reset();
    return &h_;
  }
  Handle get() const { return h_; }

private:
  Handle h_ = nullptr;
};
using IJMatrix = Owned<HYPRE_IJMatrix, HYPRE_IJMatrixDestroy>;
using IJVector = Owned<HYPRE_IJVector, HYPRE_IJVectorDestroy>;
using Amg = Owned<HYPRE_Solver, HYPRE_BoomerAMGDestroy>;
using Pcg = Owned<HYPRE_Solver, HYPRE_ParCSRPCGDestroy>;

/// PCG with one BoomerAMG V-cycle as preconditioner, set up on the first Newton matrix of a time step
/// and kept for the step's later Newton matrices while it converges fast enough (see pcg()).
///
/// Systems AMG for elasticity (hypre's "nodal" approach; Baker, Kolev & Yang 2010, "Improving
/// algebraic multigrid interpolation operators for linear elasticity problems", Numer. Linear
/// Algebra Appl. 17: 495-517): the unknowns are grouped by node (num_functions = 3) and coarsened
/// node by node on the nodal strength matrix (row-sum norm of each 3x3 block, nodal = 4, with the
/// diagonal block's sign treated as MFEM and hypre's elasticity examples do, nodal_diag = 1), so
/// that a coarse node keeps its three displacements; the three rigid-body rotations about the
/// rest-shape centroid are added to the interpolation (GM approach 2, interp_vec_variant = 2),
/// since plain systems interpolation reproduces only the translations and rotations are the other
/// near-null modes of an elastic body. Both require whole nodes: a node with one or two fixed DOFs
/// (a roller) keeps them as decoupled identity rows with zero right-hand side, whose solution is 0.
class HypreAmgSolver final : public NewtonLinearSolver {
public:
  HypreAmgSolver() { start_hypre_once(); }
  ~HypreAmgSolver() override {
    const std::lock_guard<std::mutex> lock(hypre_mutex());
    kept_.reset();
  }
  HypreAmgSolver(const HypreAmgSolver&) = delete;
  HypreAmgSolver& operator=(const HypreAmgSolver&) = delete;

  void set_dof_layout(std::span<const Eigen::Index> free_dofs, std::span<const double> rest) override {
    padded_of_free_.resize(free_dofs.size());
    node_rest_.clear();
    Eigen::Index last_node = -1;
    HYPRE_Int node = -1;
    for (std::size_t r = 0; r < free_dofs.size(); ++r) {
      const Eigen::Index n = free_dofs[r] / 3;
      if (n != last_node) {
        ++node;
        last_node = n;
        for (int a = 0; a < 3; ++a) node_rest_.push_back(rest[std::size_t(3 * n + a)]);
      }
      padded_of_free_[r] = 3 * node + HYPRE_Int(free_dofs[r] % 3);
    }
    rows_ = 3 * (node + 1);
  }

  void analyze(const Matrix& a) override {
    begin_step();  // a new pattern: no hierarchy of the old one
    if (padded_of_free_.size() != std::size_t(a.rows()))
      throw std::logic_error("HypreAmgSolver::analyze: set_dof_layout gave another number of unknowns");
    std::vector<HYPRE_Int> free_row(std::size_t(rows_), -1);
    for (std::size_t r = 0; r < padded_of_free_.size(); ++r) free_row[std::size_t(padded_of_free_[r])] = HYPRE_Int(r);
    // A is symmetric with both triangles stored: its column r is row r.
    row_ids_.resize(std::size_t(rows_));
    row_sizes_.resize(std::size_t(rows_));
    cols_.clear();
    source_.clear();
    diagonal_source_.clear();
    const auto* outer = a.outerIndexPtr();
    const auto* inner = a.innerIndexPtr();
    for (HYPRE_Int p = 0; p < rows_; ++p) {
      row_ids_[std::size_t(p)] = p;
      const HYPRE_Int r = free_row[std::size_t(p)];
      if (r < 0) {  // a fixed DOF of a node with free ones: identity row
        row_sizes_[std::size_t(p)] = 1;
        cols_.push_back(p);
        source_.push_back(-1);
        continue;
      }
      row_sizes_[std::size_t(p)] = HYPRE_Int(outer[r + 1] - outer[r]);
      for (auto k = outer[r]; k < outer[r + 1]; ++k) {
        cols_.push_back(padded_of_free_[std::size_t(inner[k])]);
        source_.push_back(std::int64_t(k));
        if (inner[k] == r) diagonal_source_.push_back(std::int64_t(k));
      }
    }
    values_.resize(cols_.size());
    rhs_.assign(std::size_t(rows_), 0.0);
    solution_.assign(std::size_t(rows_), 0.0);
  }

  bool solve(const Matrix& a, const Eigen::VectorXd& rhs, Eigen::VectorXd& x, double tolerance) override {
    const double* av = a.valuePtr();
    // Identity rows scaled like A's diagonal keep the nodal blocks' norms comparable.
    double diagonal = 0.0;
    for (std::int64_t k : diagonal_source_) diagonal += std::abs(av[k]);
    diagonal = diagonal_source_.empty() ? 1.0 : diagonal / double(diagonal_source_.size());
    for (std::size_t k = 0; k < source_.size(); ++k) values_[k] = source_[k] >= 0 ? av[source_[k]] : diagonal;
    std::fill(rhs_.begin(), rhs_.end(), 0.0);
    for (std::size_t r = 0; r < padded_of_free_.size(); ++r) rhs_[std::size_t(padded_of_free_[r])] = rhs[Eigen::Index(r)];

    const std::lock_guard<std::mutex> lock(hypre_mutex());
    auto matrix = std::make_unique<IJMatrix>();
    const HYPRE_ParCSRMatrix parcsr = assemble(*matrix);
    IJVector b, u;
    const HYPRE_ParVector b_par = vector(b, rhs_);
    // The step's kept hierarchy first (its coarse levels from an earlier Newton matrix of this
    // step); a fresh one when there is none, or when the kept one did not reach the tolerance
    // within twice the iterations a fresh one needs (then the setup costs less than the extra
    // iterations; docs/solvers.md "Linear solvers").
    bool converged = false;
    if (kept_) {
      std::fill(solution_.begin(), solution_.end(), 0.0);
      converged = pcg(parcsr, b_par, vector(u, solution_), tolerance, *kept_, false);
      if (!converged) kept_.reset();
    }
    if (!converged) {
      auto fresh = std::make_unique<Hierarchy>();
      std::fill(solution_.begin(), solution_.end(), 0.0);
      converged = pcg(parcsr, b_par, vector(u, solution_), tolerance, *fresh, true);
      ++setups_;
      // The hierarchy refers to the matrix it was built from: both are kept, or neither (an
      // indefinite matrix's hierarchy is of no use to the shifted retry).
      fresh->matrix = std::move(matrix);
      if (converged) kept_ = std::move(fresh);
    }
    HYPRE_IJVectorGetValues(u.get(), rows_, row_ids_.data(), solution_.data());
    x.resize(rhs.size());
    for (std::size_t r = 0; r < padded_of_free_.size(); ++r) x[Eigen::Index(r)] = solution_[std::size_t(padded_of_free_[r])];
    return converged && x.allFinite();
  }

  void begin_step() override {
    const std::lock_guard<std::mutex> lock(hypre_mutex());
    kept_.reset();
  }

  std::int64_t preconditioner_setups() const override { return setups_; }

  std::int64_t iterations() const override { return iterations_; }

private:
  static constexpr HYPRE_Int kMaxIterations = 500;

  /// A BoomerAMG hierarchy, the matrix it was built from and the rotation vectors it interpolates
  /// (hypre keeps pointers to all three), and the mean residual reduction per PCG iteration it gave
  /// on that matrix.
  struct Hierarchy {
    std::unique_ptr<IJMatrix> matrix;
    IJVector rotation[3];
    HYPRE_ParVector rotation_par[3] = {};  ///< hypre keeps this array's address, not a copy
    Amg amg;  ///< last: destroyed first, before what it points to (as hypre's examples do)
    double reduction_per_iteration = 0.0;
  };

  /// A's values (values_) as a hypre ParCSR matrix held by `m`.
  HYPRE_ParCSRMatrix assemble(IJMatrix& m) {
    HYPRE_IJMatrixCreate(MPI_COMM_SELF, 0, rows_ - 1, 0, rows_ - 1, m.out());
    HYPRE_IJMatrixSetObjectType(m.get(), HYPRE_PARCSR);
    HYPRE_IJMatrixSetRowSizes(m.get(), row_sizes_.data());
    HYPRE_IJMatrixInitialize(m.get());
    HYPRE_IJMatrixSetValues(m.get(), rows_, row_sizes_.data(), row_ids_.data(), cols_.data(), values_.data());
    HYPRE_IJMatrixAssemble(m.get());
    HYPRE_ParCSRMatrix parcsr = nullptr;
    HYPRE_IJMatrixGetObject(m.get(), reinterpret_cast<void**>(&parcsr));
    return parcsr;
  }

  /// BoomerAMG for elasticity as the class comment says, on `h` (not yet set up).
  void configure(Hierarchy& h) {
    for (int axis = 0; axis < 3; ++axis) h.rotation_par[axis] = vector(h.rotation[axis], rigid_rotation(axis));
    HYPRE_BoomerAMGCreate(h.amg.out());
    HYPRE_BoomerAMGSetPrintLevel(h.amg.get(), 0);
    HYPRE_BoomerAMGSetMaxIter(h.amg.get(), 1);  // one V-cycle per PCG iteration
    HYPRE_BoomerAMGSetTol(h.amg.get(), 0.0);
    HYPRE_BoomerAMGSetNumFunctions(h.amg.get(), 3);
    HYPRE_BoomerAMGSetNodal(h.amg.get(), 4);
    HYPRE_BoomerAMGSetNodalDiag(h.amg.get(), 1);
    HYPRE_BoomerAMGSetStrongThreshold(h.amg.get(), 0.5);  // hypre's advice for 3-D problems
    HYPRE_BoomerAMGSetRelaxType(h.amg.get(), 6);          // symmetric hybrid Gauss-Seidel: keeps the V-cycle symmetric for CG
    HYPRE_BoomerAMGSetInterpVecVariant(h.amg.get(), 2);
    HYPRE_BoomerAMGSetInterpVecQMax(h.amg.get(), 4);
    HYPRE_BoomerAMGSetInterpVectors(h.amg.get(), 3, h.rotation_par);
    // Aggressive coarsening on the finest level (hypre's multipass interpolation there): a coarser
    // first level makes the Galerkin operators, the setup and every V-cycle cheaper for a few more
    // CG iterations. Measured on the 24^3 compression benchmark: 18.3 -> 10.0 s, CG iterations
    // 220 -> 343 (docs/performance.md, 2026-12-07).
    HYPRE_BoomerAMGSetAggNumLevels(h.amg.get(), 1);
  }

  /// PCG on A u = b to |r| <= tolerance |b| (2-norms, as Eigen's CG) preconditioned by one
  /// V-cycle of `h`: set up on A first when `setup`, else as it is. A kept hierarchy may take at
  /// most twice the iterations its fresh solve needed per decade of reduction (plus two). True when
  /// the tolerance was reached; an indefinite A (CG breaks down) or too many iterations is false.
  bool pcg(HYPRE_ParCSRMatrix a, HYPRE_ParVector b, HYPRE_ParVector u, double tolerance, Hierarchy& h, bool setup) {
    if (setup) configure(h);
    HYPRE_Int limit = kMaxIterations;
    if (!setup && h.reduction_per_iteration > 0.0 && h.reduction_per_iteration < 1.0)
      limit = std::min(kMaxIterations, HYPRE_Int(2.0 * std::log(tolerance) / std::log(h.reduction_per_iteration)) + 2);
    Pcg pcg;
    HYPRE_ParCSRPCGCreate(MPI_COMM_SELF, pcg.out());
    HYPRE_PCGSetTol(pcg.get(), tolerance);
    HYPRE_PCGSetTwoNorm(pcg.get(), 1);
    HYPRE_PCGSetMaxIter(pcg.get(), limit);
    HYPRE_PCGSetPrintLevel(pcg.get(), 0);
    HYPRE_PCGSetLogging(pcg.get(), 1);
    HYPRE_PCGSetPrecond(pcg.get(), reinterpret_cast<HYPRE_PtrToSolverFcn>(HYPRE_BoomerAMGSolve),
                        setup ? reinterpret_cast<HYPRE_PtrToSolverFcn>(HYPRE_BoomerAMGSetup)
                              : reinterpret_cast<HYPRE_PtrToSolverFcn>(keep_setup),
                        h.amg.get());
    HYPRE_ParCSRPCGSetup(pcg.get(), a, b, u);
    HYPRE_ParCSRPCGSolve(pcg.get(), a, b, u);
    HYPRE_Int its = 0;
    HYPRE_Real relative = 0.0;
    HYPRE_PCGGetNumIterations(pcg.get(), &its);
    HYPRE_PCGGetFinalRelativeResidualNorm(pcg.get(), &relative);
    const bool failed = HYPRE_GetError() != 0;
    HYPRE_ClearAllErrors();
    iterations_ += its;
    const bool converged = !failed && std::isfinite(relative) && relative <= tolerance;
    if (setup && converged && its > 0 && relative > 0.0) h.reduction_per_iteration = std::pow(relative, 1.0 / its);
    return converged;
  }

  /// The preconditioner "setup" of a kept hierarchy: nothing to do.
  static HYPRE_Int keep_setup(HYPRE_Solver, HYPRE_ParCSRMatrix, HYPRE_ParVector, HYPRE_ParVector) { return 0; }

  /// An IJ vector holding `values` (one per padded row); returns its ParVector.
  HYPRE_ParVector vector(IJVector& v, const std::vector<double>& values) {
    HYPRE_IJVectorCreate(MPI_COMM_SELF, 0, rows_ - 1, v.out());
    HYPRE_IJVectorSetObjectType(v.get(), HYPRE_PARCSR);
    HYPRE_IJVectorInitialize(v.get());
    HYPRE_IJVectorSetValues(v.get(), rows_, row_ids_.data(), values.data());
    HYPRE_IJVectorAssemble(v.get());
    HYPRE_ParVector par = nullptr;
    HYPRE_IJVectorGetObject(v.get(), reinterpret_cast<void**>(&par));
    return par;
  }

  /// The infinitesimal rotation about `axis` through the rest centroid, e_axis x (X - c), on the
  /// free DOFs (0 on the identity rows of fixed ones).
  std::vector<double> rigid_rotation(int axis) const {
    const std::size_t nodes = node_rest_.size() / 3;
    double c[3] = {0, 0, 0};
    for (std::size_t n = 0; n < nodes; ++n)
      for (int a = 0; a < 3; ++a) c[a] += node_rest_[3 * n + std::size_t(a)] / double(nodes);
    std::vector<double> mode(std::size_t(rows_), 0.0);
    for (HYPRE_Int p : padded_of_free_) {
      const std::size_t n = std::size_t(p / 3);
      const int component = p % 3;
      const double rel[3] = {node_rest_[3 * n] - c[0], node_rest_[3 * n + 1] - c[1], node_rest_[3 * n + 2] - c[2]};
      // (e_axis x rel)_component
      const int i = (axis + 1) % 3, j = (axis + 2) % 3;
      mode[std::size_t(p)] = component == i ? -rel[j] : component == j ? rel[i] : 0.0;
    }
    return mode;
  }

  std::vector<HYPRE_Int> padded_of_free_;  ///< free unknown -> row of the node-blocked matrix
  std::vector<double> node_rest_;          ///< rest positions of the nodes with a free DOF, in row order
  HYPRE_Int rows_ = 0;                     ///< 3 x nodes with a free DOF
  std::vector<HYPRE_Int> row_ids_, row_sizes_, cols_;
  std::vector<std::int64_t> source_;           ///< per matrix entry: index into A's values, -1 = identity
  std::vector<std::int64_t> diagonal_source_;  ///< A's diagonal entries
  std::vector<double> values_, rhs_, solution_;
  std::int64_t iterations_ = 0, setups_ = 0;
  std::unique_ptr<Hierarchy> kept_;  ///< this step's hierarchy, or none
};

}  // namespace

std::unique_ptr<NewtonLinearSolver> make_hypre_amg_solver() { return std::make_unique<HypreAmgSolver>(); }

#endif

}  // namespace fascia
