// SPDX-License-Identifier: MIT
#pragma once
/// @file Loose-layer interface between two node planes (docs/model.md §3.5 "Interfaces"): a node i below and its
/// partner j above, for a loose layer of thickness h along the reference normal n (= e_z). The
/// generated meshes place j a distance h above i (X_j - X_i = h n); an imported mesh split at an
/// interface (mesh/interface_split.hpp) places them together (X_j = X_i) with the same law.
///
/// With the relative displacement s = (x_j - x_i) - (X_j - X_i), normal opening s_n = s.n and
/// slip s_t = s - s_n n, the energy per element of tributary area A is
///   W = A/h [ G_inf |s_t|^2 / 2 + sum_k G_k g_k |s_t - s*_k|^2 / 2 + K(s_n) s_n^2 / 2 ],
/// i.e. shear traction tau = G slip / h (docs/model.md §3.5 "Interfaces") with the loose layer's Prony series on the
/// slip (exact Maxwell update as in maxwell.hpp), and a normal stiffness that is stiff in
/// compression (contact, K = K_c) and weak in tension (K = K_t). The HA-rich layer's viscosity
/// adds a dashpot tau = eta slip_rate / h (docs/model.md §3.5 "Interfaces"), integrated by backward Euler as the
/// incremental potential c_v / (2 dt) |s_t - s_t^n|^2 with c_v = eta A / h.
/// The interface is small-rotation: n is the reference normal. That is accurate for slabs that
/// slide and compress but do not rotate as a whole; it is not invariant under large rotations.
///
/// HA (docs/model.md "HA viscosity and fasciacytes"), when `ha_active`: each element carries an HA concentration c, and its
/// viscosity is eta_HA(T, c, gamma_dot) (tissue/ha_viscosity.hpp), evaluated in begin_step at the
/// shear rate of the previous step, gamma_dot = |s_t - s_t^n| / (dt h), and frozen for the step:
/// within a step the dashpot stays linear, so the incremental potential above is exact and the
/// dissipation end_step returns closes the energy ledger. end_step then advances c by the
/// fasciacyte rule (tissue/fasciacyte.hpp) with this step's shear rate and the end-of-step normal
/// stress sigma_n = K(s_n) s_n / A. Without `ha_active` the viscosity is the constant given to add().
#include <tuple>
#include <array>
#include <cmath>
#include <vector>

#include "fascia/elements/detail/two_node.hpp"
#include "fascia/elements/maxwell.hpp"
#include "fascia/tissue/fasciacyte.hpp"
#include "fascia/tissue/ha_viscosity.hpp"

namespace fascia {

struct InterfaceGroup {
  static constexpr int kNodes = 2;
  static constexpr std::string_view kName = "interfaces";
  static constexpr bool kHasState = true;
  static constexpr int kMaxTerms = 3;  ///< Prony branches per interface

  struct Branch {
    double g = 0.0, tau = 1.0;
  };
  std::vector<Branch> branches;  ///< shared by all elements of the group (one loose material)

  std::vector<std::array<Index, 2>> connectivity;  ///< (below, above)
  std::vector<Vec3> rest_offset;                    ///< X_j - X_i [m]
  std::vector<double> loose_thickness;              ///< h: the loose layer the law stands for [m]
  std::vector<double> shear_stiffness;  ///< A G0 / h [N/m] (instantaneous)
  std::vector<double> compression_stiffness, tension_stiffness;  ///< A K / h [N/m]
  std::vector<double> area;         ///< tributary area A [m^2]
  std::vector<double> viscosity;    ///< c_v = eta A / h [N s/m] (frozen for the current step)
  // HA: group-wide law and rule (one loose material at one temperature), per-element state.
  bool ha_active = false;           ///< viscosity from eta_HA(T, c, gamma_dot) and c from the fasciacyte rule
  HAViscosityLaw ha_law;
  FasciacyteRule fasciacyte;
  double temperature_k = kBodyTemperatureK;  ///< tissue temperature T [K]
  double step_arrhenius = 1.0;      ///< a_T(T) cached by begin_group_step
  std::vector<double> ha_concentration;  ///< c [kg/m^3 = mg/ml]
  std::vector<double> shear_rate;        ///< |slip increment| / (dt h) of the last completed step [1/s]
  std::vector<Vec3> start_tangential;  ///< s_t at the start of the step
  double step_dt = 0.0;
  /// Per element and branch: viscous slip history and the frozen step parameters.
  std::vector<std::array<Vec3, kMaxTerms>> branch_slip, frozen_slip;
  std::vector<std::array<Vec3, kMaxTerms>> start_slip;
  std::array<double, kMaxTerms> step_g = {1.0, 1.0, 1.0};
  std::array<double, kMaxTerms> step_a = {1.0, 1.0, 1.0};

  /// Every member a step writes (fascia/elements/history.hpp).
  auto history() {
    return std::tie(viscosity, step_arrhenius, ha_concentration, shear_rate, start_tangential, step_dt,
                    branch_slip, frozen_slip, start_slip, step_g, step_a);
  }

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 2> nodes(Index e) const { return connectivity[e]; }
  void add(Index below, Index above, const Vec3& offset, double h, double k_shear, double k_comp, double k_tens,
           double tributary_area = 0.0, double c_viscous = 0.0) {
    loose_thickness.push_back(h);
    area.push_back(tributary_area);
    viscosity.push_back(c_viscous);
    ha_concentration.push_back(fasciacyte.resting_concentration);
    shear_rate.push_back(0.0);
    start_tangential.push_back(Vec3::Zero());
    connectivity.push_back({below, above});
    rest_offset.push_back(offset);
    shear_stiffness.push_back(k_shear);
    compression_stiffness.push_back(k_comp);
    tension_stiffness.push_back(k_tens);
    std::array<Vec3, kMaxTerms> z;
    z.fill(Vec3::Zero());
    branch_slip.push_back(z);
    frozen_slip.push_back(z);
    start_slip.push_back(z);
  }
  double relaxed_fraction() const {
    double g = 0.0;
    for (const auto& b : branches) g += b.g;
    return g;
  }

  /// Loose-layer thickness h [m].
  double thickness(Index e) const { return loose_thickness[e]; }
  /// Normal stress sigma_n = K(s_n) s_n / A [Pa], negative in compression.
  double normal_stress(Index e, ConstNodes x) const {
    const double sn = opening(e, x).z();
    const double kn = sn < 0.0 ? compression_stiffness[e] : tension_stiffness[e];
    return area[e] > 0.0 ? kn * sn / area[e] : 0.0;
  }
  /// HA viscosity the next step will use [Pa s]: eta_HA(T, c, gamma_dot of the last step), or
  /// the constant c_v h / A without HA.
  double ha_viscosity(Index e) const {
    if (ha_active) return ha_law(temperature_k, ha_concentration[e], shear_rate[e]);
    return area[e] > 0.0 ? viscosity[e] * thickness(e) / area[e] : 0.0;
  }

  /// Relative displacement s.
  Vec3 opening(Index e, ConstNodes x) const {
    return x[connectivity[e][1]] - x[connectivity[e][0]] - rest_offset[e];
  }
  /// Tangential slip vector s_t [m].
  Vec3 slip(Index e, ConstNodes x) const {
    Vec3 s = opening(e, x);
    s.z() = 0.0;
    return s;
  }

  double energy(Index e, ConstNodes x) const {
    const Vec3 s = opening(e, x);
    const Vec3 st(s.x(), s.y(), 0.0);
    const double k0 = shear_stiffness[e];
    double w = 0.5 * k0 * (1.0 - relaxed_fraction()) * st.squaredNorm();
    for (std::size_t b = 0; b < branches.size(); ++b)
      w += 0.5 * k0 * branches[b].g * step_g[b] * (st - frozen_slip[e][b]).squaredNorm();
    if (step_dt > 0.0) w += 0.5 * viscosity[e] / step_dt * (st - start_tangential[e]).squaredNorm();
    const double kn = s.z() < 0.0 ? compression_stiffness[e] : tension_stiffness[e];
    return w + 0.5 * kn * s.z() * s.z();
  }
  /// Shear traction |tau| [Pa] transmitted by the interface (elastic, viscoelastic and viscous).
  double shear_traction(Index e, ConstNodes x) const {
    const Vec3 g = force_on_opening(e, x);
    return area[e] > 0.0 ? std::hypot(g.x(), g.y()) / area[e] : 0.0;
  }
  /// Elastic energy at the end of a step: relaxed spring, normal spring, and each branch's
  /// spring k_b |q_b|^2 / 2 (the incremental potential also counts the step's viscous work).
  double stored_energy(Index e, ConstNodes x) const {
    const Vec3 s = opening(e, x);
    const Vec3 st(s.x(), s.y(), 0.0);
    double w = 0.5 * shear_stiffness[e] * (1.0 - relaxed_fraction()) * st.squaredNorm();
    for (std::size_t b = 0; b < branches.size(); ++b)
      w += 0.5 * shear_stiffness[e] * branches[b].g * branch_slip[e][b].squaredNorm();
    const double kn = s.z() < 0.0 ? compression_stiffness[e] : tension_stiffness[e];
    return w + 0.5 * kn * s.z() * s.z();
  }
  /// Traction-like force on the upper node, dW/ds (the lower node gets the opposite).
  Vec3 force_on_opening(Index e, ConstNodes x) const {
    const Vec3 s = opening(e, x);
    const Vec3 st(s.x(), s.y(), 0.0);
    const double k0 = shear_stiffness[e];
    Vec3 g = k0 * (1.0 - relaxed_fraction()) * st;
    for (std::size_t b = 0; b < branches.size(); ++b)
      g += k0 * branches[b].g * step_g[b] * (st - frozen_slip[e][b]);
    if (step_dt > 0.0) g += viscosity[e] / step_dt * (st - start_tangential[e]);
    const double kn = s.z() < 0.0 ? compression_stiffness[e] : tension_stiffness[e];
    g.z() = kn * s.z();
    return g;
  }
  ElementForces<2> forces(Index e, ConstNodes x) const {
    const Vec3 g = force_on_opening(e, x);
    return detail::two_node_opposite(g);
  }
  ElementHessian<2> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const Vec3 s = opening(e, x);
    double kt = shear_stiffness[e] * (1.0 - relaxed_fraction());
    for (std::size_t b = 0; b < branches.size(); ++b)
      kt += shear_stiffness[e] * branches[b].g * (mode == HessianMode::stability ? 1.0 : step_g[b]);
    // The dashpot is not a stiffness for the explicit stability bound (it damps).
    if (mode != HessianMode::stability && step_dt > 0.0) kt += viscosity[e] / step_dt;
    const double kn = (s.z() < 0.0 || mode == HessianMode::stability) ? compression_stiffness[e]
                                                                      : tension_stiffness[e];
    const Mat3 k = Eigen::Vector3d(kt, kt, kn).asDiagonal();
    return detail::two_node_block(k);
  }
  /// Group-wide step coefficients; call once per step before the per-element begin_step.
  void begin_group_step(const StepContext& ctx) {
    step_dt = ctx.dt;
    if (ha_active) step_arrhenius = ha_law.arrhenius(temperature_k);
    for (std::size_t b = 0; b < branches.size(); ++b) {
      const auto c = PronyStep::of(ctx.dt, branches[b].tau);
      step_a[b] = c.a;
      step_g[b] = c.g;
    }
  }
  void begin_step(Index e, ConstNodes x, const StepContext&) {
    // Branch elastic slip q obeys the Maxwell update; frozen_slip is the branch's rest slip L*.
    const Vec3 st = slip(e, x);
    start_tangential[e] = st;
    if (ha_active)
      viscosity[e] = ha_law.with_factor(step_arrhenius, ha_concentration[e], shear_rate[e]) * area[e] / thickness(e);
    for (std::size_t b = 0; b < branches.size(); ++b) {
      start_slip[e][b] = st;
      frozen_slip[e][b] = st - step_a[b] * branch_slip[e][b] / step_g[b];
    }
  }
  double end_step(Index e, ConstNodes x, const StepContext&) {
    const Vec3 st = slip(e, x);
    double dissipated = step_dt > 0.0 ? viscosity[e] / step_dt * (st - start_tangential[e]).squaredNorm() : 0.0;
    if (step_dt > 0.0) {
      // Shear rate of this step: the next step's viscosity and this step's secretion use it.
      shear_rate[e] = (st - start_tangential[e]).norm() / (step_dt * thickness(e));
      if (ha_active)
        ha_concentration[e] = fasciacyte.advance(
            ha_concentration[e], fasciacyte.source(shear_rate[e], normal_stress(e, x)), step_dt);
    }
    for (std::size_t b = 0; b < branches.size(); ++b) {
      const double k = shear_stiffness[e] * branches[b].g;
      const Vec3 q_old = branch_slip[e][b];
      const Vec3 q_new = step_g[b] * (st - frozen_slip[e][b]);
      branch_slip[e][b] = q_new;
      dissipated += 0.5 * k * (q_old + q_new).dot(st - start_slip[e][b]) -
                    0.5 * k * (q_new.squaredNorm() - q_old.squaredNorm());
    }
    return dissipated;
  }
};

}  // namespace fascia
