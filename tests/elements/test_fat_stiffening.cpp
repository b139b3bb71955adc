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
