// SPDX-License-Identifier: MIT
#pragma once
/// @file The collagen fibre law (docs/model.md §3.3 "Collagen fibres"): tension only, an exponential
/// toe then linear, and its relaxation in time as quasi-linear viscoelasticity (docs/model.md §3.3
/// "Fibre relaxation"), shared by the lattice's fibre springs (elements/fiber.hpp) and the finite
/// elements' fibre directions (elements/hexahedron.hpp).
///
/// Quasi-linear viscoelasticity (Fung 1981, Biomechanics ch. 7; discrete spectrum as Puso & Weiss
/// 1998, J Biomech Eng 120:62): the normalised fibre stress is
///   sigma(t) / E = g_inf s(e(t)) + sum_i h_i(t),   dh_i/dt = g_i ds(e(t))/dt - h_i / tau_i,
/// so a held strain relaxes by the same fraction sum_i g_i (1 - exp(-t/tau_i)) at every strain, as
/// Pavan et al. 2014 measured in plantar aponeurosis, and a fast load sees the elastic law s(e).
/// Over a step in which s varies linearly in time the update is exact (PronyStep):
///   h_i^{n+1} = a_i h_i^n + g_i gamma_i (s_{n+1} - s_n),
/// so within the step sigma / E = c s(e) + H with c = g_inf + sum_i g_i gamma_i and
/// H = sum_i (a_i h_i^n - g_i gamma_i s_n): an elastic law plus a constant stress, whose energy
/// (FiberStep::energy) serves the explicit and implicit integrators alike. A slack or compressed
/// fibre carries nothing: sigma = max(0, .) for e > 0, 0 otherwise.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fascia/tissue/prony.hpp"

namespace fascia {

/// Tension-only crimped collagen fibre law (docs/model.md §3.3 "Collagen fibres"), in terms of engineering strain e.
/// The toe's shape (e_toe, B) is set at construction: every stress and energy needs exp(B e_toe),
/// computed once here instead of at each of the millions of fibre evaluations of an explicit run.
class FiberLaw {
public:
  FiberLaw() : FiberLaw(0.02, 60.0) {}
  /// e_toe >= 0 and B > 0 (the scenario's bounds on material.toe_strain and material.toe_exponent).
  FiberLaw(double toe_strain, double toe_exponent)
      : toe_strain_(toe_strain),
        toe_exponent_(toe_exponent),
        scale_(1.0 / (toe_exponent * std::exp(toe_exponent * toe_strain))),
        stress_at_toe_(std::expm1(toe_exponent * toe_strain) * scale_),
        energy_at_toe_((std::expm1(toe_exponent * toe_strain) / toe_exponent - toe_strain) * scale_) {}

  double toe_strain() const { return toe_strain_; }      ///< e_toe
  double toe_exponent() const { return toe_exponent_; }  ///< B

  double failure_strain = 0.14;  ///< e_fail (mean; per-fibre values are scattered by the builder)
  double yield_strain = 0.08;    ///< e_yield: beyond it the rest length grows (permanent set)
  double plastic_fraction = 0.5; ///< d(plastic strain)/d(strain) beyond yield
  /// Relaxation of the fibre stress in time (quasi-linear viscoelasticity, FiberStep below);
  /// empty = elastic fibres. The fractions g_i sum to less than 1.
  std::vector<PronyTerm> relaxation;

  /// Normalised stress s(e) = sigma / E_f: 0 for e <= 0; (exp(Be)-1)/(B exp(B e_toe)) in the toe;
  /// s_toe + (e - e_toe) beyond, continuous in value and slope at e_toe.
  double stress(double e) const {
    if (e <= 0.0) return 0.0;
    if (e <= toe_strain_) return std::expm1(toe_exponent_ * e) * scale_;
    return stress_at_toe_ + (e - toe_strain_);
  }
  /// The strain at which s(e) = s, for s >= 0 (the inverse of stress(); 0 for s <= 0).
  double strain_at(double s) const {
    if (s <= 0.0) return 0.0;
    if (s <= stress_at_toe_) return std::log1p(s / scale_) / toe_exponent_;
    return toe_strain_ + (s - stress_at_toe_);
  }
  /// The fraction of the stress that never relaxes, g_inf = 1 - sum g_i.
  double long_term_fraction() const {
    double g = 1.0;
    for (const auto& p : relaxation) g -= p.g;
    return g;
  }
  /// ds/de.
  double tangent(double e) const {
    if (e <= 0.0) return 0.0;
    if (e <= toe_strain_) return std::exp(toe_exponent_ * (e - toe_strain_));
    return 1.0;
  }
  /// Normalised energy density w(e) = integral of s from 0 to e.
  double energy(double e) const {
    if (e <= 0.0) return 0.0;
    if (e <= toe_strain_) return (std::expm1(toe_exponent_ * e) / toe_exponent_ - e) * scale_;
    const double d = e - toe_strain_;
    return energy_at_toe_ + stress_at_toe_ * d + 0.5 * d * d;
  }

private:
  double toe_strain_;      ///< e_toe
  double toe_exponent_;    ///< B
  double scale_;           ///< 1 / (B exp(B e_toe))
  double stress_at_toe_;   ///< s(e_toe)
  double energy_at_toe_;   ///< w(e_toe)
};


/// The fibre's stress over one step as a function of its strain e (per unit modulus E): c s(e) + H,
/// tension only. The default (c = 1, H = 0) is the elastic law.
struct FiberStep {
  double c = 1.0;       ///< weight of the elastic law within the step, g_inf + sum_i g_i gamma_i
  double offset = 0.0;  ///< H: the branches' stress carried into the step

  double stress(const FiberLaw& law, double e) const {
    return e > 0.0 ? std::max(0.0, c * law.stress(e) + offset) : 0.0;
  }
  /// d stress / de.
  double tangent(const FiberLaw& law, double e) const {
    return e > 0.0 && c * law.stress(e) + offset > 0.0 ? c * law.tangent(e) : 0.0;
  }
  /// Integral of stress from 0 to e: c w(e) + H e, or from the strain e* where the stress begins
  /// (c s(e*) = -H) when the carried stress is compressive.
  double energy(const FiberLaw& law, double e) const {
    if (e <= 0.0) return 0.0;
    if (offset >= 0.0) return c * law.energy(e) + offset * e;
    const double onset = law.strain_at(-offset / c);
    if (e <= onset) return 0.0;
    return c * (law.energy(e) - law.energy(onset)) + offset * (e - onset);
  }
};

/// The relaxation history of one fibre: its branch stresses h_i (one per term of law.relaxation).
/// Every function takes the factors of the current step (one PronyStep per term).
struct FiberBranches {
  std::span<const double> h;

  /// The step law from strain e_n at the start of the step.
  FiberStep step_law(const FiberLaw& law, std::span<const PronyStep> st, double e_n) const {
    const double s_n = law.stress(e_n);
    FiberStep f{law.long_term_fraction(), 0.0};
    for (std::size_t i = 0; i < h.size(); ++i) {
      const double g = law.relaxation[i].g * st[i].g;
      f.c += g;
      f.offset += st[i].a * h[i] - g * s_n;
    }
    return f;
  }
  /// Advances branch stresses h over a step from strain e_n to e.
  static void advance(const FiberLaw& law, std::span<const PronyStep> st, double e_n, double e, std::span<double> h) {
    const double ds = law.stress(e) - law.stress(e_n);
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = st[i].a * h[i] + law.relaxation[i].g * st[i].g * ds;
  }
  /// The stress at strain e with the branches as they are (between steps).
  double stress(const FiberLaw& law, double e) const {
    if (e <= 0.0) return 0.0;
    double sigma = law.long_term_fraction() * law.stress(e);
    for (double v : h) sigma += v;
    return std::max(0.0, sigma);
  }
  /// Stored energy per unit E and rest length at strain e: g_inf w(e) plus each branch's
  /// g_i w(e_i), e_i the strain at which the law carries |h_i| / g_i (a branch is a fibre of the
  /// same law with weight g_i, stretched to carry h_i). A fast load stores w(e), as an elastic fibre.
  double stored(const FiberLaw& law, double e) const {
    double w = law.long_term_fraction() * law.energy(e);
    for (std::size_t i = 0; i < h.size(); ++i) {
      const double g = law.relaxation[i].g;
      w += g * law.energy(law.strain_at(std::abs(h[i]) / g));
    }
    return w;
  }
};

/// The fibre's history that a relaxing step ends: branch stresses, rupture and the largest strain.
struct RelaxingFiberState {
  std::span<double> branch;  ///< h_i, advanced in place
  std::uint8_t& broken;
  double& max_strain;
};

/// Ends a relaxing fibre step from strain e0 to e1 (against the rest length at the step's start),
/// with `total` the strain against the original length (rupture when above `failure`, otherwise
/// the largest strain, which sets the permanent set). Returns the work of the step's law plus the
/// energy stored before the step (FiberBranches::stored), per unit rigidity and rest length: the
/// energy dissipated is this less the energy stored after the step, which the caller evaluates
/// with its rest length after the step (permanent set may have grown it; 0 after a rupture). One
/// function for the fibre springs and the hexahedra's fibre directions, which differ only in the
/// scale (E A L_r against E_f w_q W_g L_r).
inline double end_relaxing_fiber_step(const FiberLaw& law, std::span<const PronyStep> step, const FiberStep& step_law,
                                      double e0, double e1, double total, double failure, RelaxingFiberState state) {
  const double stored_before = FiberBranches{state.branch}.stored(law, e0);
  const double work = step_law.energy(law, e1) - step_law.energy(law, e0);
  FiberBranches::advance(law, step, e0, e1, state.branch);
  if (total > failure) state.broken = 1;
  else state.max_strain = std::max(state.max_strain, total);
  return work + stored_before;
}

}  // namespace fascia
