// SPDX-License-Identifier: MIT
#pragma once
/// @file Penalty contact with Coulomb friction between a rigid circular compressor (one extra node
/// c carrying the compressor's rigid translation) and a surface node i (docs/model.md §3.7 "Compressor contact").
///
/// Penetration p = (z_i - z_c) - (Z_i - Z_c) (the plate starts touching the surface). The patch has
/// radius r: the contact set follows the compressor through a weight w(d) of the node's current
/// horizontal distance d = |(x_i - x_c)_xy| from the compressor centre,
///   w = 1 for d <= r - eps, w = 0 for d >= r + eps, w = S(t) in between,
///   t = (r + eps - d) / (2 eps),  S(t) = t^3 (10 - 15 t + 6 t^2)   (C2 "smootherstep"),
/// and the normal energy is W_n = w(d) k_n <p>_+^2 / 2. Every top-surface node is a candidate; the
/// energy is a smooth function of the positions of node and compressor, so a compressor that slides
/// engages the nodes that come under it and releases those it leaves, the work of doing so is the
/// reaction work of its prescribed motion (the ledger stays closed), and Newton sees a C2 energy
/// (C2 rather than C1: the Hessian does not jump when a node crosses the edge of the band).
/// S(1/2) = 1/2 and S is odd about t = 1/2, so the weighted area sum w A_i equals pi r^2 to
/// O(eps^2 / r^2): the patch keeps its nominal area. An infinite r (the default) is an unbounded
/// plate, w = 1.
///
/// Tangential relative displacement u = (x_i - x_c)_t - (X_i - X_c)_t, with a stick anchor a
/// (history): regularised Coulomb friction with the normal force F_n = w k_n <p>_+ lagged to the
/// start of the step, on the slip d = u - a (a standard return mapping, the law and its stick
/// stiffness in fascia/elements/detail/stick_slip.hpp):
///   W_t = k_t |d|^2 / 2 for |d| <= delta = mu F_n / k_t (stick), mu F_n (|d| - delta / 2) beyond,
/// which is convex and C1, so Newton converges. After the step the anchor moves so that the
/// tangential force does not exceed mu F_n; the energy released is the friction dissipation. The
/// weight enters friction only through F_n (frozen for the step), so W_t needs no weight terms.
/// A node that leaves the patch (w = 0) or the surface (p <= 0) ends the step with F_n = 0, so the
/// return mapping puts its anchor at u (its stick history is dropped, the tangential energy it held
/// is booked as dissipation) and its next step has W_t = 0; when it comes under the patch again its
/// friction starts from where it then is, not from where it last left.
///
/// Cost: with every top node a candidate most elements are outside the patch with F_n = 0; for
/// those energy, forces and Hessian return zero after one squared distance (no square root).
#include <tuple>
#include <cmath>
#include <limits>
#include <vector>

#include "fascia/elements/detail/stick_slip.hpp"
#include "fascia/elements/detail/two_node.hpp"

namespace fascia {

struct ContactGroup {
  static constexpr int kNodes = 2;
  static constexpr std::string_view kName = "compressor_contacts";
  static constexpr bool kHasState = true;

  Friction friction;      ///< Coulomb coefficient mu and elastic slip
  double radius = std::numeric_limits<double>::infinity();  ///< patch radius r [m] (infinite: a plate)
  double edge = 0.0;      ///< half-width eps of the band where w falls from 1 to 0 [m]; 0 < eps < r
  std::vector<std::array<Index, 2>> connectivity;  ///< (surface node, compressor node)
  std::vector<Vec3> rest_offset;       ///< X_i - X_c
  std::vector<double> normal_stiffness, tangential_stiffness;  ///< k_n, k_t [N/m]
  std::vector<Vec3> anchor;            ///< a (z component unused)
  std::vector<double> frozen_normal;   ///< F_n at the start of the step [N]

  /// Every member a step writes (fascia/elements/history.hpp).
  auto history() { return std::tie(anchor, frozen_normal); }

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 2> nodes(Index e) const { return connectivity[e]; }
  void add(Index surface, Index compressor, const Vec3& offset, double kn, double kt) {
    connectivity.push_back({surface, compressor});
    rest_offset.push_back(offset);
    normal_stiffness.push_back(kn);
    tangential_stiffness.push_back(kt);
    anchor.push_back(Vec3::Zero());
    frozen_normal.push_back(0.0);
  }

  Vec3 relative(Index e, ConstNodes x) const {
    return x[connectivity[e][0]] - x[connectivity[e][1]] - rest_offset[e];
  }
  double penetration(Index e, ConstNodes x) const { return relative(e, x).z(); }
  /// Weight w of element e at x (1 under the patch, 0 outside it).
  double weight(Index e, ConstNodes x) const { return profile(relative(e, x), e).w; }
  /// Normal contact force on the surface node [N] (>= 0, pushing it down): w k_n <p>_+.
  double normal_force(Index e, ConstNodes x) const {
    const Vec3 r = relative(e, x);
    return r.z() > 0.0 ? profile(r, e).w * normal_stiffness[e] * r.z() : 0.0;
  }
  /// Tangential friction force magnitude [N].
  double tangential_force(Index e, ConstNodes x) const { return tangential_gradient(e, relative(e, x)).norm(); }

  double energy(Index e, ConstNodes x) const {
    const Vec3 r = relative(e, x);
    if (idle(e, r)) return 0.0;
    const double p = std::max(0.0, r.z());
    return (p > 0.0 ? 0.5 * profile(r, e).w * normal_stiffness[e] * p * p : 0.0) + tangential_energy(e, r);
  }
  ElementForces<2> forces(Index e, ConstNodes x) const {
    const Vec3 r = relative(e, x);
    if (idle(e, r)) return ElementForces<2>::Zero();
    Vec3 g = tangential_gradient(e, r);  // dW/dr
    if (r.z() > 0.0) {
      // W_n = w(d) e(p), e = k_n p^2 / 2: dW_n/dp = w k_n p, dW_n/dh = w'(d) e(p) h/d.
      const Profile q = profile(r, e);
      const double kn = normal_stiffness[e], p = r.z();
      g.z() = q.w * kn * p;
      if (q.dw != 0.0) {
        g.x() += q.dw * 0.5 * kn * p * p * q.n.x();
        g.y() += q.dw * 0.5 * kn * p * p * q.n.y();
      }
    }
    return detail::two_node_opposite(-g);
  }
  ElementHessian<2> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const Vec3 r = relative(e, x);
    Mat3 k = Mat3::Zero();
    if (mode == HessianMode::stability) {
      // The stiffest tangent the element can reach: in full contact (w = 1) and sticking. The
      // weight's own terms are O(p / eps) smaller than k_n.
      k(2, 2) = normal_stiffness[e];
      k(0, 0) = k(1, 1) = law(e, frozen_normal[e]).kt;
      return detail::two_node_block(k);
    }
    if (idle(e, r)) return ElementHessian<2>::Zero();
    k.block<2, 2>(0, 0) = tangential_hessian(e, r);
    if (r.z() > 0.0) {
      const Profile q = profile(r, e);
      const double kn = normal_stiffness[e], p = r.z();
      if (q.dw == 0.0 && q.ddw == 0.0) {
        k(2, 2) = q.w * kn;
      } else {
        // W_n = w(d) e(p) in the frame (n, t, z), n = h/d, t normal to n in the plane:
        //   nn: e w'',  tt: e w'/d,  zz: w k_n,  nz: w' k_n p.
        const double en = 0.5 * kn * p * p;
        double a = en * q.ddw, b = q.dw * kn * p, c = q.w * kn, tt = en * q.dw / q.d;
        if (mode == HessianMode::projected) {
          // Positive semi-definite part: tt = e w'/d <= 0 (w' <= 0) is dropped, and the (n, z)
          // block [[a, b], [b, c]] keeps its non-negative eigenvalues. With eigenvalues
          // l1 >= l2, M - l2 I = (l1 - l2) v1 v1^T, so the projection is l1 (M - l2 I)/(l1 - l2).
          tt = std::max(0.0, tt);
          const double m = 0.5 * (a + c), rad = std::hypot(0.5 * (a - c), b);
          const double l1 = m + rad, l2 = m - rad;
          if (l1 <= 0.0) {
            a = b = c = 0.0;
          } else if (l2 < 0.0) {
            const double s = l1 / (l1 - l2);
            a = s * (a - l2);
            b = s * b;
            c = s * (c - l2);
          }
        }
        const Eigen::Vector2d n = q.n, t(-n.y(), n.x());
        k.block<2, 2>(0, 0) += a * n * n.transpose() + tt * t * t.transpose();
        k(0, 2) = k(2, 0) = b * n.x();
        k(1, 2) = k(2, 1) = b * n.y();
        k(2, 2) = c;
      }
    }
    return detail::two_node_block(k);
  }
  void begin_step(Index e, ConstNodes x, const StepContext&) { frozen_normal[e] = normal_force(e, x); }
  /// Return mapping: moves the anchor so the tangential force is within mu F_n (F_n = 0 off the
  /// patch or the surface: the anchor goes to u and the history is gone); returns the elastic
  /// energy released (friction dissipation).
  double end_step(Index e, ConstNodes x, const StepContext&) {
    const Vec3 r = relative(e, x);
    const double limit_force = normal_force(e, x);
    if (frozen_normal[e] == 0.0 && limit_force == 0.0) {
      // Nothing stored during the step (W_t = 0 with F_n = 0; W_n = 0 here as F_n = 0 means w = 0
      // or p <= 0): keep the anchor at u so that a later engagement starts stick-free.
      anchor[e].x() = r.x();
      anchor[e].y() = r.y();
      return 0.0;
    }
    const double before = energy(e, x);
    const detail::StickSlip after = law(e, limit_force);
    const Eigen::Vector2d d = slip(e, r);
    if (after.slides(d.norm())) {
      const Eigen::Vector2d keep = after.kept(d);
      anchor[e].x() = r.x() - keep.x();
      anchor[e].y() = r.y() - keep.y();
    }
    frozen_normal[e] = limit_force;
    return std::max(0.0, before - energy(e, x));
  }
  /// Elastic energy stored at the end of a step (with the updated anchor).
  double stored_energy(Index e, ConstNodes x) const { return energy(e, x); }

private:
  struct Profile {
    double w = 0.0, dw = 0.0, ddw = 0.0;  ///< w(d), dw/dd, d2w/dd2
    double d = 0.0;                       ///< horizontal distance (set in the band only)
    Eigen::Vector2d n = Eigen::Vector2d::Zero();  ///< h / d (set in the band only)
  };

  /// h = (x_i - x_c)_xy from the relative vector r = (x_i - x_c) - (X_i - X_c).
  Eigen::Vector2d horizontal(const Vec3& r, Index e) const {
    return Eigen::Vector2d(r.x() + rest_offset[e].x(), r.y() + rest_offset[e].y());
  }
  /// Off the patch (w = 0) or not pressed, with no friction history: every term is exactly zero.
  bool idle(Index e, const Vec3& r) const {
    if (frozen_normal[e] != 0.0) return false;
    if (r.z() <= 0.0) return true;
    const double outer = radius + edge;
    return horizontal(r, e).squaredNorm() >= outer * outer;
  }
  Profile profile(const Vec3& r, Index e) const {
    Profile q;
    const double d2 = horizontal(r, e).squaredNorm();
    const double inner = radius - edge, outer = radius + edge;
    if (d2 <= inner * inner) {
      q.w = 1.0;
      return q;
    }
    if (d2 >= outer * outer) return q;
    // In the band (edge > 0 here, and d >= r - eps > 0, so n is defined).
    q.d = std::sqrt(d2);
    q.n = horizontal(r, e) / q.d;
    const double t = (outer - q.d) / (2.0 * edge), s = 1.0 / (2.0 * edge);  // dt/dd = -s
    q.w = t * t * t * (10.0 + t * (-15.0 + 6.0 * t));
    q.dw = -30.0 * t * t * (1.0 - t) * (1.0 - t) * s;
    q.ddw = 60.0 * t * (1.0 - t) * (1.0 - 2.0 * t) * s * s;
    return q;
  }
  detail::StickSlip law(Index e, double normal_force) const {
    return detail::StickSlip::at(friction, normal_force, tangential_stiffness[e]);
  }
  Eigen::Vector2d slip(Index e, const Vec3& r) const {
    return Eigen::Vector2d(r.x() - anchor[e].x(), r.y() - anchor[e].y());
  }
  double tangential_energy(Index e, const Vec3& r) const {
    const double fn = frozen_normal[e];
    if (fn == 0.0) return 0.0;  // mu F_n = 0: both branches vanish
    return law(e, fn).energy(slip(e, r).norm());
  }
  Vec3 tangential_gradient(Index e, const Vec3& r) const {
    const double fn = frozen_normal[e];
    if (fn == 0.0) return Vec3::Zero();
    const Eigen::Vector2d g = law(e, fn).gradient(slip(e, r));
    return Vec3(g.x(), g.y(), 0.0);
  }
  Eigen::Matrix2d tangential_hessian(Index e, const Vec3& r) const {
    const double fn = frozen_normal[e];
    if (fn == 0.0) return Eigen::Matrix2d::Zero();
    return law(e, fn).hessian(slip(e, r), Eigen::Matrix2d::Identity().eval());
  }
};

}  // namespace fascia
