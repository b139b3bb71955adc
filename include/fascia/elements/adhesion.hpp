// SPDX-License-Identifier: MIT
#pragma once
/// @file Adhesions (docs/model.md §3.6 "Adhesions"): breakable cross-links that glue two layers across an
/// interface ("densification"). Each element is the bundle of n_total bonds between an
/// interface node pair (n = areal density x tributary area). A bond b is a linear spring of
/// stiffness k_a from the rest offset it formed at: W = k_a/2 sum_b |s - s0_b|^2, with
/// s = (x_j - x_i) - (X_j - X_i). The bundle stores n_intact, S0 = sum s0_b and Q = sum |s0_b|^2,
/// which is all W, its gradient and Hessian need.
///
/// Rupture after each step, per intact bond with force F = k_a |s - S0/n|:
/// - Bell (1978): rate k_off = k0 exp(F / F_b); the bond breaks with probability
///   1 - exp(-k_off dt), decided by a counter-based uniform keyed by (seed, bond, step), so the
///   outcome does not depend on thread count or order;
/// - threshold: breaks when F > F_crit (deterministic).
/// Healing: a broken bond re-forms with probability 1 - exp(-k_heal dt) where the layers are in
/// contact (opening <= 0) and at rest (slip speed below v_rest), at the current offset (no force).
#include <array>
#include <cmath>
#include <string_view>
#include <tuple>
#include <vector>

#include "fascia/core/random.hpp"
#include "fascia/elements/detail/two_node.hpp"

namespace fascia {

enum class RuptureLaw { bell, threshold };
/// Their names as adhesion.rupture spells them, indexed by RuptureLaw (the scenario layer parses them).
inline constexpr std::array<std::string_view, 2> kRuptureLawNames = {"bell", "threshold"};

struct AdhesionGroup {
  static constexpr int kNodes = 2;
  static constexpr std::string_view kName = "adhesions";
  static constexpr bool kHasState = true;

  RuptureLaw law = RuptureLaw::bell;
  double bond_stiffness = 400.0;   ///< k_a [N/m]
  double bell_rate = 1e-3;         ///< k0 [1/s]
  double bell_force = 0.01;        ///< F_b [N]
  double threshold_force = 0.05;   ///< F_crit [N]
  double heal_rate = 1e-3;         ///< k_heal [1/s]
  double rest_speed = 1e-5;        ///< v_rest [m/s]

  std::vector<std::array<Index, 2>> connectivity;  ///< (below, above)
  std::vector<Vec3> rest_offset;                    ///< X_j - X_i
  std::vector<std::int32_t> bonds_total, bonds_intact;
  std::vector<Vec3> offset_sum;       ///< S0
  std::vector<double> offset_square;  ///< Q
  std::vector<Vec3> start_opening;    ///< s at the start of the step
  std::vector<std::uint64_t> first_bond;  ///< global id of the element's first bond (random keys)

  /// Every member a step writes (fascia/elements/history.hpp).
  auto history() { return std::tie(bonds_intact, offset_sum, offset_square, start_opening); }

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 2> nodes(Index e) const { return connectivity[e]; }
  void add(Index below, Index above, const Vec3& offset, int bonds) {
    connectivity.push_back({below, above});
    rest_offset.push_back(offset);
    bonds_total.push_back(bonds);
    bonds_intact.push_back(bonds);
    offset_sum.push_back(Vec3::Zero());
    offset_square.push_back(0.0);
    start_opening.push_back(Vec3::Zero());
    first_bond.push_back(first_bond.empty() ? 0 : first_bond.back() + std::uint64_t(bonds_total[bonds_total.size() - 2]));
  }
  std::int64_t total_bonds() const {
    std::int64_t n = 0;
    for (auto b : bonds_total) n += b;
    return n;
  }
  std::int64_t intact_bonds() const {
    std::int64_t n = 0;
    for (auto b : bonds_intact) n += b;
    return n;
  }

  Vec3 opening(Index e, ConstNodes x) const {
    return x[connectivity[e][1]] - x[connectivity[e][0]] - rest_offset[e];
  }
  /// Force carried by one intact bond [N] (mean over the bundle).
  double bond_force(Index e, ConstNodes x) const {
    const int n = bonds_intact[e];
    return n > 0 ? bond_stiffness * (opening(e, x) - offset_sum[e] / n).norm() : 0.0;
  }

  double energy(Index e, ConstNodes x) const {
    const Vec3 s = opening(e, x);
    return 0.5 * bond_stiffness * (bonds_intact[e] * s.squaredNorm() - 2.0 * s.dot(offset_sum[e]) + offset_square[e]);
  }
  ElementForces<2> forces(Index e, ConstNodes x) const {
    const Vec3 g = bond_stiffness * (bonds_intact[e] * opening(e, x) - offset_sum[e]);  // dW/ds
    return detail::two_node_opposite(g);
  }
  ElementHessian<2> hessian(Index e, ConstNodes, HessianMode mode) const {
    const double k = bond_stiffness * (mode == HessianMode::stability ? bonds_total[e] : bonds_intact[e]);
    const Mat3 kk = k * Mat3::Identity();
    return detail::two_node_block(kk);
  }
  void begin_step(Index e, ConstNodes x, const StepContext&) { start_opening[e] = opening(e, x); }
  /// Rupture and healing; returns the elastic energy released by ruptured bonds [J].
  double end_step(Index e, ConstNodes x, const StepContext& ctx) {
    const Vec3 s = opening(e, x);
    double released = 0.0;
    const int n = bonds_intact[e];
    if (n > 0) {
      const Vec3 mean0 = offset_sum[e] / n;
      const double f = bond_stiffness * (s - mean0).norm();
      const double per_bond_energy = energy(e, x) / n;
      int broken = 0;
      for (int b = 0; b < n; ++b) {
        bool breaks;
        if (law == RuptureLaw::threshold) {
          breaks = f > threshold_force;
        } else {
          const double p = -std::expm1(-bell_rate * std::exp(std::min(f / bell_force, 700.0)) * ctx.dt);
          breaks = random_uniform(ctx.seed, Stream::adhesion_rupture, first_bond[e] + std::uint64_t(b), ctx.step) < p;
        }
        broken += breaks;
      }
      if (broken > 0) {
        released = per_bond_energy * broken;
        const double keep = double(n - broken) / n;
        offset_sum[e] *= keep;
        offset_square[e] *= keep;
        bonds_intact[e] = n - broken;
      }
    }
    // Healing where the layers touch and rest.
    const int missing = bonds_total[e] - bonds_intact[e];
    const double speed = ctx.dt > 0 ? Eigen::Vector2d(s.x() - start_opening[e].x(), s.y() - start_opening[e].y()).norm() / ctx.dt : 0.0;
    if (missing > 0 && heal_rate > 0 && s.z() <= 0.0 && speed < rest_speed) {
      const double p = -std::expm1(-heal_rate * ctx.dt);
      int healed = 0;
      for (int b = 0; b < missing; ++b)
        healed += random_uniform(ctx.seed, Stream::adhesion_heal, first_bond[e] + std::uint64_t(b), ctx.step) < p;
      bonds_intact[e] += healed;
      offset_sum[e] += healed * s;
      offset_square[e] += healed * s.squaredNorm();
    }
    return released;
  }
  double stored_energy(Index e, ConstNodes x) const { return energy(e, x); }
};

}  // namespace fascia
