// SPDX-License-Identifier: MIT
#pragma once
/// @file Volume (D = 3, tetrahedron) or area (D = 2, triangle in the x-y plane) of a simplex and
/// its first and second derivatives with respect to the node positions.
///
/// With edges a = x1 - x0, b = x2 - x0, c = x3 - x0 the signed measure is
/// det = a . (b x c) (3-D) or a_x b_y - a_y b_x (2-D); dJ = d(det)/det_0 etc. Derivatives in
/// closed form: d det/da = b x c, d det/db = c x a, d det/dc = a x b, and
/// d²det/da db = -[c]x, d²det/da dc = [b]x, d²det/db dc = -[a]x.
#include <array>
#include <utility>

#include "fascia/elements/element_group.hpp"

namespace fascia::detail {

/// A volume-like measure of an N-node stencil with its derivatives.
template <int N>
struct Measure {
  double det = 0.0;                                   ///< signed measure (det of the edge matrix)
  Eigen::Matrix<double, 3 * N, 1> grad;               ///< d det / dx
  ElementHessian<N> hess;                             ///< d² det / dx²
};
template <int D>
using SimplexMeasure = Measure<D + 1>;

inline Mat3 cross_matrix(const Vec3& v) {
  Mat3 m;
  m << 0, -v.z(), v.y(), v.z(), 0, -v.x(), -v.y(), v.x(), 0;
  return m;
}

/// Shape-function gradients dN_a/dX (column a) of the linear simplex `nd` at rest positions X, and
/// the determinant of its edge matrix (D! times its signed rest measure).
template <int D>
std::pair<Eigen::Matrix<double, D, D + 1>, double> simplex_shape_gradients(ConstNodes X, const std::array<Index, D + 1>& nd) {
  Eigen::Matrix<double, D, D> dm;
  for (int a = 0; a < D; ++a)
    for (int c = 0; c < D; ++c) dm(c, a) = X[nd[a + 1]](c) - X[nd[0]](c);
  const Eigen::Matrix<double, D, D> inv = dm.inverse();
  Eigen::Matrix<double, D, D + 1> g;
  g.template rightCols<D>() = inv.transpose();
  g.col(0) = -inv.transpose().rowwise().sum();
  return {g, dm.determinant()};
}

template <int D>
SimplexMeasure<D> simplex_measure(ConstNodes x, const std::array<Index, D + 1>& nd, bool with_hessian) {
  constexpr int N = D + 1;
  SimplexMeasure<D> m;
  m.grad.setZero();
  m.hess.setZero();
  const Vec3 x0 = x[nd[0]];
  if constexpr (D == 3) {
    const Vec3 a = x[nd[1]] - x0, b = x[nd[2]] - x0, c = x[nd[3]] - x0;
    m.det = a.dot(b.cross(c));
    const Vec3 ga = b.cross(c), gb = c.cross(a), gc = a.cross(b);
    m.grad.template segment<3>(3) = ga;
    m.grad.template segment<3>(6) = gb;
    m.grad.template segment<3>(9) = gc;
    m.grad.template segment<3>(0) = -(ga + gb + gc);
    if (with_hessian) {
      Eigen::Matrix<double, 9, 9> h = Eigen::Matrix<double, 9, 9>::Zero();
      h.block<3, 3>(0, 3) = -cross_matrix(c);
      h.block<3, 3>(0, 6) = cross_matrix(b);
      h.block<3, 3>(3, 6) = -cross_matrix(a);
      h.block<3, 3>(3, 0) = h.block<3, 3>(0, 3).transpose();
      h.block<3, 3>(6, 0) = h.block<3, 3>(0, 6).transpose();
      h.block<3, 3>(6, 3) = h.block<3, 3>(3, 6).transpose();
      // Map from edges (a, b, c) to nodes: x1, x2, x3 take the edge blocks, x0 = -(sum).
      for (int p = 0; p < 3; ++p)
        for (int q = 0; q < 3; ++q) {
          const Mat3 b = h.block<3, 3>(3 * p, 3 * q);
          m.hess.template block<3, 3>(3 * (p + 1), 3 * (q + 1)) = b;
          m.hess.template block<3, 3>(0, 3 * (q + 1)) -= b;
          m.hess.template block<3, 3>(3 * (p + 1), 0) -= b;
          m.hess.template block<3, 3>(0, 0) += b;
        }
    }
  } else {
    static_assert(D == 2, "simplices are triangles or tetrahedra");
    const Vec3 a = x[nd[1]] - x0, b = x[nd[2]] - x0;
    m.det = a.x() * b.y() - a.y() * b.x();
    const Eigen::Vector2d ga(b.y(), -b.x()), gb(-a.y(), a.x());
    m.grad.template segment<2>(3) = ga;
    m.grad.template segment<2>(6) = gb;
    m.grad.template segment<2>(0) = -(ga + gb);
    if (with_hessian) {
      // d²det/da_x db_y = 1, d²det/da_y db_x = -1, mapped through a = x1 - x0, b = x2 - x0.
      Eigen::Matrix<double, 3 * N, 3 * N>& h = m.hess;
      auto add = [&](int ia, int ib, double v) {  // ia, ib: (node, comp) of a and b
        h(ia, ib) += v;
        h(ib, ia) += v;
      };
      const int ax = 3, ay = 4, bx = 6, by = 7, ox = 0, oy = 1;
      // det(x0,x1,x2) = (x1-x0)_x (x2-x0)_y - (x1-x0)_y (x2-x0)_x
      add(ax, by, 1.0);
      add(ay, bx, -1.0);
      add(ox, by, -1.0);
      add(ax, oy, -1.0);
      add(oy, bx, 1.0);
      add(ox, ay, 1.0);
    }
  }
  return m;
}

/// One of the six Kuhn tetrahedra of a cube whose corners are numbered b = x + 2y + 4z: local
/// corners (0, p0, p0+p1, 7) for a permutation p of (1, 2, 4), and the parity of p, which is the
/// sign of its volume in an undeformed box.
struct KuhnTetrahedron {
  std::array<int, 4> corners;
  double sign;
};

/// The six Kuhn tetrahedra, which split a cube into tetrahedra sharing its main diagonal 0-7
/// (Kuhn 1960): the one table behind the cells' volumes (hex_measure), the lattice's matrix
/// simplices, the drawn tetrahedral cells and the strain metric (observe/cells.hpp).
inline constexpr std::array<KuhnTetrahedron, 6> kKuhnTetrahedra = {{{{0, 1, 3, 7}, 1.0},
                                                                    {{0, 1, 5, 7}, -1.0},
                                                                    {{0, 2, 3, 7}, -1.0},
                                                                    {{0, 2, 6, 7}, 1.0},
                                                                    {{0, 4, 5, 7}, 1.0},
                                                                    {{0, 4, 6, 7}, -1.0}}};

/// Measure of a hexahedral cell with corners c[b] at bit positions b = x + 2y + 4z: the sum of its
/// six Kuhn tetrahedra (kKuhnTetrahedra), each with the sign that makes it positive for an
/// undeformed box. One volume per cell, not six: the water's near-incompressibility then constrains
/// one dilatation per cell (the Q1/P0 idea) instead of locking the lattice through six per cell.
inline Measure<8> hex_measure(ConstNodes x, const std::array<Index, 8>& c, bool with_hessian) {
  Measure<8> m;
  m.det = 0.0;
  m.grad.setZero();
  m.hess.setZero();
  for (const auto& [local, sign] : kKuhnTetrahedra) {
    const std::array<Index, 4> nodes = {c[local[0]], c[local[1]], c[local[2]], c[local[3]]};
    const auto tm = simplex_measure<3>(x, nodes, with_hessian);
    m.det += sign * tm.det;
    for (int a = 0; a < 4; ++a) {
      m.grad.template segment<3>(3 * local[a]) += sign * tm.grad.template segment<3>(3 * a);
      if (with_hessian)
        for (int b = 0; b < 4; ++b)
          m.hess.template block<3, 3>(3 * local[a], 3 * local[b]) += sign * tm.hess.template block<3, 3>(3 * a, 3 * b);
    }
  }
  return m;
}

/// Reference measure (signed det of the edge matrix at the rest positions).
template <int D>
double rest_det(ConstNodes X, const std::array<Index, D + 1>& nd) {
  return simplex_measure<D>(X, nd, false).det;
}

}  // namespace fascia::detail
