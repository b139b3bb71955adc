// SPDX-License-Identifier: MIT
#pragma once
/// @file `impulse` protocol (docs/model.md §6 "Protocols"): a short Gaussian force pulse on a small patch, no
/// compressor; for ripple propagation. F(t) = F0 exp(-(t - T/2)^2 / (2 sigma^2)), sigma = T/6,
/// so that the pulse of duration T starts and ends at 1.1e-2 of its peak (~0). The force is
/// shared between the patch nodes in proportion to their lumped mass (tributary volume).
#include <algorithm>
#include <cmath>

#include "fascia/core/error.hpp"
#include "fascia/model/system.hpp"
#include "fascia/protocol/indenter.hpp"
#include "fascia/protocol/phases.hpp"

namespace fascia {

/// What a tap asks for, in SI (the scenario layer converts [protocol.NAME], fascia/scenario_protocols.hpp).
struct ImpulseSettings {
  std::string name;          ///< the protocol's NAME (for error messages)
  double force;              ///< peak force F0 [N]
  double radius;             ///< loaded patch radius [m]
  double duration;           ///< pulse width T [s]
  double end;                ///< simulated time [s]
  Vec3 direction;            ///< force direction; zero = the default (slab: -z, sheet: +x)
  bool lateral_fixed;        ///< the lateral faces are held
};

struct ImpulseProtocol {
  std::vector<Phase> phases;
  std::vector<Index> patch;       ///< loaded nodes
  std::vector<double> weights;    ///< share of F0 per patch node, sums to 1
  Vec3 direction;                 ///< unit force direction
  Vec3 centre;                    ///< centre of the patch [m]
  double force = 0.0, duration = 0.0;

  /// Selects the patch (top surface within radius of the centre for a slab, all nodes within
  /// radius for a sheet) and fixes the slab's base; lateral boundary as the geometry says.
  static ImpulseProtocol make(const ImpulseSettings& s, System& sys);

  double pulse(double t) const {
    const double sigma = duration / 6.0;
    const double s = (t - 0.5 * duration) / sigma;
    return t > 2.0 * duration ? 0.0 : force * std::exp(-0.5 * s * s);
  }
  void apply(double t, System& sys) const {
    const double f = pulse(t);
    for (std::size_t p = 0; p < patch.size(); ++p)
      for (int c = 0; c < 3; ++c) sys.external_forces[3 * patch[p] + c] = f * weights[p] * direction[c];
  }
};

// ---------------------------------------------------------------------------------------------

inline ImpulseProtocol ImpulseProtocol::make(const ImpulseSettings& s, System& sys) {
  ImpulseProtocol p;
  p.force = s.force;
  p.duration = s.duration;
  p.phases = {{"pulse", 0.0, s.duration, PhaseSpeed::fast}, {"ripple", s.duration, s.end, PhaseSpeed::fast}};
  const auto& info = sys.lattice_info;
  const bool sheet = info.dim == 2;
  Vec3 d = s.direction;
  if (d.norm() == 0.0) d = sheet ? Vec3::UnitX() : Vec3(0, 0, -1);
  if (sheet && d.z() != 0.0)
    throw InputError("protocol." + s.name + ".direction",
                     "a sheet moves in its plane; the z component must be 0");
  p.direction = d.normalized();
  const std::vector<Index>& candidates = sheet ? std::vector<Index>{} : info.node_sets.at("top");
  p.centre = Vec3(0.5 * (info.nx - 1) * info.dx, 0.5 * (info.ny - 1) * info.dy,
                  sheet ? 0.0 : info.rest(info.node_sets.at("top").front()).z());
  if (info.nx == 0) p.centre = top_surface(info).centre;  // an imported mesh (mesh/imported_mesh.hpp)
  const double r = s.radius;
  auto consider = [&](Index n) {
    const Vec3 x = info.rest(n);
    if (std::hypot(x.x() - p.centre.x(), x.y() - p.centre.y()) <= r + 1e-12) p.patch.push_back(n);
  };
  if (sheet)
    for (Index n = 0; n < Index(sys.num_tissue_nodes()); ++n) consider(n);
  else
    for (Index n : candidates) consider(n);
  if (p.patch.empty()) {  // a radius below the spacing still taps the node nearest the centre
    Index best = 0;
    double best_d = 1e300;
    const auto& pool = sheet ? std::vector<Index>{} : candidates;
    for (Index n = 0; n < Index(sys.num_tissue_nodes()); ++n) {
      if (!sheet && std::find(pool.begin(), pool.end(), n) == pool.end()) continue;
      const double dd = (info.rest(n) - p.centre).norm();
      if (dd < best_d) best_d = dd, best = n;
    }
    p.patch.push_back(best);
  }
  double total = 0.0;
  for (Index n : p.patch) total += sys.masses[n];
  for (Index n : p.patch) p.weights.push_back(sys.masses[n] / total);
  if (!sheet) sys.fix_nodes(info.node_sets.at("bottom"));
  if (s.lateral_fixed) sys.fix_nodes(info.node_sets.at("lateral"));
  return p;
}

}  // namespace fascia
