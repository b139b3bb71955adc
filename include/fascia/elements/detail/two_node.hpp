// SPDX-License-Identifier: MIT
#pragma once
/// @file Kinematics shared by every two-node element whose energy is a function W(l) of the
/// current length l = |x_j - x_i|: force f_j = -W'(l) n, Hessian blocks
/// K = W''(l) n n^T + W'(l)/l (I - n n^T), n = (x_j - x_i)/l.
#include "fascia/elements/element_group.hpp"

namespace fascia::detail {

struct Segment {
  Vec3 n;      ///< unit vector from node i to node j
  double l;    ///< current length [m]
};

inline Segment segment(ConstNodes x, Index i, Index j) {
  Vec3 d = x[j] - x[i];
  const double l = d.norm();
  return {l > 0.0 ? Vec3(d / l) : Vec3::UnitX(), l};
}

/// The Hessian of any energy of the relative position x_j - x_i with 3x3 block k:
/// [[k, -k], [-k, k]].
inline ElementHessian<2> two_node_block(const Mat3& k) {
  ElementHessian<2> h;
  h.block<3, 3>(0, 0) = k;
  h.block<3, 3>(3, 3) = k;
  h.block<3, 3>(0, 3) = -k;
  h.block<3, 3>(3, 0) = -k;
  return h;
}

/// Forces on (i, j) for an energy of x_j - x_i with gradient g: f_i = g, f_j = -g.
inline ElementForces<2> two_node_opposite(const Vec3& g) {
  ElementForces<2> f;
  f.col(0) = g;
  f.col(1) = -g;
  return f;
}

/// Forces on (i, j) for a tension T = W'(l) (positive pulls the nodes together).
inline ElementForces<2> two_node_forces(const Segment& s, double tension) {
  return two_node_opposite(tension * s.n);
}

/// Hessian of W(l) for tangent W''(l) and tension W'(l). With `projected` or `stability` the
/// geometric term of a compressed element (negative tension) is dropped.
inline ElementHessian<2> two_node_hessian(const Segment& s, double tangent, double tension,
                                          HessianMode mode) {
  const Mat3 nn = s.n * s.n.transpose();
  Mat3 k = tangent * nn;
  const bool keep_geometric = mode == HessianMode::exact || tension > 0.0;
  if (keep_geometric && s.l > 0.0) k += tension / s.l * (Mat3::Identity() - nn);
  return two_node_block(k);
}

}  // namespace fascia::detail
