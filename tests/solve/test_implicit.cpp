// SPDX-License-Identifier: MIT
// Implicit backward-Euler integrator: closed forms (static chain, Maxwell relaxation, the
// discrete energy decay of a harmonic oscillator), agreement with the explicit integrator,
// adaptive subdivision, determinism across thread counts, and agreement of the linear solvers.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <numbers>

#include "fascia/lattice/builder.hpp"
#include "fascia/mesh/slab_mesh.hpp"
#include "fascia/solve/implicit.hpp"

namespace fascia {
namespace {

/// A straight chain of `springs` linear springs along x (stiffness k, length L); node 0 is fixed,
/// the others move along x only.
System make_chain(int springs, double k, double length, double node_mass) {
  Lattice lat;
  lat.dim = 3;
  for (int i = 0; i <= springs; ++i) {
    lat.rest_positions.insert(lat.rest_positions.end(), {i * length, 0.0, 0.0});
    lat.masses.push_back(node_mass);
  }
  for (int i = 0; i < springs; ++i) std::get<SpringGroup>(lat.groups).add(i, i + 1, k, length);
  System sys(std::move(lat), 1);
  sys.fix_nodes({0});
  for (std::size_t n = 1; n < sys.num_nodes(); ++n) sys.fixed[3 * n + 1] = sys.fixed[3 * n + 2] = 1;
  return sys;
}

LayerMaterial soft_matrix() {
  LayerMaterial m;
  m.name = "dense";
  m.density = 1000.0;
  m.shear_modulus = 10e3;  // 10 kPa
  m.drained_bulk = bulk_from_poisson(m.shear_modulus, 0.3);
  m.undrained_bulk = m.drained_bulk;
  return m;
}

/// A block with its bottom face fixed.
System make_block(Index nx, Index ny, Index nz, MatrixModel model = MatrixModel::automatic) {
  Lattice lat = build_block(nx, ny, nz, 1e-3, 1e-3, 1e-3, soft_matrix(), FiberLaw{}, 0.0, 0.0, model);
  const auto bottom = lat.node_sets.at("bottom");
  System sys(std::move(lat), 7);
  sys.fix_nodes(bottom);
  return sys;
}

/// Shear force on the top face, ramped smoothly from 0 to `total` [N] over `ramp` [s] (zero rate at
/// both ends, so that the ramp excites little vibration), then held.
LoadFunction top_shear(const System& sys, double total, double ramp) {
  const auto top = sys.lattice_info.node_sets.at("top");
  return [top, total, ramp](double t, System& s) {
    const double r = std::min(t / ramp, 1.0);
    const double f = total * (r - std::sin(2.0 * std::numbers::pi * r) / (2.0 * std::numbers::pi));
    for (Index n : top) s.external_forces[3 * n] = f / double(top.size());
  };
}

double mean_top_x(const System& sys) {
  const auto& top = sys.lattice_info.node_sets.at("top");
  double u = 0.0;
  for (Index n : top) u += sys.positions[3 * n] - sys.rest_positions[3 * n];
  return u / double(top.size());
}

TEST(ImplicitIntegrator, QuasiStaticChainMatchesStaticDisplacement) {
  const int springs = 10;
  const double k = 50.0, length = 1e-3, force = 0.02, ramp = 10.0;
  System sys = make_chain(springs, k, length, 1e-6);
  ImplicitOptions opt;
  opt.quasi_static = true;
  opt.dt_initial = 1.0;
  ImplicitIntegrator integ(sys, opt);
  const LoadFunction load = [&](double t, System& s) {
    s.external_forces[3 * springs] = force * std::min(t / ramp, 1.0);
  };
  for (int n = 1; n <= 10; ++n) {
    const StepReport r = integ.step(load, 1.0);
    EXPECT_EQ(r.substeps, 1);
    const double f = force * n / ramp;
    // Node i carries the whole end force through i springs in series: u_i = F i / k. The problem is
    // linear (springs stay on the x axis), so one Newton step solves it to rounding; the residual
    // test (1e-6 relative) alone would bound the error by 1e-6 |f| / lambda_min(K) ~ 3e-5 u_end,
    // lambda_min ~ k pi^2 / (4 N^2). We assert 1e-6.
    for (int i = 1; i <= springs; ++i)
      EXPECT_NEAR(sys.positions[3 * i] - i * length, f * i / k, 1e-6 * f * springs / k) << "node " << i;
  }
  EXPECT_DOUBLE_EQ(sys.time, 10.0);
  // Static loading: the work of the force is stored, nothing lost. The trapezoidal work is exact
  // for a linear spring under a linear ramp, so the two differ only through the displacement
  // error (asserted <= 1e-6 above; energy ~ u^2 doubles it).
  const double stored = stored_energy(sys);
  EXPECT_NEAR(sys.work_input, stored, 2e-6 * stored);
}

TEST(ImplicitIntegrator, BackwardEulerEnergyDecayOfOscillatorIsExact) {
  // One linear spring, free end released from a stretch: backward Euler multiplies the discrete
  // energy m v^2/2 + k u^2/2 by exactly 1/(1 + omega^2 h^2) per step (its amplification matrix is
  // (I + hA)/(1 + omega^2 h^2) with A skew), so the closed form holds to rounding.
  const double k = 100.0, m = 1e-3, h = 1e-3, u0 = 1e-4;
  System sys = make_chain(1, k, 1e-2, m);
  sys.positions[3] += u0;
  ImplicitOptions opt;
  opt.dt_initial = opt.dt_max = h;
  opt.tolerance = 1e-12;
  ImplicitIntegrator integ(sys, opt);
  const LoadFunction none = [](double, System&) {};
  const double e0 = 0.5 * k * u0 * u0;
  const int steps = 20;
  for (int n = 0; n < steps; ++n) integ.step(none, h);
  const double omega2 = k / m;
  const double expected = e0 / std::pow(1.0 + omega2 * h * h, steps);
  const double energy = stored_energy(sys) + kinetic_energy(sys);
  EXPECT_NEAR(energy, expected, 1e-9 * e0);
  // Nothing is dissipated physically; the loss is booked as numerical dissipation (positive).
  EXPECT_EQ(sys.dissipated, 0.0);
  EXPECT_NEAR(integ.numerical_dissipation(), e0 - expected, 1e-9 * e0);
  EXPECT_GT(integ.numerical_dissipation(), 0.5 * e0);
}

TEST(ImplicitIntegrator, AgreesWithExplicitOnSlowLoading) {
  // 4 x 4 x 3 block, bottom fixed, top sheared by a smooth ramp over 0.1 s; the lowest shear mode
  // has a period of ~2.5 ms (c_s = 3.2 m/s, height 2 mm), so the response is quasi-static and
  // both integrators must follow the same path.
  const double force = 9e-4, ramp = 0.1;
  System a = make_block(4, 4, 3);
  System b = make_block(4, 4, 3);
  const LoadFunction load = top_shear(a, force, ramp);
  ExplicitIntegrator ex(a, 0.5 * critical_time_step(a));
  ImplicitOptions opt;
  opt.dt_initial = 1e-4;
  opt.dt_max = 2e-3;
  ImplicitIntegrator im(b, opt);
  double u_max = 0.0, diff_max = 0.0;
  for (int sample = 1; sample <= 15; ++sample) {
    const double t = sample * 0.01;
    while (a.time < t - 0.5 * ex.dt()) ex.step(load);
    im.advance_to(t, load);
    EXPECT_DOUBLE_EQ(b.time, t);
    u_max = std::max(u_max, std::abs(mean_top_x(a)));
    diff_max = std::max(diff_max, std::abs(mean_top_x(a) - mean_top_x(b)));
  }
  EXPECT_GT(u_max, 5e-6);  // the load did something (about 1 % shear)
  // The explicit path carries the ramp's residual vibration and a lag of half a step; backward
  // Euler damps the vibration. Both errors are O((omega_load/omega_1)^2) ~ 1e-3 here (measured
  // 7e-4 of the peak displacement); we allow 1 %.
  EXPECT_LT(diff_max, 0.01 * u_max);
}

TEST(ImplicitIntegrator, MaxwellRelaxationIsExactWithLargeSteps) {
  // A Maxwell spring stretched by delta in a very short step, then held: the branch elongation
  // relaxes as delta exp(-t/tau). The exact update (Simo) makes this hold for any step size.
  const double k = 10.0, tau = 2.0, length = 1e-3, delta = 1e-5;
  Lattice lat;
  lat.dim = 3;
  lat.rest_positions = {0.0, 0.0, 0.0, length, 0.0, 0.0};
  lat.masses = {1e-6, 1e-6};
  std::get<MaxwellSpringGroup>(lat.groups).add(0, 1, k, tau, length);
  System sys(std::move(lat), 1);
  sys.fix_nodes({0});
  sys.fixed[3] = 1;  // x of node 1 is prescribed, its y and z are free
  const double t_stretch = 1e-9 * tau;
  const LoadFunction load = [&](double t, System& s) {
    s.prescribed[3] = length + delta * std::min(t / t_stretch, 1.0);
  };
  ImplicitOptions opt;
  opt.dt_initial = t_stretch;
  opt.dt_min = 1e-15;
  opt.dt_max = tau / 2;
  ImplicitIntegrator integ(sys, opt);
  integ.step(load, t_stretch);
  const auto& branch = std::get<MaxwellSpringGroup>(sys.groups);
  const double q0 = branch.elongation[0];
  EXPECT_NEAR(q0, delta, 1e-8 * delta);  // g = 1 - O(dt/tau)
  for (int n = 1; n <= 8; ++n) {
    const StepReport r = integ.step(load, tau / 2);
    EXPECT_EQ(r.substeps, 1);
    EXPECT_NEAR(branch.elongation[0], q0 * std::exp(-n * 0.5), 1e-12 * delta) << "step " << n;
  }
  // Ledger: the stretch put k q0 delta / 2 in; what is not stored any more was dissipated.
  const double stored = 0.5 * k * branch.elongation[0] * branch.elongation[0];
  EXPECT_NEAR(sys.work_input, stored + sys.dissipated, 1e-12 * sys.work_input);
  EXPECT_NEAR(sys.dissipated, 0.5 * k * q0 * q0 * (1.0 - std::exp(-8.0)), 1e-6 * sys.work_input);
}

/// Two layers of neo-Hookean tetrahedra whose top face is pushed down by 1.2 cell heights within
/// one quasi-static step of `dt`: at the full step the upper layer would invert around the unmoved
/// middle nodes (energy +inf), so the step must be halved. Started from the extrapolation only:
/// the linearised predictor would spread the push and take it in one step
/// (LinearisedPredictorTakesALongPrescribedMoveInOneStep); these tests are about halving.
struct HalvingPush {
  static constexpr double push = 1.2e-3, dt = 1.0;
  System sys = make_block(2, 2, 3, MatrixModel::tets);
  std::vector<Index> top = sys.lattice_info.node_sets.at("top");
  LoadFunction load = [top = top](double t, System& s) {
    for (Index n : top) s.prescribed[3 * n + 2] = s.rest_positions[3 * n + 2] - push * std::min(t / dt, 1.0);
  };
  ImplicitOptions opt;
  HalvingPush() {
    sys.fix_nodes(top);
    opt.quasi_static = true;
    opt.linear_predictor = false;
    opt.dt_initial = dt;
    opt.dt_min = 1e-6;
  }
};

TEST(ImplicitIntegrator, FailedStepIsSubdividedAndConverges) {
  // The push must be halved (HalvingPush); the halves converge.
  HalvingPush c;
  System& sys = c.sys;
  const auto& top = c.top;
  const auto& load = c.load;
  const ImplicitOptions& opt = c.opt;
  const double push = c.push, dt = c.dt;
  const std::vector<double> start = sys.positions;
  {
    System copy = sys;
    ImplicitOptions strict = opt;
    strict.dt_min = 0.6 * dt;  // halving once is not allowed: the step must fail cleanly
    ImplicitIntegrator integ(copy, strict);
    try {
      integ.step(load, dt);
      ADD_FAILURE() << "expected SimulationError";
    } catch (const SimulationError& e) {
      EXPECT_NE(std::string(e.what()).find("dt_min"), std::string::npos) << e.what();
    }
    EXPECT_EQ(copy.positions, start);  // restored to the state before the step
    EXPECT_EQ(copy.time, 0.0);
  }
  ImplicitIntegrator integ(sys, opt);
  const StepReport r = integ.step(load, dt);
  EXPECT_GE(r.halvings, 1);
  EXPECT_GE(r.substeps, 2);
  EXPECT_EQ(sys.time, dt);
  EXPECT_LE(r.residual, opt.tolerance);
  for (Index n : top) EXPECT_EQ(sys.positions[3 * n + 2], sys.rest_positions[3 * n + 2] - push);
  // Independent check of equilibrium: free-DOF forces small against the reactions.
  std::vector<double> f;
  internal_forces(sys, view(sys.positions), f);
  double free_sq = 0.0, all_sq = 0.0;
  for (std::size_t d = 0; d < f.size(); ++d) {
    all_sq += f[d] * f[d];
    if (!sys.fixed[d]) free_sq += f[d] * f[d];
  }
  EXPECT_GT(all_sq, 0.0);
  EXPECT_LE(std::sqrt(free_sq), opt.tolerance * std::sqrt(all_sq));
}

TEST(ImplicitIntegrator, AnAbandonedStepPutsBackItsStartAndIsRedoneBitForBit) {
  // HalvingPush's step needs three attempts (the full step fails, two halves pass);
  // abandon_step is polled before the second and the third attempt and says yes before the third,
  // after the first half was accepted: the state must be the step's start again, bit for bit, and
  // the step taken again from there by another integrator (as a resumed run does) must end where
  // an uninterrupted step ends.
  HalvingPush c;
  System& sys = c.sys;
  const auto& load = c.load;
  const ImplicitOptions& opt = c.opt;
  const double dt = c.dt;
  System reference = sys;
  ImplicitIntegrator uninterrupted(reference, opt);
  const StepReport whole = uninterrupted.step(load, dt);
  ASSERT_EQ(whole.substeps + whole.halvings, 3) << "the step must take three attempts for this test";

  int polls = 0;
  ImplicitOptions stopping = opt;
  stopping.abandon_step = [&polls]() { return ++polls >= 2; };
  const System start = sys;
  ImplicitIntegrator integ(sys, stopping);
  const StepReport r = integ.step(load, dt);
  EXPECT_TRUE(r.abandoned);
  EXPECT_TRUE(integ.last_step_abandoned());
  EXPECT_EQ(polls, 2);
  EXPECT_EQ(sys.positions, start.positions);
  EXPECT_EQ(sys.velocities, start.velocities);
  EXPECT_EQ(sys.prescribed, start.prescribed);
  EXPECT_EQ(sys.time, start.time);
  EXPECT_EQ(sys.step, start.step);
  EXPECT_EQ(sys.work_input, start.work_input);
  EXPECT_EQ(integ.numerical_dissipation(), 0.0);

  // Given up at the first poll, after the failed full step only: the start again, too.
  {
    System copy = start;
    ImplicitOptions at_once = opt;
    at_once.abandon_step = []() { return true; };
    ImplicitIntegrator early(copy, at_once);
    EXPECT_TRUE(early.step(load, dt).abandoned);
    EXPECT_EQ(copy.positions, start.positions);
    EXPECT_EQ(copy.prescribed, start.prescribed);
    EXPECT_EQ(copy.time, start.time);
  }

  ImplicitIntegrator again(sys, opt);
  const StepReport redone = again.step(load, dt);
  EXPECT_FALSE(redone.abandoned);
  EXPECT_EQ(sys.positions, reference.positions);
  EXPECT_EQ(sys.time, reference.time);
  EXPECT_EQ(again.numerical_dissipation(), uninterrupted.numerical_dissipation());
}

struct RunResult {
  std::vector<double> positions, velocities;
  double work = 0, dissipated = 0;
};

RunResult run_block(Index n, int threads, LinearSolver solver, bool quasi_static, double tolerance) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  System sys = make_block(n, n, n);
  const LoadFunction load = top_shear(sys, 0.02, 0.05);
  ImplicitOptions opt;
  opt.linear_solver = solver;
  opt.quasi_static = quasi_static;
  opt.tolerance = tolerance;
  opt.dt_initial = 5e-3;
  ImplicitIntegrator integ(sys, opt);
  for (int n = 0; n < 4; ++n) integ.step(load, 5e-3);
  omp_set_num_threads(saved);
  return {sys.positions, sys.velocities, sys.work_input, sys.dissipated};
}

TEST(ImplicitIntegrator, BitwiseIdenticalForOneAndTwoThreads) {
  // 9^3 nodes: ~6k springs, above kParallelThreshold, so the assembly runs threaded.
  const Index n = 9;
  ASSERT_GT(std::get<SpringGroup>(make_block(n, n, n).groups).size(), kParallelThreshold);
  for (LinearSolver solver : available_linear_solvers()) {
    const RunResult one = run_block(n, 1, solver, false, 1e-6);
    const RunResult two = run_block(n, 2, solver, false, 1e-6);
    ASSERT_EQ(one.positions.size(), two.positions.size());
    EXPECT_EQ(0, std::memcmp(one.positions.data(), two.positions.data(), one.positions.size() * sizeof(double)))
        << linear_solver_name(solver);
    EXPECT_EQ(0, std::memcmp(one.velocities.data(), two.velocities.data(), one.velocities.size() * sizeof(double)))
        << linear_solver_name(solver);
    EXPECT_EQ(one.work, two.work) << linear_solver_name(solver);
    EXPECT_EQ(one.dissipated, two.dissipated) << linear_solver_name(solver);
  }
}

TEST(ImplicitIntegrator, LinearSolversAgree) {
  const Index n = 6;
  const RunResult ref = run_block(n, 2, LinearSolver::ldlt, true, 1e-10);
  const std::vector<double> rest = make_block(n, n, n).rest_positions;
  double disp = 0.0;
  for (std::size_t d = 0; d < ref.positions.size(); ++d) disp = std::max(disp, std::abs(ref.positions[d] - rest[d]));
  EXPECT_GT(disp, 1e-6);
  for (LinearSolver solver : available_linear_solvers()) {
    if (solver == LinearSolver::ldlt) continue;
    const RunResult other = run_block(n, 2, solver, true, 1e-10);
    double diff = 0.0;
    for (std::size_t d = 0; d < ref.positions.size(); ++d)
      diff = std::max(diff, std::abs(ref.positions[d] - other.positions[d]));
    // Both solutions satisfy |r| <= 1e-10 |f|; the displacement error is bounded by that times the
    // condition number of the quasi-static stiffness (< 1e3 for this block): 1e-7 of the
    // displacement. We allow 1e-6 (measured: ~1e-12 for all three).
    EXPECT_LT(diff, 1e-6 * disp) << linear_solver_name(solver);
  }
}

TEST(ImplicitIntegrator, ModifiedNewtonReachesFullNewtonsSolutionWithFewerFactorisations) {
  // The sheared block (dynamic, geometrically nonlinear springs, steps that grow): modified Newton
  // (reused factorisations, docs/solvers.md) against full Newton, both to a 1e-10 residual.
  const Index n = 6;
  auto run = [&](bool reuse, int& factorisations, int& iterations) {
    System sys = make_block(n, n, n);
    const LoadFunction load = top_shear(sys, 0.02, 0.05);
    ImplicitOptions opt;
    opt.linear_solver = LinearSolver::ldlt;
    opt.tolerance = 1e-10;
    opt.dt_initial = opt.dt_max = 5e-3;  // the same steps for both
    opt.reuse_factorisation = reuse;
    ImplicitIntegrator integ(sys, opt);
    factorisations = iterations = 0;
    int substeps = 0, halvings = 0;
    for (int k = 0; k < 12; ++k) {
      const StepReport r = integ.step(load, 5e-3);
      factorisations += r.factorisations;
      iterations += r.newton_iterations;
      substeps += r.substeps;
      halvings += r.halvings;
    }
    // The integrator's running totals (a run's attributes newton_iterations, ...) are the reports' sums.
    const NewtonStatistics& total = integ.statistics();
    EXPECT_EQ(total.steps, substeps);
    EXPECT_GE(total.steps, 12);
    EXPECT_EQ(total.halvings, halvings);
    EXPECT_EQ(total.newton_iterations, iterations);
    EXPECT_EQ(total.factorisations, factorisations);
    return sys.positions;
  };
  int f_full = 0, it_full = 0, f_mod = 0, it_mod = 0;
  const std::vector<double> full = run(false, f_full, it_full);
  const std::vector<double> modified = run(true, f_mod, it_mod);
  const std::vector<double> rest = make_block(n, n, n).rest_positions;
  double disp = 0.0, diff = 0.0;
  for (std::size_t d = 0; d < full.size(); ++d) {
    disp = std::max(disp, std::abs(full[d] - rest[d]));
    diff = std::max(diff, std::abs(full[d] - modified[d]));
  }
  EXPECT_GT(disp, 1e-6);
  // Both end every step at |r| <= 1e-10 |f|; as in LinearSolversAgree the difference is bounded by
  // that times the condition number (< 1e3, and backward Euler's M/h^2 only lowers it) per step,
  // 12 steps: ~1e-6 of the displacement at worst. We allow 1e-6.
  EXPECT_LT(diff, 1e-6 * disp);
  EXPECT_EQ(f_full, it_full);  // full Newton: one factorisation per iteration, none shifted here
  // The tangent of this smooth load barely changes between steps: most iterations reuse it.
  EXPECT_LT(2 * f_mod, f_full) << "modified: " << f_mod << " factorisations in " << it_mod << " iterations";
}

/// A 1 mm hex8 neo-Hookean block (nu = 0.3), bottom fixed, top face pushed down by 20 % in
/// `steps` quasi-static steps to a 1e-10 residual; the positions at the end.
std::vector<double> compress_hex_block(int steps, bool linear_predictor, StepReport& total) {
  const Index n = 8;
  System sys(build_hex_block(n, n, n, 1e-3 / n, soft_matrix(), FiberLaw{}, 0.0, 5.0), 1);
  const auto top = sys.lattice_info.node_sets.at("top");
  sys.fix_nodes(sys.lattice_info.node_sets.at("bottom"));
  for (Index q : top) sys.fixed[3 * q + 2] = 1;
  const LoadFunction load = [&](double t, System& s) {
    for (Index q : top) s.prescribed[3 * q + 2] = 1e-3 * (1.0 - 0.2 * std::min(t, 1.0));
  };
  ImplicitOptions opt;
  opt.linear_solver = LinearSolver::ldlt;
  opt.quasi_static = true;
  opt.linear_predictor = linear_predictor;
  opt.tolerance = 1e-10;
  opt.dt_initial = opt.dt_max = 1.0 / steps;
  ImplicitIntegrator integ(sys, opt);
  for (int k = 0; k < steps; ++k) {
    const StepReport r = integ.step(load, 1.0 / steps);
    total.substeps += r.substeps;
    total.halvings += r.halvings;
    total.newton_iterations += r.newton_iterations;
  }
  return sys.positions;
}

TEST(ImplicitIntegrator, LinearisedPredictorTakesALongPrescribedMoveInOneStep) {
  // 0.2 mm in one step is longer than the top elements are tall (0.125 mm): started from the
  // extrapolation, the top layer inverts and the step must be halved; the linearised response
  // spreads the move through the block and Newton converges from there (docs/solvers.md).
  StepReport one, plain, reference;
  const std::vector<double> x_one = compress_hex_block(1, true, one);
  const std::vector<double> x_plain = compress_hex_block(1, false, plain);
  const std::vector<double> x_ref = compress_hex_block(10, false, reference);
  EXPECT_EQ(one.halvings, 0);
  EXPECT_EQ(one.substeps, 1);
  EXPECT_GE(plain.halvings, 1);
  // Measured: 4 iterations (the predictor's solve counted as one) against 15 without it.
  EXPECT_LT(one.newton_iterations, plain.newton_iterations);
  EXPECT_LE(one.newton_iterations, 6);
  // A hyperelastic block has one equilibrium for this load whatever the path: every run ends at
  // |r| <= 1e-10 |f|, so they agree to that times the stiffness' condition number (< 1e3):
  // ~1e-7 of the displacement; we allow 1e-6.
  const System block(build_hex_block(8, 8, 8, 1e-3 / 8, soft_matrix(), FiberLaw{}, 0.0, 5.0), 1);
  double disp = 0.0, diff_one = 0.0, diff_plain = 0.0;
  for (std::size_t d = 0; d < x_ref.size(); ++d) {
    disp = std::max(disp, std::abs(x_ref[d] - block.rest_positions[d]));
    diff_one = std::max(diff_one, std::abs(x_one[d] - x_ref[d]));
    diff_plain = std::max(diff_plain, std::abs(x_plain[d] - x_ref[d]));
  }
  EXPECT_NEAR(disp, 2e-4, 1e-12);  // the top face's prescribed move
  EXPECT_LT(diff_one, 1e-6 * disp);
  EXPECT_LT(diff_plain, 1e-6 * disp);
}

TEST(ImplicitIntegrator, StepControlRefusalIsReportedAsSuch) {
  // A step control that refuses every converged step: the error at dt_min says so, not that
  // Newton did not converge (it did).
  System sys = make_chain(3, 50.0, 1e-3, 1e-6);
  ImplicitOptions opt;
  opt.quasi_static = true;
  opt.dt_initial = 1.0;
  opt.dt_min = 0.2;
  opt.accept_step = [](const System&, const std::vector<double>&) { return false; };
  ImplicitIntegrator integ(sys, opt);
  const LoadFunction load = [](double t, System& s) { s.external_forces[9] = 0.01 * t; };
  try {
    integ.step(load, 1.0);
    ADD_FAILURE() << "expected SimulationError";
  } catch (const SimulationError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("step control refused"), std::string::npos) << what;
    EXPECT_EQ(what.find("did not converge"), std::string::npos) << what;
  }
}

TEST(ImplicitIntegrator, OptionsAreValidated) {
  try {
    parse_linear_solver("magic");
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "solver.linear_solver");
    EXPECT_NE(std::string(e.what()).find("'magic'"), std::string::npos) << e.what();
  }
  for (LinearSolver s : available_linear_solvers()) EXPECT_EQ(parse_linear_solver(linear_solver_name(s)), s);
  ImplicitOptions opt;
  opt.dt_initial = 10.0;
  opt.dt_max = 1.0;
  EXPECT_THROW(opt.validate(), InputError);
  opt = ImplicitOptions{};
  opt.tolerance = 0.0;
  EXPECT_THROW(opt.validate(), InputError);
}

}  // namespace
}  // namespace fascia
