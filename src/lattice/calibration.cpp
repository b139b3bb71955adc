// SPDX-License-Identifier: MIT
#include "fascia/lattice/calibration.hpp"

#include <cmath>
#include <numbers>

#include <Eigen/Dense>

namespace fascia {

const std::array<std::array<int, 4>, 15>& symmetric_indices() {
  static const auto table = [] {
    std::array<std::array<int, 4>, 15> t{};
    int m = 0;
    for (int i = 0; i < 3; ++i)
      for (int j = i; j < 3; ++j)
        for (int k = j; k < 3; ++k)
          for (int l = k; l < 3; ++l) t[m++] = {i, j, k, l};
    return t;
  }();
  return table;
}

SymTensor4 outer4(const Vec3& n) {
  SymTensor4 c;
  const auto& idx = symmetric_indices();
  for (int m = 0; m < 15; ++m) c[m] = n[idx[m][0]] * n[idx[m][1]] * n[idx[m][2]] * n[idx[m][3]];
  return c;
}

SymTensor4 isotropic_cauchy(double mu) {
  SymTensor4 c;
  const auto& idx = symmetric_indices();
  auto d = [](int a, int b) { return a == b ? 1.0 : 0.0; };
  for (int m = 0; m < 15; ++m) {
    const auto [i, j, k, l] = idx[m];
    c[m] = mu * (d(i, j) * d(k, l) + d(i, k) * d(j, l) + d(i, l) * d(j, k));
  }
  return c;
}

SymTensor4 fiber_tensor(double fiber_modulus, double mean_angle_rad, double kappa) {
  // Midpoint quadrature over one period of the π-periodic density: spectrally accurate.
  constexpr int n = 2048;
  SymTensor4 sum = SymTensor4::Zero();
  double weight = 0.0;
  for (int q = 0; q < n; ++q) {
    const double t = -std::numbers::pi / 2 + (q + 0.5) * std::numbers::pi / n;
    const double w = std::exp(kappa * (std::cos(2.0 * t) - 1.0));  // shifted: no overflow
    const double th = mean_angle_rad + t;
    sum += w * outer4(Vec3(std::cos(th), std::sin(th), 0.0));
    weight += w;
  }
  return fiber_modulus * sum / weight;
}

SymTensor4 bond_tensor(const std::vector<Vec3>& directions, const std::vector<double>& stiffness,
                       double cell_volume) {
  SymTensor4 c = SymTensor4::Zero();
  for (std::size_t t = 0; t < directions.size(); ++t)
    c += stiffness[t] * directions[t].squaredNorm() / cell_volume * outer4(directions[t].normalized());
  return c;
}

Eigen::VectorXd nnls(const Eigen::MatrixXd& A, const Eigen::VectorXd& b) {
  const Eigen::Index n = A.cols();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  std::vector<bool> passive(n, false);
  const double tol = 1e-12 * std::max(1.0, A.norm() * b.norm());
  for (int outer = 0; outer < 3 * n + 10; ++outer) {
    Eigen::VectorXd w = A.transpose() * (b - A * x);
    Eigen::Index best = -1;
    for (Eigen::Index j = 0; j < n; ++j)
      if (!passive[j] && w[j] > tol && (best < 0 || w[j] > w[best])) best = j;
    if (best < 0) break;
    passive[best] = true;
    for (int inner = 0; inner < 3 * n + 10; ++inner) {
      std::vector<Eigen::Index> p;
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[j]) p.push_back(j);
      Eigen::MatrixXd ap(A.rows(), static_cast<Eigen::Index>(p.size()));
      for (std::size_t q = 0; q < p.size(); ++q) ap.col(q) = A.col(p[q]);
      const Eigen::VectorXd zp = ap.completeOrthogonalDecomposition().solve(b);
      Eigen::VectorXd z = Eigen::VectorXd::Zero(n);
      for (std::size_t q = 0; q < p.size(); ++q) z[p[q]] = zp[q];
      bool feasible = true;
      for (auto j : p) feasible = feasible && z[j] > 0.0;
      if (feasible) {
        x = z;
        break;
      }
      double alpha = 1.0;
      for (auto j : p)
        if (z[j] <= 0.0) alpha = std::min(alpha, x[j] / (x[j] - z[j]));
      x += alpha * (z - x);
      for (auto j : p)
        if (x[j] <= 1e-15 * x.cwiseAbs().maxCoeff()) {
          passive[j] = false;
          x[j] = 0.0;
        }
    }
  }
  return x;
}

BondFit fit_bonds(const std::vector<Vec3>& directions, double cell_volume, const SymTensor4& target) {
  const Eigen::Index n = static_cast<Eigen::Index>(directions.size());
  Eigen::MatrixXd a(15, n);
  for (Eigen::Index t = 0; t < n; ++t)
    a.col(t) = directions[t].squaredNorm() / cell_volume * outer4(directions[t].normalized());
  // Scale columns to unit norm so that NNLS works on a well-conditioned problem.
  Eigen::VectorXd scale(n);
  for (Eigen::Index t = 0; t < n; ++t) {
    scale[t] = a.col(t).norm();
    a.col(t) /= scale[t];
  }
  const Eigen::VectorXd y = nnls(a, target);
  BondFit fit;
  fit.stiffness.resize(n);
  for (Eigen::Index t = 0; t < n; ++t) fit.stiffness[t] = y[t] / scale[t];
  const double norm = target.norm();
  fit.relative_residual = norm > 0 ? (a * y - target).norm() / norm : 0.0;
  return fit;
}

}  // namespace fascia
