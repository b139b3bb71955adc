// SPDX-License-Identifier: MIT
// Dynamics against closed forms: lattice dispersion of a spring chain, the shear-wave speed of
// the matrix, Prony relaxation of Maxwell branches, energy conservation and the stability limit
// of the explicit integrator, and bitwise determinism across thread counts.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

#include "fascia/core/random.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/model/system.hpp"
#include "fascia/solve/assembly.hpp"
#include "fascia/solve/explicit.hpp"

namespace {

using namespace fascia;
constexpr double kPi = std::numbers::pi;

const LoadFunction kNoLoad = [](double, System&) {};

/// A chain of n nodes on the x axis, spacing a, springs k, masses m; only x DOFs of interior
/// nodes are free (both ends held).
System chain(Index n, double a, double k, double m) {
  Lattice lat;
  lat.rest_positions.assign(3 * n, 0.0);
  lat.masses.assign(n, m);
  lat.layer_id.assign(n, 0);
  for (Index i = 0; i < n; ++i) lat.rest_positions[3 * i] = i * a;
  auto& springs = std::get<SpringGroup>(lat.groups);
  for (Index i = 0; i + 1 < n; ++i) springs.add(i, i + 1, k, a);
  System s(std::move(lat), 1);
  for (Index i = 0; i < n; ++i) {
    s.fixed[3 * i + 1] = s.fixed[3 * i + 2] = 1;
    if (i == 0 || i == n - 1) s.fixed[3 * i] = 1;
  }
  return s;
}

TEST(Waves, ChainDispersionRelation) {
  // With both ends held, u_j = A sin(q a j) cos(omega t), q = pi p / ((n-1) a), is an exact
  // normal mode of the discrete chain with omega = 2 sqrt(k/m) |sin(q a / 2)|.
  const Index n = 41;
  const double a = 1e-3, k = 50.0, m = 2e-6;
  for (int p : {1, 5, 13, 30}) {
    System s = chain(n, a, k, m);
    const double q = kPi * p / ((n - 1) * a);
    const double omega = 2.0 * std::sqrt(k / m) * std::abs(std::sin(q * a / 2.0));
    const double amp = 1e-4 * a;  // linear springs along the chain: amplitude does not matter
    std::vector<double> shape(n);
    for (Index j = 0; j < n; ++j) {
      shape[j] = std::sin(q * a * j);
      s.positions[3 * j] += amp * shape[j];
    }
    // Verlet's frequency error is (omega dt)^2 / 24: dt = 0.02 / omega makes it 2e-5.
    const double dt = 0.02 / omega;
    ExplicitIntegrator integ(s, dt);
    auto modal = [&] {  // projection of the displacement onto the mode
      double num = 0.0, den = 0.0;
      for (Index j = 0; j < n; ++j) {
        num += (s.positions[3 * j] - s.rest_positions[3 * j]) * shape[j];
        den += shape[j] * shape[j];
      }
      return num / den;
    };
    // Zero crossings of the modal amplitude over five periods, linearly interpolated.
    std::vector<double> crossings;
    double prev = modal();
    const double t_end = 5.0 * 2.0 * kPi / omega;
    while (s.time < t_end) {
      const double t0 = s.time;
      integ.step(kNoLoad);
      const double cur = modal();
      if ((prev > 0) != (cur > 0)) crossings.push_back(t0 + dt * prev / (prev - cur));
      prev = cur;
    }
    ASSERT_GE(crossings.size(), 9u) << p;
    const double half_period = (crossings.back() - crossings.front()) / double(crossings.size() - 1);
    // Interpolating a cosine linearly between samples 0.02 rad apart errs by ~(0.02)^2/8 of a
    // step per crossing, nothing over 9 half periods; with Verlet's 2e-5 a bound of 1e-4 is safe,
    // and a wrong dispersion (e.g. the continuum omega = c q) misses by 0.3 % (p=5) to 40 % (p=30).
    EXPECT_NEAR(kPi / half_period, omega, 1e-4 * omega) << "p = " << p;
    // The mode stays a mode: the amplitude still sits at ~amp at the end (energy conserved).
    EXPECT_LT(std::abs(modal()), 1.01 * amp);
  }
}

// ---- 3-D block -------------------------------------------------------------------------------

LayerMaterial matrix_material(double nu) {
  LayerMaterial m;
  m.name = "dense";
  m.density = 1100.0;
  m.shear_modulus = 10e6 / (2.0 * (1.0 + nu));
  m.drained_bulk = bulk_from_poisson(m.shear_modulus, nu);
  m.undrained_bulk = m.drained_bulk;  // water_bulk 0: no water element
  m.fiber_modulus = 0.0;              // no fibres
  return m;
}

System block(Index nx, Index ny, Index nz, double a, double nu) {
  return System(build_block(nx, ny, nz, a, a, a, matrix_material(nu), FiberLaw{}, 0.0, 0.0, MatrixModel::springs), 1);
}

TEST(Waves, ShearWaveSpeedIsSqrtMuOverRho) {
  // A plane shear wave along x, polarised along y: all x and z DOFs held, the x = 0 face driven
  // by a smooth pulse in y. The pulse peak travels at c_s = sqrt(mu / rho) (long waves: the
  // lattice dispersion at the pulse's ~10-cell width is ~ (q a)^2 / 24 < 1 %).
  const double a = 2.5e-4, nu = 0.25;
  const Index nx = 81, ny = 2, nz = 2;  // one cell across: below the parallel threshold
  System s = block(nx, ny, nz, a, nu);
  const LayerMaterial mat = matrix_material(nu);
  const double c_s = std::sqrt(mat.shear_modulus / mat.density);
  std::vector<Index> driven;
  for (std::size_t i = 0; i < s.num_nodes(); ++i) {
    s.fixed[3 * i] = s.fixed[3 * i + 2] = 1;
    if (s.rest_positions[3 * i] < 1e-9) {
      s.fixed[3 * i + 1] = 1;
      driven.push_back(Index(i));
    }
  }
  const double width = 8.0 * a / c_s, t0 = 4.0 * width, amp = 1e-3 * a;
  const LoadFunction pulse = [&](double t, System& sys) {
    const double u = amp * std::exp(-std::pow((t - t0) / width, 2));
    for (Index i : driven) sys.prescribed[3 * i + 1] = sys.rest_positions[3 * i + 1] + u;
  };
  const double dt = 0.5 * critical_time_step(s);
  ExplicitIntegrator integ(s, dt);
  // Stations: node planes at x1 = 20 a and x2 = 60 a, averaged over the cross-section.
  const Index i1 = 20, i2 = 60;
  auto station = [&](Index ix) {
    double u = 0.0;
    for (Index k = 0; k < nz; ++k)
      for (Index j = 0; j < ny; ++j) {
        const Index node = (k * ny + j) * nx + ix;
        u += s.positions[3 * node + 1] - s.rest_positions[3 * node + 1];
      }
    return u / double(ny * nz);
  };
  std::vector<double> t, u1, u2;
  // Up to the arrival at x2 plus the pulse duration; the reflection from x = 80 a comes back to
  // x2 only 2 * 20 a / c_s = 5 pulse widths later.
  const double t_end = t0 + (i2 * a) / c_s + 4.0 * width;
  while (s.time < t_end) {
    integ.step(pulse);
    t.push_back(s.time);
    u1.push_back(station(i1));
    u2.push_back(station(i2));
  }
  auto peak_time = [&](const std::vector<double>& u) {  // parabola through the largest sample
    std::size_t b = 1;
    for (std::size_t i = 1; i + 1 < u.size(); ++i)
      if (u[i] > u[b]) b = i;
    const double den = u[b - 1] - 2 * u[b] + u[b + 1];
    return t[b] + 0.5 * dt * (u[b - 1] - u[b + 1]) / den;
  };
  const double t1 = peak_time(u1), t2 = peak_time(u2);
  ASSERT_GT(t2, t1);
  const double speed = (i2 - i1) * a / (t2 - t1);
  // 2 %: lattice dispersion of the pulse (< 1 %) and peak interpolation (dt ~ 1 % of the width);
  // the P-wave (sqrt(3) c_s here) or a wrong mass lumping would miss by far.
  EXPECT_NEAR(speed, c_s, 0.02 * c_s);
  // Non-vacuous: the pulse arrived with most of its amplitude (no fibres, no damping).
  EXPECT_GT(*std::max_element(u2.begin(), u2.end()), 0.5 * amp);
}

TEST(Waves, PronyRelaxationUnderHeldStretch) {
  // A bar: a long-term spring k_inf in parallel with two Maxwell branches (k_i, tau_i), both ends
  // prescribed. Stretched by d over one step dt, then held. The exact Maxwell update makes the
  // branch force k_i q_i exact for a length varying linearly over each step:
  //   q_i(t) = d tau_i / dt (1 - exp(-dt / tau_i)) exp(-(t - dt) / tau_i),  t >= dt,
  // and for dt << tau the bar relaxes as G(t) = k_inf + sum k_i exp(-t / tau_i) (docs/model.md §3.2 "Maxwell branches").
  const double l0 = 1e-3, d = 1e-5, k_inf = 30.0;
  const double k[2] = {50.0, 20.0}, tau[2] = {0.5, 8.0};
  Lattice lat;
  lat.rest_positions = {0, 0, 0, l0, 0, 0};
  lat.masses = {1e-6, 1e-6};
  lat.layer_id = {0, 0};
  std::get<SpringGroup>(lat.groups).add(0, 1, k_inf, l0);
  for (int b = 0; b < 2; ++b) std::get<MaxwellSpringGroup>(lat.groups).add(0, 1, k[b], tau[b], l0);
  System s(std::move(lat), 1);
  s.fix_nodes({0, 1});
  const double dt = 0.005 * tau[0];
  const LoadFunction hold = [&](double t, System& sys) { sys.prescribed[3] = l0 + (t > 0.0 ? d : 0.0); };
  ExplicitIntegrator integ(s, dt);
  std::vector<double> f;
  double worst_exact = 0.0, worst_ideal = 0.0;
  int checks = 0;
  for (int n = 1; n <= int(3.0 * tau[1] / dt); ++n) {
    integ.step(hold);
    if (n % 50) continue;
    internal_forces(s, view(s.positions), f);
    const double tension = f[0];  // force on node 0 along +x = tension of the bar
    const double t = s.time;
    double exact = k_inf * d, ideal = k_inf * d;
    for (int b = 0; b < 2; ++b) {
      exact += k[b] * d * tau[b] / dt * (-std::expm1(-dt / tau[b])) * std::exp(-(t - dt) / tau[b]);
      ideal += k[b] * d * std::exp(-t / tau[b]);
    }
    worst_exact = std::max(worst_exact, std::abs(tension - exact) / exact);
    worst_ideal = std::max(worst_ideal, std::abs(tension - ideal) / ideal);
    ++checks;
  }
  EXPECT_GT(checks, 100);
  // The update is exact: only round-off of exp and of l - L* (l ~ 1e-3, d ~ 1e-5: 1e-11).
  EXPECT_LT(worst_exact, 1e-9);
  // Against the ideal step: the one-step ramp delays the relaxation by dt/2, i.e.
  // a relative error <= dt / (2 tau_1) = 0.25 %.
  EXPECT_LT(worst_ideal, 3e-3);
  // Non-vacuous: it did relax, from k_inf + k_1 + k_2 towards k_inf.
  EXPECT_LT(f[0], 0.5 * (k_inf + k[0] + k[1]) * d);
  EXPECT_GT(f[0], k_inf * d);
}

/// Smooth initial displacement of a free block: a few long-wavelength modes, amplitude 1e-3 a.
void excite_smoothly(System& s, double a) {
  for (std::size_t i = 0; i < s.num_nodes(); ++i) {
    const double* p = &s.rest_positions[3 * i];
    const double lx = 10 * a;  // half-wavelengths of two block lengths: the longest modes
    s.positions[3 * i] += 1e-3 * a * std::sin(kPi * p[1] / lx) * std::cos(kPi * p[2] / lx);
    s.positions[3 * i + 1] += 1e-3 * a * std::sin(kPi * p[0] / lx + 0.3);
    s.positions[3 * i + 2] += 5e-4 * a * std::cos(2 * kPi * p[0] / lx) * std::sin(kPi * p[1] / lx);
  }
}

TEST(Waves, UndampedExplicitEnergyIsConserved) {
  // Velocity Verlet is symplectic: for a linear(ised) system the energy error oscillates with
  // amplitude ~ (omega dt)^2 / 8 for the excited modes and does not drift. At dt = 0.05 dt_crit
  // (omega_max dt = 0.1), even the highest mode would stay within 0.2 %, and the smooth field
  // excited here (mostly long modes) within 1e-3 (measured 7e-4 at 0.1 dt_crit, 2e-4 at 0.05); the secular change between the mean energy of the first and
  // of the last thousand steps must be far smaller still, 1e-5.
  const double a = 2.5e-4;
  System s = block(6, 6, 6, a, 0.3);  // springs + volumetric tets, no viscous branches
  excite_smoothly(s, a);
  const double dt = 0.05 * critical_time_step(s);
  ExplicitIntegrator integ(s, dt);
  auto total = [&] { return kinetic_energy(s) + internal_energy(s, view(s.positions)); };
  const double e0 = total();
  ASSERT_GT(e0, 0.0);
  double worst = 0.0, first = 0.0, last = 0.0;
  const int steps = 10000;
  for (int n = 0; n < steps; ++n) {
    integ.step(kNoLoad);
    const double e = total();
    worst = std::max(worst, std::abs(e - e0) / e0);
    if (n < 1000) first += e / 1000;
    if (n >= steps - 1000) last += e / 1000;
  }
  EXPECT_LT(worst, 1e-3);
  EXPECT_LT(std::abs(last - first) / e0, 1e-5);
  // Non-vacuous: energy really moved between kinetic and potential.
  EXPECT_GT(kinetic_energy(s), 1e-3 * e0);
}

/// Largest total energy over `steps` steps at dt = factor * critical_time_step, relative to the start.
double energy_growth(double factor, int steps) {
  const double a = 2.5e-4;
  System s = block(5, 5, 5, a, 0.3);
  // A random perturbation (counter-based, reproducible) excites the highest modes too.
  for (std::size_t d = 0; d < s.num_dofs(); ++d)
    s.positions[d] += 1e-4 * a * (random_uniform(3, Stream::lattice, d) - 0.5);
  const double dt = factor * critical_time_step(s);
  ExplicitIntegrator integ(s, dt);
  auto total = [&] { return kinetic_energy(s) + internal_energy(s, view(s.positions)); };
  const double e0 = total();
  double worst = 1.0;
  for (int n = 0; n < steps; ++n) {
    integ.step(kNoLoad);
    const double e = total();
    if (!std::isfinite(e)) return 1e300;
    worst = std::max(worst, e / e0);
  }
  return worst;
}

TEST(Waves, CriticalTimeStepSeparatesStableFromUnstable) {
  // Verlet is stable for omega_max dt < 2. critical_time_step = 2 / omega_max with a 5 % margin on
  // omega_max^2: 0.9 of it is stable (energy stays within a few % of the start: the highest modes
  // at omega dt ~ 1.8 carry an energy error of order one of *their* energy, a small share here),
  // 1.3 of it exceeds the true limit unless the estimate were 30 % high, and grows exponentially.
  EXPECT_LT(energy_growth(0.9, 2000), 1.1);
  EXPECT_GT(energy_growth(1.3, 2000), 1e6);
}

TEST(Waves, BitwiseIdenticalForOneAndTwoThreads) {
  // Large enough for the assembly to go parallel (kParallelThreshold elements per group).
  auto run = [](int threads) {
    omp_set_num_threads(threads);
    const double a = 2.5e-4;
    System s = block(14, 14, 8, a, 0.3);
    EXPECT_GT(std::get<SpringGroup>(s.groups).size(), kParallelThreshold);
    for (std::size_t d = 0; d < s.num_dofs(); ++d)
      s.velocities[d] = 1e-3 * (random_uniform(5, Stream::lattice, d) - 0.5);
    ExplicitIntegrator integ(s, 1e-7);  // ~ 0.1 of the critical step of this block
    for (int n = 0; n < 50; ++n) integ.step(kNoLoad);
    return s.positions;
  };
  const int before = omp_get_max_threads();
  const auto one = run(1);
  const auto two = run(2);
  omp_set_num_threads(before);
  ASSERT_EQ(one.size(), two.size());
  EXPECT_EQ(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)), 0);
  // Non-vacuous: the nodes moved.
  double moved = 0.0;
  const System ref = block(14, 14, 8, 2.5e-4, 0.3);
  for (std::size_t d = 0; d < one.size(); ++d) moved = std::max(moved, std::abs(one[d] - ref.rest_positions[d]));
  EXPECT_GT(moved, 0.0);
}

}  // namespace
