// SPDX-License-Identifier: MIT
#pragma once
/// @file Compressor protocols (docs/model.md §6 "Protocols"): a rigid circular patch of radius r pressed on the
/// top surface under force control (F = P0 pi r^2), penalty contact with Coulomb friction.
/// Phases: ramp (F rises smoothly to F0), hold, release (F falls to 0), recover (the hand lifts the
/// compressor off: from the first recovery step on, its z is held lift_off_height above the
/// undeformed surface, out of the tissue's reach, and the tissue relaxes on its own). Before, a
/// free compressor with no force rode the rebound and, nothing holding it, flew off with the
/// momentum it picked up.
/// - static_pressure: nothing else moves; the hold lasts hold_s.
/// - compression_active_shear: during the hold the muscle moves under the held tissue: either
///   the muscle base slides tangentially, x = A sin(2 pi f t) (drive = "base"), or the muscle
///   contracts: a uniform active stress sigma_a(t) = sigma_0 (1 - cos 2 pi f t)/2 along x, whose
///   nodal equivalent is a traction on the muscle's x = L face with the x = 0 face held (origin);
///   the base stays fixed as in every protocol (drive = "contraction"). The hold lasts cycles / f.
/// - compression_passive_shear: during the hold the compressor itself slides, x = A sin(2 pi f t);
///   the contact set moves with it (every top node is a candidate, weighted by its distance from
///   the compressor centre: fascia/elements/contact.hpp).
/// All three are the same mechanics with different boundary motion: nothing else differs.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "fascia/core/error.hpp"
#include "fascia/model/system.hpp"
#include "fascia/protocol/indenter.hpp"
#include "fascia/protocol/phases.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

/// What moves during a compressor's hold: nothing (static_pressure, or a sham of zero amplitude),
/// the muscle base, the muscle by contraction, or the compressor itself.
enum class CompressorMotion { none, base, contraction, compressor };

/// What a compressor protocol asks for, in SI (the scenario layer converts [protocol.NAME] and the
/// geometry's lateral boundary, fascia/scenario_protocols.hpp).
struct CompressorSettings {
  std::string name;            ///< the protocol's NAME (for error messages)
  CompressorMotion motion;     ///< as the kind and drive say (a zero amplitude is turned into none by make)
  IndenterShape shape;         ///< the rigid indenter
  double force;                ///< F0 [N]
  double ramp, hold, release, recover;  ///< phase durations [s]; a moving hold lasts cycles / frequency
  double amplitude;            ///< sliding amplitude [m]
  double frequency;            ///< sliding or contraction frequency [Hz]
  double active_stress;        ///< peak active stress of a contraction [Pa]
  Friction friction;           ///< indenter / skin: Coulomb coefficient and elastic slip
  bool lateral_fixed;          ///< the lateral faces are held
};

struct CompressorProtocol {
  using Motion = CompressorMotion;
  std::vector<Phase> phases;
  Motion motion = Motion::none;
  Indenter indenter;
  static constexpr double kCompressorMass = Indenter::kMass;
  double force = 0.0;             ///< F0 [N]
  double amplitude = 0.0, frequency = 0.0, active_stress = 0.0;
  double t_hold = 0.0, t_release = 0.0, t_recover = 0.0, t_end = 0.0, ramp = 0.0, release = 0.0;
  std::vector<Index> base_nodes;     ///< slid (drive = base)
  std::vector<Index> traction_nodes; ///< muscle x = L face (drive = contraction)
  std::vector<double> traction_area; ///< tributary area of each [m^2]

  /// Bad input (one line naming the key of protocol `name`): an indenter whose footprint, pressed
  /// through the tissue above the muscle, is larger than the patch, or a movement of `travel` along
  /// x that would take the indenter's centre off it.
  static void check_fit(const std::string& name, const IndenterShape& shape, const SurfacePatch& patch, double travel);

  static CompressorProtocol make(const CompressorSettings& s, const TissueMaterials& mat, System& sys);
  /// make's steps, in order: the loading timeline and its phases; the indenter on the top surface;
  /// the held base and what the drive moves; the muscle's x = L face a contraction pulls.
  static CompressorProtocol timeline(const CompressorSettings& s);
  void attach_indenter(const CompressorSettings& s, const TissueMaterials& mat, System& sys);
  void hold_and_drive(const CompressorSettings& s, System& sys);
  void add_contraction_face(System& sys);

  /// Compressor force at t [N] (positive pushes down).
  double pressing_force(double t) const {
    if (t < t_hold) return force * smooth_ramp(t / ramp);
    if (t < t_release) return force;
    if (t < t_recover) return force * (1.0 - smooth_ramp((t - t_release) / release));
    return 0.0;
  }
  /// Tangential drive displacement at t [m] (zero outside the hold).
  double drive(double t) const {
    if (t <= t_hold || t >= t_release) return 0.0;
    return amplitude * std::sin(2.0 * std::numbers::pi * frequency * (t - t_hold));
  }
  double active(double t) const {
    if (t <= t_hold || t >= t_release) return 0.0;
    return active_stress * 0.5 * (1.0 - std::cos(2.0 * std::numbers::pi * frequency * (t - t_hold)));
  }

  /// Height above the undeformed surface at which the lifted compressor is held during the
  /// recovery [m]: one top cell (the tissue's rebound never reaches above its rest surface).
  double lift_off_height = 0.0;

  /// Loads at t. In the recovery (t > t_recover: the release's last step still ends at F = 0 on
  /// the skin) the compressor's z is prescribed, lifted off; before, it is free under the force.
  void apply(double t, System& sys) const {
    const Index c = indenter.node;
    sys.external_forces[3 * c + 2] = -pressing_force(t);
    const bool lifted = t > t_recover;
    sys.fixed[3 * c + 2] = lifted ? 1 : 0;
    if (lifted) sys.prescribed[3 * c + 2] = indenter.rest.z() + lift_off_height;
    sys.prescribed[3 * c] = indenter.rest.x() + (motion == Motion::compressor ? drive(t) : 0.0);
    if (motion == Motion::base)
      for (Index n : base_nodes) sys.prescribed[3 * n] = sys.rest_positions[3 * n] + drive(t);
    if (motion == Motion::contraction) {
      const double s = active(t);
      for (std::size_t q = 0; q < traction_nodes.size(); ++q)
        sys.external_forces[3 * traction_nodes[q]] = -s * traction_area[q];
    }
  }
};

// ---------------------------------------------------------------------------------------------

inline void CompressorProtocol::check_fit(const std::string& name, const IndenterShape& shape, const SurfacePatch& patch,
                                          double travel) {
  const std::string key = "protocol." + name + ".";
  const double half = std::min(patch.half_x, patch.half_y);
  if (shape.kind == IndenterShape::Kind::disc) {
    if (shape.radius > half + 1e-12)
      throw InputError(key + "radius_mm", "value " + detail::to_text(shape.radius * 1e3) + " is larger than the slab; allowed (0, " +
                                              detail::to_text(half * 1e3) + "] mm");
  } else {
    // A curved indenter pressed through everything above the muscle covers footprint(depth).
    const auto f = shape.footprint(patch.depth_above_muscle);
    const bool ellipsoid = shape.kind == IndenterShape::Kind::ellipsoid;
    if (f[0] > patch.half_x + 1e-12 || (std::isfinite(f[1]) && f[1] > patch.half_y + 1e-12))
      throw InputError(key + (ellipsoid ? "semi_axes_mm" : "radius_mm"),
                       std::string("the ") + IndenterShape::name(shape.kind) + " pressed through the " +
                           detail::to_text(patch.depth_above_muscle * 1e3) + " mm of tissue above the muscle covers +-" +
                           detail::to_text(f[0] * 1e3) + " x +-" + detail::to_text(std::min(f[1], 1e9) * 1e3) +
                           " mm, larger than the patch (+-" + detail::to_text(patch.half_x * 1e3) + " x +-" +
                           detail::to_text(patch.half_y * 1e3) + " mm); allowed: a smaller indenter or a larger geometry.size_mm");
  }
  // Movement: the indenter's centre must stay over the tissue (a footprint partly over the edge
  // is allowed, as for today's sliding disc: the nodes beyond the edge are simply not there).
  if (travel >= patch.half_x)
    throw InputError(key + "amplitude_mm", "value " + detail::to_text(travel * 1e3) +
                                               " mm would drive the indenter off the tissue patch (+-" +
                                               detail::to_text(patch.half_x * 1e3) + " mm along x); allowed [0, " +
                                               detail::to_text(patch.half_x * 1e3) + ") mm");
}

inline CompressorProtocol CompressorProtocol::make(const CompressorSettings& s, const TissueMaterials& mat, System& sys) {
  if (sys.lattice_info.dim != 3)
    throw InputError("protocol." + s.name + ".kind",
                     "a compressor protocol needs a 3-D slab; allowed with geometry.kind = \"slab\" only");
  CompressorProtocol p = timeline(s);
  p.attach_indenter(s, mat, sys);
  p.hold_and_drive(s, sys);
  sys.elements_changed();
  return p;
}

inline CompressorProtocol CompressorProtocol::timeline(const CompressorSettings& s) {
  CompressorProtocol p;
  p.force = s.force;
  p.ramp = s.ramp;
  p.release = s.release;
  p.t_hold = s.ramp;
  p.t_release = p.t_hold + s.hold;
  p.t_recover = p.t_release + s.release;
  p.t_end = p.t_recover + s.recover;
  p.amplitude = s.amplitude;
  p.frequency = s.frequency;
  p.active_stress = s.active_stress;
  p.motion = s.motion;
  // A sliding movement of zero amplitude is the sham control: nothing moves, so the run is the
  // static protocol with hold = cycles / frequency_hz, step for step (the stepping rule for driven
  // cycles applies only where something is driven).
  if ((p.motion == Motion::base || p.motion == Motion::compressor) && p.amplitude == 0.0) p.motion = Motion::none;
  // Steps: 16 per phase; 64 per drive cycle where something is driven during the hold (measured on
  // the default active-shear scenario: energy balance error 1.5 %, 0.81 %, 0.25 % at 16, 32, 64
  // steps per cycle); the recovery starts at 1/200 of its span and grows.
  const StepPolicy driven{.cycle_frequency_hz = p.motion != Motion::none ? p.frequency : 0.0};
  p.phases = {{"ramp", 0.0, p.t_hold, PhaseSpeed::slow},
              {"hold", p.t_hold, p.t_release, PhaseSpeed::slow, driven, true},
              {"release", p.t_release, p.t_recover, PhaseSpeed::slow},
              {"recover", p.t_recover, p.t_end, PhaseSpeed::slow, StepPolicy{.first_step_divisor = 200.0}}};
  p.phases.erase(std::remove_if(p.phases.begin(), p.phases.end(), [](const Phase& ph) { return ph.duration() <= 0; }),
                 p.phases.end());
  return p;
}

// The compressor: a rigid indenter (protocol/indenter.hpp) with its lowest point on the patch
// centre, touching the surface; held in x and y (a passive shear prescribes its x).
inline void CompressorProtocol::attach_indenter(const CompressorSettings& s, const TissueMaterials& mat, System& sys) {
  const auto& info = sys.lattice_info;
  const SurfacePatch patch = top_surface(info);
  const IndenterShape& shape = s.shape;
  check_fit(s.name, shape, patch, motion == Motion::base || motion == Motion::compressor ? amplitude : 0.0);
  // Penalty stiffness: ten times the top cell's *drained* aggregate modulus K_d + 4 mu / 3 over its
  // height, so that the penetration stays small against the tissue's own deformation (assumed,
  // standard: 50 kPa closes 3 % of a dense cell). Not the undrained modulus (~3 GPa with water): as
  // k_t = k_n it makes the frictional stick 1e4 times stiffer than the tissue in shear, and Newton
  // stalls at every stick-slip switch of a sliding compressor (docs/model.md §2, tool constants). The top
  // cell is skin, hypodermis or a dense layer, whichever the slab has on top.
  const LayerMaterial& top_material = mat.skin_thickness > 0.0 ? mat.skin : mat.hypodermis_thickness > 0.0 ? mat.hypodermis : mat.dense;
  const double aggregate = top_material.drained_bulk + 4.0 / 3.0 * top_material.shear_modulus;
  indenter = Indenter::attach(sys, patch, shape, s.friction, 10.0 * aggregate, info.finest_spacing());
  lift_off_height = patch.top_cell_height;
  if (shape.kind == IndenterShape::Kind::disc) {
    const double r = shape.radius;
    std::size_t covered = 0;
    for (Index n : patch.nodes) {
      const Vec3 x = info.rest(n);
      if (std::hypot(x.x() - patch.centre.x(), x.y() - patch.centre.y()) <= r + 1e-12) ++covered;
    }
    if (covered == 0)
      throw InputError("protocol." + s.name + ".radius_mm", "the compressor covers no surface node; allowed >= " +
                                                                    detail::to_text(0.5e3 * info.finest_spacing()) + " mm");
  }
  sys.fixed[3 * indenter.node] = sys.fixed[3 * indenter.node + 1] = 1;
}

// Base: fixed (on bone) for every kind, so that protocols differ only in what moves during the
// hold. A contraction pulls the muscle's x = L face while its x = 0 face (origin) is held.
inline void CompressorProtocol::hold_and_drive(const CompressorSettings& s, System& sys) {
  const auto& info = sys.lattice_info;
  const auto& bottom = info.node_sets.at("bottom");
  sys.fix_nodes(bottom);
  if (motion == Motion::base) base_nodes = bottom;
  if (motion == Motion::contraction && info.nx == 0)
    throw InputError("protocol." + s.name + ".drive", "value \"contraction\" pulls the x = L end of the generated slab's "
                                                         "muscle; not available with geometry.mesh_file, allowed \"base\"");
  if (motion == Motion::contraction) add_contraction_face(sys);
  if (s.lateral_fixed) sys.fix_nodes(info.node_sets.at("lateral"));
}

// The muscle's nodes (layer 0) of the generated slab: x = 0 held, x = L pulled with the tributary
// area of each node (half cells at the y edges and at the muscle's top and bottom).
inline void CompressorProtocol::add_contraction_face(System& sys) {
  const auto& info = sys.lattice_info;
  for (Index n = 0; n < Index(sys.num_tissue_nodes()); ++n) {
    if (info.layer_id[n] != 0) continue;
    const Index i = n % info.nx, j = (n / info.nx) % info.ny;
    const double wy = (j == 0 || j == info.ny - 1) ? 0.5 : 1.0;
    const Index k = n / (info.nx * info.ny);
    const double dzl = k + 1 < info.nz && info.layer_id[n + info.nx * info.ny] == 0
                           ? info.rest(n + info.nx * info.ny).z() - info.rest(n).z() : 0.0;
    const double dzb = k > 0 ? info.rest(n).z() - info.rest(n - info.nx * info.ny).z() : 0.0;
    if (i == 0) sys.fix_nodes({n});
    if (i == info.nx - 1) {
      traction_nodes.push_back(n);
      traction_area.push_back(info.dy * wy * 0.5 * (dzl + dzb));
    }
  }
}

}  // namespace fascia
