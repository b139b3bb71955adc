// SPDX-License-Identifier: MIT
// Coulomb stick/slip of the compressor (ContactGroup, MODEL.md §5) against the analytic friction
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

System make_system() {
  Lattice lat;
  lat.dim = 3;
  lat.rest_positions = {-kL, 0.0, 0.0, /* i */ 0.0, 0.0, 0.0, /* c */ 0.0, 0.0, 0.0};
  lat.masses = {1e-6, 1e-6, 1e-3};
  std::get<SpringGroup>(lat.groups).add(kGround, kSurface, kKs, kL);
  auto& contact = std::get<ContactGroup>(lat.groups);
  contact.friction = kMu;
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

TEST(CompressorFriction, StickThenSlipAtTheCoulombLimit) {
  System sys = make_system();
  const double limit = kMu * kN;                         // 0.05 N
  const double x_star = limit * (1.0 / kKt + 1.0 / kKs);  // 1.5e-4 m: slip onset
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
        worst_stick = std::max(worst_stick, std::abs(T - xc / (1.0 / kKt + 1.0 / kKs)) / limit);
        worst_rel = std::max(worst_rel, std::abs(-rel - T / kKt) / (limit / kKt));
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
        worst_stick = std::max(worst_stick, std::abs(T - (limit - back / (1.0 / kKt + 1.0 / kKs))) / limit);
        EXPECT_NEAR(sys.dissipated, dissipated_at_turn, 1e-6 * limit * x_star) << "slipped while sticking at t = " << t;
      } else if (back > 2.04 * x_star) {
        ++slip_steps;
        worst_slip = std::max(worst_slip, std::abs(T + limit) / limit);
      }
    }
    x_prev = xc;
  }
  (void)x_prev;
  RecordProperty("stick_error", std::to_string(worst_stick * 1e9) + "e-9");
  RecordProperty("slip_error", std::to_string(worst_slip * 1e9) + "e-9");
  RecordProperty("relative_displacement_error", std::to_string(worst_rel * 1e9) + "e-9");
  RecordProperty("normal_force_error", std::to_string(worst_normal * 1e9) + "e-9");
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
  RecordProperty("dissipation", sci(sys.dissipated) + " vs " + sci(expected));
  EXPECT_NEAR(dissipated_at_turn, limit * 3 * x_star, 1e-6 * expected);
  EXPECT_NEAR(sys.dissipated, expected, 1e-6 * expected);
  // Energy ledger: the work done by the prescribed motion and the pressing force is stored in the
  // springs or dissipated by friction. The integrator's work is a trapezoidal sum over steps:
  // exact for the piecewise-linear force-displacement paths here except in the two steps where
  // stick turns to slip (error ~ k_eff dx^2 / 4 ~ 1e-9 J with dx = 3e-6 m, i.e. ~1e-5 of the total);
  // 1e-4 of the dissipated energy bounds it.
  const double stored = stored_energy(sys);
  RecordProperty("ledger", sci(sys.work_input) + " vs " + sci(stored + sys.dissipated) + ", numerical " + sci(integ.numerical_dissipation()));
  EXPECT_NEAR(sys.work_input, stored + sys.dissipated, 1e-4 * expected);
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
