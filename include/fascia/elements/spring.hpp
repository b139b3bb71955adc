// SPDX-License-Identifier: MIT
#pragma once
/// @file Linear central springs: W = k/2 (l - L)^2. The isotropic matrix network of the
/// mass-spring lattice (docs/model.md §4 "The lattice"), calibrated by fascia/lattice/calibration.hpp.
#include <vector>

#include "fascia/elements/detail/two_node.hpp"

namespace fascia {

struct SpringGroup {
  static constexpr int kNodes = 2;
  static constexpr std::string_view kName = "springs";
  static constexpr bool kHasState = false;

  std::vector<std::array<Index, 2>> connectivity;  ///< m x 2 node indices
  std::vector<double> stiffness;                   ///< k [N/m], m
  std::vector<double> rest_length;                 ///< L [m], m

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 2> nodes(Index e) const { return connectivity[e]; }
  std::vector<GroupParameter> parameters() const { return {{"stiffness", "N/m", stiffness}, {"rest_length", "m", rest_length}}; }
  void add(Index i, Index j, double k, double rest) {
    connectivity.push_back({i, j});
    stiffness.push_back(k);
    rest_length.push_back(rest);
  }

  double energy(Index e, ConstNodes x) const {
    const auto s = detail::segment(x, connectivity[e][0], connectivity[e][1]);
    const double d = s.l - rest_length[e];
    return 0.5 * stiffness[e] * d * d;
  }
  ElementForces<2> forces(Index e, ConstNodes x) const {
    const auto s = detail::segment(x, connectivity[e][0], connectivity[e][1]);
    return detail::two_node_forces(s, stiffness[e] * (s.l - rest_length[e]));
  }
  ElementHessian<2> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const auto s = detail::segment(x, connectivity[e][0], connectivity[e][1]);
    return detail::two_node_hessian(s, stiffness[e], stiffness[e] * (s.l - rest_length[e]), mode);
  }
  void begin_step(Index, ConstNodes, const StepContext&) {}
  double end_step(Index, ConstNodes, const StepContext&) { return 0.0; }
};

}  // namespace fascia
