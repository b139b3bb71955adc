// SPDX-License-Identifier: MIT
#pragma once
// The stiffness of a rigid flat punch bonded to the top of a block, the base held: the check of
// near-incompressibility (locking) shared by the generated and the imported meshes' tests.
#include <algorithm>
#include <cmath>
#include <vector>

#include "fascia/solve/assembly.hpp"
#include "fascia/solve/implicit.hpp"

namespace fascia {

/// Punch stiffness P / d [N/m]: base held, top nodes within `radius` of the centre pushed down by
/// d = `depth` x radius (1e-4: the linear regime) and held in x, y; one quasi-static Newton step.
inline double punch_stiffness(Lattice lat, double radius, bool mean_dilatation, double depth = 1e-4) {
  std::get<Hex8Group>(lat.groups).mean_dilatation = mean_dilatation;
  System sys(std::move(lat), 1);
  double top = 0.0;
  Vec3 centre = Vec3::Zero();
  for (std::size_t i = 0; i < sys.num_nodes(); ++i) {
    top = std::max(top, sys.rest_positions[3 * i + 2]);
    centre.x() = std::max(centre.x(), sys.rest_positions[3 * i]);
    centre.y() = std::max(centre.y(), sys.rest_positions[3 * i + 1]);
  }
  centre *= 0.5;
  std::vector<Index> punch;
  for (std::size_t i = 0; i < sys.num_nodes(); ++i) {
    const double* X = &sys.rest_positions[3 * i];
    if (X[2] < 1e-12)
      for (int c = 0; c < 3; ++c) sys.fixed[3 * i + c] = 1;
    if (X[2] > top - 1e-12 && std::hypot(X[0] - centre.x(), X[1] - centre.y()) <= radius * (1 + 1e-9)) {
      for (int c = 0; c < 3; ++c) sys.fixed[3 * i + c] = 1;
      punch.push_back(Index(i));
    }
  }
  const double d = depth * radius;
  ImplicitOptions opt;
  opt.quasi_static = true;
  opt.tolerance = 1e-10;
  opt.dt_initial = opt.dt_max = 1.0;
  ImplicitIntegrator integ(sys, opt);
  const LoadFunction load = [&](double, System& s) {
    for (Index q : punch) s.prescribed[3 * q + 2] = s.rest_positions[3 * q + 2] - d;
  };
  integ.step(load, 1.0);
  std::vector<double> f;
  internal_forces(sys, view(sys.positions), f);
  double reaction = 0.0;
  for (Index q : punch) reaction += f[3 * q + 2];  // internal force on the punch nodes points up
  return reaction / d;
}

}  // namespace fascia
