// SPDX-License-Identifier: MIT
#pragma once
/// @file Penalty contact with Coulomb friction between a rigid flat compressor (one extra node c
/// carrying the compressor's rigid translation) and a surface node i (MODEL.md §5).
///
/// Penetration p = (z_i - z_c) - (Z_i - Z_c) (the plate starts touching the surface), normal
/// energy k_n <p>_+^2 / 2. Tangential relative displacement u = (x_i - x_c)_t - (X_i - X_c)_t,
/// with a stick anchor a (history): regularised Coulomb friction with the normal force F_n = k_n p
/// lagged to the start of the step (a standard return mapping; Wriggers, Computational Contact
/// Mechanics 2006, §5.2):
///   W_t = k_t |u - a|^2 / 2                      for |u - a| <= delta = mu F_n / k_t   (stick)
///   W_t = mu F_n (|u - a| - delta / 2)           beyond                                 (slip)
/// which is convex and C1, so Newton converges. After the step the anchor moves so that the
/// tangential force does not exceed mu F_n; the energy released is the friction dissipation.
#include <cmath>
#include <vector>

#include "fascia/elements/detail/two_node.hpp"

namespace fascia {

struct ContactGroup {
  static constexpr int kNodes = 2;
  static constexpr std::string_view kName = "compressor_contacts";
  static constexpr bool kHasState = true;

  double friction = 0.5;  ///< Coulomb coefficient mu
  std::vector<std::array<Index, 2>> connectivity;  ///< (surface node, compressor node)
  std::vector<Vec3> rest_offset;       ///< X_i - X_c
  std::vector<double> normal_stiffness, tangential_stiffness;  ///< k_n, k_t [N/m]
  std::vector<Vec3> anchor;            ///< a (z component unused)
  std::vector<double> frozen_normal;   ///< F_n at the start of the step [N]

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
  /// Normal contact force on the surface node [N] (>= 0, pushing it down).
  double normal_force(Index e, ConstNodes x) const {
    return normal_stiffness[e] * std::max(0.0, penetration(e, x));
  }
  /// Tangential friction force magnitude [N].
  double tangential_force(Index e, ConstNodes x) const { return tangential_gradient(e, x).norm(); }

  double energy(Index e, ConstNodes x) const {
    const Vec3 r = relative(e, x);
    const double p = std::max(0.0, r.z());
    double w = 0.5 * normal_stiffness[e] * p * p;
    const Eigen::Vector2d d(r.x() - anchor[e].x(), r.y() - anchor[e].y());
    const double kt = tangential_stiffness[e], delta = friction * frozen_normal[e] / kt;
    const double dn = d.norm();
    w += dn <= delta ? 0.5 * kt * dn * dn : friction * frozen_normal[e] * (dn - 0.5 * delta);
    return w;
  }
  ElementForces<2> forces(Index e, ConstNodes x) const {
    const Vec3 r = relative(e, x);
    Vec3 g = tangential_gradient(e, x);
    g.z() = normal_stiffness[e] * std::max(0.0, r.z());
    return detail::two_node_opposite(-g);
  }
  ElementHessian<2> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const Vec3 r = relative(e, x);
    Mat3 k = Mat3::Zero();
    const bool touching = r.z() > 0.0 || mode == HessianMode::stability;
    if (touching) k(2, 2) = normal_stiffness[e];
    const Eigen::Vector2d d(r.x() - anchor[e].x(), r.y() - anchor[e].y());
    const double kt = tangential_stiffness[e], delta = friction * frozen_normal[e] / kt;
    const double dn = d.norm();
    if (mode == HessianMode::stability || dn <= delta) {
      k(0, 0) = k(1, 1) = (mode == HessianMode::stability || frozen_normal[e] > 0.0) ? kt : 0.0;
    } else if (dn > 0.0) {  // slip: W = mu F_n |d| -> Hessian mu F_n / |d| (I - n n^T)
      const Eigen::Vector2d n = d / dn;
      const Eigen::Matrix2d h = friction * frozen_normal[e] / dn * (Eigen::Matrix2d::Identity() - n * n.transpose());
      k.block<2, 2>(0, 0) = h;
    }
    return detail::two_node_block(k);
  }
  void begin_step(Index e, ConstNodes x, const StepContext&) { frozen_normal[e] = normal_force(e, x); }
  /// Return mapping: moves the anchor so the tangential force is within mu F_n; returns the
  /// elastic energy released (friction dissipation).
  double end_step(Index e, ConstNodes x, const StepContext&) {
    const Vec3 r = relative(e, x);
    const double before = energy(e, x);
    const double kt = tangential_stiffness[e];
    const double limit = friction * normal_force(e, x);
    Eigen::Vector2d d(r.x() - anchor[e].x(), r.y() - anchor[e].y());
    const double dn = d.norm();
    if (kt * dn > limit) {
      const Eigen::Vector2d keep = dn > 0 ? Eigen::Vector2d(d / dn * (limit / kt)) : Eigen::Vector2d::Zero();
      anchor[e].x() = r.x() - keep.x();
      anchor[e].y() = r.y() - keep.y();
    }
    frozen_normal[e] = normal_force(e, x);
    return std::max(0.0, before - energy(e, x));
  }
  /// Elastic energy stored at the end of a step (with the updated anchor).
  double stored_energy(Index e, ConstNodes x) const { return energy(e, x); }

private:
  Vec3 tangential_gradient(Index e, ConstNodes x) const {
    const Vec3 r = relative(e, x);
    const Eigen::Vector2d d(r.x() - anchor[e].x(), r.y() - anchor[e].y());
    const double kt = tangential_stiffness[e], delta = friction * frozen_normal[e] / kt;
    const double dn = d.norm();
    Eigen::Vector2d g = dn <= delta ? Eigen::Vector2d(kt * d) : Eigen::Vector2d(friction * frozen_normal[e] * d / dn);
    return Vec3(g.x(), g.y(), 0.0);
  }
};

}  // namespace fascia
