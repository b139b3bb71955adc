// SPDX-License-Identifier: MIT
// The trilinear hexahedron of the finite-element engine (elements/hexahedron.hpp) against closed
// forms: patch test, uniaxial stress and simple shear of the matrix, fibre stress along and off
// the fibres, Prony relaxation, the Lamé thick cylinder with nearly incompressible tissue (where
// plain Q1 locks and the mean-dilatation element converges) and plane-wave speeds against the
// Christoffel equation for several fibre angles. The generic force/Hessian checks are in
// test_element_contract.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include <Eigen/SparseCholesky>

#include "fascia/lattice/calibration.hpp"
#include "fascia/solve/assembly.hpp"

namespace {

using namespace fascia;

constexpr double kMu = 1.0e4, kBulk = 1.0e5;  // loose-tissue-like matrix [Pa]

HexMaterial matrix_material(double mu = kMu, double bulk = kBulk) {
  HexMaterial m;
  m.shear_modulus = mu;
  m.bulk_modulus = bulk;
  return m;
}

/// A structured nx x ny x nz grid of hexahedra mapped by `map` (reference unit cube -> space).
template <class Map>
System grid(int nx, int ny, int nz, const HexMaterial& mat, Map map, bool mean_dilatation = true) {
  Lattice lat;
  auto id = [&](int i, int j, int k) { return Index((k * (ny + 1) + j) * (nx + 1) + i); };
  for (int k = 0; k <= nz; ++k)
    for (int j = 0; j <= ny; ++j)
      for (int i = 0; i <= nx; ++i) {
        const Vec3 p = map(Vec3(double(i) / nx, double(j) / ny, double(k) / nz));
        lat.rest_positions.insert(lat.rest_positions.end(), {p.x(), p.y(), p.z()});
      }
  lat.masses.assign(lat.rest_positions.size() / 3, 1.0);
  lat.layer_id.assign(lat.masses.size(), 0);
  auto& hex = std::get<Hex8Group>(lat.groups);
  hex.materials = {mat};
  hex.mean_dilatation = mean_dilatation;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        std::array<Index, 8> c;
        for (int b = 0; b < 8; ++b) c[b] = id(i + (b & 1), j + ((b >> 1) & 1), k + ((b >> 2) & 1));
        hex.add(c, view(lat.rest_positions), 0, 1.0);
      }
  return System(std::move(lat), 1);
}

/// Newton on the free DOFs (sys.fixed) for external forces `load` (n_dofs), from sys.positions.
void solve_static(System& sys, const std::vector<double>& load, int iterations = 8) {
  const std::size_t n = sys.num_dofs();
  std::vector<Eigen::Index> free_index(n, -1);
  Eigen::Index m = 0;
  for (std::size_t d = 0; d < n; ++d)
    if (!sys.fixed[d]) free_index[d] = m++;
  std::vector<double> f;
  for (int it = 0; it < iterations; ++it) {
    internal_forces(sys, view(sys.positions), f);
    Eigen::VectorXd r(m);
    for (std::size_t d = 0; d < n; ++d)
      if (free_index[d] >= 0) r[free_index[d]] = f[d] + load[d];
    const Eigen::SparseMatrix<double> h = internal_hessian(sys, view(sys.positions), HessianMode::exact);
    std::vector<Eigen::Triplet<double>> t;
    for (int c = 0; c < h.outerSize(); ++c)
      for (Eigen::SparseMatrix<double>::InnerIterator q(h, c); q; ++q)
        if (free_index[q.row()] >= 0 && free_index[q.col()] >= 0)
          t.emplace_back(free_index[q.row()], free_index[q.col()], q.value());
    Eigen::SparseMatrix<double> k(m, m);
    k.setFromTriplets(t.begin(), t.end());
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt(k);
    ASSERT_EQ(ldlt.info(), Eigen::Success);
    const Eigen::VectorXd du = ldlt.solve(r);
    for (std::size_t d = 0; d < n; ++d)
      if (free_index[d] >= 0) sys.positions[d] += du[free_index[d]];
  }
}

/// First Piola–Kirchhoff stress of the matrix law, in closed form (docs/model.md "Finite elements"):
/// P = mu J^{-2/3} (F - I1/3 F^{-T}) + K ln J F^{-T}.
Mat3 matrix_stress(const Mat3& f, double mu, double bulk) {
  const double j = f.determinant();
  const Mat3 h = f.inverse().transpose();
  return mu * std::pow(j, -2.0 / 3.0) * (f - f.squaredNorm() / 3.0 * h) + bulk * std::log(j) * h;
}

/// Sum of the internal forces on the nodes with reference coordinate `axis` = value (the reaction
/// on that face), per unit reference area `area`: the nominal traction -P n on the face.
Vec3 face_traction(System& sys, int axis, double value, double area) {
  std::vector<double> f;
  internal_forces(sys, view(sys.positions), f);
  Vec3 t = Vec3::Zero();
  for (std::size_t i = 0; i < sys.num_nodes(); ++i)
    if (std::abs(sys.rest_positions[3 * i + axis] - value) < 1e-12)
      for (int c = 0; c < 3; ++c) t[c] -= f[3 * i + c];
  return t / area;
}

void deform_affinely(System& sys, const Mat3& f) {
  for (std::size_t i = 0; i < sys.num_nodes(); ++i) {
    const Vec3 x = f * Eigen::Map<const Vec3>(&sys.rest_positions[3 * i]);
    for (int c = 0; c < 3; ++c) sys.positions[3 * i + c] = x[c];
  }
}

TEST(Hexahedron, PatchTestReproducesAnAffineDeformationOnADistortedMesh) {
  // A 3x3x3 patch whose interior nodes are displaced (distorted, non-parallelepiped elements).
  // Boundary nodes follow x = F0 X; the interior, solved by Newton from a perturbed start, must land
  // on F0 X too, with zero residual. Tolerance: Newton converges quadratically to round-off; 1e-9
  // of the element size leaves a margin of ~1e4 over the observed error.
  const double len = 1e-3;
  auto distort = [&](const Vec3& u) {
    Vec3 p = len * u;
    const bool interior = u.minCoeff() > 1e-9 && u.maxCoeff() < 1 - 1e-9;
    if (interior) p += 0.05 * len * Vec3(std::sin(7 * u.x() + 3 * u.y()), std::cos(5 * u.y() + 2 * u.z()), std::sin(4 * u.z() + u.x()));
    return p;
  };
  HexMaterial mat = matrix_material();
  mat.fiber_modulus = 50 * kMu;
  mat.fibers = von_mises_family(0.4, 3.0);
  System sys = grid(3, 3, 3, mat, distort);
  Mat3 f0;
  f0 << 1.04, 0.02, -0.01, 0.01, 0.98, 0.03, 0.0, -0.02, 1.01;
  deform_affinely(sys, f0);
  std::vector<double> target = sys.positions;
  for (std::size_t i = 0; i < sys.num_nodes(); ++i) {
    const bool boundary = std::abs(sys.rest_positions[3 * i] - 0) < 1e-15 || std::abs(sys.rest_positions[3 * i] - len) < 1e-15 ||
                          std::abs(sys.rest_positions[3 * i + 1]) < 1e-15 || std::abs(sys.rest_positions[3 * i + 1] - len) < 1e-15 ||
                          std::abs(sys.rest_positions[3 * i + 2]) < 1e-15 || std::abs(sys.rest_positions[3 * i + 2] - len) < 1e-15;
    for (int c = 0; c < 3; ++c) {
      sys.fixed[3 * i + c] = boundary ? 1 : 0;
      if (!boundary) sys.positions[3 * i + c] += 0.02 * len;
    }
  }
  solve_static(sys, std::vector<double>(sys.num_dofs(), 0.0));
  double err = 0.0;
  for (std::size_t d = 0; d < target.size(); ++d) err = std::max(err, std::abs(sys.positions[d] - target[d]));
  EXPECT_LT(err, 1e-9 * len);
  // Every Gauss point carries the same stress: the closed-form matrix stress plus the fibres'.
  const auto& hex = std::get<Hex8Group>(sys.groups);
  const Mat3 f_first = hex.deformation_gradient(0, 0, view(sys.positions));
  for (std::size_t e = 0; e < hex.size(); ++e)
    for (int g = 0; g < 8; ++g) EXPECT_LT((hex.deformation_gradient(Index(e), g, view(sys.positions)) - f0).norm(), 1e-9);
  EXPECT_LT((f_first - f0).norm(), 1e-9);
}

TEST(Hexahedron, UniaxialStressAndSimpleShearOfTheMatrixMatchClosedForms) {
  // One unit element. Uniaxial: x = lambda X imposed on the faces x = 0, L (only along x), lateral
  // faces free except symmetry planes; the lateral stretch t solves P22(diag(lambda, t, t)) = 0 in
  // closed form (bisection), and the reaction on x = L is P11. Simple shear: F = I + gamma e1 e2,
  // P12 = mu gamma exactly (J = 1). Both are homogeneous states, so the element is exact: the
  // tolerance 1e-8 covers Newton's round-off.
  const double len = 1e-3;
  System sys = grid(1, 1, 1, matrix_material(), [&](const Vec3& u) { return len * u; });
  const double lambda = 1.15;
  for (std::size_t i = 0; i < sys.num_nodes(); ++i) {
    const Vec3 X = Eigen::Map<const Vec3>(&sys.rest_positions[3 * i]);
    sys.fixed[3 * i] = 1;  // x prescribed on both faces (all nodes lie on one)
    sys.positions[3 * i] = lambda * X.x();
    sys.fixed[3 * i + 1] = X.y() == 0.0;
    sys.fixed[3 * i + 2] = X.z() == 0.0;
  }
  solve_static(sys, std::vector<double>(sys.num_dofs(), 0.0));
  double lo = 0.5, hi = 1.0;
  for (int it = 0; it < 200; ++it) {
    const double t = 0.5 * (lo + hi);
    (matrix_stress(Vec3(lambda, t, t).asDiagonal(), kMu, kBulk)(1, 1) > 0 ? hi : lo) = t;
  }
  const Mat3 f_exact = Vec3(lambda, lo, lo).asDiagonal();
  const double p11 = matrix_stress(f_exact, kMu, kBulk)(0, 0);
  EXPECT_NEAR(sys.positions[3 * 7 + 1] / len, lo, 1e-8);
  EXPECT_NEAR(face_traction(sys, 0, len, len * len).x(), p11, 1e-8 * std::abs(p11));

  const double gamma = 0.3;
  Mat3 shear = Mat3::Identity();
  shear(0, 1) = gamma;
  deform_affinely(sys, shear);
  EXPECT_NEAR(face_traction(sys, 1, len, len * len).x(), kMu * gamma, 1e-8 * kMu * gamma);
}

TEST(Hexahedron, FibreStressAlongAndOffTheFibreMatchesTheFibreLaw) {
  // One fibre direction at angle theta (kappa so large that one direction carries all weight),
  // stretch F = diag(lambda, 1, 1): the fibre stretch is l = sqrt(lambda^2 cos^2 + sin^2) and
  // the fibres add P11 = E_f s(l - 1) lambda cos^2(theta) / l (docs/model.md). Homogeneous: exact.
  const double len = 1e-3, ef = 100 * kMu, lambda = 1.06;
  for (double theta_deg : {0.0, 30.0, 60.0}) {
    const double th = theta_deg * std::numbers::pi / 180;
    HexMaterial m = matrix_material();
    m.fiber_modulus = ef;
    m.fibers.directions = {Vec3(std::cos(th), std::sin(th), 0)};
    m.fibers.weights = {1.0};
    System with = grid(1, 1, 1, m, [&](const Vec3& u) { return len * u; });
    System without = grid(1, 1, 1, matrix_material(), [&](const Vec3& u) { return len * u; });
    const Mat3 f = Vec3(lambda, 1, 1).asDiagonal();
    deform_affinely(with, f);
    deform_affinely(without, f);
    const double l = std::sqrt(lambda * lambda * std::cos(th) * std::cos(th) + std::sin(th) * std::sin(th));
    const double expected = ef * FiberLaw{}.stress(l - 1.0) * lambda * std::cos(th) * std::cos(th) / l;
    const double got = face_traction(with, 0, len, len * len).x() - face_traction(without, 0, len, len * len).x();
    EXPECT_NEAR(got, expected, 1e-9 * ef) << theta_deg;
  }
}

TEST(Hexahedron, TensionOnlyFibresCarryNothingInCompression) {
  const double len = 1e-3;
  HexMaterial m = matrix_material();
  m.fiber_modulus = 100 * kMu;
  m.fibers = von_mises_family(0.0, 50.0);
  System with = grid(1, 1, 1, m, [&](const Vec3& u) { return len * u; });
  System without = grid(1, 1, 1, matrix_material(), [&](const Vec3& u) { return len * u; });
  const Mat3 f = Vec3(0.95, 1.0, 1.0).asDiagonal();
  deform_affinely(with, f);
  deform_affinely(without, f);
  EXPECT_EQ(face_traction(with, 0, len, len * len).x(), face_traction(without, 0, len, len * len).x());
}

TEST(Hexahedron, PronyBranchesRelaxAShearStressExponentially) {
  // Simple shear gamma applied during the first step (a linear ramp over dt, which the exact
  // Maxwell update integrates exactly) and held: at small strain (J = 1, E12 = gamma / 2) the
  // branch stress is 2 mu_i q12 = mu_i gamma g_i exp(-(t - dt)/tau_i), g_i = tau_i/dt (1 - exp(-dt/tau_i)),
  // the response of a Maxwell element to that ramp, so P12(t) = gamma (mu + sum mu_i g_i
  // exp(-(t - dt)/tau_i)) at every step size. Tolerance: the finite-strain terms O(gamma) of E
  // and of F S (gamma = 1e-4: relative 1e-4).
  const double len = 1e-3, gamma = 1e-4;
  HexMaterial m = matrix_material();
  m.prony_modulus = {0.5 * kMu, 0.25 * kMu};
  m.prony_tau = {1.0, 10.0};
  System sys = grid(1, 1, 1, m, [&](const Vec3& u) { return len * u; });
  Mat3 shear = Mat3::Identity();
  shear(0, 1) = gamma;
  const double dt = 0.5;
  for (int s = 0; s < 20; ++s) {
    StepContext ctx{dt, s * dt, std::uint64_t(s), 1};
    begin_step(sys, ctx);
    if (s == 0) deform_affinely(sys, shear);
    end_step(sys, ctx);
    const double t = (s + 1) * dt;
    // After the step the next step's potential sees q: report the stress of the stored state.
    auto branch = [&](double mu_i, double tau) {
      return mu_i * tau / dt * -std::expm1(-dt / tau) * std::exp(-(t - dt) / tau);
    };
    const double expected = gamma * (kMu + branch(0.5 * kMu, 1.0) + branch(0.25 * kMu, 10.0));
    // Stress of the stored state: freeze a zero-length step (a = g = 1, E* = dev E - q).
    begin_step(sys, StepContext{0.0, t, 0, 1});
    EXPECT_NEAR(face_traction(sys, 1, len, len * len).x(), expected, 2e-4 * expected) << "t = " << t;
  }
}

/// Radial displacement of the Lamé thick cylinder (inner radius a, outer b, internal pressure p,
/// plane strain) at r = a: u = (1+nu) p a^2 / (E (b^2 - a^2)) [(1 - 2 nu) a + b^2 / a].
double lame_inner_displacement(double a, double b, double p, double mu, double bulk) {
  const double e = 9 * bulk * mu / (3 * bulk + mu), nu = (3 * bulk - 2 * mu) / (2 * (3 * bulk + mu));
  return (1 + nu) * p * a * a / (e * (b * b - a * a)) * ((1 - 2 * nu) * a + b * b / a);
}

/// Quarter of a thick cylinder, nr x nt elements, one element thick, plane strain (z fixed),
/// symmetry planes x = 0 and y = 0, internal pressure p as consistent nodal forces of the chords.
double cylinder_inner_displacement(int nr, int nt, double bulk, bool mean_dilatation) {
  const double a = 1e-3, b = 2e-3, p = 1e-4 * kMu;
  auto map = [&](const Vec3& u) {
    const double r = a + (b - a) * u.x(), t = 0.5 * std::numbers::pi * u.y();
    return Vec3(r * std::cos(t), r * std::sin(t), 0.2e-3 * u.z());
  };
  System sys = grid(nr, nt, 1, matrix_material(kMu, bulk), map, mean_dilatation);
  std::vector<double> load(sys.num_dofs(), 0.0);
  auto id = [&](int i, int j, int k) { return std::size_t((k * (nt + 1) + j) * (nr + 1) + i); };
  for (std::size_t n = 0; n < sys.num_nodes(); ++n) {
    const Vec3 X = Eigen::Map<const Vec3>(&sys.rest_positions[3 * n]);
    sys.fixed[3 * n + 2] = 1;
    if (std::abs(X.x()) < 1e-12) sys.fixed[3 * n] = 1;
    if (std::abs(X.y()) < 1e-12) sys.fixed[3 * n + 1] = 1;
  }
  for (int j = 0; j < nt; ++j)
    for (int k = 0; k < 1; ++k) {
      // The inner face of element (0, j): a flat rectangle (chord x height); pressure along its
      // outward normal into the tissue, a quarter of p x area on each corner.
      const std::array<std::size_t, 4> c = {id(0, j, 0), id(0, j + 1, 0), id(0, j, 1), id(0, j + 1, 1)};
      const Vec3 p0 = Eigen::Map<const Vec3>(&sys.rest_positions[3 * c[0]]), p1 = Eigen::Map<const Vec3>(&sys.rest_positions[3 * c[1]]);
      const Vec3 chord = p1 - p0;
      const Vec3 normal = Vec3(chord.y(), -chord.x(), 0).normalized();  // points outwards from the axis
      const double area = chord.norm() * 0.2e-3;
      for (auto n : c)
        for (int q = 0; q < 3; ++q) load[3 * n + q] += 0.25 * p * area * normal[q];
    }
  solve_static(sys, load, 3);
  double u = 0.0;
  int count = 0;
  for (int j = 0; j <= nt; ++j) {
    const std::size_t n = id(0, j, 0);
    const Vec3 X = Eigen::Map<const Vec3>(&sys.rest_positions[3 * n]);
    const Vec3 x = Eigen::Map<const Vec3>(&sys.positions[3 * n]);
    u += (x - X).dot(X.normalized());
    ++count;
  }
  return u / count;
}

TEST(Hexahedron, NearlyIncompressibleThickCylinderDoesNotLockWhereQ1Does) {
  // Lamé's thick cylinder with K / mu = 1e4 (nu = 0.49995, beyond the water's ~300): the classic
  // test of volumetric locking (e.g. Simo & Rifai 1990). Pressure 1e-4 mu keeps strains ~1e-4 so
  // the linear closed form applies (finite-strain terms 1e-4 relative). The inner boundary is a
  // polygon of nt chords, a geometric error O((pi / 4 nt)^2) ~ 1 % at nt = 8, falling 4x per
  // refinement: the mean-dilatation element must be within 3 % at nt = 8 and 1 % at nt = 16 and
  // improve with refinement; plain Q1 must visibly lock (less than half the closed form).
  const double bulk = 1e4 * kMu;
  const double exact = lame_inner_displacement(1e-3, 2e-3, 1e-4 * kMu, kMu, bulk);
  const double coarse = cylinder_inner_displacement(4, 8, bulk, true);
  const double fine = cylinder_inner_displacement(8, 16, bulk, true);
  const double q1 = cylinder_inner_displacement(8, 16, bulk, false);
  EXPECT_NEAR(coarse / exact, 1.0, 0.03);
  EXPECT_NEAR(fine / exact, 1.0, 0.01);
  EXPECT_LT(std::abs(fine / exact - 1.0), std::abs(coarse / exact - 1.0));
  EXPECT_LT(q1 / exact, 0.5) << "plain Q1 did not lock: " << q1 / exact;
  RecordProperty("mean_dilatation_ratio_8x16", std::to_string(fine / exact));
  RecordProperty("plain_q1_ratio_8x16", std::to_string(q1 / exact));
}

TEST(Hexahedron, PlaneWaveSpeedsMatchChristoffelForSeveralFibreAngles) {
  // Long-wavelength plane waves on a uniform grid of cubes of size h: the Bloch stiffness of one
  // element, K(k) = sum_ab H_ab exp(i k.(X_b - X_a)), with lumped mass rho h^3 gives
  // rho omega^2 d = K(k) d / h^3. As k h -> 0 this is the Christoffel equation
  // rho v^2 d = Gamma d, Gamma_ik = C_ijkl n_j n_l, with C the isotropic matrix plus the lattice's
  // fibre tensor fiber_tensor(E_f, theta, kappa) (lattice/calibration.hpp). The fibres are put
  // just past zero strain with e_toe = 0 so that their tangent is E_f (linear region) and their
  // prestress is negligible (1e-9). Q1 with lumped mass has a dispersion error O((k h)^2);
  // at k h = 0.01 that is ~1e-5: tolerance 1e-4 on each speed.
  const double h = 1e-4, rho = 1000.0, ef = 50 * kMu, kappa = 4.0, pre = 1e-9;
  for (double theta_deg : {0.0, 30.0, 78.0}) {
    const double th = theta_deg * std::numbers::pi / 180;
    HexMaterial m = matrix_material();
    m.fiber_modulus = ef;
    m.fibers = von_mises_family(th, kappa);
    System sys = grid(1, 1, 1, m, [&](const Vec3& u) { return h * u; });
    auto& hex = std::get<Hex8Group>(sys.groups);
    hex.law = FiberLaw(0.0, hex.law.toe_exponent());
    deform_affinely(sys, Vec3(1 + pre, 1 + pre, 1).asDiagonal());
    const Eigen::MatrixXd hm = Eigen::MatrixXd(internal_hessian(sys, view(sys.positions), HessianMode::exact));
    const SymTensor4 fib = fiber_tensor(ef, th, kappa);
    const auto& idx = symmetric_indices();
    auto c_fib = [&](int i, int j, int k, int l) {
      std::array<int, 4> s = {i, j, k, l};
      std::sort(s.begin(), s.end());
      for (int q = 0; q < 15; ++q)
        if (idx[q] == s) return fib[q];
      return 0.0;
    };
    for (double phi_deg : {0.0, 45.0, 100.0}) {
      const double phi = phi_deg * std::numbers::pi / 180;
      const Vec3 n(std::cos(phi), std::sin(phi), 0.3);
      const Vec3 nn = n.normalized();
      const Vec3 kv = 0.01 / h * nn;
      Eigen::Matrix3cd kk = Eigen::Matrix3cd::Zero();
      for (int a = 0; a < 8; ++a)
        for (int b = 0; b < 8; ++b) {
          const Vec3 d = Eigen::Map<const Vec3>(&sys.rest_positions[3 * b]) - Eigen::Map<const Vec3>(&sys.rest_positions[3 * a]);
          kk += hm.block<3, 3>(3 * a, 3 * b).cast<std::complex<double>>() * std::exp(std::complex<double>(0, kv.dot(d)));
        }
      const Eigen::Vector3d omega2 = Eigen::SelfAdjointEigenSolver<Eigen::Matrix3cd>(kk / (rho * h * h * h)).eigenvalues();
      Mat3 gamma;
      for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 3; ++k) {
          gamma(i, k) = kMu * (i == k) + (kBulk + kMu / 3.0) * nn[i] * nn[k];
          for (int j = 0; j < 3; ++j)
            for (int l = 0; l < 3; ++l) gamma(i, k) += c_fib(i, j, k, l) * nn[j] * nn[l];
        }
      const Eigen::Vector3d exact = Eigen::SelfAdjointEigenSolver<Mat3>(gamma / rho).eigenvalues();
      for (int w = 0; w < 3; ++w)
        EXPECT_NEAR(std::sqrt(omega2[w]) / kv.norm(), std::sqrt(exact[w]), 1e-4 * std::sqrt(exact[w]))
            << "fibres " << theta_deg << " deg, wave " << phi_deg << " deg, mode " << w;
    }
  }
}

TEST(Hexahedron, VonMisesFamilyReproducesTheLatticeFibreTensor) {
  // The family must reproduce the lattice's target tensor (2048-point quadrature) from uniform to
  // strongly aligned dispersion: trapezoidal quadrature of a periodic analytic density converges
  // geometrically, the direction count grows with sqrt(kappa) (fiber_family.hpp). Tolerance 1e-6.
  for (double kappa : {0.0, 1.0, 5.0, 20.0, 200.0}) {
    const FiberFamily f = von_mises_family(0.3, kappa);
    SymTensor4 c = SymTensor4::Zero();
    for (std::size_t q = 0; q < f.directions.size(); ++q) c += f.weights[q] * outer4(f.directions[q]);
    const SymTensor4 target = fiber_tensor(1.0, 0.3, kappa);
    EXPECT_LT((c - target).norm(), 1e-6 * target.norm()) << "kappa " << kappa;
  }
}

}  // namespace
