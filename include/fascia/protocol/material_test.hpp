// SPDX-License-Identifier: MIT
#pragma once
/// @file Material-test protocols on a sample of one tissue (docs/model.md §6.5): a strain-controlled
/// ramp at a constant engineering strain rate up to max_strain, a hold at max_strain (stress
/// relaxation) and an optional unloading ramp back to zero strain, the way a materials lab loads a
/// strip of tissue. The sample is found generically from the nodes' rest positions (its bounding
/// box), so the same protocol acts on any engine that provides nodes and prescribed DOFs.
///
/// Boundary conditions (frictionless grips; L, W, T the sample's extent along x, y, z):
/// - uniaxial: x-DOFs of the x = 0 face held, of the x = L face moved to X (1 + e); y and z free
///   (lateral contraction free). Three rigid-body modes left (y and z translation, rotation about
///   x) are removed at two corner nodes of the x = 0 face, which a free contraction leaves still.
/// - biaxial: the same along x and along y (equal strains), z free except three bottom corners.
/// - simple_shear: bottom face held, top face moved along x by e T (e the shear strain); the top
///   face keeps its height (no thickness change: a "simple shear" rig).
/// - confined_compression: bottom face held along z, top face moved down by e T, every lateral
///   face held along its normal (confining chamber walls, frictionless).
/// Measured: nominal stress = the grips' reaction force along the load / the face's rest area
/// (shear: the top face's x reaction / L W; compression: positive in compression, as is e).
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/model/system.hpp"
#include "fascia/protocol/phases.hpp"
#include "fascia/solve/assembly.hpp"

namespace fascia {

/// The four lab tests (docs/model.md §6.5).
enum class MaterialTestMode { uniaxial, biaxial, simple_shear, confined_compression };
/// Their protocol kinds in a scenario, indexed by MaterialTestMode (the scenario layer parses them).
inline constexpr std::array<std::string_view, 4> kMaterialTestNames = {"uniaxial", "biaxial", "simple_shear",
                                                                       "confined_compression"};

/// What a material test asks for, in SI (the scenario layer converts the [protocol.NAME] keys of
/// docs/scenario.md). The defaults serve tests and C++ callers.
struct MaterialTestSettings {
  std::string name = "test";        ///< the protocol's NAME (for error messages)
  MaterialTestMode mode = MaterialTestMode::uniaxial;
  double max_strain = 0.08;         ///< engineering strain (shear strain) at the end of the ramp
  double strain_rate_per_s = 0.01;  ///< ramp rate [1/s]
  double hold_s = 240.0;            ///< hold at max_strain [s]
  double release_s = 0.0;           ///< unloading ramp [s]; 0 = none
};

/// Whether `kind` is one of the material tests.
inline bool is_material_test(std::string_view kind) {
  return std::find(kMaterialTestNames.begin(), kMaterialTestNames.end(), kind) != kMaterialTestNames.end();
}

/// Largest max_strain each kind accepts, and why (docs/model.md §6.5).
inline double max_strain_allowed(std::string_view kind) {
  // Compression beyond 1/2 leaves cells of the lattice near inversion (one cell per spacing:
  // an inverted cell is a diverged run); tension and shear beyond 1 are outside what the linear
  // central springs of the matrix represent (docs/model.md §4), and past every fibre's failure.
  return kind == kMaterialTestNames[std::size_t(MaterialTestMode::confined_compression)] ? 0.5 : 1.0;
}

class MaterialTestProtocol {
public:
  using Mode = MaterialTestMode;

  std::vector<Phase> phases;
  Mode mode = Mode::uniaxial;
  double max_strain = 0, ramp = 0, hold = 0, release = 0;
  double length = 0, width = 0, thickness = 0;  ///< rest extent along x, y, z [m]
  Vec3 origin;                                  ///< rest bounding-box minimum [m]

  /// Validates `s` (errors name protocol.NAME.key), selects the faces and fixes the held DOFs.
  static MaterialTestProtocol make(const MaterialTestSettings& s, System& sys) {
    const std::string key = "protocol." + s.name + ".";
    MaterialTestProtocol p;
    p.mode = s.mode;
    // The ranges of max_strain (max_strain_allowed), strain_rate_per_s, hold_s and release_s are
    // checked by the scenario schema (ProtocolSpec::validate) before a protocol is made.
    if (sys.dim != 3)
      throw InputError(key + "kind", "\"" + std::string(kMaterialTestNames[std::size_t(s.mode)]) +
                                         "\" needs a 3-D sample; allowed with geometry.kind = \"sample\"");
    p.max_strain = s.max_strain;
    p.ramp = s.max_strain / s.strain_rate_per_s;
    p.hold = s.hold_s;
    p.release = s.release_s;
    // A lab test records its stress-strain curve: 100 steps per phase (StepPolicy).
    const StepPolicy curve{100.0, 0.0, 64.0, 0.0};
    p.phases = {{"ramp", 0.0, p.ramp, PhaseSpeed::slow, curve},
                {"hold", p.ramp, p.ramp + p.hold, PhaseSpeed::slow, curve},
                {"release", p.ramp + p.hold, p.ramp + p.hold + p.release, PhaseSpeed::slow, curve}};
    p.phases.erase(std::remove_if(p.phases.begin(), p.phases.end(), [](const Phase& ph) { return ph.duration() <= 0; }),
                   p.phases.end());
    p.select_faces(sys);
    p.fix(sys);
    return p;
  }

  /// Applied engineering strain at time t: linear ramp, hold, linear release.
  double strain(double t) const {
    if (t <= 0.0) return 0.0;
    if (t < ramp) return max_strain * t / ramp;
    if (t <= ramp + hold || release <= 0.0) return max_strain;
    return max_strain * std::max(0.0, 1.0 - (t - ramp - hold) / release);
  }

  void apply(double t, System& sys) const {
    const double e = strain(t);
    auto move = [&](const std::vector<Index>& nodes, int c, double ref, double factor) {
      for (Index n : nodes) sys.prescribed[3 * n + c] = ref + (sys.rest_positions[3 * n + c] - ref) * factor;
    };
    switch (mode) {
      case Mode::uniaxial: move(x_max_, 0, origin.x(), 1.0 + e); break;
      case Mode::biaxial:
        move(x_max_, 0, origin.x(), 1.0 + e);
        move(y_max_, 1, origin.y(), 1.0 + e);
        break;
      case Mode::simple_shear:
        for (Index n : z_max_) sys.prescribed[3 * n] = sys.rest_positions[3 * n] + e * thickness;
        break;
      case Mode::confined_compression: move(z_max_, 2, origin.z(), 1.0 - e); break;
    }
  }

  /// Nominal stress along the load [Pa]: the reaction the apparatus exerts on the moved face,
  /// over the face's rest area (positive in tension, in shear along +x, and in compression for
  /// confined_compression). Call at an equilibrium state (after a step).
  double stress(System& sys) const {
    internal_forces(sys, view(sys.positions), force_);
    auto reaction = [&](const std::vector<Index>& nodes, int c) {
      double r = 0.0;
      for (Index n : nodes) r -= force_[3 * n + c];  // the grip balances the internal force
      return r;
    };
    switch (mode) {
      case Mode::uniaxial:
      case Mode::biaxial: return reaction(x_max_, 0) / (width * thickness);
      case Mode::simple_shear: return reaction(z_max_, 0) / (length * width);
      case Mode::confined_compression: return -reaction(z_max_, 2) / (length * width);
    }
    return 0.0;
  }

  /// Uniaxial: engineering strain of the sample's width at mid-length (mean y of the y = W nodes
  /// minus mean y of the y = 0 nodes of the cross-section nearest x = L/2, over W, minus 1).
  double lateral_strain(const System& sys) const {
    double hi = 0.0, lo = 0.0;
    for (Index n : mid_hi_) hi += sys.positions[3 * n + 1];
    for (Index n : mid_lo_) lo += sys.positions[3 * n + 1];
    if (mid_hi_.empty() || mid_lo_.empty()) return 0.0;
    return (hi / double(mid_hi_.size()) - lo / double(mid_lo_.size())) / width - 1.0;
  }

  /// Series of one frame: strain, stress_pa and, for uniaxial, lateral_strain.
  void series(System& sys, std::map<std::string, double>& out) const {
    out["strain"] = strain(sys.time);
    out["stress_pa"] = stress(sys);
    if (mode == Mode::uniaxial) out["lateral_strain"] = lateral_strain(sys);
  }

private:
  std::vector<Index> x_min_, x_max_, y_min_, y_max_, z_min_, z_max_, mid_lo_, mid_hi_;
  mutable std::vector<double> force_;

  void select_faces(const System& sys) {
    const ConstNodes X = view(sys.rest_positions);
    const std::size_t n = sys.num_tissue_nodes();
    Vec3 lo = X[0], hi = X[0];
    for (std::size_t i = 1; i < n; ++i) {
      lo = lo.cwiseMin(X[Index(i)]);
      hi = hi.cwiseMax(X[Index(i)]);
    }
    origin = lo;
    length = hi.x() - lo.x();
    width = hi.y() - lo.y();
    thickness = hi.z() - lo.z();
    const double tol = 1e-9 * std::max({length, width, thickness});
    // The cross-section nearest mid-length (for the lateral strain).
    double mid = lo.x(), best = 1e300;
    for (std::size_t i = 0; i < n; ++i)
      if (std::abs(X[Index(i)].x() - 0.5 * (lo.x() + hi.x())) < best) best = std::abs(X[Index(i)].x() - 0.5 * (lo.x() + hi.x())), mid = X[Index(i)].x();
    for (std::size_t i = 0; i < n; ++i) {
      const Vec3 p = X[Index(i)];
      const Index id = Index(i);
      if (p.x() < lo.x() + tol) x_min_.push_back(id);
      if (p.x() > hi.x() - tol) x_max_.push_back(id);
      if (p.y() < lo.y() + tol) y_min_.push_back(id);
      if (p.y() > hi.y() - tol) y_max_.push_back(id);
      if (p.z() < lo.z() + tol) z_min_.push_back(id);
      if (p.z() > hi.z() - tol) z_max_.push_back(id);
      if (std::abs(p.x() - mid) < tol) {
        if (p.y() < lo.y() + tol) mid_lo_.push_back(id);
        if (p.y() > hi.y() - tol) mid_hi_.push_back(id);
      }
    }
  }

  /// Index of the node at rest position p (a corner of the bounding box).
  static Index node_at(const System& sys, const Vec3& p) {
    const ConstNodes X = view(sys.rest_positions);
    Index best = 0;
    double d = 1e300;
    for (std::size_t i = 0; i < sys.num_tissue_nodes(); ++i)
      if ((X[Index(i)] - p).squaredNorm() < d) d = (X[Index(i)] - p).squaredNorm(), best = Index(i);
    return best;
  }

  void hold_dof(System& sys, const std::vector<Index>& nodes, int c) const {
    for (Index n : nodes) {
      sys.fixed[3 * n + c] = 1;
      sys.prescribed[3 * n + c] = sys.rest_positions[3 * n + c];
    }
  }

  void fix(System& sys) const {
    const Vec3 a = origin, b = origin + Vec3(0, width, 0), c = origin + Vec3(length, 0, 0);
    switch (mode) {
      case Mode::uniaxial:
        hold_dof(sys, x_min_, 0);
        hold_dof(sys, x_max_, 0);
        // y and z translation and the rotation about x, at corners a free contraction keeps still.
        hold_dof(sys, {node_at(sys, a)}, 1);
        hold_dof(sys, {node_at(sys, a), node_at(sys, b)}, 2);
        break;
      case Mode::biaxial:
        hold_dof(sys, x_min_, 0);
        hold_dof(sys, x_max_, 0);
        hold_dof(sys, y_min_, 1);
        hold_dof(sys, y_max_, 1);
        hold_dof(sys, {node_at(sys, a), node_at(sys, b), node_at(sys, c)}, 2);
        break;
      case Mode::simple_shear:
        for (int d = 0; d < 3; ++d) {
          hold_dof(sys, z_min_, d);
          hold_dof(sys, z_max_, d);
        }
        break;
      case Mode::confined_compression:
        hold_dof(sys, z_min_, 2);
        hold_dof(sys, z_max_, 2);
        hold_dof(sys, x_min_, 0);
        hold_dof(sys, x_max_, 0);
        hold_dof(sys, y_min_, 1);
        hold_dof(sys, y_max_, 1);
        break;
    }
  }
};

/// Metrics of a material test from its recorded (time, strain, stress) samples:
/// peak_stress_pa (largest stress), tangent_modulus_pa (slope of stress vs strain over the last
/// tenth of the ramp, least squares: the slope at max_strain to first order in the sample
/// spacing), relaxation_fraction ((stress at the hold's start - at its end) / stress at its start;
/// absent without a hold).
struct MaterialTestRecord {
  std::vector<double> time, strain, stress;
  void add(double t, double e, double s) {
    time.push_back(t);
    strain.push_back(e);
    stress.push_back(s);
  }
  void metrics(const MaterialTestProtocol& p, std::map<std::string, double>& out) const {
    if (stress.empty()) return;
    out["peak_stress_pa"] = *std::max_element(stress.begin(), stress.end());
    double sw = 0, se = 0, ss = 0, see = 0, ses = 0;
    for (std::size_t i = 0; i < time.size(); ++i)
      if (time[i] <= p.ramp * (1.0 + 1e-9) && strain[i] >= 0.9 * p.max_strain) {
        sw += 1, se += strain[i], ss += stress[i], see += strain[i] * strain[i], ses += strain[i] * stress[i];
      }
    const double var = see - se * se / std::max(sw, 1.0);
    if (sw >= 2 && var > 0) out["tangent_modulus_pa"] = (ses - se * ss / sw) / var;
    if (p.hold > 0) {
      double start = 0, end = 0;
      bool have_start = false;
      for (std::size_t i = 0; i < time.size(); ++i) {
        if (!have_start && time[i] >= p.ramp * (1.0 - 1e-9)) start = stress[i], have_start = true;
        if (time[i] <= (p.ramp + p.hold) * (1.0 + 1e-9)) end = stress[i];
      }
      if (have_start && start != 0.0) out["relaxation_fraction"] = (start - end) / start;
    }
  }
};

}  // namespace fascia
