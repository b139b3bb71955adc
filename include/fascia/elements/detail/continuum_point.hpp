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

/// The law's measure of compression (tissue/compression_stiffening.hpp): I_t = 1 / (n.C^-1.n),
/// the squared stretch of the spacing between the material planes normal to n (the layer's
/// thickness), with its first and second derivatives by F. With a = F^-T n (so n.C^-1.n = |a|^2)
/// and c = F^-1 a:
///   dI_t/dF_kL = 2 a_k c_L / |a|^4,
///   d2I_t = 2 / |a|^6 S (x) S - 1 / |a|^4 d2s,   S_kL = -2 a_k c_L,
///   d2s_kL,mP = 2 (a_m H_kP c_L + a_k H_mL c_P + a_k a_m Cinv_LP),   H = F^-T, Cinv = H^T H.
/// A shear parallel to the planes (F = I + gamma t (x) n, t.n = 0) leaves I_t at 1, where the
/// stretch of the fibre along n, n.C.n = 1 + gamma^2, does not.
struct ThicknessStretch {
  double value = 1.0;       ///< I_t
  Mat3 d = Mat3::Zero();    ///< dI_t/dF
  Mat9 d2 = Mat9::Zero();   ///< d2I_t/dF2 (filled when asked for)
};

inline ThicknessStretch thickness_stretch_squared(const PointState& s, const Vec3& n, bool hessian) {
  const Mat3& H = s.H;
  const Vec3 a = H * n, c = H.transpose() * a;
  const double sq = a.squaredNorm();
  ThicknessStretch t;
  t.value = 1.0 / sq;
  t.d = 2.0 / (sq * sq) * a * c.transpose();
  if (!hessian) return t;
  const Mat3 cinv = H.transpose() * H;
  const Mat3 ac = -2.0 * a * c.transpose();
  const Eigen::Map<const Eigen::Matrix<double, 9, 1>> vs(ac.data());
  t.d2 = 2.0 / (sq * sq * sq) * vs * vs.transpose();
  for (int k = 0; k < 3; ++k)
    for (int L = 0; L < 3; ++L)
      for (int m = 0; m < 3; ++m)
        for (int P = 0; P < 3; ++P)
          t.d2(fidx(k, L), fidx(m, P)) -=
              2.0 / (sq * sq) * (a(m) * H(k, P) * c(L) + a(k) * H(m, L) * c(P) + a(k) * a(m) * cinv(L, P));
  return t;
}

/// The stiffening the law adds to an isochoric neo-Hookean matrix of shear modulus mu
/// (tissue/compression_stiffening.hpp): psi = (g(I_t) - 1) psi_nh, with psi_nh = mu/2 (J^-2/3 I1 - 3)
/// and I_t the thickness measure above, so that matrix and term together have the shear modulus
/// g mu. With phi = g - 1 and D = dI_t/dF (P_nh, A_nh: the neo-Hookean's):
///   P = phi P_nh + g' psi_nh D
///   A = phi A_nh + g' (P_nh (x) D + D (x) P_nh) + psi_nh (g'' D (x) D + g' d2I_t).
inline void add_compression_stiffening(const CompressionStiffening& law, double mu, PointState& s, bool hessian) {
  const ThicknessStretch t = thickness_stretch_squared(s, law.normal, hessian);
  const StiffeningFactor k = law.factor(t.value);
  PointState nh = s;
  nh.psi = 0.0;
  nh.P.setZero();
  if (hessian) nh.A.setZero();
  add_isochoric_neo_hookean(mu, nh, hessian);
  const double phi = k.g - 1.0;
  s.psi += phi * nh.psi;
  s.P += phi * nh.P + k.dg * nh.psi * t.d;
  if (!hessian) return;
  const Eigen::Map<const Eigen::Matrix<double, 9, 1>> vp(nh.P.data()), vd(t.d.data());
  s.A += phi * nh.A + k.dg * (vp * vd.transpose() + vd * vp.transpose()) +
         nh.psi * (k.d2g * vd * vd.transpose() + k.dg * t.d2);
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
