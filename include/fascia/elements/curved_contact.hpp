// SPDX-License-Identifier: MIT
#pragma once
/// @file Penalty contact with Coulomb friction between a rigid curved indenter (a sphere, a
/// cylinder with its axis along y, or an ellipsoid) and a surface node (docs/model.md
/// "Indenters"). The indenter's translation is one apparatus node c, appended to the System after
/// the tissue nodes; its shape is fixed in the frame of c.
///
/// Gap. With q = x_i - x_c - h e_z the node's position relative to the shape's centre (c is the
/// indenter's lowest point, h its z semi-axis) and A = diag(1/a^2, 1/b^2, 1/c^2) its semi-axes,
///   f(q) = sqrt(q^T A q),   penetration p = s (1 - f),   s = c (the z semi-axis).
/// For a sphere (a = b = c = R) p = R - |q| is the exact normal penetration; for a cylinder
/// (1/b^2 = 0) p = R - |q_xz|, exact too; for an ellipsoid p is exact at the lowest point and
/// within the ratio of the semi-axes elsewhere (a penalty measure, not a distance: it only sets
/// how stiffly the constraint is enforced, and vanishes exactly on the true surface).
/// Normal energy W_n = w k_n <p>_+^2 / 2, normal direction n = -grad p / |grad p| (out of the
/// indenter), normal force |F_n| = w k_n p |grad p|. A cylinder of length L has w(|q_y|) = 1 for
/// |q_y| <= L/2 - eps, 0 beyond L/2 + eps and the C2 smootherstep between (as the disc's edge:
/// contact.hpp); sphere and ellipsoid have w = 1.
///
/// Friction (the same regularised Coulomb law as the disc, Wriggers 2006 §5.2): a stick anchor a
/// in the indenter's frame (so a node that sticks moves with the indenter), the tangential slip
/// d = P (q - a), P = I - n n^T with n and F_n frozen at the start of the step, and the law and
/// its stick stiffness of fascia/elements/detail/stick_slip.hpp:
///   W_t = k_t |d|^2 / 2 for |d| <= delta = mu F_n / k_t (stick), mu F_n (|d| - delta / 2) beyond.
/// After the step the anchor moves so that the tangential force does not exceed mu F_n (the
/// released energy is the friction dissipation), and n, F_n are refrozen. A node that leaves the
/// surface ends the step with F_n = 0: its history is dropped, as for the disc.
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include <Eigen/Eigenvalues>

#include "fascia/elements/detail/stick_slip.hpp"
#include "fascia/elements/detail/two_node.hpp"

namespace fascia {

/// The shape of a curved rigid indenter in its own frame (centre at the origin).
struct CurvedShape {
  Vec3 semi_axes = Vec3::Constant(1.0);  ///< (a, b, c) [m]; b = +inf: a cylinder along y
  double length = std::numeric_limits<double>::infinity();  ///< cylinder length along y [m]
  double edge = 0.0;  ///< half-width of the band at the cylinder's ends where w falls to 0 [m]

  static CurvedShape sphere(double r) { return {Vec3::Constant(r)}; }
  static CurvedShape cylinder(double r, double length, double edge) {
    return {Vec3(r, std::numeric_limits<double>::infinity(), r), length, edge};
  }
  static CurvedShape ellipsoid(const Vec3& axes) { return {axes}; }
  /// Height of the centre above the lowest point [m].
  double centre_height() const { return semi_axes.z(); }
  Vec3 inverse_square() const {
    return Vec3(1.0 / (semi_axes.x() * semi_axes.x()), std::isinf(semi_axes.y()) ? 0.0 : 1.0 / (semi_axes.y() * semi_axes.y()),
                1.0 / (semi_axes.z() * semi_axes.z()));
  }
  bool finite_length() const { return std::isfinite(length); }
};

struct CurvedContactGroup {
  static constexpr int kNodes = 2;
  static constexpr std::string_view kName = "indenter_contacts";
  static constexpr bool kHasState = true;

  Friction friction;      ///< Coulomb coefficient mu and elastic slip
  CurvedShape shape;
  std::vector<std::array<Index, 2>> connectivity;  ///< (surface node, indenter node)
  std::vector<double> normal_stiffness, tangential_stiffness;  ///< k_n, k_t [N/m]
  std::vector<double> area;            ///< tributary surface area of the node [m^2] (metrics)
  std::vector<Vec3> anchor;            ///< a, in the indenter's frame (relative to x_c)
  std::vector<Vec3> frozen_direction;  ///< n at the start of the step
  std::vector<double> frozen_normal;   ///< |F_n| at the start of the step [N]

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 2> nodes(Index e) const { return connectivity[e]; }
  /// Every member a step writes (fascia/elements/history.hpp).
  auto history() { return std::tie(anchor, frozen_direction, frozen_normal); }
  void add(Index surface, Index indenter, double kn, double kt, double node_area) {
    connectivity.push_back({surface, indenter});
    normal_stiffness.push_back(kn);
    tangential_stiffness.push_back(kt);
    area.push_back(node_area);
    anchor.push_back(Vec3::Zero());
    frozen_direction.push_back(Vec3::UnitZ());
    frozen_normal.push_back(0.0);
  }

  /// q = x_i - x_c - h e_z: the node relative to the indenter's centre.
  Vec3 relative(Index e, ConstNodes x) const {
    Vec3 q = x[connectivity[e][0]] - x[connectivity[e][1]];
    q.z() -= shape.centre_height();
    return q;
  }
  /// Penetration p (> 0: inside the indenter) [m].
  double penetration(Index e, ConstNodes x) const { return gap(relative(e, x)).p; }
  /// Magnitude of the normal contact force on the surface node [N].
  double normal_force(Index e, ConstNodes x) const {
    const Gap g = gap(relative(e, x));
    return g.p > 0.0 ? g.w * normal_stiffness[e] * g.p * g.grad.norm() : 0.0;
  }
  /// Normal contact force vector on the surface node [N] (its z component is negative: down).
  Vec3 normal_force_vector(Index e, ConstNodes x) const {
    const Gap g = gap(relative(e, x));
    return g.p > 0.0 ? Vec3(-g.w * normal_stiffness[e] * g.p * g.grad) : Vec3::Zero();
  }

  double energy(Index e, ConstNodes x) const {
    const Vec3 q = relative(e, x);
    if (idle(e, q)) return 0.0;
    const Gap g = gap(q);
    const double en = g.p > 0.0 ? 0.5 * g.w * normal_stiffness[e] * g.p * g.p : 0.0;
    return en + tangential_energy(e, q);
  }
  ElementForces<2> forces(Index e, ConstNodes x) const {
    const Vec3 q = relative(e, x);
    if (idle(e, q)) return ElementForces<2>::Zero();
    return detail::two_node_opposite(-gradient(e, q));
  }
  ElementHessian<2> hessian(Index e, ConstNodes x, HessianMode mode) const {
    if (mode == HessianMode::stability) {
      // The stiffest tangent the element can reach: full contact and sticking (the curvature
      // terms are O(p / R) smaller).
      return detail::two_node_block(std::max(normal_stiffness[e], law(e, frozen_normal[e]).kt) * Mat3::Identity());
    }
    const Vec3 q = relative(e, x);
    if (idle(e, q)) return ElementHessian<2>::Zero();
    Mat3 k = tangential_hessian(e, q);
    const Gap g = gap(q);
    if (g.p > 0.0) {
      // W_n = w(q_y) e(q), e = k_n p^2 / 2: grad e = k_n p grad p, hess e = k_n (gp gp^T + p H_p).
      const double kn = normal_stiffness[e];
      const Mat3 he = kn * (g.grad * g.grad.transpose() + g.p * g.hess);
      Mat3 kn_part = g.w * he;
      if (g.dw != 0.0 || g.ddw != 0.0) {
        const Vec3 ge = kn * g.p * g.grad, ey = Vec3::UnitY();
        kn_part += g.dw * (ey * ge.transpose() + ge * ey.transpose()) + 0.5 * kn * g.p * g.p * g.ddw * ey * ey.transpose();
      }
      k += kn_part;
    }
    if (mode == HessianMode::projected) {
      // Newton's matrix: the positive semi-definite part (the curvature term p H_p of a convex
      // indenter and the slip term are the indefinite or negative contributions).
      const Eigen::SelfAdjointEigenSolver<Mat3> es(0.5 * (k + k.transpose()));
      k = es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).asDiagonal() * es.eigenvectors().transpose();
    }
    return detail::two_node_block(k);
  }
  void begin_step(Index e, ConstNodes x, const StepContext&) { freeze(e, relative(e, x)); }
  /// Return mapping (see the file comment); returns the friction dissipation of the step [J].
  double end_step(Index e, ConstNodes x, const StepContext&) {
    const Vec3 q = relative(e, x);
    const Gap g = gap(q);
    const double limit_force = g.p > 0.0 ? g.w * normal_stiffness[e] * g.p * g.grad.norm() : 0.0;
    if (frozen_normal[e] == 0.0 && limit_force == 0.0) {
      anchor[e] = q;  // nothing stored: a later engagement starts stick-free
      return 0.0;
    }
    const double before = tangential_energy(e, q);
    freeze(e, q);
    const detail::StickSlip after = law(e, limit_force);
    const Mat3 proj = Mat3::Identity() - frozen_direction[e] * frozen_direction[e].transpose();
    const Vec3 d = proj * (q - anchor[e]);
    if (after.slides(d.norm())) anchor[e] = q - after.kept(d);
    if (limit_force == 0.0) anchor[e] = q;
    return std::max(0.0, before - tangential_energy(e, q));
  }
  /// Elastic energy stored at the end of a step (with the updated anchor).
  double stored_energy(Index e, ConstNodes x) const { return energy(e, x); }

private:
  struct Gap {
    double p = -1.0;                 ///< penetration
    Vec3 grad = Vec3::Zero();        ///< dp/dq
    Mat3 hess = Mat3::Zero();        ///< d2p/dq2
    double w = 1.0, dw = 0.0, ddw = 0.0;  ///< length weight w(q_y) and its q_y derivatives
  };

  Gap gap(const Vec3& q) const {
    Gap g;
    const Vec3 a = shape.inverse_square();
    const Vec3 aq = a.cwiseProduct(q);
    const double f2 = q.dot(aq);
    const double s = shape.centre_height();
    if (f2 <= 0.0) {  // at the centre: deepest possible, direction undefined (never reached)
      g.p = s;
      g.grad = Vec3(0.0, 0.0, -1.0);
      return g;
    }
    const double f = std::sqrt(f2);
    g.p = s * (1.0 - f);
    g.grad = -s * aq / f;
    g.hess = -s / f * (Mat3(a.asDiagonal()) - aq * aq.transpose() / f2);
    if (shape.finite_length()) {
      const double half = 0.5 * shape.length, eps = shape.edge;
      const double d = std::abs(q.y()), sign = q.y() < 0.0 ? -1.0 : 1.0;
      if (d >= half + eps) {
        g.w = 0.0;
      } else if (d > half - eps) {
        const double t = (half + eps - d) / (2.0 * eps), r = 1.0 / (2.0 * eps);  // dt/dd = -r
        g.w = t * t * t * (10.0 + t * (-15.0 + 6.0 * t));
        g.dw = -30.0 * t * t * (1.0 - t) * (1.0 - t) * r * sign;
        g.ddw = 60.0 * t * (1.0 - t) * (1.0 - 2.0 * t) * r * r;
      }
    }
    return g;
  }
  /// Outside the indenter (f >= 1, no square root) with no friction history: all terms vanish.
  bool idle(Index e, const Vec3& q) const {
    if (frozen_normal[e] != 0.0) return false;
    return q.dot(shape.inverse_square().cwiseProduct(q)) >= 1.0;
  }
  /// Freezes n and F_n at q; an element that engages (F_n was 0) starts stick-free at q.
  void freeze(Index e, const Vec3& q) {
    const Gap g = gap(q);
    const double gn = g.grad.norm();
    if (frozen_normal[e] == 0.0) anchor[e] = q;
    frozen_normal[e] = g.p > 0.0 ? g.w * normal_stiffness[e] * g.p * gn : 0.0;
    if (gn > 0.0) frozen_direction[e] = -g.grad / gn;
  }
  Vec3 slip(Index e, const Vec3& q) const {
    const Vec3& n = frozen_direction[e];
    const Vec3 u = q - anchor[e];
    return u - n * n.dot(u);
  }
  detail::StickSlip law(Index e, double normal_force) const {
    return detail::StickSlip::at(friction, normal_force, tangential_stiffness[e]);
  }
  double tangential_energy(Index e, const Vec3& q) const {
    const double fn = frozen_normal[e];
    if (fn == 0.0) return 0.0;
    return law(e, fn).energy(slip(e, q).norm());
  }
  /// dW/dq (normal and tangential parts).
  Vec3 gradient(Index e, const Vec3& q) const {
    Vec3 out = Vec3::Zero();
    const Gap g = gap(q);
    if (g.p > 0.0) {
      const double kn = normal_stiffness[e];
      out += g.w * kn * g.p * g.grad;
      out.y() += g.dw * 0.5 * kn * g.p * g.p;
    }
    const double fn = frozen_normal[e];
    if (fn != 0.0) out += law(e, fn).gradient(slip(e, q));
    return out;
  }
  Mat3 tangential_hessian(Index e, const Vec3& q) const {
    const double fn = frozen_normal[e];
    if (fn == 0.0) return Mat3::Zero();
    const Vec3& n = frozen_direction[e];
    return law(e, fn).hessian(slip(e, q), Mat3(Mat3::Identity() - n * n.transpose()));
  }
};

}  // namespace fascia
