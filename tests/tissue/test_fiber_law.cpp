// SPDX-License-Identifier: MIT
// The collagen fibre law of docs/model.md §3.3 "Collagen fibres" (FiberLaw) and the history of a fibre (FiberGroup):
// tension only, exponential toe continuous in value and slope with the linear region
// (A = E_f / (B exp(B e_toe))), energy consistent with stress, irreversible rupture, permanent set.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "fascia/elements/fiber.hpp"
#include "fascia/tissue/material.hpp"

namespace {

using namespace fascia;

FiberLaw default_law() { return FiberLaw{}; }  // e_toe 0.02, B 60, e_fail 0.14, e_yield 0.08, p 0.5

TEST(FiberLaw, NoStressNoStiffnessNoEnergyInCompression) {
  const FiberLaw law = default_law();
  for (double e : {-0.5, -0.1, -1e-6, 0.0}) {
    EXPECT_EQ(law.stress(e), 0.0) << e;
    EXPECT_EQ(law.tangent(e), 0.0) << e;
    EXPECT_EQ(law.energy(e), 0.0) << e;
  }
  // ...and something just beyond zero (so the checks above are not those of a dead law).
  EXPECT_GT(law.stress(1e-3), 0.0);
  EXPECT_GT(law.energy(1e-3), 0.0);
}

TEST(FiberLaw, ToeMatchesClosedFormOfModel) {
  // docs/model.md §3.3 "Collagen fibres": sigma = A (exp(B e) - 1) in the toe, A = E_f / (B exp(B e_toe)); s = sigma / E_f.
  for (const double b : {20.0, 60.0, 150.0}) {
    const FiberLaw law(0.02, b);
    const double a = 1.0 / (b * std::exp(b * law.toe_strain()));
    for (double e : {1e-4, 0.005, 0.01, 0.0199}) {
      // Both sides evaluate the same exponentials: agreement to a few ulp.
      EXPECT_NEAR(law.stress(e), a * (std::exp(b * e) - 1.0), 1e-12 * a * std::exp(b * e)) << b << " " << e;
    }
    // Linear region: slope E_f (ds/de = 1) from the value at e_toe.
    const double s_toe = a * (std::exp(b * law.toe_strain()) - 1.0);
    for (double e : {0.03, 0.08, 0.13}) EXPECT_NEAR(law.stress(e), s_toe + (e - law.toe_strain()), 1e-14);
  }
}

TEST(FiberLaw, ContinuousValueAndSlopeAtToeEnd) {
  const FiberLaw law = default_law();
  const double et = law.toe_strain();
  const double d = 1e-9;
  // Value: the two branches meet to round-off (both O(1e-2), so 1e-15 absolute).
  EXPECT_NEAR(law.stress(et - d) + d * law.tangent(et - d), law.stress(et + d) - d * law.tangent(et + d), 1e-14);
  // Slope: 1 on both sides (tangent exp(B (e - e_toe)) -> 1); a one-sided jump would be O(1).
  EXPECT_NEAR(law.tangent(et - d), 1.0, 1e-6);  // exp(-60e-9) - 1 = -6e-8
  EXPECT_NEAR(law.tangent(et + d), 1.0, 1e-15);
  // One-sided difference quotients of the stress agree with each other too (C1 joint): their
  // error is O(B^2 h) = 3600 * 1e-7 ~ 4e-4 on the toe side.
  const double h = 1e-7;
  const double left = (law.stress(et) - law.stress(et - h)) / h;
  const double right = (law.stress(et + h) - law.stress(et)) / h;
  EXPECT_NEAR(left, right, 1e-3);
}

TEST(FiberLaw, EnergyDerivativeIsStressAndStressDerivativeIsTangent) {
  const FiberLaw law = default_law();
  // Central differences, step 1e-7 in strain: truncation (B h)^2 ~ 4e-11 relative, round-off
  // eps w / h ~ 1e-16 * 1e-3 / 1e-7 = 1e-12 absolute; the stresses here are >= 1e-3.
  const double h = 1e-7;
  for (double e : {0.003, 0.01, 0.0195, 0.0205, 0.05, 0.1, 0.13}) {
    const double ds = (law.energy(e + h) - law.energy(e - h)) / (2 * h);
    EXPECT_NEAR(ds, law.stress(e), 1e-7 * law.stress(e) + 1e-11) << e;
    const double dt = (law.stress(e + h) - law.stress(e - h)) / (2 * h);
    EXPECT_NEAR(dt, law.tangent(e), 1e-6 * law.tangent(e)) << e;
  }
  // The energy integrates the stress over [0, e]: Simpson check across the toe end.
  const double e_end = 0.06;
  const int n = 20000;
  double integral = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    integral += w * law.stress(e_end * i / n);
  }
  integral *= e_end / n / 3.0;
  // Simpson's error is O(h^4 s''''), but the kink of s'' at e_toe limits it to O(h^2 jump) ~ 1e-13.
  EXPECT_NEAR(law.energy(e_end), integral, 1e-9 * law.energy(e_end));
}

TEST(FiberGroup, TensionIsRigidityTimesNormalisedStress) {
  FiberGroup g;
  g.law = default_law();
  const double ea = 2.0, l0 = 1e-3;
  g.add(0, 1, ea, l0, 0.14);
  for (double e : {-0.05, 0.0, 0.01, 0.05}) {
    const std::vector<double> x = {0, 0, 0, l0 * (1 + e), 0, 0};
    const auto f = g.forces(0, view(x));
    EXPECT_NEAR(-f(0, 1), ea * g.law.stress(e), 1e-12 * ea) << e;  // pulls node 1 back toward 0
    // dW/dl = T by central difference in the node position (step 1e-9 l0: see the contract test).
    const double h = 1e-9 * l0;
    std::vector<double> xp = x, xm = x;
    xp[3] += h;
    xm[3] -= h;
    EXPECT_NEAR((g.energy(0, view(xp)) - g.energy(0, view(xm))) / (2 * h), ea * g.law.stress(e), 1e-6 * ea) << e;
  }
}

/// A single fibre along x of original length l0, stretched to strain e (from the original length).
std::vector<double> at_strain(double l0, double e) { return {0, 0, 0, l0 * (1 + e), 0, 0}; }

TEST(FiberGroup, RuptureIsIrreversible) {
  FiberGroup g;
  g.law = default_law();
  const double ea = 1.5, l0 = 2e-4, e_fail = 0.12;
  g.add(0, 1, ea, l0, e_fail);
  const StepContext ctx{1e-6, 0, 0, 1};
  EXPECT_EQ(g.end_step(0, view(at_strain(l0, 0.07)), ctx), 0.0);  // elastic: below yield
  ASSERT_EQ(g.broken[0], 0);
  ASSERT_GT(g.tension(0, l0 * 1.07), 0.0);
  // Just past the failure strain: the fibre ruptures and its stored energy is released.
  const auto past = at_strain(l0, e_fail + 1e-3);
  const double stored = g.energy(0, view(past));
  ASSERT_GT(stored, 0.0);
  EXPECT_DOUBLE_EQ(g.end_step(0, view(past), ctx), stored);
  EXPECT_EQ(g.broken[0], 1);
  // Afterwards it carries nothing at any length, now or after unloading and re-stretching.
  for (double e : {e_fail + 1e-3, 0.05, 0.0, 0.2}) {
    const auto x = at_strain(l0, e);
    EXPECT_EQ(g.end_step(0, view(x), ctx), 0.0);
    EXPECT_EQ(g.broken[0], 1);
    EXPECT_EQ(g.energy(0, view(x)), 0.0);
    EXPECT_EQ(g.forces(0, view(x)).norm(), 0.0);
    EXPECT_EQ(g.hessian(0, view(x), HessianMode::exact).norm(), 0.0);
    EXPECT_EQ(g.hessian(0, view(x), HessianMode::stability).norm(), 0.0);
  }
}

TEST(FiberGroup, PermanentSetBeyondYield) {
  FiberGroup g;
  g.law = default_law();
  const double ea = 1.0, l0 = 2.5e-4;
  g.add(0, 1, ea, l0, 0.14);
  const StepContext ctx{1e-6, 0, 0, 1};
  // Below yield nothing changes.
  for (double e : {0.02, 0.05, 0.079}) g.end_step(0, view(at_strain(l0, e)), ctx);
  EXPECT_DOUBLE_EQ(g.rest_length(0), l0);
  // Load beyond yield in increments, up to e_max, then unload completely.
  const double e_max = 0.115;
  double released = 0.0;
  for (double e : {0.09, 0.10, 0.11, e_max}) released += g.end_step(0, view(at_strain(l0, e)), ctx);
  EXPECT_GT(released, 0.0);  // plastic flow releases elastic energy (dissipation)
  for (double e : {0.08, 0.04, 0.0}) EXPECT_EQ(g.end_step(0, view(at_strain(l0, e)), ctx), 0.0);
  // Rest length grew by p (e_max - e_yield) L0 (fibre.hpp; docs/model.md §3.3 "Collagen fibres", permanent set).
  const double expected = l0 * (1.0 + g.law.plastic_fraction * (e_max - g.law.yield_strain));
  EXPECT_NEAR(g.rest_length(0), expected, 1e-14 * l0);
  // Unloaded to its original length the fibre is slack; it picks up tension only past the new
  // rest length.
  EXPECT_EQ(g.tension(0, l0), 0.0);
  EXPECT_EQ(g.tension(0, 0.999 * expected), 0.0);
  EXPECT_GT(g.tension(0, 1.001 * expected), 0.0);
  EXPECT_NEAR(g.strain(0, view(at_strain(l0, 0.0))), l0 / expected - 1.0, 1e-14);
  // Re-loading below the previous maximum does not add set.
  g.end_step(0, view(at_strain(l0, 0.1)), ctx);
  EXPECT_NEAR(g.rest_length(0), expected, 1e-14 * l0);
}

}  // namespace
