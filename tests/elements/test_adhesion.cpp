// SPDX-License-Identifier: MIT
// Adhesion bundles (docs/model.md §3.6 "Adhesions") against closed forms: Bell survival of single bonds under a
// constant force, the exact threshold law, healing at rate k_heal only where the layers touch
// and rest (with zero force at the offset a bond re-forms at), order- and thread-independence of
// the counter-based random streams, and the energy released on rupture.
//
// Statistical bounds: with N independent bundles of one bond each, the surviving (or healed)
// count is binomial, so the observed fraction has standard deviation sqrt(S (1 - S) / N). The
// per-step probability 1 - exp(-k dt) makes the discrete survival after m steps exactly
// exp(-k m dt), so the only error is sampling error; 4 sigma (two-sided p ~ 6e-5) with a fixed
// seed is a bound a correct implementation meets, while a wrong rate (a missing exp(F/F_b),
// a factor of 2, a rate applied per bundle instead of per bond) misses it by tens of sigma.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "fascia/elements/adhesion.hpp"
#include "fascia/model/system.hpp"
#include "fascia/solve/assembly.hpp"

namespace fascia {
namespace {

constexpr double kGap = 1e-4;  ///< rest offset across the interface (z) [m]

/// n bundles of `bonds` bonds each; bundle e joins node 2e (below) to node 2e+1 (above).
/// Positions start at rest.
struct Bundles {
  AdhesionGroup group;
  std::vector<double> rest, x;
  std::uint64_t step = 0;

  Bundles(int n, int bonds, const AdhesionGroup& params) : group(params) {
    group.connectivity.clear();
    for (int e = 0; e < n; ++e) {
      const Vec3 below(1e-3 * e, 0.0, 0.0), above(1e-3 * e, 0.0, kGap);
      for (const Vec3& p : {below, above}) rest.insert(rest.end(), {p.x(), p.y(), p.z()});
      group.add(2 * e, 2 * e + 1, above - below, bonds);
    }
    x = rest;
  }
  int size() const { return int(group.size()); }
  /// Moves the upper node of bundle e so that its opening s = (x_j - x_i) - (X_j - X_i) is `s`.
  void set_opening(int e, const Vec3& s) {
    for (int c = 0; c < 3; ++c) x[3 * (2 * e + 1) + c] = rest[3 * (2 * e + 1) + c] + s[c];
  }
  StepContext context(double dt, std::uint64_t seed) const { return {dt, double(step) * dt, step, seed}; }
  /// One step at fixed positions (begin_step and end_step at the same x: slip speed 0).
  /// Returns the energy released [J]. `reverse` processes the elements in reverse order.
  double step_at_rest(double dt, std::uint64_t seed, bool reverse = false) {
    const StepContext ctx = context(dt, seed);
    const ConstNodes v = view(x);
    double released = 0.0;
    for (int k = 0; k < size(); ++k) group.begin_step(reverse ? size() - 1 - k : k, v, ctx);
    for (int k = 0; k < size(); ++k) released += group.end_step(reverse ? size() - 1 - k : k, v, ctx);
    ++step;
    return released;
  }
  int count_intact() const {
    int n = 0;
    for (auto b : group.bonds_intact) n += b;
    return n;
  }
};

AdhesionGroup bell(double k0, double fb, double heal = 0.0) {
  AdhesionGroup g;
  g.law = RuptureLaw::bell;
  g.bond_stiffness = 100.0;  // N/m
  g.bell_rate = k0;
  g.bell_force = fb;
  g.heal_rate = heal;
  return g;
}

/// Binomial tolerance: 4 standard deviations of a fraction p estimated from n trials.
double four_sigma(double p, int n) { return 4.0 * std::sqrt(p * (1.0 - p) / n); }

// (a) --------------------------------------------------------------------------------------

TEST(AdhesionBell, SingleBondSurvivalMatchesBellLaw) {
  const int n = 20000;
  const double k0 = 2.0, fb = 0.01, dt = 2e-3;
  // Two forces: F = 0 (rate k0) and F = 1.5 F_b (rate k0 e^1.5 = 4.48 k0). The second also pins
  // the exponential force dependence: with exp() dropped, S(0.2 s) would be 0.67 instead of 0.17.
  for (const double force : {0.0, 1.5 * fb}) {
    Bundles b(n, 1, bell(k0, fb));
    const double u = force / b.group.bond_stiffness;  // tangential opening giving F = k_a u
    for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(u, 0.0, 0.0));
    for (int e = 0; e < n; ++e) ASSERT_NEAR(b.group.bond_force(e, view(b.x)), force, 1e-12);
    const double rate = k0 * std::exp(force / fb);
    // Check points where S is about 0.7, 0.4 and 0.15 (at F = 0: 0.85, 0.67, 0.45).
    const int checkpoints[] = {20, 50, 100};
    int done = 0;
    for (int steps : checkpoints) {
      while (done < steps) {
        b.step_at_rest(dt, 42);
        ++done;
      }
      const double t = steps * dt;
      const double expected = std::exp(-rate * t);
      const double observed = double(b.count_intact()) / n;
      RecordProperty("bell_F" + std::to_string(force) + "_t" + std::to_string(t),
                     std::to_string(observed) + " vs " + std::to_string(expected) + " +- " +
                         std::to_string(four_sigma(expected, n)));
      EXPECT_NEAR(observed, expected, four_sigma(expected, n))
          << "F = " << force << " N, t = " << t << " s: expected S = " << expected;
    }
  }
}

// (b) --------------------------------------------------------------------------------------

TEST(AdhesionThreshold, BreaksIffForceExceedsCriticalForce) {
  AdhesionGroup params;
  params.law = RuptureLaw::threshold;
  params.bond_stiffness = 100.0;
  params.threshold_force = 0.05;
  params.heal_rate = 0.0;
  // Forces around F_crit, including 1 part in 1e9 either side of it.
  const std::vector<double> ratio = {0.0, 0.5, 0.99, 1.0 - 1e-9, 1.0 + 1e-9, 1.01, 2.0, 100.0};
  std::vector<std::vector<int>> outcome;
  for (std::uint64_t seed : {1ULL, 987654321ULL}) {
    Bundles b(int(ratio.size()), 3, params);
    for (std::size_t e = 0; e < ratio.size(); ++e) {
      // A diagonal opening: the law uses the force magnitude, not one component.
      const double u = ratio[e] * params.threshold_force / params.bond_stiffness;
      b.set_opening(int(e), Vec3(u * 0.6, u * 0.8, 0.0));
    }
    b.step_at_rest(1e-3, seed);
    for (std::size_t e = 0; e < ratio.size(); ++e)
      EXPECT_EQ(b.group.bonds_intact[e], ratio[e] > 1.0 ? 0 : 3) << "F / F_crit = " << ratio[e];
    // Deterministic and memoryless: more steps at the same load change nothing.
    const auto after_one = b.group.bonds_intact;
    for (int s = 0; s < 100; ++s) b.step_at_rest(1e-3, seed);
    EXPECT_EQ(b.group.bonds_intact, after_one);
    outcome.emplace_back(after_one.begin(), after_one.end());
  }
  EXPECT_EQ(outcome[0], outcome[1]) << "threshold mode must not depend on the seed";
}

// (c) --------------------------------------------------------------------------------------

/// Breaks every bond (threshold mode, one step at a large opening), then switches to `law_after`.
Bundles all_broken(int n, int bonds, double heal_rate) {
  AdhesionGroup params;
  params.law = RuptureLaw::threshold;
  params.bond_stiffness = 100.0;
  params.threshold_force = 0.05;
  params.heal_rate = heal_rate;
  params.rest_speed = 1e-5;  // m/s
  Bundles b(n, bonds, params);
  for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(1e-3, 0.0, 0.0));  // F = 0.1 N > F_crit
  const double heal = b.group.heal_rate;
  b.group.heal_rate = 0.0;
  b.step_at_rest(1e-3, 5);
  b.group.heal_rate = heal;
  return b;
}

TEST(AdhesionHealing, BrokenBondsReformAtRateKHealWhereLayersTouchAndRest) {
  const int n = 20000;
  const double k_heal = 2.0, dt = 5e-3;
  Bundles b = all_broken(n, 1, k_heal);
  ASSERT_EQ(b.count_intact(), 0);
  // In contact (opening z < 0) and at rest, at a new tangential offset.
  const Vec3 s_heal(2e-5, -1e-5, -1e-7);
  for (int e = 0; e < n; ++e) b.set_opening(e, s_heal);
  const int checkpoints[] = {20, 60, 150};  // healed fraction ~0.18, 0.45, 0.78
  int done = 0;
  for (int steps : checkpoints) {
    while (done < steps) {
      b.step_at_rest(dt, 11);
      ++done;
    }
    const double expected = 1.0 - std::exp(-k_heal * steps * dt);
    const double observed = double(b.count_intact()) / n;
    RecordProperty("heal_t" + std::to_string(steps * dt), std::to_string(observed) + " vs " +
                                                             std::to_string(expected) + " +- " +
                                                             std::to_string(four_sigma(expected, n)));
    EXPECT_NEAR(observed, expected, four_sigma(expected, n)) << "t = " << steps * dt << " s";
  }
  // Re-formed bonds carry no force at the offset they formed at, and their rest offset is that
  // offset: moving by d from it gives force k_a n d (not k_a n |s_heal + d|).
  const ConstNodes x = view(b.x);
  const Vec3 d(3e-6, 0.0, 0.0);
  int checked = 0;
  for (int e = 0; e < n; ++e) {
    if (b.group.bonds_intact[e] == 0) continue;
    EXPECT_NEAR(b.group.energy(e, x), 0.0, 1e-25);
    EXPECT_LT(b.group.forces(e, x).norm(), 1e-15);
    if (checked++ < 10) {
      b.set_opening(e, s_heal + d);
      const auto f = b.group.forces(e, view(b.x));
      EXPECT_NEAR(f(0, 0), b.group.bond_stiffness * d.x(), 1e-12);  // below node pulled +x
      EXPECT_NEAR(b.group.bond_force(e, view(b.x)), b.group.bond_stiffness * d.norm(), 1e-12);
      b.set_opening(e, s_heal);
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(AdhesionHealing, ReformedBondsInABundleKeepTheirOwnOffsets) {
  // A bundle of 4 bonds: break all, heal at offset s1, then move to s2: the force is
  // k_a n_intact (s2 - s1), i.e. computed from where the bonds re-formed.
  Bundles b = all_broken(1, 4, 1e6);  // heal with probability ~1 per step
  const Vec3 s1(1e-5, 2e-5, -1e-7), s2(1.5e-5, 2e-5, -1e-7);
  b.set_opening(0, s1);
  b.step_at_rest(1e-3, 3);
  ASSERT_EQ(b.group.bonds_intact[0], 4);
  b.set_opening(0, s2);
  const auto f = b.group.forces(0, view(b.x));
  EXPECT_NEAR(f(0, 0), 4 * b.group.bond_stiffness * (s2 - s1).x(), 1e-12);
  EXPECT_NEAR(b.group.energy(0, view(b.x)), 0.5 * 4 * b.group.bond_stiffness * (s2 - s1).squaredNorm(), 1e-20);
}

TEST(AdhesionHealing, NoHealingWhenOpenOrSliding) {
  const int n = 2000;
  const double k_heal = 50.0, dt = 1e-2;  // 1 - exp(-0.5) per step: ~all heal in 20 steps if allowed
  // Opening > 0: the layers are apart.
  {
    Bundles b = all_broken(n, 1, k_heal);
    for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(0.0, 0.0, 1e-9));
    for (int s = 0; s < 20; ++s) b.step_at_rest(dt, 7);
    EXPECT_EQ(b.count_intact(), 0) << "healed while the layers were apart";
  }
  // Sliding: slip speed v between begin_step and end_step, above and below rest_speed.
  for (const double factor : {2.0, 0.5}) {
    Bundles b = all_broken(n, 1, k_heal);
    const double v = factor * b.group.rest_speed;
    double u = 0.0;
    for (int s = 0; s < 20; ++s) {
      for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(u, 0.0, -1e-7));
      const StepContext ctx = b.context(dt, 7);
      for (int e = 0; e < n; ++e) b.group.begin_step(e, view(b.x), ctx);
      u += v * dt;
      for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(u, 0.0, -1e-7));
      for (int e = 0; e < n; ++e) b.group.end_step(e, view(b.x), ctx);
      ++b.step;
    }
    if (factor > 1.0) {
      EXPECT_EQ(b.count_intact(), 0) << "healed while sliding at 2 x rest_speed";
    } else {  // guard: the same motion below rest_speed does heal (1 - e^-10 of the bonds)
      EXPECT_GT(b.count_intact(), 0.99 * n) << "did not heal while creeping at 0.5 x rest_speed";
    }
  }
}

// (d) --------------------------------------------------------------------------------------

/// Many 3-bond bundles under a spread of forces, in contact so that healing also draws numbers.
Bundles mixed_bundles(int n) {
  Bundles b(n, 3, bell(5.0, 0.01, 3.0));
  for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(1e-4 * (e % 7) / 7.0, 0.0, -1e-7));
  return b;
}

TEST(AdhesionRandomStreams, SameSeedSameRuptureWhateverTheOrder) {
  const int n = 3000;
  Bundles forward = mixed_bundles(n), backward = mixed_bundles(n), other_seed = mixed_bundles(n),
          no_heal = mixed_bundles(n);
  no_heal.group.heal_rate = 0.0;
  std::vector<int> history_f, history_b;
  for (int s = 0; s < 40; ++s) {
    forward.step_at_rest(5e-3, 2024, false);
    backward.step_at_rest(5e-3, 2024, true);
    other_seed.step_at_rest(5e-3, 2025, false);
    no_heal.step_at_rest(5e-3, 2024, false);
    history_f.push_back(forward.count_intact());
    history_b.push_back(backward.count_intact());
  }
  EXPECT_EQ(forward.group.bonds_intact, backward.group.bonds_intact);
  EXPECT_EQ(forward.group.offset_sum, backward.group.offset_sum);
  EXPECT_EQ(history_f, history_b);
  // Guards: something broke and something healed, so the comparison is not vacuous...
  EXPECT_LT(history_f.back(), 3 * n * 0.9);
  EXPECT_GT(history_f.back(), no_heal.count_intact() + 100);
  // ...and a different seed gives a different pattern.
  EXPECT_NE(forward.group.bonds_intact, other_seed.group.bonds_intact);
}

TEST(AdhesionRandomStreams, SameRuptureAtOneAndTwoThreads) {
  // Through the System's parallel end_step: above kParallelThreshold elements it runs in OpenMP.
  const int n = int(kParallelThreshold) + 1000;
  auto run = [&](int threads) {
    Bundles b = mixed_bundles(n);
    Lattice lat;
    lat.dim = 3;
    lat.rest_positions = b.rest;
    lat.masses.assign(b.rest.size() / 3, 1e-6);
    std::get<AdhesionGroup>(lat.groups) = b.group;
    System sys(std::move(lat), 77);
    sys.positions = b.x;
    set_threads(threads);
    double released = 0.0;
    for (std::uint64_t s = 0; s < 30; ++s) {
      const StepContext ctx{5e-3, double(s) * 5e-3, s, sys.seed};
      begin_step(sys, ctx);
      released += end_step(sys, ctx);
    }
    set_threads(0);
    return std::make_pair(std::get<AdhesionGroup>(sys.groups).bonds_intact, released);
  };
  const auto one = run(1), two = run(2);
  EXPECT_EQ(one.first, two.first);
  EXPECT_EQ(one.second, two.second);  // bitwise: the sum is taken serially in element order
  EXPECT_GT(one.second, 0.0);
}

// (e) --------------------------------------------------------------------------------------

TEST(AdhesionEnergy, ReleasedEnergyEqualsStoredEnergyOfBrokenBonds) {
  // Bundles with bonds at different rest offsets (healed at two openings), then held at a third
  // opening while bonds break: each step's release must equal the drop in stored energy (healing
  // adds none), and per bundle the broken share of the stored energy.
  const int n = 500;
  AdhesionGroup params = bell(20.0, 0.01, 0.0);
  Bundles b(n, 4, params);
  // History: break everything, heal half-way at s1, then the rest at s2.
  b.group.law = RuptureLaw::threshold;
  b.group.threshold_force = 1e-9;
  for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(1e-4, 0.0, 0.0));
  b.step_at_rest(1e-3, 1);
  ASSERT_EQ(b.count_intact(), 0);
  b.group.law = RuptureLaw::bell;
  b.group.heal_rate = 300.0;
  for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(1e-5 * (1 + e % 5), 0.0, -1e-7));
  b.step_at_rest(1e-3, 1);
  for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(-2e-5, 3e-5 * (e % 3), -1e-7));
  for (int s = 0; s < 5; ++s) b.step_at_rest(1e-3, 1);
  b.group.heal_rate = 0.0;
  // Load: a common opening; bonds now carry different forces only through their offsets.
  for (int e = 0; e < n; ++e) b.set_opening(e, Vec3(2e-4, 1e-4, 0.0));
  const ConstNodes x = view(b.x);
  auto stored = [&] {
    double w = 0.0;
    for (int e = 0; e < n; ++e) w += b.group.energy(e, x);
    return w;
  };
  const int intact0 = b.count_intact();
  ASSERT_GT(intact0, n);  // bundles mostly re-formed, at mixed offsets
  const double w0 = stored();
  ASSERT_GT(w0, 0.0);
  double released_total = 0.0;
  for (int s = 0; s < 30; ++s) {
    std::vector<double> before(n), per_bundle_before(n);
    std::vector<int> intact_before(b.group.bonds_intact.begin(), b.group.bonds_intact.end());
    for (int e = 0; e < n; ++e) before[e] = b.group.energy(e, x);
    const StepContext ctx = b.context(1e-3, 1);
    for (int e = 0; e < n; ++e) b.group.begin_step(e, x, ctx);
    for (int e = 0; e < n; ++e) {
      const double r = b.group.end_step(e, x, ctx);
      const int broken = intact_before[e] - b.group.bonds_intact[e];
      // The bundle's energy drops by exactly what it reports, which is the broken bonds' share.
      EXPECT_NEAR(r, before[e] - b.group.energy(e, x), 1e-12 * before[e] + 1e-30);
      if (intact_before[e] > 0) {
        EXPECT_NEAR(r, before[e] * broken / intact_before[e], 1e-12 * before[e] + 1e-30);
      }
      released_total += r;
    }
    ++b.step;
  }
  const double w1 = stored();
  EXPECT_LT(b.count_intact(), intact0 / 2);  // guard: most bonds broke
  EXPECT_NEAR(released_total, w0 - w1, 1e-12 * w0);
}

}  // namespace
}  // namespace fascia
