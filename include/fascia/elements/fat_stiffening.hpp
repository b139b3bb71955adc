// SPDX-License-Identifier: MIT
#pragma once
/// @file The lattice's fat cells: the compression stiffening of subcutaneous fat
/// (tissue/compression_stiffening.hpp) on each hexahedral cell of a block whose material has it.
///
/// The cell's matrix (springs or neo-Hookean tetrahedra) carries the shear modulus mu; this group
/// adds the rest, psi = mu/2 (g(I_n) - 1) (J^-2/3 I1 - 3) per unit reference volume
/// (detail::add_compression_stiffening), with F the cell's mean deformation gradient, taken at its
/// centre. One point suffices: the term is zero at rest and every deformation it misses (the
/// cell's hourglass modes) is held by the matrix beneath it.
#include <array>
#include <limits>
#include <string_view>
#include <vector>

#include "fascia/elements/detail/continuum_point.hpp"

namespace fascia {

struct FatStiffeningGroup {
  static constexpr int kNodes = 8;
  static constexpr std::string_view kName = "fat_stiffening_cells";
  static constexpr bool kHasState = false;

  CompressionStiffening law;  ///< shared by the group (set before adding cells)
  std::vector<std::array<Index, 8>> connectivity;  ///< corners in the bit order x + 2y + 4z
  std::vector<HexGradients> gradients;             ///< dN_a/dX at the cell's centre
  std::vector<double> shear_modulus;               ///< mu of the cell's matrix [Pa]
  std::vector<double> rest_volume;                 ///< [m^3]

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 8> nodes(Index e) const { return connectivity[e]; }
  std::vector<GroupParameter> parameters() const {
    return {{"shear_modulus", "Pa", shear_modulus}, {"rest_volume", "m3", rest_volume}};
  }

  /// Appends the cell of corners `nd` (rest positions in X: an axis-aligned box, as the lattice's).
  void add(const std::array<Index, 8>& nd, ConstNodes X, double mu) {
    const Vec3 size = X[nd[7]] - X[nd[0]];
    HexGradients gr;
    // N_a = prod (1 + c_a xi) / 8 with xi = 2 (X - X_centre) / size: dN_a/dX = c_a / (4 size) at the centre.
    for (int a = 0; a < 8; ++a)
      for (int d = 0; d < 3; ++d) gr(d, a) = (((a >> d) & 1) ? 1.0 : -1.0) / (4.0 * size(d));
    connectivity.push_back(nd);
    gradients.push_back(gr);
    shear_modulus.push_back(mu);
    rest_volume.push_back(size.prod());
  }

  double energy(Index e, ConstNodes x) const { return evaluate(e, x, nullptr, nullptr, HessianMode::exact); }
  ElementForces<8> forces(Index e, ConstNodes x) const {
    ElementForces<8> f;
    evaluate(e, x, &f, nullptr, HessianMode::exact);
    return f;
  }
  ElementHessian<8> hessian(Index e, ConstNodes x, HessianMode mode) const {
    ElementHessian<8> h = ElementHessian<8>::Zero();
    evaluate(e, x, nullptr, &h, mode);
    return h;
  }
  void begin_step(Index, ConstNodes, const StepContext&) {}
  double end_step(Index, ConstNodes, const StepContext&) { return 0.0; }

private:
  double evaluate(Index e, ConstNodes x, ElementForces<8>* f, ElementHessian<8>* h, HessianMode mode) const {
    const HexGradients& gr = gradients[e];
    if (f) f->setZero();  // an inverted cell: infinite energy, which the line search rejects
    Mat3 F = Mat3::Zero();
    for (int a = 0; a < 8; ++a) F += x[connectivity[e][a]] * gr.col(a).transpose();
    if (!(F.determinant() > 0.0)) return std::numeric_limits<double>::infinity();
    detail::PointState s = detail::PointState::at(F);
    detail::add_compression_stiffening(law, shear_modulus[e], s, h != nullptr);
    const double v = rest_volume[e];
    if (f) *f = -v * s.P * gr;
    if (h) {
      if (mode != HessianMode::exact) detail::project_psd(s.A);
      detail::add_gradient_product(v, gr, s.A, *h);
    }
    return v * s.psi;
  }
};

}  // namespace fascia
