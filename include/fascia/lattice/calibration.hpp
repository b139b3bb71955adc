// SPDX-License-Identifier: MIT
#pragma once
/// @file Calibration of bond stiffnesses from target elastic tensors (docs/model.md §4.1 "Calibration of central bonds").
///
/// Under an affine deformation, a set of central bonds of direction vectors d_t (length |d_t|,
/// unit n_t) and total stiffness K_t per cell of volume V has the elasticity tensor
///   C_ijkl = (1/V) sum_t K_t |d_t|^2 n_i n_j n_k n_l
/// (the Cauchy–Born rule; e.g. Ostoja-Starzewski 2002, Appl Mech Rev 55:35). Given a target tensor
/// we solve for K_t >= 0 by non-negative least squares over the 15 independent components of a
/// fully symmetric 4th-order tensor. Central bonds can only produce fully symmetric tensors
/// (Cauchy relations), so an isotropic target needs lambda = mu; the bulk modulus is then set by
/// separate volumetric elements. The fit residual is reported, never hidden.
#include <array>
#include <vector>

#include <Eigen/Core>

#include "fascia/core/types.hpp"

namespace fascia {

/// A fully symmetric 4th-order tensor, stored by its 15 independent components in the order of
/// `symmetric_indices()` [Pa].
using SymTensor4 = Eigen::Matrix<double, 15, 1>;

/// (i, j, k, l) with i <= j <= k <= l, the order of SymTensor4's components.
const std::array<std::array<int, 4>, 15>& symmetric_indices();

/// n ⊗ n ⊗ n ⊗ n for a unit vector n.
SymTensor4 outer4(const Vec3& n);

/// mu (δij δkl + δik δjl + δil δjk): the isotropic tensor with lambda = mu.
SymTensor4 isotropic_cauchy(double mu);

/// E_f <a ⊗ a ⊗ a ⊗ a> for fibre directions a(θ) = (cos θ, sin θ, 0) distributed by a
/// π-periodic von Mises density ∝ exp(kappa cos 2(θ - θ0)) (kappa = 0: uniform in plane).
SymTensor4 fiber_tensor(double fiber_modulus, double mean_angle_rad, double kappa);

struct BondFit {
  std::vector<double> stiffness;  ///< K_t per cell [N/m], >= 0
  double relative_residual = 0;   ///< |C(K) - C_target| / |C_target|
};

/// Non-negative least squares fit of per-cell bond stiffnesses to `target`.
/// @param directions  bond vectors d_t [m]
/// @param cell_volume V [m^3]
BondFit fit_bonds(const std::vector<Vec3>& directions, double cell_volume, const SymTensor4& target);

/// The tensor produced by bonds (the forward map of fit_bonds).
SymTensor4 bond_tensor(const std::vector<Vec3>& directions, const std::vector<double>& stiffness,
                       double cell_volume);

/// Lawson–Hanson non-negative least squares: argmin |A x - b| subject to x >= 0.
Eigen::VectorXd nnls(const Eigen::MatrixXd& A, const Eigen::VectorXd& b);

}  // namespace fascia
