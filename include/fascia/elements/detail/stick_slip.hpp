// SPDX-License-Identifier: MIT
#pragma once
/// @file Regularised Coulomb friction on a tangential slip d (Wriggers, Computational Contact
/// Mechanics 2006, §5.2), shared by the disc's and the curved indenters' contacts:
///   W_t = k_t |d|^2 / 2               for |d| <= delta = mu F_n / k_t   (stick)
///   W_t = mu F_n (|d| - delta / 2)    beyond                             (slip)
/// with F_n the normal force frozen at the start of the step. The law is convex and C1.
///
/// The stick stiffness k_t is either the contact's penalty (`elastic_slip` = 0: k_t = k_n, so a
/// node sticks up to a slip mu p, a fraction of its own penetration) or set from a stated elastic
/// slip s_e (`elastic_slip` > 0): k_t = mu F_n / s_e, so every sticking node reaches the Coulomb
/// limit at the same slip s_e whatever its load. The second is what general-purpose codes do
/// (Abaqus's "maximum elastic slip", by default 0.5 % of the contact elements' length; NX Nastran
/// BFRIC: "divide the expected frictional strength by a reasonable value of the relative
/// displacement which may be permitted before slip"): s_e is a regularisation of Coulomb's
/// discontinuous law, not a tissue property, and results converge to Coulomb's as s_e -> 0
/// (docs/model.md §3.7, docs/solvers.md "An elastic slip for friction").
#include <Eigen/Core>

namespace fascia {

/// What a contact's friction is: Coulomb's coefficient and the elastic slip that regularises it.
struct Friction {
  double coefficient = 0.5;  ///< mu
  double elastic_slip = 0.0; ///< s_e [m]; 0 = the stick stiffness is the normal penalty's
};

namespace detail {

/// The law at one node for one step (F_n frozen).
struct StickSlip {
  double limit = 0.0;  ///< mu F_n [N]: the largest tangential force
  double kt = 0.0;     ///< stick stiffness [N/m]

  /// @param penalty_kt  the contact's own tangential penalty, used when f.elastic_slip = 0 (and
  ///                    where mu F_n = 0, so that an unloaded node slides freely as before)
  static StickSlip at(const Friction& f, double normal_force, double penalty_kt) {
    const double limit = f.coefficient * normal_force;
    return {limit, f.elastic_slip > 0.0 && limit > 0.0 ? limit / f.elastic_slip : penalty_kt};
  }
  /// delta, the slip at which sticking ends [m].
  double reach() const { return limit / kt; }
  bool sticks(double slip) const { return slip <= reach(); }
  /// True when a slip of this size exceeds the limit: the return mapping moves the anchor.
  bool slides(double slip) const { return kt * slip > limit; }

  double energy(double slip) const {
    const double delta = reach();
    return slip <= delta ? 0.5 * kt * slip * slip : limit * (slip - 0.5 * delta);
  }
  /// dW/dd.
  template <class V>
  V gradient(const V& d) const {
    const double s = d.norm();
    return sticks(s) ? V(kt * d) : V(limit * d / s);
  }
  /// d2W/dd2 with P the projection onto the tangent plane (the identity for an in-plane slip):
  /// k_t P when sticking, mu F_n / |d| (P - m m^T), m = d / |d|, when sliding.
  template <class V, class M>
  M hessian(const V& d, const M& projection) const {
    const double s = d.norm();
    if (sticks(s)) return kt * projection;
    const V m = d / s;
    return limit / s * (projection - m * m.transpose());
  }
  /// The slip a sliding node keeps after the return mapping: d / |d| delta.
  template <class V>
  V kept(const V& d) const {
    const double s = d.norm();
    return s > 0.0 ? V(d / s * reach()) : V::Zero();
  }
};

}  // namespace detail
}  // namespace fascia
