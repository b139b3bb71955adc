// SPDX-License-Identifier: MIT
// Homogenisation (docs/model.md §4.3 "Homogenisation check"): a block built by the same factory as the slab (build_block,
// calibrated springs + volumetric tetrahedra + fibre stencil) is loaded statically and its
// effective moduli are compared with the continuum targets of docs/model.md §3 "Constitutive laws and elements":
//   (a) Young's modulus across the fibres = matrix E = 2 mu (1 + nu),
//   (b) tangent modulus along the fibres in their linear region = E_m + E_f,
//   (c) shear modulus (x-z plane, fibres along x) = mu,
//   (d) the same when the spacing is halved,
//   (e) dispersed fibres (kappa = 5, 30 deg): the homogenised tensor of the all-tension state
//       = C_matrix + fiber_tensor.
// The static solve is Newton on the assembled (projected) Hessian with a sparse LDLT on the free
// DOFs and an energy backtracking line search — a small helper local to this file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <tuple>
#include <vector>

#include <Eigen/SparseCholesky>

#include "fascia/lattice/builder.hpp"
#include "fascia/lattice/calibration.hpp"
#include "fascia/model/system.hpp"
#include "fascia/solve/assembly.hpp"

namespace {

using namespace fascia;

// Dense-layer parameters at the reference composition (docs/model.md §2 "Default parameters and sources": 10 MPa across, 150 MPa
// along the fibres), drained, no viscous branches (static moduli), Poisson 0.3 (MaterialSpec
// default: exercises the volumetric correction, since central springs alone give 1/4).
constexpr double kEm = 10e6, kEf = 140e6, kNu = 0.3;
constexpr double kSpacing = 2.5e-4;

LayerMaterial dense() {
  LayerMaterial m;
  m.name = "dense";
  m.density = 1100.0;
  m.shear_modulus = kEm / (2.0 * (1.0 + kNu));
  m.drained_bulk = bulk_from_poisson(m.shear_modulus, kNu);
  m.undrained_bulk = m.drained_bulk;  // no water: drained moduli
  m.fiber_modulus = kEf;
  return m;
}

/// The free-free block of a sparse matrix (free_index: DOF -> free index, or -1).
Eigen::SparseMatrix<double> free_block(const Eigen::SparseMatrix<double>& h,
                                       const std::vector<Eigen::Index>& free_index, Eigen::Index n_free) {
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(h.nonZeros());
  for (Eigen::Index c = 0; c < h.outerSize(); ++c)
    for (Eigen::SparseMatrix<double>::InnerIterator it(h, c); it; ++it) {
      const auto i = free_index[it.row()], j = free_index[it.col()];
      if (i >= 0 && j >= 0) t.emplace_back(i, j, it.value());
    }
  Eigen::SparseMatrix<double> k(n_free, n_free);
  k.setFromTriplets(t.begin(), t.end());
  return k;
}

/// Relative residual (free-DOF force / largest force) at which Newton stops. The moduli are
/// energy or reaction differences of relative size >= 1e-3; 1e-10 leaves them exact to ~1e-7,
/// and stays above the round-off floor (~2e-11 measured for the shear case).
constexpr double kNewtonTolerance = 1e-10;

/// Newton's method for internal forces + external forces = 0 on the free DOFs, starting from
/// sys.positions (fixed DOFs are set to sys.prescribed). Returns the final relative residual.
double solve_static(System& sys, int max_iterations = 40) {
  const std::size_t n = sys.num_dofs();
  for (std::size_t d = 0; d < n; ++d)
    if (sys.fixed[d]) sys.positions[d] = sys.prescribed[d];
  std::vector<Eigen::Index> free_index(n, -1);
  Eigen::Index n_free = 0;
  for (std::size_t d = 0; d < n; ++d)
    if (!sys.fixed[d]) free_index[d] = n_free++;
  auto potential = [&](const std::vector<double>& x) {
    double w = internal_energy(sys, view(x));
    for (std::size_t d = 0; d < n; ++d) w -= sys.external_forces[d] * x[d];
    return w;
  };
  std::vector<double> f;
  double scale = 0.0, residual = 0.0;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt;
  for (int it = 0; it < max_iterations; ++it) {
    internal_forces(sys, view(sys.positions), f);
    Eigen::VectorXd r(n_free);
    for (std::size_t d = 0; d < n; ++d) {
      f[d] += sys.external_forces[d];
      if (!sys.fixed[d]) r[free_index[d]] = f[d];
      scale = std::max(scale, std::abs(f[d]));  // reactions set the force scale
    }
    residual = scale > 0 ? r.lpNorm<Eigen::Infinity>() / scale : 0.0;
    if (residual < kNewtonTolerance) break;
    // The exact Hessian gives quadratic convergence; where it is not positive definite (not at
    // these stable equilibria, but possible on the way) the projected one is used. Both have the
    // same sparsity pattern, analysed once per solve.
    for (auto mode : {HessianMode::exact, HessianMode::projected}) {
      const auto k = free_block(internal_hessian(sys, view(sys.positions), mode), free_index, n_free);
      if (it == 0 && mode == HessianMode::exact) ldlt.analyzePattern(k);
      ldlt.factorize(k);
      if (ldlt.info() == Eigen::Success && ldlt.vectorD().minCoeff() > 0.0) break;
    }
    if (ldlt.info() != Eigen::Success) {
      ADD_FAILURE() << "LDLT failed";
      return 1.0;
    }
    const Eigen::VectorXd dx = ldlt.solve(r);
    const double w0 = potential(sys.positions);
    std::vector<double> trial(sys.positions);
    for (double alpha = 1.0; alpha > 1e-4; alpha *= 0.5) {
      for (std::size_t d = 0; d < n; ++d)
        if (!sys.fixed[d]) trial[d] = sys.positions[d] + alpha * dx[free_index[d]];
      if (potential(trial) <= w0 + 1e-14 * std::abs(w0)) break;
    }
    sys.positions.swap(trial);
  }
  return residual;
}

/// A block of nx x ny x nz nodes of spacing a with fibres at `angle_deg`, concentration kappa.
System make_block(Index nx, Index ny, Index nz, double a, double angle_deg, double kappa,
                  const FiberLaw& law = FiberLaw{}, double fiber_modulus = kEf) {
  LayerMaterial m = dense();
  m.fiber_modulus = fiber_modulus;
  Lattice lat = build_block(nx, ny, nz, a, a, a, m, law, angle_deg, kappa, MatrixModel::springs);
  EXPECT_EQ(lat.blocks.at(0).matrix_model, BlockMatrix::springs);
  return System(std::move(lat), 1);
}

Vec3 rest(const System& s, std::size_t i) {
  return {s.rest_positions[3 * i], s.rest_positions[3 * i + 1], s.rest_positions[3 * i + 2]};
}
Vec3 extent(const System& s) {
  Vec3 hi = Vec3::Zero();
  for (std::size_t i = 0; i < s.num_nodes(); ++i) hi = hi.cwiseMax(rest(s, i));
  return hi;
}
bool on(double v, double target) { return std::abs(v - target) < 1e-9; }

/// Uniaxial stress along `axis` at nominal strain `strain`: both end faces held at their
/// stretched axial position (free to contract laterally), lateral faces free, rigid modes
/// removed at one corner. Returns the nominal stress: grip force on the far face / rest area.
double uniaxial_stress(System& sys, int axis, double strain) {
  const Vec3 len = extent(sys);
  const int t1 = (axis + 1) % 3, t2 = (axis + 2) % 3;
  std::fill(sys.fixed.begin(), sys.fixed.end(), 0);
  // Initial guess: uniaxial stretch with the matrix Poisson contraction.
  for (std::size_t i = 0; i < sys.num_nodes(); ++i) {
    const Vec3 p = rest(sys, i);
    Vec3 x = p;
    x[axis] *= 1.0 + strain;
    x[t1] *= 1.0 - kNu * strain;
    x[t2] *= 1.0 - kNu * strain;
    for (int c = 0; c < 3; ++c) sys.positions[3 * i + c] = x[c];
    if (on(p[axis], 0.0) || on(p[axis], len[axis])) {
      sys.fixed[3 * i + axis] = 1;
      sys.prescribed[3 * i + axis] = x[axis];
    }
    if (on(p[axis], 0.0) && on(p[t1], 0.0) && on(p[t2], 0.0)) {  // corner: no translation
      for (int c : {t1, t2}) {
        sys.fixed[3 * i + c] = 1;
        sys.prescribed[3 * i + c] = 0.0;
      }
    }
    if (on(p[axis], 0.0) && on(p[t1], len[t1]) && on(p[t2], 0.0)) {  // no rotation about the axis
      sys.fixed[3 * i + t2] = 1;
      sys.prescribed[3 * i + t2] = 0.0;
    }
  }
  EXPECT_LT(solve_static(sys), kNewtonTolerance);
  std::vector<double> f;
  internal_forces(sys, view(sys.positions), f);
  double grip = 0.0;
  for (std::size_t i = 0; i < sys.num_nodes(); ++i)
    if (on(rest(sys, i)[axis], len[axis])) grip -= f[3 * i + axis];
  return grip / (len[t1] * len[t2]);
}

/// Simple shear u_x = gamma z prescribed on the x and z faces, y faces free (they carry no
/// traction in this state: sigma_xy = sigma_yy = sigma_zy = 0 for the isotropic matrix and
/// in-plane fibres along x). Returns the effective shear modulus 2 W / (V gamma^2).
double shear_modulus(System& sys, double gamma) {
  const Vec3 len = extent(sys);
  std::fill(sys.fixed.begin(), sys.fixed.end(), 0);
  for (std::size_t i = 0; i < sys.num_nodes(); ++i) {
    const Vec3 p = rest(sys, i);
    sys.positions[3 * i] = p.x() + gamma * p.z();
    if (on(p.x(), 0) || on(p.x(), len.x()) || on(p.z(), 0) || on(p.z(), len.z()))
      for (int c = 0; c < 3; ++c) {
        sys.fixed[3 * i + c] = 1;
        sys.prescribed[3 * i + c] = sys.positions[3 * i + c];
      }
  }
  EXPECT_LT(solve_static(sys), kNewtonTolerance);
  return 2.0 * internal_energy(sys, view(sys.positions)) / (len.prod() * gamma * gamma);
}

struct Moduli {
  double across, along, shear;
};

/// All three moduli for a block of physical size (8 x 8 x 4) cells of kSpacing, refined by `refine`.
Moduli measure(int refine) {
  const double a = kSpacing / refine;
  const Index nx = 8 * refine + 1, nz = 4 * refine + 1;
  Moduli m{};
  {
    // (a) Across the fibres: fibres along x, pull along y. The lateral (x) contraction shortens
    // every fibre bond, and compressed fibres carry nothing: the matrix alone responds.
    // Small strain (1e-3): the geometric nonlinearity of the springs is O(strain).
    System s = make_block(nx, nx, nz, a, 0.0, 1000.0);
    m.across = uniaxial_stress(s, 1, 1e-3) / 1e-3;
  }
  {
    // (b) Along the fibres in their linear region (e_toe = 0.02 < 0.04 < 0.05 < e_yield = 0.08):
    // the difference of two stresses removes the toe's offset; the tangent is E_m + E_f.
    System s = make_block(nx, nx, nz, a, 0.0, 1000.0);
    const double s1 = uniaxial_stress(s, 0, 0.04);
    const double s2 = uniaxial_stress(s, 0, 0.05);
    m.along = (s2 - s1) / 0.01;
  }
  {
    System s = make_block(nx, nx, nz, a, 0.0, 1000.0);
    m.shear = shear_modulus(s, 1e-3);
  }
  return m;
}

const Moduli& coarse() {
  static const Moduli m = measure(1);
  return m;
}
const Moduli& fine() {
  static const Moduli m = measure(2);
  return m;
}

// Tolerances (docs/model.md §4.3 "Homogenisation check" asks for a stated tolerance; the task for 5 %). What remains besides
// round-off: for (a) and (b), the non-uniform fields at the edges of the free lateral faces
// (nodes owned by fewer cells do not satisfy the traction-free condition exactly), the springs'
// geometric nonlinearity (O(strain): 1e-3 for (a); for (b) the matrix tangent at 4.5 % strain,
// which is 7 % of the total) and the fibre stencil (kappa = 1000 puts 99.9 % of E_f on the x
// bonds); for (c), nothing but round-off: the affine shear is the exact discrete solution.
// Measured: (a) +0.06 %, (b) +0.27 %, (c) 1e-8 (both spacings). The bound is the 5 % asked of
// the model; (d) holds the two spacings to 1-2 % of each other.
TEST(Homogenisation, YoungsModulusAcrossFibresIsMatrixModulus) {
  EXPECT_NEAR(coarse().across, kEm, 0.05 * kEm);
}

TEST(Homogenisation, TangentModulusAlongFibresIsMatrixPlusFibre) {
  EXPECT_NEAR(coarse().along, kEm + kEf, 0.05 * (kEm + kEf));
}

TEST(Homogenisation, ShearModulusInFibrePlaneNormalIsMatrixMu) {
  const double mu = dense().shear_modulus;
  EXPECT_NEAR(coarse().shear, mu, 0.05 * mu);
}

TEST(Homogenisation, HalvingTheSpacingLeavesModuliUnchanged) {
  // Same physical block, twice the nodes per direction.
  EXPECT_NEAR(fine().across, coarse().across, 0.02 * coarse().across);
  EXPECT_NEAR(fine().along, coarse().along, 0.02 * coarse().along);
  EXPECT_NEAR(fine().shear, coarse().shear, 0.01 * coarse().shear);
  // And the refined block meets the targets too.
  EXPECT_NEAR(fine().across, kEm, 0.05 * kEm);
  EXPECT_NEAR(fine().along, kEm + kEf, 0.05 * (kEm + kEf));
  EXPECT_NEAR(fine().shear, dense().shear_modulus, 0.05 * dense().shear_modulus);
}

// ---- dispersed fibres: the homogenised tensor of the all-tension state -----------------------
//
// Fibres are tension-only, so the lattice has no single small-strain tensor: C depends on which
// fibres are stretched. In a state where the in-plane strain is positive definite every in-plane
// direction is stretched, every fibre bond is in tension, and the energy density is exactly
// quadratic, W = 1/2 eps : C : eps with C = C_matrix + E_f <a⊗a⊗a⊗a> (fiber_tensor). We make the
// fibres linear from (almost) zero strain (e_toe = 1e-9) and impose such a strain.
//
// The lattice is a Bravais lattice (one node per cell, every cell alike), so a homogeneous
// deformation is an exact equilibrium of every node whose stencil lies inside the block — the
// test checks that — and the bulk energy density of that state is the homogenised response. It
// is read by a double difference over block sizes, W(N2,N2) - W(N2,N1) - W(N1,N2) + W(N1,N1),
// which cancels the boundary cells (they lose the knight-move bonds that would leave the block;
// that would bias a whole-block average by several percent for this stencil). With a relaxed
// interior instead, the fibre network's boundary layers are long (stiff in-plane fibres over a
// soft matrix) and the double difference converges only slowly with N.

/// Lattice energy of an (nx x ny cells) x 2-cell block under the homogeneous strain eps, and
/// the largest internal force on a node two or more cells from every lateral face, relative to
/// the largest force on any node.
std::pair<double, double> affine_block(Index nx_cells, Index ny_cells, const Mat3& eps) {
  const FiberLaw linear(1e-9, FiberLaw().toe_exponent());
  System s = make_block(nx_cells + 1, ny_cells + 1, 3, kSpacing, 30.0, 5.0, linear);
  const Vec3 len = extent(s);
  for (std::size_t i = 0; i < s.num_nodes(); ++i) {
    const Vec3 x = rest(s, i) + eps * rest(s, i);
    for (int c = 0; c < 3; ++c) s.positions[3 * i + c] = x[c];
  }
  std::vector<double> f;
  internal_forces(s, view(s.positions), f);
  double inner = 0.0, all = 0.0;
  for (std::size_t i = 0; i < s.num_nodes(); ++i) {
    const Vec3 p = rest(s, i);
    const double fi = Eigen::Map<const Vec3>(&f[3 * i]).norm();
    all = std::max(all, fi);
    const double margin = 2.0 * kSpacing - 1e-9;
    if (p.x() > margin && p.y() > margin && len.x() - p.x() > margin && len.y() - p.y() > margin &&
        on(p.z(), kSpacing))
      inner = std::max(inner, fi);
  }
  return {internal_energy(s, view(s.positions)), inner / all};
}

double contract(const SymTensor4& c, const Mat3& eps) {
  // eps : C : eps with C fully symmetric, summing over all 81 index combinations.
  const auto& idx = symmetric_indices();
  double w = 0.0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k)
        for (int l = 0; l < 3; ++l) {
          std::array<int, 4> q = {i, j, k, l};
          std::sort(q.begin(), q.end());
          for (int m = 0; m < 15; ++m)
            if (idx[m] == q) w += c[m] * eps(i, j) * eps(k, l);
        }
  return w;
}

TEST(Homogenisation, DispersedFibresMatchContinuumTensorInAllTensionStates) {
  const LayerMaterial m = dense();
  const double lambda = m.drained_bulk - 2.0 / 3.0 * m.shear_modulus;
  // Matrix: lambda (tr eps)^2 + 2 mu eps:eps (not a fully symmetric tensor unless lambda = mu,
  // so it is contracted directly rather than stored as a SymTensor4).
  auto matrix_energy = [&](const Mat3& eps) {
    return 0.5 * (lambda * eps.trace() * eps.trace() + 2.0 * m.shear_modulus * eps.squaredNorm());
  };
  const SymTensor4 fibres = fiber_tensor(kEf, std::numbers::pi / 6.0, 5.0);
  // Strain 1e-4: geometric nonlinearity of bond strains is O(1e-4) relative.
  const double e = 1e-4;
  std::vector<std::pair<const char*, Mat3>> states;
  auto in_plane = [&](double xx, double yy, double xy, double zz) {
    Mat3 t = Mat3::Zero();
    t(0, 0) = xx;
    t(1, 1) = yy;
    t(0, 1) = t(1, 0) = xy;
    t(2, 2) = zz;
    return Mat3(e * t);
  };
  states.emplace_back("uniaxial x", in_plane(1, 0, 0, 0));
  states.emplace_back("uniaxial y", in_plane(0, 1, 0, 0));
  states.emplace_back("equibiaxial", in_plane(1, 1, 0, 0));
  states.emplace_back("sheared, along the fibres", in_plane(2, 1, 1, 0));
  states.emplace_back("sheared, across the fibres", in_plane(1, 1, -0.5, 0.5));
  const Index n1 = 6, n2 = 10;
  const double bulk_volume = double(n2 - n1) * (n2 - n1) * 2.0 * std::pow(kSpacing, 3);
  // The weights the builder gives the fibre stencil (the same call as builder.cpp's add_fibers).
  std::vector<Vec3> dirs;
  for (auto [i, j] : std::vector<std::pair<int, int>>{{1, 0}, {0, 1}, {1, 1}, {-1, 1}, {2, 1}, {1, 2}, {-1, 2}, {-2, 1}})
    dirs.push_back(Vec3(i * kSpacing, j * kSpacing, 0));
  const double cell = std::pow(kSpacing, 3);
  const SymTensor4 stencil = bond_tensor(dirs, fit_bonds(dirs, cell, fibres).stiffness, cell);
  for (const auto& [name, eps] : states) {
    double w = 0.0;
    for (auto [nx, ny, sign] : {std::tuple{n2, n2, 1.0}, {n2, n1, -1.0}, {n1, n2, -1.0}, {n1, n1, 1.0}}) {
      const auto [energy, inner_force] = affine_block(nx, ny, eps);
      w += sign * energy;
      // Homogeneous deformation is an equilibrium away from the lateral faces (round-off only).
      EXPECT_LT(inner_force, 1e-9) << name;
    }
    // The lattice reproduces its calibrated tensor: only the strain nonlinearity O(eps) = 1e-4
    // and e_toe / eps = 1e-5 remain (measured 5e-5).
    const double calibrated = (matrix_energy(eps) + 0.5 * contract(stencil, eps)) * bulk_volume;
    EXPECT_NEAR(w, calibrated, 1e-3 * calibrated) << name;
    const double fibre_part = 0.5 * contract(fibres, eps) * bulk_volume;
    const double expected = matrix_energy(eps) * bulk_volume + fibre_part;
    // Against the continuum: the 8-direction stencil cannot represent the von Mises tensor
    // exactly (fit residual 0.2 % of |C_f|, test_calibration.cpp); in a given strain state that
    // is up to 1.4 % of the fibre energy, 0.7 % of the total (measured: the state across the
    // fibres). 1 % bounds it; leaving out the matrix (>= 11 % of W) or the (2,1) knight moves
    // (which carry most of the fibre tensor at 30 deg) fails by far.
    EXPECT_NEAR(w, expected, 1e-2 * expected) << name;
    EXPECT_GT(fibre_part, 0.3 * expected) << name;  // non-vacuous: the fibres matter in every state
  }
}

}  // namespace
