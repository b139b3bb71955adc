// SPDX-License-Identifier: MIT
// The fasciacyte rule on one interface element (docs/model.md "HA viscosity and fasciacytes", tissue/fasciacyte.hpp, the HA state
// of elements/interface.hpp): under an imposed constant shear rate and compression, the HA
// concentration follows the ODE's closed-form solution
//   c(t) = c0 + S tau + (c(0) - c0 - S tau) exp(-t/tau),  S = s <gamma - g0>_+ <-sigma_n/sigma_ref>_+;
// `shear_only` drops the compression factor, `off` keeps c = c0; HA feeds back into the viscosity
// (eta_HA(c)), and the dissipation end_step reports still closes the element's energy ledger.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "fascia/elements/interface.hpp"

namespace {

using namespace fascia;

constexpr double kH = 43e-6;       // loose-layer thickness [m] (Stecco 2009)
constexpr double kArea = 6.25e-8;  // tributary area of a 0.25 mm lattice node [m^2]
constexpr double kDt = 0.02;       // step [s]
constexpr int kSteps = 500;        // 10 s = 2.5 turnover times
/// The exponential integrator is exact for a constant source; what remains is round-off: the
/// shear rate is recomputed each step from positions v t (relative error ~ eps n ~ 1e-13 after
/// 500 steps) and c accumulates ~ eps per step. 1e-12 relative is above that and orders of
/// magnitude below any modelling error (forward Euler at this step would be off by ~2e-3).
constexpr double kRel = 1e-12;

#define EXPECT_REL(a, b, tol) EXPECT_NEAR((a), (b), (tol) * std::abs(b))

FasciacyteRule test_rule(FasciacyteMode mode) {
  FasciacyteRule r;
  r.mode = mode;
  r.resting_concentration = 2.5;  // mg/ml
  r.secretion = 1.8;              // mg/ml per unit shear strain
  r.shear_rate_threshold = 0.5;   // 1/s
  r.reference_stress = 50e3;      // Pa
  r.turnover_time = 4.0;          // s (short, so that the test covers the decay)
  return r;
}

/// One interface element, node 0 below at the origin, node 1 above at (0, 0, h).
InterfaceGroup one_element(FasciacyteMode mode, double k_shear = 0.0) {
  InterfaceGroup g;
  g.ha_active = true;
  g.fasciacyte = test_rule(mode);
  g.temperature_k = kBodyTemperatureK;
  // Compression stiffness A K / h chosen so that an opening of -1 um gives sigma_n = -25 kPa.
  g.add(0, 1, Vec3(0, 0, kH), kH, k_shear, 25e3 * kArea / 1e-6, 10.0, kArea, 0.0);
  return g;
}

/// Node positions with the upper node slipped by `slip` along x and opened by `opening` along z.
std::vector<double> positions(double slip, double opening) { return {0, 0, 0, slip, 0, kH + opening}; }

struct Drive {
  double shear_rate;  ///< imposed gamma_dot = v / h [1/s]
  double opening;     ///< imposed normal opening s_n [m] (negative: compression)
};

/// Runs kSteps steps of the imposed motion; returns c after each step, and the work done on the
/// element and the energy it reports dissipated.
struct History {
  std::vector<double> c;
  double work = 0.0, dissipated = 0.0;
};
History drive(InterfaceGroup& g, const Drive& d, int steps = kSteps, double dt = kDt) {
  History h;
  const double v = d.shear_rate * kH;
  for (int n = 0; n < steps; ++n) {
    const StepContext ctx{dt, n * dt, std::uint64_t(n), 1};
    const std::vector<double> x0 = positions(v * n * dt, d.opening), x1 = positions(v * (n + 1) * dt, d.opening);
    g.begin_group_step(ctx);
    g.begin_step(0, view(x0), ctx);
    const Vec3 f = g.force_on_opening(0, view(x1));  // backward Euler: the end-of-step force
    h.work += f.dot(g.opening(0, view(x1)) - g.opening(0, view(x0)));
    h.dissipated += g.end_step(0, view(x1), ctx);
    h.c.push_back(g.ha_concentration[0]);
  }
  return h;
}

double closed_form(double c_start, double c0, double source, double tau, double t) {
  return c0 + source * tau + (c_start - c0 - source * tau) * std::exp(-t / tau);
}

TEST(Fasciacyte, CompressionAndShearFollowsTheClosedForm) {
  InterfaceGroup g = one_element(FasciacyteMode::compression_and_shear);
  const Drive d{2.0, -1e-6};  // gamma_dot = 2/s, sigma_n = -25 kPa
  // S = 1.8 * (2 - 0.5) * (25/50) = 1.35 mg/ml/s
  const double source = 1.8 * (2.0 - 0.5) * 0.5;
  EXPECT_REL(g.normal_stress(0, view(positions(0.0, d.opening))), -25e3, kRel);
  const History h = drive(g, d);
  for (int n = 0; n < kSteps; n += 50)
    EXPECT_REL(h.c[n], closed_form(2.5, 2.5, source, 4.0, (n + 1) * kDt), kRel) << n;
  EXPECT_REL(h.c.back(), closed_form(2.5, 2.5, source, 4.0, kSteps * kDt), kRel);
  EXPECT_GT(h.c.back(), 2.5 + 0.9 * source * 4.0);  // well into the approach to c0 + S tau
}

TEST(Fasciacyte, DecaysToRestingConcentrationWithoutCompression) {
  // compression_and_shear under tension (opening > 0): no secretion, c relaxes to c0.
  InterfaceGroup g = one_element(FasciacyteMode::compression_and_shear);
  g.ha_concentration[0] = 5.0;
  const History h = drive(g, {2.0, +1e-6});
  for (int n = 0; n < kSteps; n += 50) EXPECT_REL(h.c[n], closed_form(5.0, 2.5, 0.0, 4.0, (n + 1) * kDt), kRel) << n;
}

TEST(Fasciacyte, ShearOnlyIgnoresTheNormalStress) {
  for (const double opening : {+1e-6, -1e-6, -4e-6}) {
    InterfaceGroup g = one_element(FasciacyteMode::shear_only);
    const History h = drive(g, {3.0, opening});
    const double source = 1.8 * (3.0 - 0.5);
    EXPECT_REL(h.c.back(), closed_form(2.5, 2.5, source, 4.0, kSteps * kDt), kRel) << opening;
  }
}

TEST(Fasciacyte, BelowThresholdNoSecretion) {
  InterfaceGroup g = one_element(FasciacyteMode::compression_and_shear);
  const History h = drive(g, {0.4, -4e-6});  // gamma_dot < g0 = 0.5/s
  for (double c : h.c) EXPECT_REL(c, 2.5, kRel);
  // ...and just above it, secretion (so the check above is not vacuous).
  InterfaceGroup g2 = one_element(FasciacyteMode::compression_and_shear);
  EXPECT_GT(drive(g2, {0.6, -4e-6}).c.back(), 2.6);
}

TEST(Fasciacyte, OffKeepsRestingConcentration) {
  InterfaceGroup g = one_element(FasciacyteMode::off);
  const History h = drive(g, {5.0, -4e-6});
  for (double c : h.c) EXPECT_EQ(c, 2.5);
}

TEST(Fasciacyte, ExponentialIntegratorIsStableForLongSteps) {
  // dt = 25 tau in one step: c goes to c0 + S tau (1 - e^-25), no overshoot (forward Euler
  // would land at c0 + 25 S tau).
  InterfaceGroup g = one_element(FasciacyteMode::shear_only);
  const History h = drive(g, {2.0, 0.0}, 1, 100.0);
  const double source = 1.8 * 1.5;
  EXPECT_REL(h.c.back(), closed_form(2.5, 2.5, source, 4.0, 100.0), kRel);
  EXPECT_LT(h.c.back(), 2.5 + source * 4.0);
}

TEST(Fasciacyte, HAFeedsBackIntoTheViscosity) {
  InterfaceGroup g = one_element(FasciacyteMode::compression_and_shear);
  const HAViscosityLaw& law = g.ha_law;
  const Drive d{2.0, -1e-6};
  drive(g, d, 100);
  const double c = g.ha_concentration[0];
  ASSERT_GT(c, 4.0);
  // The next step freezes eta_HA(T, c, gamma_dot of the last step) A / h.
  const double gd = g.shear_rate[0];
  EXPECT_REL(gd, 2.0, 1e-12);
  const StepContext ctx{kDt, 2.0, 100, 1};
  g.begin_group_step(ctx);
  g.begin_step(0, view(positions(0.0, d.opening)), ctx);
  EXPECT_REL(g.viscosity[0], law(kBodyTemperatureK, c, gd) * kArea / kH, kRel);
  // ... which is the c^3.3 law over the resting state at the same shear rate (eta_inf aside).
  const double eta_rest = law(kBodyTemperatureK, 2.5, gd);
  const double expected_ratio = (law.zero_shear(c) * law.carreau(gd) + law.infinite_shear_viscosity * (1 - law.carreau(gd))) /
                                (law.zero_shear(2.5) * law.carreau(gd) + law.infinite_shear_viscosity * (1 - law.carreau(gd)));
  EXPECT_REL(g.ha_viscosity(0) / eta_rest, expected_ratio, 1e-12);
  EXPECT_GT(g.ha_viscosity(0) / eta_rest, std::pow(c / 2.5, 3.3) * 0.99);
}

TEST(Fasciacyte, EnergyLedgerClosesWhileTheViscosityChanges) {
  // A pure dashpot (no elastic shear, no branches) under imposed motion: the work done on it by
  // its backward-Euler force equals the dissipation end_step reports, step by step, although the
  // viscosity changes every step (c grows, the shear rate is lagged).
  InterfaceGroup g = one_element(FasciacyteMode::compression_and_shear);
  const History h = drive(g, {2.0, -1e-6});
  ASSERT_GT(h.dissipated, 0.0);
  ASSERT_GT(h.c.back(), 7.0);  // c tripled: eta grew ~ (c/c0)^3.3 ~ 35x during the run
  // Round-off only: each step's work and dissipation are the same products in another order.
  EXPECT_REL(h.work, h.dissipated, 1e-12);
}

TEST(Fasciacyte, ForcesAreTheGradientOfTheEnergyWithHA) {
  // The frozen viscosity keeps the incremental potential exact: force = dW/ds by central
  // differences (W is quadratic in s within a step: the difference is exact up to round-off,
  // ~eps |W| / step ~ 1e-9 relative here; 1e-6 leaves margin, a wrong factor gives O(1)).
  InterfaceGroup g = one_element(FasciacyteMode::compression_and_shear, 2.0);
  g.branches = {{0.3, 0.5}};
  drive(g, {2.0, -1e-6}, 20);
  const std::vector<double> x0 = positions(20 * kDt * 2.0 * kH, -1e-6);
  const StepContext ctx{kDt, 0.4, 20, 1};
  g.begin_group_step(ctx);
  g.begin_step(0, view(x0), ctx);
  std::vector<double> x = positions(20 * kDt * 2.0 * kH + 3e-7, -1.2e-6);
  x[4] += 1e-7;
  const Vec3 f = g.force_on_opening(0, view(x));
  const double step = 1e-10;
  for (int k = 0; k < 3; ++k) {
    std::vector<double> xp = x, xm = x;
    xp[3 + k] += step;
    xm[3 + k] -= step;
    const double fd = (g.energy(0, view(xp)) - g.energy(0, view(xm))) / (2 * step);
    EXPECT_NEAR(fd, f[k], 1e-6 * f.norm()) << k;
  }
}

TEST(Fasciacyte, ColdRaisesTheInterfaceViscosityByTheArrheniusFactor) {
  InterfaceGroup warm = one_element(FasciacyteMode::off), cold = one_element(FasciacyteMode::off);
  cold.temperature_k = kZeroCelsius + 15.0;
  const StepContext ctx{kDt, 0.0, 0, 1};
  for (InterfaceGroup* g : {&warm, &cold}) {
    g->shear_rate[0] = 1.5;
    g->begin_group_step(ctx);
    g->begin_step(0, view(positions(0.0, 0.0)), ctx);
  }
  const double factor = std::exp(16e3 / kGasConstant * (1.0 / (kZeroCelsius + 15.0) - 1.0 / kBodyTemperatureK));
  EXPECT_REL(cold.viscosity[0] / warm.viscosity[0], factor, kRel);
  EXPECT_GT(factor, 1.6);
}

}  // namespace
