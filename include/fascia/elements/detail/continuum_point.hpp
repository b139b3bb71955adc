// SPDX-License-Identifier: MIT
#pragma once
/// @file One integration point of a continuum element: the deformation gradient F, what each law
/// adds to the energy density psi, the first Piola stress P = dpsi/dF and the tangent A = dP/dF,
/// and the gather of A into an element Hessian. Shared by the hexahedra of the finite-element
/// engine (elements/hexahedron.hpp) and the lattice's fat tetrahedra (elements/fat_stiffening.hpp).
#include <Eigen/Eigenvalues>

#include "fascia/elements/element_group.hpp"
#include "fascia/tissue/compression_stiffening.hpp"

namespace fascia {

using HexGradients = Eigen::Matrix<double, 3, 8>;  ///< dN_a/dX, column a

namespace detail {

using Mat9 = Eigen::Matrix<double, 9, 9>;
/// Index of F_iJ in the column-major 9-vector of a 3x3 matrix.
constexpr int fidx(int i, int j) { return i + 3 * j; }

/// Clamps negative eigenvalues of a symmetric tangent to zero (projected Newton; Teran et al.
/// 2005, SCA "Robust quasistatic finite elements and flesh simulation").
inline void project_psd(Mat9& a) {
  const Eigen::SelfAdjointEigenSolver<Mat9> es(a);
  if (es.eigenvalues().minCoeff() >= 0.0) return;
  a = es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).asDiagonal() * es.eigenvectors().transpose();
}

/// One point: F, J = det F, H = F^-T, and what the laws add to psi, P and A = dP/dF.
struct PointState {
  Mat3 F, H, P = Mat3::Zero();
  double J = 0.0, psi = 0.0;
  Mat9 A = Mat9::Zero();

  static PointState at(const Mat3& f) {
    PointState s;
    s.F = f;
    s.J = f.determinant();
    s.H = f.inverse().transpose();
    return s;
  }
};

/// Isochoric neo-Hookean: psi = mu/2 (J^-2/3 I1 - 3).
inline void add_isochoric_neo_hookean(double mu, PointState& s, bool hessian) {
  const Mat3& F = s.F;
  const Mat3& H = s.H;
  const double I1 = F.squaredNorm();
  const double j23 = std::pow(s.J, -2.0 / 3.0);
  s.psi += 0.5 * mu * (j23 * I1 - 3.0);
  s.P += mu * j23 * (F - I1 / 3.0 * H);
  if (!hessian) return;
  const double c = mu * j23;
  for (int i = 0; i < 3; ++i)
    for (int J_ = 0; J_ < 3; ++J_)
      for (int k = 0; k < 3; ++k)
        for (int L = 0; L < 3; ++L)
          s.A(fidx(i, J_), fidx(k, L)) +=
              c * ((i == k && J_ == L ? 1.0 : 0.0) - 2.0 / 3.0 * (F(i, J_) * H(k, L) + H(i, J_) * F(k, L)) +
                   2.0 / 9.0 * I1 * H(i, J_) * H(k, L) + I1 / 3.0 * H(i, L) * H(k, J_));
}

/// The stiffening the law adds to an isochoric neo-Hookean matrix of shear modulus mu
/// (tissue/compression_stiffening.hpp): psi = mu/2 (g(I_n) - 1) Q, with Q = J^-2/3 I1 - 3 and
/// I_n = |F n|^2, so that matrix and term together have the shear modulus g mu. With m = F n and
/// phi = g - 1 (psi_nh, P_nh, A_nh: the neo-Hookean's):
///   P = phi P_nh + mu g' Q m n^T
///   A = phi A_nh + 2 g' (P_nh (x) m n^T + m n^T (x) P_nh) + 2 mu g'' Q (m n^T) (x) (m n^T)
///       + mu g' Q delta_ik n_J n_L.
inline void add_compression_stiffening(const CompressionStiffening& law, double mu, PointState& s, bool hessian) {
  const Vec3& n = law.normal;
  const Vec3 m = s.F * n;
  const StiffeningFactor k = law.factor(m.squaredNorm());
  PointState nh = s;
  nh.psi = 0.0;
  nh.P.setZero();
  if (hessian) nh.A.setZero();
  add_isochoric_neo_hookean(mu, nh, hessian);
  const double phi = k.g - 1.0, q = 2.0 * nh.psi / mu;
  const Mat3 mn = m * n.transpose();
  s.psi += phi * nh.psi;
  s.P += phi * nh.P + mu * k.dg * q * mn;
  if (!hessian) return;
  const Eigen::Map<const Eigen::Matrix<double, 9, 1>> vp(nh.P.data()), vm(mn.data());
  s.A += phi * nh.A + 2.0 * k.dg * (vp * vm.transpose() + vm * vp.transpose()) + 2.0 * mu * k.d2g * q * vm * vm.transpose();
  const Mat3 nn = mu * k.dg * q * n * n.transpose();
  for (int i = 0; i < 3; ++i)
    for (int J_ = 0; J_ < 3; ++J_)
      for (int L = 0; L < 3; ++L) s.A(fidx(i, J_), fidx(i, L)) += nn(J_, L);
}

/// out += w B^T M B, B the point's gradient operator, B(fidx(i, J), 3a + i) = gr(J, a), without
/// forming B: it has three nonzeros per column, so for a hexahedron the product takes ~2 400
/// multiply-adds where the dense 9 x 24 one took ~7 100 (and 18 % of a 16^3 compression's CPU time,
/// docs/performance.md "Implicit solves at scale").
template <int N>
void add_gradient_product(double w, const Eigen::Matrix<double, 3, N>& gr, const Mat9& M, ElementHessian<N>& out) {
  Eigen::Matrix<double, 9, 3 * N> mb;  // (M B)(r, 3b + k) = sum_L M(r, fidx(k, L)) gr(L, b)
  for (int b = 0; b < N; ++b)
    for (int k = 0; k < 3; ++k)
      mb.col(3 * b + k) = M.col(fidx(k, 0)) * gr(0, b) + M.col(fidx(k, 1)) * gr(1, b) + M.col(fidx(k, 2)) * gr(2, b);
  for (int c = 0; c < 3 * N; ++c)  // (B^T M B)(3a + i, c) = sum_J gr(J, a) (M B)(fidx(i, J), c)
    for (int a = 0; a < N; ++a)
      for (int i = 0; i < 3; ++i)
        out(3 * a + i, c) +=
            w * (gr(0, a) * mb(fidx(i, 0), c) + gr(1, a) * mb(fidx(i, 1), c) + gr(2, a) * mb(fidx(i, 2), c));
}

}  // namespace detail
}  // namespace fascia
