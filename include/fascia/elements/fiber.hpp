// SPDX-License-Identifier: MIT
#pragma once
/// @file Collagen fibre springs (docs/model.md §3.3 "Collagen fibres"): tension only, exponential toe then linear,
/// irreversible rupture, permanent set beyond yield.
///
/// With axial rigidity EA, original rest length L_0 and current rest length L_r:
///   e = l / L_r - 1,  W = EA L_r w(e),  tension T = dW/dl = EA s(e)   (s, w: FiberLaw).
/// Plastic set is rate independent: L_r = L_0 (1 + p <e_max - e_yield>_+), where e_max is the
/// largest total strain l/L_0 - 1 seen so far. Rupture when the total strain exceeds the fibre's
/// own failure strain; a ruptured fibre carries nothing afterwards.
#include <tuple>
#include <algorithm>
#include <vector>

#include "fascia/elements/detail/two_node.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

struct FiberGroup {
  static constexpr int kNodes = 2;
  static constexpr std::string_view kName = "fibers";
  static constexpr bool kHasState = true;

  FiberLaw law;
  std::vector<std::array<Index, 2>> connectivity;
  std::vector<double> axial_rigidity;   ///< EA [N]
  std::vector<double> original_length;  ///< L_0 [m]
  std::vector<double> failure_strain;   ///< per-fibre e_fail
  std::vector<double> max_strain;       ///< e_max (history)
  std::vector<std::uint8_t> broken;     ///< 1 once ruptured

  /// Every member a step writes (fascia/elements/history.hpp).
  auto history() { return std::tie(max_strain, broken); }

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 2> nodes(Index e) const { return connectivity[e]; }
  void add(Index i, Index j, double ea, double rest, double e_fail) {
    connectivity.push_back({i, j});
    axial_rigidity.push_back(ea);
    original_length.push_back(rest);
    failure_strain.push_back(e_fail);
    max_strain.push_back(0.0);
    broken.push_back(0);
  }

  double rest_length(Index e) const {
    return original_length[e] * (1.0 + law.plastic_fraction * std::max(0.0, max_strain[e] - law.yield_strain));
  }
  /// Tension [N] at length l.
  double tension(Index e, double l) const {
    if (broken[e]) return 0.0;
    return axial_rigidity[e] * law.stress(l / rest_length(e) - 1.0);
  }
  /// Elastic strain e = l / L_r - 1 at x (the fibre stress reported in metrics is E_f s(e)).
  double strain(Index e, ConstNodes x) const {
    return detail::segment(x, connectivity[e][0], connectivity[e][1]).l / rest_length(e) - 1.0;
  }

  double energy(Index e, ConstNodes x) const {
    if (broken[e]) return 0.0;
    const auto s = detail::segment(x, connectivity[e][0], connectivity[e][1]);
    const double lr = rest_length(e);
    return axial_rigidity[e] * lr * law.energy(s.l / lr - 1.0);
  }
  ElementForces<2> forces(Index e, ConstNodes x) const {
    const auto s = detail::segment(x, connectivity[e][0], connectivity[e][1]);
    return detail::two_node_forces(s, tension(e, s.l));
  }
  ElementHessian<2> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const auto s = detail::segment(x, connectivity[e][0], connectivity[e][1]);
    if (broken[e]) return ElementHessian<2>::Zero();
    const double lr = rest_length(e);
    if (mode == HessianMode::stability)  // stiffest reachable tangent: the linear region
      return detail::two_node_hessian(s, axial_rigidity[e] / lr, std::max(0.0, tension(e, s.l)), mode);
    const double tangent = axial_rigidity[e] * law.tangent(s.l / lr - 1.0) / lr;
    return detail::two_node_hessian(s, tangent, tension(e, s.l), mode);
  }
  void begin_step(Index, ConstNodes, const StepContext&) {}
  /// Updates the strain history; returns the elastic energy released by rupture or plastic set.
  double end_step(Index e, ConstNodes x, const StepContext&) {
    if (broken[e]) return 0.0;
    const double before = energy(e, x);
    const double l = detail::segment(x, connectivity[e][0], connectivity[e][1]).l;
    const double total = l / original_length[e] - 1.0;
    if (total > failure_strain[e]) {
      broken[e] = 1;
      return before;
    }
    if (total > max_strain[e]) {
      max_strain[e] = total;
      return before - energy(e, x);
    }
    return 0.0;
  }
};

}  // namespace fascia
