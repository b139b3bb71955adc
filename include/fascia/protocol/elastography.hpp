// SPDX-License-Identifier: MIT
#pragma once
/// @file Virtual shear-wave elastography (`kind = "elastography"`, docs/model.md §6.6), done the
/// way an ultrasound scanner does it: a short acoustic-radiation-force push along the beam (-z) at
/// a depth inside the tissue, then the axial particle velocity v_z tracked at that depth along a
/// lateral line; the peak of -v_z (the velocity along the push) is followed across the line as
/// one straight trajectory in time against lateral distance (a Radon sum, wave_trajectory below),
/// and its speed is reported (a group speed, what scanners call the shear-wave speed). In a layer
/// thinner than the wavelength the tracked wave is a guided wave, not the bulk shear wave:
/// docs/model.md §6.6 says how the two relate.
///
/// Push: body force on the nodes of the node plane nearest the push depth within a beam radius of
/// 1.5 lattice spacings of the centre (a focused beam about 3 spacings wide), shared by lumped
/// mass, with a Hann time profile F(t) = F0 sin^2(pi t / T) over the push duration T. F0 is sized
/// for about 1 um of displacement (F0 = 2 pi mu r_beam 1e-6 m, mu the shear modulus at the push):
/// the response of a linear, or bimodular (tension-only fibres), tissue scales with F0, so the
/// trajectory does not depend on it.
/// Tracking window: lateral distances from r_beam + 2 spacings to 0.6 x the distance from the
/// centre to the sample's edge along the line, so that the edge's reflection arrives after the
/// direct wave's peak everywhere in the window. The run lasts the push plus the time the slowest
/// candidate wave, half the smallest shear speed of the tissues present, takes to cross it.
/// Nodes are selected from rest positions (the bounding box's top plane and centre), so the
/// protocol works on any engine with nodes.
///
/// Pre-stretch (`pre_strain` > 0, a sample only): before the push the sample is pulled along x to
/// the engineering strain `pre_strain` at `strain_rate_per_s`, quasi-statically, with the grips of
/// the uniaxial test (material_test.hpp: x faces held along x, lateral contraction free), and
/// pushed after it (below). Its base stays held along z and along x, where it follows the
/// stretch (bonded to a bed stretched with it), and is free along y, so that the stretch is
/// homogeneous (the tension uniform, lateral contraction free) and, for the wave, the base holds
/// the motions in the x-z plane as the unstretched sample's fully held base does. The stretch is
/// quasi-static (equilibrium at every step, as in a lab) and is followed by one quasi-static step
/// with the grips still ("settle", a sixteenth of the ramp), so that the push starts from rest:
/// the node velocities of the ramp's last step (the grips' rate), carried into the explicit push,
/// launched waves of their own that the scanner timed instead of the shear wave (a 5 % stretch at
/// 0.5/s read 39.7 m/s where the string formula gives 5.2). A shear
/// wave running along a tension sigma, polarised across it, travels at rho c^2 = mu + sigma in a
/// fibre-reinforced solid (the fibres act as a string under tension; Ogden & Singh 2011, J Mech
/// Mater Struct 6:453), which is how tension raises the speed a scanner reads along a tendon or
/// the iliotibial band (docs/model.md §6.6). The nominal stress at the push is the metric
/// `pre_stress_pa`.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fascia/core/checkpoint.hpp"
#include "fascia/core/error.hpp"
#include "fascia/model/system.hpp"
#include "fascia/protocol/material_test.hpp"
#include "fascia/protocol/phases.hpp"
#include "fascia/protocol/wave_trajectory.hpp"

namespace fascia {

/// What an elastography run asks for (the [protocol.NAME] keys of docs/scenario.md).
struct ElastographySettings {
  std::string name = "swe";
  double push_depth = 0.5e-3;       ///< below the top surface, inside the tissue [m]
  double push_duration_s = 2e-4;    ///< T [s]
  double track_direction_deg = 0.0; ///< tracking line direction from the x axis [deg]
  double pre_strain = 0.0;          ///< engineering strain along x before the push; 0 = none
  double strain_rate_per_s = 0.01;  ///< rate of the pre-stretch [1/s]
};

class ElastographyProtocol {
public:
  std::vector<Phase> phases;
  std::vector<Index> push_nodes;
  std::vector<double> push_weights;   ///< share of F0 per push node
  std::vector<Index> track_nodes;     ///< along the tracking line, by distance
  std::vector<double> track_distance; ///< lateral distance from the push centre [m]
  double force = 0.0, duration = 0.0, beam_radius = 0.0;
  double push_start = 0.0;            ///< the end of the pre-stretch and its settling step; 0 without one [s]
  Vec3 centre;                        ///< push centre at the push depth [m]
  std::optional<MaterialTestProtocol> stretch;  ///< the pre-stretch's grips and ramp, if any
  std::vector<Index> base;            ///< with a pre-stretch: the base, moved along x with it

  /// @param shear_modulus_at  shear modulus [Pa] of the tissue at a rest height z
  /// @param slowest_shear_speed  smallest bulk shear speed of the tissues present [m/s]
  template <class ShearModulusAt>
  static ElastographyProtocol make(const ElastographySettings& s, System& sys, double spacing,
                                   ShearModulusAt shear_modulus_at, double slowest_shear_speed) {
    const std::string key = "protocol." + s.name + ".";
    if (sys.dim != 3)
      throw InputError(key + "kind", "\"elastography\" needs a 3-D slab or sample; allowed with geometry.kind = "
                                     "\"slab\" or \"sample\"");
    const ConstNodes X = view(sys.rest_positions);
    const auto [lo, hi] = bounds(X, sys.num_tissue_nodes());
    const double depth = s.push_depth, height = hi.z() - lo.z();
    if (!(depth > 0.0 && depth <= height))
      throw InputError(key + "push_depth_mm", "value " + detail::to_text(s.push_depth * 1e3) +
                                                  " is outside the tissue; allowed (0, " + detail::to_text(height * 1e3) +
                                                  "] mm (the thickness below the top surface)");
    // push_duration_s and track_direction_deg are range-checked by the schema (scenario_spec.hpp);
    // the depth depends on the tissue, so it is checked here.
    ElastographyProtocol p;
    p.duration = s.push_duration_s;
    p.slowest_shear_speed_ = slowest_shear_speed;
    p.centre = Vec3(0.5 * (lo.x() + hi.x()), 0.5 * (lo.y() + hi.y()), nearest_plane(X, sys.num_tissue_nodes(), hi.z() - depth));
    p.beam_radius = 1.5 * spacing;
    const double r_max = p.place_push_and_track(sys, s.track_direction_deg, spacing, lo, hi);
    constexpr double kTargetDisplacement = 1e-6;  // [m], an ARFI-sized push (assumed)
    p.force = 2.0 * std::numbers::pi * shear_modulus_at(p.centre.z()) * p.beam_radius * kTargetDisplacement;
    std::vector<Index> bottom;
    for (std::size_t i = 0; i < sys.num_tissue_nodes(); ++i)
      if (X[Index(i)].z() < lo.z() + 1e-12 * std::max(1.0, height)) bottom.push_back(Index(i));
    if (s.pre_strain > 0.0) {
      // The uniaxial test's ramp and grips (no hold, no release); the base held along z and x (moved).
      p.stretch = MaterialTestProtocol::make({s.name, MaterialTestMode::uniaxial, s.pre_strain, s.strain_rate_per_s, 0.0, 0.0}, sys);
      const double ramp = p.stretch->ramp;
      p.push_start = ramp * (1.0 + 1.0 / 16.0);
      p.phases = {{"stretch", 0.0, ramp, PhaseSpeed::slow}, {"settle", ramp, p.push_start, PhaseSpeed::slow, {1.0}}};
      for (Index n : bottom)
        for (int c : {0, 2}) {
          sys.fixed[3 * n + c] = 1;
          sys.prescribed[3 * n + c] = sys.rest_positions[3 * n + c];
        }
      p.base = std::move(bottom);
    } else {
      sys.fix_nodes(bottom);  // the base is held (on bone), as in every slab protocol
    }
    const double push_end = p.push_start + p.duration;
    p.phases.push_back({"push", p.push_start, push_end, PhaseSpeed::fast});
    p.phases.push_back({"track", push_end, push_end + r_max / (0.5 * slowest_shear_speed), PhaseSpeed::fast});
    return p;
  }

  /// The lowest and highest corner of the nodes' bounding box.
  static std::pair<Vec3, Vec3> bounds(ConstNodes X, std::size_t n) {
    Vec3 lo = X[0], hi = X[0];
    for (std::size_t i = 1; i < n; ++i) lo = lo.cwiseMin(X[Index(i)]), hi = hi.cwiseMax(X[Index(i)]);
    return {lo, hi};
  }
  /// z of the node plane nearest `z`.
  static double nearest_plane(ConstNodes X, std::size_t n, double z) {
    double nearest = X[0].z(), best = 1e300;
    for (std::size_t i = 0; i < n; ++i)
      if (const double d = std::abs(X[Index(i)].z() - z); d < best) best = d, nearest = X[Index(i)].z();
    return nearest;
  }
  /// On the push plane (z of `centre`): the push nodes, within the beam radius, weighted by mass;
  /// and the tracking line along `direction_deg`, from beam_radius + 2 spacings out to 0.6 of the
  /// distance to the box's edge, which it returns [m]. Throws InputError (geometry.size_mm) when
  /// the line holds fewer than 3 nodes.
  double place_push_and_track(const System& sys, double direction_deg, double spacing, const Vec3& lo, const Vec3& hi) {
    const ConstNodes X = view(sys.rest_positions);
    const double height = hi.z() - lo.z();
    const double theta = direction_deg * std::numbers::pi / 180.0;
    const Vec3 dir(std::cos(theta), std::sin(theta), 0.0);
    // Distance from the centre to the edge along the line (the box is centred on the push).
    const double hx = 0.5 * (hi.x() - lo.x()), hy = 0.5 * (hi.y() - lo.y());
    const double to_edge = std::min(std::abs(dir.x()) > 1e-12 ? hx / std::abs(dir.x()) : 1e300,
                                    std::abs(dir.y()) > 1e-12 ? hy / std::abs(dir.y()) : 1e300);
    const double r_min = beam_radius + 2.0 * spacing, r_max = 0.6 * to_edge;
    double mass = 0.0;
    std::vector<std::pair<double, Index>> line;
    for (std::size_t i = 0; i < sys.num_tissue_nodes(); ++i) {
      const Vec3 x = X[Index(i)];
      if (std::abs(x.z() - centre.z()) > 1e-12 * std::max(1.0, height)) continue;
      const Vec3 r(x.x() - centre.x(), x.y() - centre.y(), 0.0);
      if (r.norm() <= beam_radius + 1e-12) {
        push_nodes.push_back(Index(i));
        mass += sys.masses[i];
      }
      const double along = r.dot(dir), off = (r - along * dir).norm();
      if (off <= 0.5 * spacing && along >= r_min && along <= r_max) line.emplace_back(along, Index(i));
    }
    std::sort(line.begin(), line.end());
    for (const auto& [d, i] : line) track_distance.push_back(d), track_nodes.push_back(i);
    if (track_nodes.size() < 3)
      throw InputError("geometry.size_mm", "the tracking window (" + detail::to_text(r_min * 1e3) + " to " +
                                               detail::to_text(r_max * 1e3) + " mm from the push along " +
                                               detail::to_text(direction_deg) +
                                               " deg) holds fewer than 3 nodes; allowed: a slab at least ~" +
                                               detail::to_text(2.0 * r_min / 0.6 * 1e3 + 6.0 * spacing * 1e3) +
                                               " mm across along the tracking line, or a smaller spacing_mm");
    for (Index i : push_nodes) push_weights.push_back(sys.masses[i] / mass);
    return r_max;
  }

  double pulse(double t) const {
    t -= push_start;
    if (t <= 0.0 || t >= duration) return 0.0;
    const double s = std::sin(std::numbers::pi * t / duration);
    return force * s * s;
  }
  void apply(double t, System& sys) const {
    if (stretch) {
      stretch->apply(t, sys);
      const double ox = stretch->origin.x(), factor = 1.0 + stretch->strain(t);
      for (Index n : base) sys.prescribed[3 * n] = ox + (sys.rest_positions[3 * n] - ox) * factor;
    }
    const double f = pulse(t);
    for (std::size_t q = 0; q < push_nodes.size(); ++q) sys.external_forces[3 * push_nodes[q] + 2] = -f * push_weights[q];
  }

  /// Records the particle velocity along the push, -v_z, of the tracked nodes after the push
  /// began; call after every step. Signed, so that the wave's leading (downward) lobe is timed at
  /// every distance. During a pre-stretch it keeps the nominal stress of the latest step instead:
  /// at the push, that is `pre_stress_pa`.
  void observe(System& sys) {
    if (sys.time <= push_start) {
      if (stretch) pre_stress_ = stretch->stress(sys);
      return;
    }
    times_.push_back(sys.time);
    for (Index n : track_nodes) velocity_.push_back(-sys.velocities[3 * n + 2]);
  }
  /// Nominal stress along x at the push [Pa] (the grips' reaction over the x face's rest area);
  /// absent without a pre-stretch.
  std::optional<double> pre_stress() const { return stretch ? std::optional<double>(pre_stress_) : std::nullopt; }

  /// The wave the scanner times (wave_trajectory.hpp): the straight line through the tracked
  /// -v_z traces with the largest sum, over speeds from half the slowest shear speed of the tissues
  /// present (the record's length is set by it) up, among the lines that pass the push centre
  /// while the push is on (the wave was launched by the push).
  std::optional<WaveTrajectory> wave_trajectory() const {
    return find_wave_trajectory(times_, velocity_, track_distance, 0.5 * slowest_shear_speed_, push_start, duration);
  }

  /// The group speed a scanner reports: the wave trajectory's [m/s].
  std::optional<double> shear_wave_speed() const {
    const auto w = wave_trajectory();
    return w ? std::optional<double>(w->speed) : std::nullopt;
  }

  /// Saves or restores the tracked velocities (a checkpoint, fascia/core/checkpoint.hpp).
  void resume_state(CheckpointIO& io) {
    io("elastography.times", times_);
    io("elastography.velocity", velocity_);
    if (stretch) io("elastography.pre_stress", pre_stress_);
  }

private:
  std::vector<double> times_;     ///< after each step [s]
  std::vector<double> velocity_;  ///< -v_z per step and tracked node (step-major) [m/s]
  double pre_stress_ = 0.0;       ///< nominal stress along x at the latest pre-stretch step [Pa]
  double slowest_shear_speed_ = 0.0;  ///< of the tissues present: the lowest speed searched [m/s]
};

}  // namespace fascia
