// SPDX-License-Identifier: MIT
// HA viscosity eta_HA(T, c, shear rate) (docs/model.md "HA viscosity and fasciacytes", tissue/ha_viscosity.hpp): the Arrhenius
// factor, the Carreau curve and the c^3.3 scaling against their closed forms, and the way
// temperature reaches the materials: only through the Arrhenius factor on the Prony times and the
// interface viscosity.
//
// Tolerances: each closed form below evaluates the same few exp/pow calls as the code, in a
// different order, so the two agree to a few ulp; 1e-12 relative is ~4500 ulp, far below any real
// error (a wrong exponent, sign or unit gives O(1e-2) or more).
#include <gtest/gtest.h>

#include <cmath>

#include "fascia/scenario_geometry.hpp"
#include "fascia/elements/groups.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/tissue/ha_viscosity.hpp"
#include "fascia/tissue/material.hpp"

namespace {

using namespace fascia;

constexpr double kRel = 1e-12;
constexpr double kR = 8.314462618;  // J/(mol K), CODATA 2018
constexpr double kT37 = 310.15, kT15 = 288.15;

#define EXPECT_REL(a, b, tol) EXPECT_NEAR((a), (b), (tol) * std::abs(b))

TEST(HAViscosity, ArrheniusClosedForm) {
  const HAViscosityLaw law;  // E_a = 16 kJ/mol, T_ref = 37 °C
  EXPECT_EQ(law.arrhenius(kT37), 1.0);
  for (double t : {kT15, 273.15 + 25.0, 273.15 + 42.0}) {
    EXPECT_REL(law.arrhenius(t), std::exp(16e3 / kR * (1.0 / t - 1.0 / kT37)), kRel) << t;
  }
  // 15 °C: exp(16000/8.314462618 (1/288.15 - 1/310.15)) = 1.60595085939... (evaluated separately).
  EXPECT_REL(law.arrhenius(kT15), 1.6059508593906204, kRel);
  // Cold raises, warm lowers the viscosity.
  EXPECT_GT(law.arrhenius(kT15), 1.0);
  EXPECT_LT(law.arrhenius(273.15 + 42.0), 1.0);
  // E_a = 16 kJ/mol is water's: it reproduces water's viscosity ratio 25 -> 37 °C (0.8900 /
  // 0.6913 mPa s, IAPWS 2008) within 0.3 %; 1 % leaves room for the source's rounding, while
  // 12 or 20 kJ/mol would miss by >6 %.
  EXPECT_NEAR(law.arrhenius(273.15 + 25.0), 0.8900 / 0.6913, 0.01 * 0.8900 / 0.6913);
}

TEST(HAViscosity, CarreauClosedForm) {
  HAViscosityLaw law;
  law.infinite_shear_viscosity = 0.0;
  const double lambda = 4.5, n = 0.25;
  // At zero shear rate the curve starts at eta0 exactly.
  EXPECT_EQ(law.carreau(0.0), 1.0);
  EXPECT_EQ(law(kT37, law.reference_concentration, 0.0), law.reference_viscosity);
  // At lambda gamma_dot = 1: 2^((n-1)/2).
  EXPECT_REL(law.carreau(1.0 / lambda), std::pow(2.0, 0.5 * (n - 1.0)), kRel);
  for (double gd : {0.01, 0.3, 2.0, 50.0}) {
    const double expected = std::pow(1.0 + lambda * gd * lambda * gd, (n - 1.0) / 2.0);
    EXPECT_REL(law.carreau(gd), expected, kRel) << gd;
    EXPECT_REL(law(kT37, law.reference_concentration, gd), law.reference_viscosity * expected, kRel) << gd;
    // Shear rate enters as a magnitude.
    EXPECT_EQ(law(kT37, 2.0, -gd), law(kT37, 2.0, gd));
  }
  // Power-law regime: eta -> eta0 (lambda gamma_dot)^(n-1); at lambda gamma_dot = 1e4 the
  // correction (1 + 1e-8)^(-0.375) is 4e-9 relative.
  const double gd = 1e4 / lambda;
  EXPECT_REL(law.carreau(gd), std::pow(1e4, n - 1.0), 1e-8);
}

TEST(HAViscosity, CarreauWithSolventViscosity) {
  HAViscosityLaw law;  // eta_inf = water at 37 °C
  const double eta0 = law.zero_shear(3.0);
  for (double gd : {0.0, 0.5, 20.0, 1e6}) {
    const double expected = 0.69e-3 + (eta0 - 0.69e-3) * std::pow(1.0 + 20.25 * gd * gd, -0.375);
    EXPECT_REL(law(kT37, 3.0, gd), expected, kRel) << gd;
  }
  // Extreme shear: the solvent floor, not zero.
  EXPECT_REL(law(kT37, 3.0, 1e12), 0.69e-3, 1e-6);
  // A solution thinner than its solvent stays Newtonian at eta0 (eta_inf clipped to eta0).
  const double c_dilute = 0.1;
  ASSERT_LT(law.zero_shear(c_dilute), law.infinite_shear_viscosity);
  EXPECT_EQ(law(kT37, c_dilute, 100.0), law.zero_shear(c_dilute));
}

TEST(HAViscosity, ZeroShearScalesAsConcentrationToThe3Point3) {
  const HAViscosityLaw law;
  // Bothner & Wik 1987: twice the concentration, 2^3.3 = 9.849 (~10x) the viscosity.
  EXPECT_REL(law.zero_shear(2.0 * law.reference_concentration) / law.zero_shear(law.reference_concentration),
             9.849155306759329, kRel);
  for (double c : {0.5, 1.0, 4.0, 10.0})
    EXPECT_REL(law.zero_shear(c), law.reference_viscosity * std::pow(c / law.reference_concentration, 3.3), kRel)
        << c;
}

TEST(HAViscosity, FifteenDegreesRaisesViscosityByTheArrheniusFactor) {
  const HAViscosityLaw law;
  const double factor = std::exp(16e3 / kR * (1.0 / kT15 - 1.0 / kT37));
  for (double c : {1.0, 2.5, 5.0})
    for (double gd : {0.0, 0.2, 3.0, 100.0}) {
      EXPECT_REL(law(kT15, c, gd) / law(kT37, c, gd), factor, kRel) << c << " " << gd;
      EXPECT_GT(law(kT15, c, gd), law(kT37, c, gd));
    }
}

TEST(HAViscosity, TemperatureReachesMaterialsOnlyThroughTheArrheniusFactor) {
  TissueSpec warm, cold;
  cold.temperature_c = 15.0;
  const MaterialSpec m;
  const HASpec ha;
  const TissueMaterials a = make_materials(warm, m, 3e-3, ha);
  const TissueMaterials b = make_materials(cold, m, 3e-3, ha);
  const double factor = std::exp(16e3 / kR * (1.0 / kT15 - 1.0 / kT37));
  EXPECT_REL(b.viscous_time_factor, factor, kRel);
  EXPECT_EQ(a.viscous_time_factor, 1.0);
  // Every Prony time (dense and loose ground substance) scales by a_T; the fractions do not.
  ASSERT_EQ(a.dense.prony.size(), b.dense.prony.size());
  ASSERT_EQ(a.loose.prony.size(), b.loose.prony.size());
  ASSERT_FALSE(a.loose.prony.empty());
  for (std::size_t i = 0; i < a.dense.prony.size(); ++i) {
    EXPECT_REL(b.dense.prony[i].tau, a.dense.prony[i].tau * factor, kRel);
    EXPECT_EQ(b.dense.prony[i].g, a.dense.prony[i].g);
  }
  for (std::size_t i = 0; i < a.loose.prony.size(); ++i) {
    EXPECT_REL(b.loose.prony[i].tau, a.loose.prony[i].tau * factor, kRel);
    EXPECT_EQ(b.loose.prony[i].g, a.loose.prony[i].g);
  }
  // At 37 °C the times are the [material] values.
  EXPECT_EQ(a.loose.prony[0].tau, m.loose_prony_tau_s[0]);
  EXPECT_EQ(a.dense.prony[0].tau, m.dense_prony_tau_s[0]);
  // The interface viscosity too; nothing else differs.
  EXPECT_REL(b.ha_viscosity, a.ha_viscosity * factor, kRel);
  EXPECT_REL(a.ha_viscosity, m.ha_viscosity_pa_s, kRel);  // c0 = c_ref, zero shear, 37 °C
  EXPECT_EQ(a.dense.shear_modulus, b.dense.shear_modulus);
  EXPECT_EQ(a.dense.fiber_modulus, b.dense.fiber_modulus);
  EXPECT_EQ(a.loose.shear_modulus, b.loose.shear_modulus);
  EXPECT_EQ(a.dense.undrained_bulk, b.dense.undrained_bulk);
  EXPECT_EQ(a.dense.drainage_time, b.dense.drainage_time);

  // The lattice: interface branches and the interfaces' HA state carry the same factor.
  GeometrySpec g;
  g.size_mm = {1.0, 1.0};
  g.layers = 2;
  g.layer_thickness_mm = 0.25;  // cubic cells: spring matrix with Maxwell (Prony) springs
  g.spacing_mm = 0.25;
  const Lattice la = build_lattice(slab_geometry(g), a), lb = build_lattice(slab_geometry(g), b);
  const auto& ia = std::get<InterfaceGroup>(la.groups);
  const auto& ib = std::get<InterfaceGroup>(lb.groups);
  ASSERT_GT(ia.size(), 0u);
  ASSERT_EQ(ia.branches.size(), ib.branches.size());
  for (std::size_t i = 0; i < ia.branches.size(); ++i) EXPECT_REL(ib.branches[i].tau, ia.branches[i].tau * factor, kRel);
  EXPECT_TRUE(ia.ha_active);
  EXPECT_EQ(ib.temperature_k, kT15);
  for (std::size_t e = 0; e < ia.size(); ++e) {
    EXPECT_EQ(ia.ha_concentration[e], ha.concentration_mg_ml);
    EXPECT_REL(ib.ha_viscosity(Index(e)), ia.ha_viscosity(Index(e)) * factor, kRel);
  }
  const auto& ma = std::get<MaxwellSpringGroup>(la.groups);
  const auto& mb = std::get<MaxwellSpringGroup>(lb.groups);
  ASSERT_EQ(ma.size(), mb.size());
  ASSERT_GT(ma.size(), 0u);
  for (std::size_t e = 0; e < ma.size(); ++e) EXPECT_REL(mb.tau[e], ma.tau[e] * factor, kRel);
}

TEST(HAViscosity, ConcentrationKeysSetTheZeroShearViscosity) {
  // material.ha_viscosity_pa_s is quoted at reference_concentration_mg_ml: a resting
  // concentration twice as high starts at 2^a times that viscosity.
  HASpec ha;
  ha.concentration_mg_ml = 2.0 * ha.reference_concentration_mg_ml;
  const TissueMaterials mat = make_materials(TissueSpec{}, MaterialSpec{}, 3e-3, ha);
  EXPECT_REL(mat.ha_viscosity, MaterialSpec{}.ha_viscosity_pa_s * std::pow(2.0, 3.3), kRel);
  EXPECT_EQ(mat.fasciacyte.resting_concentration, ha.concentration_mg_ml);
}

}  // namespace
