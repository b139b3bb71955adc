// SPDX-License-Identifier: MIT
#include "fascia/solve/explicit.hpp"

#include <algorithm>
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
  // The stability Hessian once, then one sparse product per iteration: element Hessians of
  // hexahedra cost ~1e4 flops each, too many to recompute 80 times.
  const Eigen::SparseMatrix<double> h = internal_hessian(sys, x, HessianMode::stability);
  double lambda = 0.0;
  std::vector<double> w(n);
  y.assign(n, 0.0);
  for (int it = 0; it < iterations; ++it) {
    for (std::size_t d = 0; d < n; ++d) w[d] = v[d] * inv_sqrt_m[d];
    Eigen::Map<Eigen::VectorXd>(y.data(), Eigen::Index(n)) = h * Eigen::Map<const Eigen::VectorXd>(w.data(), Eigen::Index(n));
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

void ExplicitIntegrator::resume_state(CheckpointIO& io) {
  io("explicit.force", force_);
  io("explicit.previous_external", previous_external_);
  initialised_ = true;
}

// Nodes are swept in fixed blocks; each block's share of the ledger is summed in block order,
// so results are bitwise identical for any thread count. Small systems run serially.
namespace {
constexpr std::size_t kBlock = 1024;  // nodes
}

void ExplicitIntegrator::step(const LoadFunction& load) {
  if (!initialised_) reset(load);
  System& s = sys_;
  const std::size_t n = s.num_dofs();
  const StepContext ctx{dt_, s.time, s.step, s.seed};
  begin_step(s, ctx);
  load(s.time + dt_, s);

  const std::size_t blocks = (s.num_nodes() + kBlock - 1) / kBlock;
  const bool parallel = n >= 3 * kParallelThreshold;
  dx_.resize(n);  // written and read only at prescribed DOFs
  work_part_.assign(blocks, 0.0);
  damping_part_.assign(blocks, 0.0);
  kick_and_drift(blocks, parallel);
  internal_forces(s, view(s.positions), f_new_);
  kick_damp_and_book(blocks, parallel);

  double work = 0.0, damping_loss = 0.0;
  for (std::size_t b = 0; b < blocks; ++b) {
    work += work_part_[b];
    damping_loss += damping_part_[b];
  }
  force_.swap(f_new_);
  s.time += dt_;
  ++s.step;
  s.dissipated += end_step(s, ctx) + damping_loss;
  s.work_input += work;
}

void ExplicitIntegrator::kick_and_drift(std::size_t blocks, bool parallel) {
  const std::size_t n = sys_.num_dofs();
  double* x = sys_.positions.data();
  double* v = sys_.velocities.data();
  const double* m_all = sys_.masses.data();
  const std::uint8_t* fixed = sys_.fixed.data();
  const double* prescribed = sys_.prescribed.data();
  const double* force = force_.data();
  double* dx = dx_.data();
  const double dt = dt_;
#pragma omp parallel for schedule(static) if (parallel)
  for (std::int64_t b = 0; b < std::int64_t(blocks); ++b)
    for (std::size_t d = 3 * kBlock * std::size_t(b); d < std::min(n, 3 * kBlock * std::size_t(b + 1)); ++d) {
      if (fixed[d]) {
        dx[d] = prescribed[d] - x[d];
        v[d] = dx[d] / dt;
        x[d] += dx[d];
      } else {
        v[d] += 0.5 * dt * force[d] / m_all[d / 3];
        x[d] += dt * v[d];
      }
    }
}

void ExplicitIntegrator::kick_damp_and_book(std::size_t blocks, bool parallel) {
  const std::size_t n = sys_.num_dofs();
  double* v = sys_.velocities.data();
  const double* m_all = sys_.masses.data();
  const std::uint8_t* fixed = sys_.fixed.data();
  const double* ext = sys_.external_forces.data();
  const double* force = force_.data();
  const double* dx = dx_.data();
  double* prev = previous_external_.data();
  double* f = f_new_.data();
  const double dt = dt_;
  const double factor = damping_ > 0.0 ? std::exp(-damping_ * dt) : 1.0;
  const bool damped = damping_ > 0.0;
#pragma omp parallel for schedule(static) if (parallel)
  for (std::int64_t b = 0; b < std::int64_t(blocks); ++b) {
    double work = 0.0, damping_loss = 0.0;
    for (std::size_t d = 3 * kBlock * std::size_t(b); d < std::min(n, 3 * kBlock * std::size_t(b + 1)); ++d) {
      const double m = m_all[d / 3];
      f[d] += ext[d];
      if (fixed[d]) {
        // Reaction on a prescribed DOF (quasi-static part) does work on the tissue.
        work += -0.5 * (force[d] + f[d]) * dx[d];
      } else {
        // dt v is the drift of the first pass, recomputed bitwise (v is unchanged since).
        work += 0.5 * (prev[d] + ext[d]) * (dt * v[d]);
        v[d] += 0.5 * dt * f[d] / m;
        if (damped) {
          damping_loss += 0.5 * m * v[d] * v[d] * (1.0 - factor * factor);
          v[d] *= factor;
        }
      }
      prev[d] = ext[d];
    }
    work_part_[std::size_t(b)] = work;
    damping_part_[std::size_t(b)] = damping_loss;
  }
}

}  // namespace fascia
