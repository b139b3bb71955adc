// SPDX-License-Identifier: MIT
#include "solve/hypre_amg.hpp"

#include <stdexcept>

#ifdef FASCIA_HAVE_HYPRE
#include <mpi.h>
#include <HYPRE.h>
#include <HYPRE_krylov.h>
#include <HYPRE_parcsr_ls.h>
#include <HYPRE_utilities.h>

#include <cmath>
#include <cstdlib>
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

/// PCG with one BoomerAMG V-cycle as preconditioner, set up afresh for every Newton matrix.
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
    std::fill(solution_.begin(), solution_.end(), 0.0);

    const std::lock_guard<std::mutex> lock(hypre_mutex());
    IJMatrix matrix;
    HYPRE_IJMatrixCreate(MPI_COMM_SELF, 0, rows_ - 1, 0, rows_ - 1, matrix.out());
    HYPRE_IJMatrixSetObjectType(matrix.get(), HYPRE_PARCSR);
    HYPRE_IJMatrixSetRowSizes(matrix.get(), row_sizes_.data());
    HYPRE_IJMatrixInitialize(matrix.get());
    HYPRE_IJMatrixSetValues(matrix.get(), rows_, row_sizes_.data(), row_ids_.data(), cols_.data(), values_.data());
    HYPRE_IJMatrixAssemble(matrix.get());
    HYPRE_ParCSRMatrix parcsr = nullptr;
    HYPRE_IJMatrixGetObject(matrix.get(), reinterpret_cast<void**>(&parcsr));

    IJVector b, u;
    HYPRE_ParVector b_par = vector(b, rhs_), u_par = vector(u, solution_);
    IJVector rotation[3];
    HYPRE_ParVector rotation_par[3];
    for (int axis = 0; axis < 3; ++axis) rotation_par[axis] = vector(rotation[axis], rigid_rotation(axis));

    Amg amg;
    HYPRE_BoomerAMGCreate(amg.out());
    HYPRE_BoomerAMGSetPrintLevel(amg.get(), 0);
    HYPRE_BoomerAMGSetMaxIter(amg.get(), 1);  // one V-cycle per PCG iteration
    HYPRE_BoomerAMGSetTol(amg.get(), 0.0);
    HYPRE_BoomerAMGSetNumFunctions(amg.get(), 3);
    HYPRE_BoomerAMGSetNodal(amg.get(), 4);
    HYPRE_BoomerAMGSetNodalDiag(amg.get(), 1);
    HYPRE_BoomerAMGSetStrongThreshold(amg.get(), 0.5);  // hypre's advice for 3-D problems
    HYPRE_BoomerAMGSetRelaxType(amg.get(), 6);          // symmetric hybrid Gauss-Seidel: keeps the V-cycle symmetric for CG
    HYPRE_BoomerAMGSetInterpVecVariant(amg.get(), 2);
    HYPRE_BoomerAMGSetInterpVecQMax(amg.get(), 4);
    HYPRE_BoomerAMGSetInterpVectors(amg.get(), 3, rotation_par);

    Pcg pcg;
    HYPRE_ParCSRPCGCreate(MPI_COMM_SELF, pcg.out());
    HYPRE_PCGSetTol(pcg.get(), tolerance);  // |r| <= tolerance |b| in the 2-norm, as Eigen's CG
    HYPRE_PCGSetTwoNorm(pcg.get(), 1);
    HYPRE_PCGSetMaxIter(pcg.get(), kMaxIterations);
    HYPRE_PCGSetPrintLevel(pcg.get(), 0);
    HYPRE_PCGSetLogging(pcg.get(), 1);
    HYPRE_PCGSetPrecond(pcg.get(), reinterpret_cast<HYPRE_PtrToSolverFcn>(HYPRE_BoomerAMGSolve),
                        reinterpret_cast<HYPRE_PtrToSolverFcn>(HYPRE_BoomerAMGSetup), amg.get());
    HYPRE_ParCSRPCGSetup(pcg.get(), parcsr, b_par, u_par);
    HYPRE_ParCSRPCGSolve(pcg.get(), parcsr, b_par, u_par);
    HYPRE_Int its = 0;
    HYPRE_Real relative = 0.0;
    HYPRE_PCGGetNumIterations(pcg.get(), &its);
    HYPRE_PCGGetFinalRelativeResidualNorm(pcg.get(), &relative);
    // An indefinite A (CG breaks down) or no convergence in kMaxIterations: hypre flags an error;
    // the caller then projects or shifts A, as after a failed factorisation.
    const bool failed = HYPRE_GetError() != 0;
    HYPRE_ClearAllErrors();
    iterations_ += its;
    pcg.reset();
    amg.reset();
    HYPRE_IJVectorGetValues(u.get(), rows_, row_ids_.data(), solution_.data());
    x.resize(rhs.size());
    for (std::size_t r = 0; r < padded_of_free_.size(); ++r) x[Eigen::Index(r)] = solution_[std::size_t(padded_of_free_[r])];
    return !failed && std::isfinite(relative) && relative <= tolerance && x.allFinite();
  }

  std::int64_t iterations() const override { return iterations_; }

private:
  static constexpr HYPRE_Int kMaxIterations = 500;

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
  std::int64_t iterations_ = 0;
};

}  // namespace

std::unique_ptr<NewtonLinearSolver> make_hypre_amg_solver() { return std::make_unique<HypreAmgSolver>(); }

#endif

}  // namespace fascia
