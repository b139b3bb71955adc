// SPDX-License-Identifier: MIT
#pragma once
/// @file Discrete Biot poroelasticity (docs/model.md §5.1 "Discrete Biot water").
///
/// Every hexahedral cell of the slab carries a fluid content zeta: the volume of water it holds
/// beyond its reference amount, per unit reference volume V_0. Biot's law (incompressible solid
/// grains, so the Biot coefficient alpha = 1 and the Biot modulus M = K_w / phi_w) gives the pore
/// pressure and the stored energy
///   p = M (zeta - alpha (J - 1)),      W = V_0 M (zeta - alpha (J - 1))^2 / 2,
/// J = V / V_0 the cell's volume ratio. Undrained (zeta fixed) the skeleton feels the extra bulk
/// modulus alpha^2 M: K_u = K_d + alpha^2 M (Biot–Gassmann). Between cells water flows by Darcy's
/// law through links of conductance C = k A / d (reference geometry, k from Kozeny–Carman in the
/// cell's current water fraction phi = (phi_0 + zeta) / J), and out of drained boundary faces to
/// zero pressure. The flow step itself lives in fascia/solve/pore_flow.hpp: at the start of each
/// step a fixed-stress flow step moves the water, then the mechanics of the step runs with zeta
/// frozen, so every step ends in mechanical equilibrium with the moved water.
#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>
#include <vector>

#include "fascia/elements/volumetric.hpp"
#include "fascia/tissue/water_flow.hpp"

namespace fascia {

/// A face through which water flows between two cells (or, for a boundary, out to a bath).
/// The resistance of a link is a series of path segments, each through one material:
///   1/C = half_a / (k_a A) + gap / (k_gap A) + half_b / (k_b A).
struct PoreLink {
  Index a = 0, b = 0;      ///< cells (b unused for a boundary link)
  double area = 0.0;       ///< face area A [m^2]
  double half_a = 0.0;     ///< distance from a's centre to the face [m]
  double half_b = 0.0;     ///< distance from the face to b's centre [m] (0 for boundary links)
  double gap = 0.0;        ///< thickness of a loose layer crossed between the two cells [m]
};

/// Drained boundary faces and cell links of the flow network; built by the lattice builder.
struct PoreNetwork {
  std::vector<PoreLink> links;     ///< cell to cell
  std::vector<PoreLink> drained;   ///< cell to a bath at zero pressure
  double permeability_ref = 0.0;   ///< k_0 at the reference water fraction [m^4/(N s)]
  double water_fraction_ref = 0.70;  ///< phi_w0 at which k_0 is quoted (Kozeny–Carman)
  double water_bulk_modulus = 0.0; ///< K_w [Pa]: M = K_w / phi in every cell
  using Flow = WaterFlow;
  Flow flow = Flow::darcy;
};

struct PoroCellGroup {
  static constexpr int kNodes = 8;
  static constexpr std::string_view kName = "pore_cells";
  /// Fluid content is history: it changes in the system-level flow step (solve/pore_flow.hpp) at
  /// the start of every step, and a rejected implicit step must restore it.
  static constexpr bool kHasState = true;
  static constexpr double kBiotCoefficient = 1.0;  ///< alpha: incompressible constituents (assumed)

  std::vector<std::array<Index, 8>> connectivity;
  std::vector<double> rest_measure;     ///< hex det_0 = 6 V_0 (positive)
  std::vector<double> volume;           ///< V_0 [m^3]
  std::vector<double> biot_modulus;     ///< M = K_w / phi [Pa], re-evaluated by each flow step
  std::vector<double> water_fraction0;  ///< phi_0 at rest
  /// Drained constrained modulus H_A = K_d + 4/3 mu of the cell's skeleton [Pa]: the stiffness the
  /// fixed-stress split (solve/pore_flow.hpp) assumes while the water moves.
  std::vector<double> drained_modulus;
  std::vector<double> fluid_content;    ///< zeta [-]
  PoreNetwork network;
  double flow_dissipation = 0.0;  ///< energy dissipated by the flow of the current step [J]

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 8> nodes(Index e) const { return connectivity[e]; }
  /// What the flow step writes (elements/history.hpp): the fluid content, the Biot modulus that
  /// follows the water fraction, the flow's dissipation of the step. The flow step's scratch is
  /// solve/'s (PoreFlowScratch), not the group's.
  auto history() { return std::tie(fluid_content, biot_modulus, flow_dissipation); }
  void add(const std::array<Index, 8>& nd, double det0, double modulus, double phi0, double skeleton_modulus) {
    drained_modulus.push_back(skeleton_modulus);
    connectivity.push_back(nd);
    rest_measure.push_back(det0);
    volume.push_back(det0 * HexStencil::kVolumePerDet);
    biot_modulus.push_back(modulus);
    water_fraction0.push_back(phi0);
    fluid_content.push_back(0.0);
  }
  double volume_ratio(Index e, ConstNodes x) const {
    return detail::hex_measure(x, connectivity[e], false).det / rest_measure[e];
  }
  /// Biot strain s = zeta - alpha (J - 1): the water's volumetric strain; p = M s.
  double fluid_strain(Index e, double j) const { return fluid_content[e] - kBiotCoefficient * (j - 1.0); }
  /// Pore pressure [Pa], positive when the water is compressed.
  double pressure(Index e, ConstNodes x) const { return biot_modulus[e] * fluid_strain(e, volume_ratio(e, x)); }
  /// Current water fraction phi = (phi_0 + zeta) / J, kept inside (0, 1).
  double water_fraction(Index e, double j) const {
    return std::clamp((water_fraction0[e] + fluid_content[e]) / j, 1e-3, 0.999);
  }

  double energy(Index e, ConstNodes x) const {
    const double s = fluid_strain(e, volume_ratio(e, x));
    return 0.5 * volume[e] * biot_modulus[e] * s * s;
  }
  ElementForces<8> forces(Index e, ConstNodes x) const {
    const auto m = detail::hex_measure(x, connectivity[e], false);
    const double s = fluid_strain(e, m.det / rest_measure[e]);
    // dW/dJ = -alpha M V_0 s: a compressed fluid (s > 0) pushes the cell open.
    return detail::volumetric_forces<8>(m, rest_measure[e], -kBiotCoefficient * biot_modulus[e] * volume[e] * s);
  }
  ElementHessian<8> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const auto m = detail::hex_measure(x, connectivity[e], mode == HessianMode::exact);
    const double s = fluid_strain(e, m.det / rest_measure[e]);
    const double c = kBiotCoefficient * kBiotCoefficient * biot_modulus[e] * volume[e];
    return detail::volumetric_hessian<8>(m, rest_measure[e], -kBiotCoefficient * biot_modulus[e] * volume[e] * s, c,
                                         mode);
  }
  void begin_step(Index, ConstNodes, const StepContext&) {}
  double end_step(Index, ConstNodes, const StepContext&) { return 0.0; }
};

}  // namespace fascia
