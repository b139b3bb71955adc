// SPDX-License-Identifier: MIT
#include "fascia/solve/explicit.hpp"

#include <cmath>

#include "fascia/core/random.hpp"

namespace fascia {

double max_eigenvalue(System& sys, int iterations) {
  const std::size_t n = sys.num_dofs();
  std::vector<double> v(n), y;
  std::vector<double> inv_sqrt_m(n);
  for (std::size_t d = 0; d < n; ++d) {
    inv_sqrt_m[d] = sys.fixed[d] ? 0.0 : 1.0 / std::sqrt(sys.masses[d / 3]);
    v[d] = sys.fixed[d] ? 0.0 : random_uniform(sys.seed, Stream::lattice, d, 7) - 0.5;
  }
  auto normalise = [&](std::vector<double>& a) {
    double s = 0.0;
    for (double q : a) s += q * q;
    s = std::sqrt(s);
    if (s > 0)
      for (double& q : a) q /= s;
    return s;
  };
  normalise(v);
  const ConstNodes x = view(sys.positions);
  double lambda = 0.0;
  std::vector<double> w(n);
  for (int it = 0; it < iterations; ++it) {
    for (std::size_t d = 0; d < n; ++d) w[d] = v[d] * inv_sqrt_m[d];
    hessian_product(sys, x, HessianMode::stability, w, y);
    for (std::size_t d = 0; d < n; ++d) y[d] *= inv_sqrt_m[d];
    double rq = 0.0;
    for (std::size_t d = 0; d < n; ++d) rq += v[d] * y[d];
    lambda = rq;
    if (normalise(y) == 0.0) break;
    v.swap(y);
  }
  return lambda;
}

double critical_time_step(System& sys) {
  const double lambda = max_eigenvalue(sys);
  return lambda > 0 ? 2.0 / std::sqrt(1.05 * lambda) : 1e300;
}

ExplicitIntegrator::ExplicitIntegrator(System& sys, double dt, double mass_damping)
    : sys_(sys), dt_(dt), damping_(mass_damping) {}

void ExplicitIntegrator::reset(const LoadFunction& load) {
  load(sys_.time, sys_);
  internal_forces(sys_, view(sys_.positions), force_);
  for (std::size_t d = 0; d < force_.size(); ++d) force_[d] += sys_.external_forces[d];
  previous_external_ = sys_.external_forces;
  initialised_ = true;
}

void ExplicitIntegrator::step(const LoadFunction& load) {
  if (!initialised_) reset(load);
  System& s = sys_;
  const std::size_t n = s.num_dofs();
  const StepContext ctx{dt_, s.time, s.step, s.seed};
  begin_step(s, ctx);
  std::vector<double>& x = s.positions;
  std::vector<double>& v = s.velocities;
  load(s.time + dt_, s);
  double work = 0.0, damping_loss = 0.0;
  std::vector<double> dx(n);
  for (std::size_t d = 0; d < n; ++d) {
    const double m = s.masses[d / 3];
    if (s.fixed[d]) {
      dx[d] = s.prescribed[d] - x[d];
      v[d] = dx[d] / dt_;
    } else {
      v[d] += 0.5 * dt_ * force_[d] / m;
      dx[d] = dt_ * v[d];
    }
    x[d] += dx[d];
  }
  std::vector<double> f_new;
  internal_forces(s, view(x), f_new);
  for (std::size_t d = 0; d < n; ++d) {
    const double m = s.masses[d / 3];
    f_new[d] += s.external_forces[d];
    if (s.fixed[d]) {
      // Reaction on a prescribed DOF (quasi-static part) does work on the tissue.
      work += -0.5 * (force_[d] + f_new[d]) * dx[d];
    } else {
      work += 0.5 * (previous_external_[d] + s.external_forces[d]) * dx[d];
      v[d] += 0.5 * dt_ * f_new[d] / m;
      if (damping_ > 0.0) {
        const double factor = std::exp(-damping_ * dt_);
        damping_loss += 0.5 * m * v[d] * v[d] * (1.0 - factor * factor);
        v[d] *= factor;
      }
    }
  }
  force_.swap(f_new);
  previous_external_ = s.external_forces;
  s.time += dt_;
  ++s.step;
  s.dissipated += end_step(s, ctx) + damping_loss;
  s.work_input += work;
}

}  // namespace fascia
