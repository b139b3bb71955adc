// SPDX-License-Identifier: MIT
// Coulomb stick/slip of the compressor (ContactGroup, docs/model.md §3.7 "Compressor contact") against the analytic friction
// limit, through the same implicit integrator the protocols use.
//
// Set-up: a rigid compressor node c pressed with force N onto a surface node i. Node i rests on
// rigid ground in z and is tied to a fixed ground node g by a spring of stiffness k_s along x (the
// tissue's shear stiffness). The compressor's x is prescribed (displacement control: beyond the
// friction limit a force-controlled tool has no static equilibrium); its z is free under -N.
// Analytic answer (quasi-static, normal force settled at N):
//   stick while k_eff x_c < mu N, 1/k_eff = 1/k_t + 1/k_s: the friction force is T = k_eff x_c and
//   the tangential relative displacement is T / k_t; slip beyond x* = mu N (1/k_t + 1/k_s): T = mu N
//   exactly, and the dissipation is mu N (x_c - x*). Reversing the drive re-sticks, and slip back
//   starts after a reverse travel of 2 x* (hysteresis of width 2 mu N).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "fascia/elements/contact.hpp"
#include "fascia/solve/assembly.hpp"
#include "fascia/solve/implicit.hpp"

namespace fascia {
namespace {

constexpr double kN = 0.1;       ///< normal force [N]
constexpr double kMu = 0.5;      ///< friction coefficient
constexpr double kKn = 2000.0;   ///< contact normal stiffness [N/m]
constexpr double kKt = 1000.0;   ///< contact tangential stiffness [N/m]
constexpr double kKs = 500.0;    ///< tissue shear stiffness [N/m]
constexpr double kL = 1e-3;      ///< ground spring length [m]
constexpr Index kGround = 0, kSurface = 1, kTool = 2;

/// The rig; `friction` sets mu and the elastic slip (the contact's penalty k_t is kKt).
System make_system(const Friction& friction = {kMu, 0.0}) {
  Lattice lat;
  lat.dim = 3;
  lat.rest_positions = {-kL, 0.0, 0.0, /* i */ 0.0, 0.0, 0.0, /* c */ 0.0, 0.0, 0.0};
  lat.masses = {1e-6, 1e-6, 1e-3};
  std::get<SpringGroup>(lat.groups).add(kGround, kSurface, kKs, kL);
  auto& contact = std::get<ContactGroup>(lat.groups);
  contact.friction = friction;
  contact.add(kSurface, kTool, Vec3::Zero(), kKn, kKt);
  System sys(std::move(lat), 1);
  sys.fix_nodes({kGround});
  sys.fixed[3 * kSurface + 1] = sys.fixed[3 * kSurface + 2] = 1;  // on rigid ground, moves in x only
  sys.fixed[3 * kTool] = sys.fixed[3 * kTool + 1] = 1;            // x prescribed, y held, z free
  return sys;
}

std::string sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6e", v);
  return buf;
}

/// Friction force the tissue carries: the ground spring's tension (equilibrium of node i).
double spring_force(const System& sys) { return kKs * (sys.positions[3 * kSurface] - sys.rest_positions[3 * kSurface]); }

struct Drive {
  std::vector<double> times, targets;  ///< piecewise-linear x_c(t)
  double at(double t) const {
    if (t <= times.front()) return targets.front();
    for (std::size_t k = 1; k < times.size(); ++k)
      if (t <= times[k])
        return targets[k - 1] + (targets[k] - targets[k - 1]) * (t - times[k - 1]) / (times[k] - times[k - 1]);
    return targets.back();
  }
};

/// Drives the rig to 4 x* and back to -4 x* and checks the closed form above with the stick
/// stiffness kt the friction law should have.
void check_stick_then_slip(const Friction& friction, double kt) {
  System sys = make_system(friction);
  const double limit = kMu * kN;                         // 0.05 N
  const double x_star = limit * (1.0 / kt + 1.0 / kKs);  // 1.5e-4 m with kKt: slip onset
  // Press (N ramped linearly over 0.04 s: a suddenly applied dead load would lose half its work
  // in the quasi-static jump), hold still while the normal force settles (the friction law uses
  // the normal force lagged by one step), then drive to 4 x* and back to -4 x*.
  const Drive drive{{0.0, 0.05, 1.05, 3.05}, {0.0, 0.0, 4 * x_star, -4 * x_star}};
  const LoadFunction load = [&](double t, System& s) {
    s.external_forces[3 * kTool + 2] = -kN * std::min(t / 0.04, 1.0);
    s.prescribed[3 * kTool] = drive.at(t);
  };
  ImplicitOptions opt;
  opt.quasi_static = true;
  opt.tolerance = 1e-10;
  ImplicitIntegrator integ(sys, opt);
  const auto& contact = std::get<ContactGroup>(sys.groups);

  const double dt = 5e-3;
  double worst_stick = 0.0, worst_slip = 0.0, worst_rel = 0.0, worst_normal = 0.0;
  int stick_steps = 0, slip_steps = 0, reverse_stick_steps = 0;
  double dissipated_at_turn = 0.0, x_prev = 0.0;
  for (double t = dt; t <= 3.05 + 1e-12; t += dt) {
    integ.step(load, dt);
    const double xc = sys.positions[3 * kTool];
    const double T = spring_force(sys);
    const double rel = sys.positions[3 * kSurface] - xc;  // tangential relative displacement u
    if (t > 0.05) worst_normal = std::max(worst_normal, std::abs(contact.normal_force(0, view(sys.positions)) - kN) / kN);
    if (t <= 1.05 + 1e-12) {
      // Loading branch. Stick well below the limit (2 % margin: the onset lies within one step).
      if (xc < 0.98 * x_star) {
        ++stick_steps;
        worst_stick = std::max(worst_stick, std::abs(T - xc / (1.0 / kt + 1.0 / kKs)) / limit);
        worst_rel = std::max(worst_rel, std::abs(-rel - T / kt) / (limit / kt));
      } else if (xc > 1.02 * x_star) {
        ++slip_steps;
        worst_slip = std::max(worst_slip, std::abs(T - limit) / limit);
      }
      dissipated_at_turn = sys.dissipated;
    } else {
      // Unloading from x_c = 4 x*: stick again until the reverse travel reaches 2 x*.
      const double back = 4 * x_star - xc;
      if (back < 1.96 * x_star) {
        ++reverse_stick_steps;
        worst_stick = std::max(worst_stick, std::abs(T - (limit - back / (1.0 / kt + 1.0 / kKs))) / limit);
        EXPECT_NEAR(sys.dissipated, dissipated_at_turn, 1e-6 * limit * x_star) << "slipped while sticking at t = " << t;
      } else if (back > 2.04 * x_star) {
        ++slip_steps;
        worst_slip = std::max(worst_slip, std::abs(T + limit) / limit);
      }
    }
    x_prev = xc;
  }
  (void)x_prev;
  ::testing::Test::RecordProperty("stick_error", std::to_string(worst_stick * 1e9) + "e-9");
  ::testing::Test::RecordProperty("slip_error", std::to_string(worst_slip * 1e9) + "e-9");
  ::testing::Test::RecordProperty("relative_displacement_error", std::to_string(worst_rel * 1e9) + "e-9");
  ::testing::Test::RecordProperty("normal_force_error", std::to_string(worst_normal * 1e9) + "e-9");
  // Guards: each regime was visited.
  ASSERT_GT(stick_steps, 10);
  ASSERT_GT(reverse_stick_steps, 10);
  ASSERT_GT(slip_steps, 100);
  // Quasi-static equilibrium to a relative residual of 1e-10: the forces match the closed form to
  // round-off; 1e-6 of mu N leaves ample room and catches any wrong factor or a lagged limit.
  EXPECT_LT(worst_normal, 1e-6);
  EXPECT_LT(worst_stick, 1e-6);
  EXPECT_LT(worst_rel, 1e-6);
  EXPECT_LT(worst_slip, 1e-6);

  // Dissipation: slip on loading 4x* - x*, on the way back (4x* + 4x*) - 2x*, all at mu N.
  const double slip_distance = (4 * x_star - x_star) + (8 * x_star - 2 * x_star);
  const double expected = limit * slip_distance;
  ::testing::Test::RecordProperty("dissipation", sci(sys.dissipated) + " vs " + sci(expected));
  EXPECT_NEAR(dissipated_at_turn, limit * 3 * x_star, 1e-6 * expected);
  EXPECT_NEAR(sys.dissipated, expected, 1e-6 * expected);
  // Energy ledger: the work done by the prescribed motion and the pressing force is stored in the
  // springs or dissipated by friction. The integrator's work is a trapezoidal sum over steps:
  // exact for the piecewise-linear force-displacement paths here except in the two steps where
  // stick turns to slip (error ~ k_eff dx^2 / 4 ~ 1e-9 J with dx = 3e-6 m, i.e. ~1e-5 of the total);
  // 1e-4 of the dissipated energy bounds it.
  const double stored = stored_energy(sys);
  ::testing::Test::RecordProperty("ledger", sci(sys.work_input) + " vs " + sci(stored + sys.dissipated) + ", numerical " + sci(integ.numerical_dissipation()));
  EXPECT_NEAR(sys.work_input, stored + sys.dissipated, 1e-4 * expected);
}

TEST(CompressorFriction, StickThenSlipAtTheCoulombLimit) { check_stick_then_slip({kMu, 0.0}, kKt); }

TEST(CompressorFriction, AnElasticSlipSetsTheStickStiffness) {
  // With an elastic slip s_e the stick stiffness is mu F_n / s_e (here 1250 N/m, not the penalty's
  // 1000): the node slides once its relative displacement reaches s_e, and the closed form holds
  // with that k_t. A law that kept the penalty's k_t misses the stick branch by 25 %.
  constexpr double kSlip = 4e-5;
  check_stick_then_slip({kMu, kSlip}, kMu * kN / kSlip);
}

TEST(CompressorFriction, ContactSetFollowsASlidingPatch) {
  // A row of 9 surface nodes s_k at x = k a (a = 0.5 mm) on rigid ground in z, each tied to its
  // own fixed ground node by a spring k_s along x (the tissue's shear stiffness); a compressor of
  // radius r = 0.6 mm (band eps = a/2) pressed with N slides at constant speed from x = 1 mm to
  // x = 3 mm, i.e. 3.3 radii. Quasi-static. Expected:
  //  - vertical equilibrium of the compressor: sum F_n = N at every step (to the Newton
  //    tolerance 1e-10 of the force scale);
  //  - the node under the compressor at the end (s6, d = 0) is pressed, and the nodes it left
  //    (s0..s3, d >= 1.5 mm > r + eps) carry nothing: no normal force, no friction force, and,
  //    their stick anchors dropped, their springs have pulled them back to rest (spring force 0
  //    to round-off; a kept anchor would hold them displaced by up to mu F_n / k_s);
  //  - the energy ledger closes (work of the prescribed motion and of the pressing force = stored
  //    + friction dissipation): each step is exact within the step's frozen friction law, and
  //    what is first order is the change of F_n between steps as nodes engage (the tangential
  //    energy the return mapping then assigns, ~ (mu F_n)^2 / (2 k_t) per engagement, ~1e-3 of the
  //    dissipation here); bound 1e-2 of the dissipation.
  constexpr int kRow = 9;
  constexpr double a = 0.5e-3, r = 0.6e-3;
  Lattice lat;
  lat.dim = 3;
  for (int k = 0; k < kRow; ++k) lat.rest_positions.insert(lat.rest_positions.end(), {k * a - kL, 0.0, 0.0});  // ground
  for (int k = 0; k < kRow; ++k) lat.rest_positions.insert(lat.rest_positions.end(), {k * a, 0.0, 0.0});       // surface
  lat.rest_positions.insert(lat.rest_positions.end(), {1e-3, 0.0, 0.0});                                    // compressor
  lat.masses.assign(2 * kRow, 1e-6);
  lat.masses.push_back(1e-3);
  const Index tool = 2 * kRow;
  auto& contact = std::get<ContactGroup>(lat.groups);
  contact.friction.coefficient = kMu;
  contact.radius = r;
  contact.edge = 0.5 * a;
  for (int k = 0; k < kRow; ++k) {
    std::get<SpringGroup>(lat.groups).add(k, kRow + k, kKs, kL);
    contact.add(kRow + k, tool, Vec3(k * a - 1e-3, 0.0, 0.0), kKn, kKt);
  }
  System sys(std::move(lat), 1);
  for (int k = 0; k < kRow; ++k) {
    sys.fix_nodes({Index(k)});
    sys.fixed[3 * (kRow + k) + 1] = sys.fixed[3 * (kRow + k) + 2] = 1;  // surface nodes move in x only
  }
  sys.fixed[3 * tool] = sys.fixed[3 * tool + 1] = 1;  // x prescribed, z free under -N
  const double t_press = 0.05, t_end = 1.05;
  const LoadFunction load = [&](double t, System& s) {
    s.external_forces[3 * tool + 2] = -kN * std::min(t / 0.04, 1.0);
    s.prescribed[3 * tool] = 1e-3 + 2e-3 * std::clamp((t - t_press) / (t_end - t_press), 0.0, 1.0);
  };
  ImplicitOptions opt;
  opt.quasi_static = true;
  opt.tolerance = 1e-10;
  ImplicitIntegrator integ(sys, opt);
  const auto& cg = std::get<ContactGroup>(sys.groups);
  double worst_normal = 0.0;
  const double dt = 2.5e-3;  // 5 um of sliding per step, 1/50 of the band
  for (double t = dt; t <= t_end + 1e-12; t += dt) {
    integ.step(load, dt);
    if (t < t_press) continue;
    double sum = 0.0;
    for (int k = 0; k < kRow; ++k) sum += cg.normal_force(Index(k), view(sys.positions));
    worst_normal = std::max(worst_normal, std::abs(sum - kN) / kN);
  }
  const ConstNodes x = view(sys.positions);
  ASSERT_NEAR(x[tool].x(), 3e-3, 1e-12);  // guard: the compressor arrived
  EXPECT_GT(cg.normal_force(6, x), 0.1 * kN);
  EXPECT_GT(cg.tangential_force(6, x), 0.0);
  for (int k = 0; k <= 3; ++k) {
    SCOPED_TRACE("s" + std::to_string(k));
    EXPECT_EQ(cg.normal_force(Index(k), x), 0.0);
    EXPECT_EQ(cg.tangential_force(Index(k), x), 0.0);
    EXPECT_EQ(cg.frozen_normal[k], 0.0);
    // Round-off of x against X (1e-3 m) is ~1e-19 m: the spring force ~1e-16 N against mu N = 0.05 N.
    EXPECT_LT(std::abs(kKs * (x[kRow + k].x() - k * a)), 1e-12 * kMu * kN);
  }
  const double stored = stored_energy(sys);
  RecordProperty("normal_force_error", sci(worst_normal));
  RecordProperty("ledger", sci(sys.work_input) + " vs " + sci(stored + sys.dissipated));
  EXPECT_LT(worst_normal, 1e-8);
  ASSERT_GT(sys.dissipated, 0.5 * kMu * kN * 2e-3);  // guard: the row slipped under the compressor
  EXPECT_NEAR(sys.work_input, stored + sys.dissipated, 1e-2 * sys.dissipated);
}

TEST(CompressorFriction, NoFrictionWithoutNormalForce) {
  // Not pressed (N = 0, compressor just touching): the surface node must not be dragged.
  System sys = make_system();
  sys.fixed[3 * kTool + 2] = 1;  // held at the contact height, no penetration
  const LoadFunction load = [&](double t, System& s) { s.prescribed[3 * kTool] = 1e-4 * t; };
  ImplicitOptions opt;
  opt.quasi_static = true;
  ImplicitIntegrator integ(sys, opt);
  for (int k = 0; k < 20; ++k) integ.step(load, 0.05);
  EXPECT_GT(sys.positions[3 * kTool], 0.9e-4);  // guard: the tool moved
  EXPECT_EQ(spring_force(sys), 0.0);
  EXPECT_EQ(sys.dissipated, 0.0);
}

}  // namespace
}  // namespace fascia
