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
///
/// With a relaxation series (FiberLaw::relaxation) the tension is quasi-linear viscoelastic
/// (tissue/fiber_law.hpp): within a step T = EA FiberStep(e), the step's law frozen at its start,
/// and the branch stresses advance at the end of the step. The energy booked as dissipated is the
/// work of the step's law (the change of its energy, which the integrators see) less the change of
/// the fibre's stored energy.
#include <tuple>
#include <algorithm>
#include <span>
#include <vector>

#include "fascia/elements/detail/two_node.hpp"
#include "fascia/tissue/fiber_law.hpp"

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
  // Relaxation (only with law.relaxation): per fibre, the branch stresses h_i (law.relaxation.size()
  // per fibre), the length at the start of the step and the step's law; per group, this step's
  // factors of each term.
  std::vector<double> branch_stress;
  std::vector<double> start_length;
  std::vector<FiberStep> step_law;
  std::vector<PronyStep> step;

  /// Every member a step writes (fascia/elements/history.hpp).
  auto history() { return std::tie(max_strain, broken, branch_stress, start_length, step_law, step); }

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 2> nodes(Index e) const { return connectivity[e]; }
  std::vector<GroupParameter> parameters() const {
    return {{"axial_rigidity", "N", axial_rigidity}, {"rest_length", "m", original_length}, {"failure_strain", "1", failure_strain}};
  }
  void add(Index i, Index j, double ea, double rest, double e_fail) {
    connectivity.push_back({i, j});
    axial_rigidity.push_back(ea);
    original_length.push_back(rest);
    failure_strain.push_back(e_fail);
    max_strain.push_back(0.0);
    broken.push_back(0);
    if (!viscous()) return;
    branch_stress.resize(branch_stress.size() + law.relaxation.size(), 0.0);
    start_length.push_back(rest);
    step_law.push_back(FiberStep{});
  }
  /// Whether the fibres relax (set law before adding fibres).
  bool viscous() const { return !law.relaxation.empty(); }

  double rest_length(Index e) const {
    return original_length[e] * (1.0 + law.plastic_fraction * std::max(0.0, max_strain[e] - law.yield_strain));
  }
  /// The law of the current step (the elastic law without relaxation).
  FiberStep law_of_step(Index e) const { return viscous() ? step_law[e] : FiberStep{}; }
  /// Tension [N] at length l.
  double tension(Index e, double l) const {
    if (broken[e]) return 0.0;
    return axial_rigidity[e] * law_of_step(e).stress(law, l / rest_length(e) - 1.0);
  }
  /// Tension over axial rigidity, T / EA, at x as the step left it (the fibre stress reported in
  /// metrics is E_f times this).
  double stress_ratio(Index e, ConstNodes x) const {
    if (broken[e]) return 0.0;
    const double strain_now = strain(e, x);
    return viscous() ? branches(e).stress(law, strain_now) : law.stress(strain_now);
  }
  /// Elastic strain e = l / L_r - 1 at x (against the rest length, permanent set included).
  double strain(Index e, ConstNodes x) const {
    return detail::segment(x, connectivity[e][0], connectivity[e][1]).l / rest_length(e) - 1.0;
  }

  double energy(Index e, ConstNodes x) const {
    if (broken[e]) return 0.0;
    const auto s = detail::segment(x, connectivity[e][0], connectivity[e][1]);
    const double lr = rest_length(e);
    return axial_rigidity[e] * lr * law_of_step(e).energy(law, s.l / lr - 1.0);
  }
  /// Energy stored at the end of a step: the elastic energy, or with relaxation the long-term
  /// part and each branch's (FiberBranches::stored).
  double stored_energy(Index e, ConstNodes x) const {
    if (!viscous()) return energy(e, x);
    if (broken[e]) return 0.0;
    const double lr = rest_length(e);
    return axial_rigidity[e] * lr * branches(e).stored(law, strain(e, x));
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
    const double tangent = axial_rigidity[e] * law_of_step(e).tangent(law, s.l / lr - 1.0) / lr;
    return detail::two_node_hessian(s, tangent, tension(e, s.l), mode);
  }
  /// This step's factors of each relaxation term.
  void begin_group_step(const StepContext& ctx) {
    step.resize(law.relaxation.size());
    for (std::size_t i = 0; i < step.size(); ++i) step[i] = PronyStep::of(ctx.dt, law.relaxation[i].tau);
  }
  /// Freezes the step's law at the start length (relaxation only).
  void begin_step(Index e, ConstNodes x, const StepContext&) {
    if (!viscous()) return;
    start_length[e] = detail::segment(x, connectivity[e][0], connectivity[e][1]).l;
    step_law[e] = branches(e).step_law(law, step, start_length[e] / rest_length(e) - 1.0);
  }
  /// Updates the strain history; returns the elastic energy released by rupture or plastic set,
  /// and with relaxation the energy dissipated in the branches.
  double end_step(Index e, ConstNodes x, const StepContext&) {
    if (broken[e]) return 0.0;
    if (viscous()) return end_viscous_step(e, x);
    const double l = detail::segment(x, connectivity[e][0], connectivity[e][1]).l;
    const double total = l / original_length[e] - 1.0;
    // The energy only where the fibre ruptures or sets (at its rest length before the step).
    if (total > failure_strain[e]) {
      const double before = energy(e, x);
      broken[e] = 1;
      return before;
    }
    if (total > max_strain[e]) {
      const double before = energy(e, x);
      max_strain[e] = total;
      return before - energy(e, x);
    }
    return 0.0;
  }

private:
  std::span<double> branch_span(Index e) {
    const std::size_t n = law.relaxation.size();
    return {branch_stress.data() + std::size_t(e) * n, n};
  }
  FiberBranches branches(Index e) const {
    const std::size_t n = law.relaxation.size();
    return {std::span<const double>(branch_stress.data() + std::size_t(e) * n, n)};
  }
  /// end_step with relaxation (end_relaxing_fiber_step, scaled by E A L_r): the work of the step's
  /// law less the change of the stored energy, rupture and permanent set included.
  double end_viscous_step(Index e, ConstNodes x) {
    const double l = detail::segment(x, connectivity[e][0], connectivity[e][1]).l;
    const double lr = rest_length(e);
    const double released = axial_rigidity[e] * lr *
                            end_relaxing_fiber_step(law, step, step_law[e], start_length[e] / lr - 1.0, l / lr - 1.0,
                                                    l / original_length[e] - 1.0, failure_strain[e],
                                                    {branch_span(e), broken[e], max_strain[e]});
    return broken[e] ? released : released - stored_energy(e, x);
  }
};

}  // namespace fascia
