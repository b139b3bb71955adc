// SPDX-License-Identifier: MIT
// The fat's stiffening under compression (tissue/compression_stiffening.hpp) against closed forms:
// the factor g(I_n) = I_n^-beta of Hatt et al. 2023 and its continuation under tension; the shear
// modulus the matrix and the term show together in a compressed state (g mu), in the lattice's fat
// tetrahedra (elements/fat_stiffening.hpp) and in the finite-element hexahedra (elements/hexahedron.hpp);
// the builder putting them on the hypodermis alone. The generic force/Hessian checks of both
// groups are in test_element_contract.cpp.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "fascia/elements/detail/simplex.hpp"
#include "fascia/elements/fat_stiffening.hpp"
#include "fascia/elements/hexahedron.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/scenario_geometry.hpp"
#include "fascia/scenario_materials.hpp"

namespace fascia {
namespace {

constexpr double kBeta = 1.18, kMu = 752.0;  // Hatt et al. 2023 (fat)

TEST(CompressionStiffening, FactorIsHattsPowerLawUnderCompression) {
  const CompressionStiffening law{kBeta};
  // Hatt et al.: G*(C_yy) / G*(1) = C_yy^-1.18; at C = 0.5 fat is 2.27 times as stiff, at 0.25 5.13 times (4^1.18).
  EXPECT_NEAR(law.factor(0.5).g, std::pow(0.5, -kBeta), 1e-14);
  // The quoted values are rounded to four digits: 1e-3 is their rounding.
  EXPECT_NEAR(law.factor(0.5).g, 2.266, 1e-3);
  EXPECT_NEAR(law.factor(0.25).g, 5.134, 1e-3);
  EXPECT_DOUBLE_EQ(law.factor(1.0).g, 1.0);
  EXPECT_DOUBLE_EQ(CompressionStiffening{}.factor(0.3).g, 1.0);  // beta = 0: off
  EXPECT_FALSE(CompressionStiffening{}.active());
}

TEST(CompressionStiffening, DerivativesAreThoseOfTheFactorOnBothSides) {
  // Central differences with h = 1e-6: truncation ~ h^2 g''' ~ 1e-11, round-off ~ 1e-16 / h ~ 1e-10.
  const CompressionStiffening law{kBeta};
  const double h = 1e-6;
  for (double i_n : {0.2, 0.7, 0.999, 1.001, 1.5, 4.0}) {
    const auto k = law.factor(i_n);
    EXPECT_NEAR(k.dg, (law.factor(i_n + h).g - law.factor(i_n - h).g) / (2 * h), 1e-8 * std::abs(k.dg)) << i_n;
    EXPECT_NEAR(k.d2g, (law.factor(i_n + h).dg - law.factor(i_n - h).dg) / (2 * h), 1e-6 * std::abs(k.d2g)) << i_n;
  }
  // C1 at I_n = 1: the same slope -beta from both sides; bounded below by 1/2 under tension.
  EXPECT_NEAR(law.factor(1.0 - 1e-12).dg, -kBeta, 1e-9);
  EXPECT_NEAR(law.factor(1.0 + 1e-12).dg, -kBeta, 1e-9);
  EXPECT_GT(law.factor(1e6).g, 0.5);
  EXPECT_LT(law.factor(1e6).g, 0.5001);
}

/// Positions of the unit cell's corners (bit order x + 2y + 4z, size d) under the map F.
std::vector<double> cell_positions(const Vec3& d, const Mat3& f) {
  std::vector<double> x;
  for (int b = 0; b < 8; ++b) {
    const Vec3 p = f * Vec3((b & 1) * d.x(), ((b >> 1) & 1) * d.y(), ((b >> 2) & 1) * d.z());
    x.insert(x.end(), {p.x(), p.y(), p.z()});
  }
  return x;
}

/// Isochoric compression to stretch lambda along z (a = lambda^-1/2 across) with an in-plane simple
/// shear gamma (x against y): F n = lambda e_z whatever gamma, J = 1.
Mat3 compressed_and_sheared(double lambda, double gamma) {
  const double a = 1.0 / std::sqrt(lambda);
  Mat3 f;
  f << a, gamma * a, 0, 0, a, 0, 0, 0, lambda;
  return f;
}

/// The six Kuhn tetrahedra of the cell with corners `rest`, with Hatt's law, as the builder adds them.
FatStiffeningGroup one_cell(const std::vector<double>& rest) {
  FatStiffeningGroup fat;
  fat.law.exponent = kBeta;
  for (const auto& kuhn : detail::kKuhnTetrahedra) {
    std::array<Index, 4> t = {kuhn.corners[0], kuhn.corners[1], kuhn.corners[2], kuhn.corners[3]};
    if (detail::rest_det<3>(view(rest), t) < 0) std::swap(t[1], t[2]);
    fat.add(t, view(rest), kMu);
  }
  return fat;
}

/// Energy of every element of the group at x.
double energy(const FatStiffeningGroup& fat, const std::vector<double>& x) {
  double w = 0.0;
  for (std::size_t e = 0; e < fat.size(); ++e) w += fat.energy(Index(e), view(x));
  return w;
}

TEST(FatStiffening, EnergyIsTheClosedFormAndTheShearModulusBecomesGMu) {
  // psi = mu/2 (g - 1)(I1 - 3) with I1 = a^2 (2 + gamma^2) + lambda^2 (J = 1), so the in-plane
  // shear stiffness d2psi/dgamma2 = mu (g - 1) a^2; with the neo-Hookean matrix's mu a^2 the cell
  // shows g mu a^2: the shear modulus Hatt et al. measured, scaled by the compressed geometry.
  const Vec3 d(2e-3, 1.5e-3, 1e-3);
  const std::vector<double> rest = cell_positions(d, Mat3::Identity());
  const FatStiffeningGroup fat = one_cell(rest);
  const double v = d.prod();
  for (double lambda : {0.4, 0.8, 1.3}) {
    const double a2 = 1.0 / lambda, g = fat.law.factor(lambda * lambda).g;
    auto psi = [&](double gamma) { return energy(fat, cell_positions(d, compressed_and_sheared(lambda, gamma))); };
    const double gamma = 0.3;
    const double closed = v * kMu / 2 * (g - 1) * (a2 * (2 + gamma * gamma) + lambda * lambda - 3);
    // Round-off of F from the corner positions: ~1e-15 relative.
    EXPECT_NEAR(psi(gamma), closed, 1e-12 * std::abs(closed)) << lambda;
    // d2psi/dgamma2 by central differences (psi is quadratic in gamma here: exact up to round-off
    // ~1e-16 |psi| / h^2 = 1e-10 relative with h = 1e-3).
    const double h = 1e-3;
    const double stiffness = (psi(h) - 2 * psi(0) + psi(-h)) / (h * h);
    EXPECT_NEAR(stiffness, v * kMu * (g - 1) * a2, 1e-7 * v * kMu * std::abs(g - 1) * a2) << lambda;
  }
  // At rest the term is zero: it adds nothing to small-strain moduli (elastography at rest, the
  // calibrations of docs/validation.md).
  EXPECT_EQ(energy(fat, rest), 0.0);
}

TEST(FatStiffening, ShearThroughTheThicknessKeepsTheCompressedStiffness) {
  // Isochoric compression lambda along z with a shear gamma of x through the thickness
  // (F_xz = gamma): the thickness stretch stays lambda, so g = g(lambda^2) and
  // psi = mu/2 (g - 1)(2/lambda + lambda^2 + gamma^2 - 3). (A law on C_zz = lambda^2 + gamma^2
  // would soften here, the escape that makes it lose ellipticity: next test.)
  const Vec3 d(1e-3, 1e-3, 1e-3);
  const std::vector<double> rest = cell_positions(d, Mat3::Identity());
  const FatStiffeningGroup fat = one_cell(rest);
  for (double lambda : {0.4, 0.7}) {
    for (double gamma : {0.3, 0.8}) {
      Mat3 f = compressed_and_sheared(lambda, 0.0);
      f(0, 2) = gamma;
      const double g = fat.law.factor(lambda * lambda).g;
      const double closed = d.prod() * kMu / 2 * (g - 1) * (2 / lambda + lambda * lambda + gamma * gamma - 3);
      // Round-off of F from the corner positions: ~1e-15 relative.
      EXPECT_NEAR(energy(fat, cell_positions(d, f)), closed, 1e-12 * closed) << lambda << " " << gamma;
    }
  }
}

TEST(FatStiffening, CompressedFatStaysStronglyElliptic) {
  // The acoustic tensor Q_ik(m) = A_iJkL m_J m_L of a point in isochoric compression lambda along
  // z (matrix + term, with a bulk term kappa/2 (J - 1)^2, kappa = 100 mu, whose tangent at J = 1 is
  // kappa H (x) H) must be positive definite for every direction m: otherwise the tissue can lower
  // its energy by a shear band, meshes fold and Newton fails. Its smallest eigenvalue is the shear
  // modulus g mu that Hatt et al. measured (a shear wave through the thickness, polarised in the
  // plane). Directions: a Fibonacci sphere of 400 plus the axes. With the law on C_zz the minimum
  // is negative from C_zz ~ 0.47 on (-25 mu at lambda = 0.5).
  const CompressionStiffening law{kBeta};
  const double mu = 1.0, kappa = 100.0;
  std::vector<Vec3> directions = {Vec3::UnitX(), Vec3::UnitY(), Vec3::UnitZ()};
  for (int k = 0; k < 400; ++k) {
    const double z = 1.0 - (2.0 * k + 1.0) / 400.0, r = std::sqrt(1.0 - z * z), phi = k * 2.399963229728653;
    directions.emplace_back(r * std::cos(phi), r * std::sin(phi), z);
  }
  for (double lambda : {0.3, 0.5, 0.7, 0.95}) {
    const double a = 1.0 / std::sqrt(lambda);
    Mat3 f = Mat3::Zero();
    f.diagonal() << a, a, lambda;
    detail::PointState s = detail::PointState::at(f);
    detail::add_isochoric_neo_hookean(mu, s, true);
    detail::add_compression_stiffening(law, mu, s, true);
    const Eigen::Map<const Eigen::Matrix<double, 9, 1>> vh(s.H.data());
    s.A += kappa * vh * vh.transpose();
    const double g = law.factor(lambda * lambda).g;
    double smallest = std::numeric_limits<double>::infinity();
    for (const Vec3& m : directions) {
      Mat3 q = Mat3::Zero();
      for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 3; ++k)
          for (int J_ = 0; J_ < 3; ++J_)
            for (int L = 0; L < 3; ++L) q(i, k) += s.A(detail::fidx(i, J_), detail::fidx(k, L)) * m(J_) * m(L);
      smallest = std::min(smallest, Eigen::SelfAdjointEigenSolver<Mat3>(q).eigenvalues().minCoeff());
    }
    // The minimum sits at m = z (exact up to round-off ~1e-15 g); 1e-9 allows the eigen solver's.
    EXPECT_NEAR(smallest, g * mu, 1e-9 * g) << lambda;
  }
}

TEST(FatStiffening, LatticeCellAndFiniteElementCarryTheSameLaw) {
  // Under a homogeneous F both integrate the same density: the hexahedron with the term minus the
  // one without equals the lattice cell's energy (relative round-off ~1e-13 of the matrix energy).
  const Vec3 d(1e-3, 1e-3, 0.5e-3);
  const std::vector<double> rest = cell_positions(d, Mat3::Identity());
  const FatStiffeningGroup fat = one_cell(rest);
  auto hex = [&](double beta) {
    Hex8Group g;
    HexMaterial m;
    m.shear_modulus = kMu;
    m.bulk_modulus = 1e3 * kMu;
    m.stiffening.exponent = beta;
    g.materials = {m};
    g.add({0, 1, 2, 3, 4, 5, 6, 7}, view(rest), 0, 0.14);
    return g;
  };
  const Hex8Group plain = hex(0.0), stiff = hex(kBeta);
  Mat3 f = compressed_and_sheared(0.6, 0.2);
  f(2, 0) = 0.1;  // and a shear through the thickness
  const auto x = cell_positions(d, f);
  const double term = energy(fat, x);
  EXPECT_GT(term, 0.0);
  EXPECT_NEAR(stiff.energy(0, view(x)) - plain.energy(0, view(x)), term, 1e-12 * plain.energy(0, view(x)));
}

TEST(FatStiffening, TheBuilderPutsItOnTheHypodermisCellsOnly) {
  GeometrySpec g;
  g.size_mm = {4.0, 3.0};
  g.spacing_mm = 0.5;
  g.layers = 2;
  MaterialSpec m;
  m.muscle_thickness_mm = 1.0;
  auto build = [&](double beta) {
    m.hypodermis_stiffening_exponent = beta;
    TissueMaterials mat = make_materials(TissueSpec{}, m, 3e-3);
    mat.skin_thickness = 1e-3;
    mat.hypodermis_thickness = 2e-3;
    return build_lattice(slab_geometry(g), mat);
  };
  const Lattice lat = build(kBeta);
  const auto& fat = std::get<FatStiffeningGroup>(lat.groups);
  // Six tetrahedra in each of 8 x 6 cells in plane and 2 mm / 0.5 mm = 4 through the hypodermis;
  // skin, fascia, muscle: none.
  EXPECT_EQ(fat.size(), 6u * 8u * 6u * 4u);
  EXPECT_EQ(fat.law.exponent, kBeta);
  for (std::size_t e = 0; e < fat.size(); ++e) {
    EXPECT_EQ(fat.shear_modulus[e], kMu);
    // 2.1e-11 m^3 from edges of 0.5 mm: round-off ~1e-15 relative; 1e-21 m^3 (5e-11 relative) is
    // far above it and far below any wrong factor.
    EXPECT_NEAR(fat.rest_volume[e], 0.5e-3 * 0.5e-3 * 0.5e-3 / 6.0, 1e-21);
  }
  EXPECT_EQ(std::get<FatStiffeningGroup>(build(0.0).groups).size(), 0u);
}

}  // namespace
}  // namespace fascia
