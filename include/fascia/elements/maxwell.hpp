// SPDX-License-Identifier: MIT
#pragma once
/// @file Maxwell branch (spring k in series with a dashpot of time tau) on a two-node bond: one
/// term of the generalized-Maxwell (Prony) series of the matrix (docs/model.md §3.2 "Maxwell branches").
///
/// The branch's elastic elongation q obeys dq/dt = dl/dt - q/tau. Over a step in which l varies
/// linearly, the exact update is (Simo & Hughes 1998, Computational Inelasticity §10.3)
///   q_{n+1} = a q_n + g (l_{n+1} - l_n),   a = exp(-dt/tau),   g = tau/dt (1 - a),
/// so during the step the branch is a linear spring of stiffness k g and rest length
/// L* = l_n - a q_n / g: the incremental potential W = k g / 2 (l - L*)^2. This serves the explicit
/// and the implicit integrator alike and relaxes exactly under a held length.
#include <tuple>
#include <cmath>
#include <vector>

#include "fascia/elements/detail/two_node.hpp"
#include "fascia/tissue/prony.hpp"

namespace fascia {

struct MaxwellSpringGroup {
  static constexpr int kNodes = 2;
  static constexpr std::string_view kName = "maxwell_springs";
  static constexpr bool kHasState = true;

  std::vector<std::array<Index, 2>> connectivity;
  std::vector<double> stiffness;   ///< k [N/m]
  std::vector<double> tau;         ///< relaxation time [s]
  std::vector<double> elongation;  ///< q: elastic elongation of the branch [m] (history)
  std::vector<double> frozen_k;    ///< k g for the current step
  std::vector<double> frozen_rest; ///< L* for the current step
  std::vector<double> start_length;///< l_n

  /// Every member a step writes (fascia/elements/history.hpp).
  auto history() { return std::tie(elongation, frozen_k, frozen_rest, start_length); }

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 2> nodes(Index e) const { return connectivity[e]; }
  std::vector<GroupParameter> parameters() const { return {{"stiffness", "N/m", stiffness}, {"tau", "s", tau}}; }
  void add(Index i, Index j, double k, double time, double rest) {
    connectivity.push_back({i, j});
    stiffness.push_back(k);
    tau.push_back(time);
    elongation.push_back(0.0);
    frozen_k.push_back(k);
    frozen_rest.push_back(rest);
    start_length.push_back(rest);
  }

  double energy(Index e, ConstNodes x) const {
    const double d = detail::segment(x, connectivity[e][0], connectivity[e][1]).l - frozen_rest[e];
    return 0.5 * frozen_k[e] * d * d;
  }
  /// Energy stored in the branch's spring, k q^2 / 2, at the end of a step.
  double stored_energy(Index e) const { return 0.5 * stiffness[e] * elongation[e] * elongation[e]; }
  ElementForces<2> forces(Index e, ConstNodes x) const {
    const auto s = detail::segment(x, connectivity[e][0], connectivity[e][1]);
    return detail::two_node_forces(s, frozen_k[e] * (s.l - frozen_rest[e]));
  }
  ElementHessian<2> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const auto s = detail::segment(x, connectivity[e][0], connectivity[e][1]);
    const double k = mode == HessianMode::stability ? stiffness[e] : frozen_k[e];
    return detail::two_node_hessian(s, k, frozen_k[e] * (s.l - frozen_rest[e]), mode);
  }
  void begin_step(Index e, ConstNodes x, const StepContext& ctx) {
    const auto c = PronyStep::of(ctx.dt, tau[e]);
    const double l = detail::segment(x, connectivity[e][0], connectivity[e][1]).l;
    start_length[e] = l;
    frozen_k[e] = stiffness[e] * c.g;
    frozen_rest[e] = l - c.a * elongation[e] / c.g;
  }
  /// Advances q; returns the energy dissipated in the dashpot during the step
  /// (work done on the branch minus the change of its stored energy, trapezoidal in the force).
  double end_step(Index e, ConstNodes x, const StepContext&) {
    const double l = detail::segment(x, connectivity[e][0], connectivity[e][1]).l;
    const double q_old = elongation[e];
    const double q_new = frozen_k[e] / stiffness[e] * (l - frozen_rest[e]);
    elongation[e] = q_new;
    const double work = 0.5 * stiffness[e] * (q_old + q_new) * (l - start_length[e]);
    return work - 0.5 * stiffness[e] * (q_new * q_new - q_old * q_old);
  }
};

}  // namespace fascia
