// SPDX-License-Identifier: MIT
#pragma once
/// @file The lattice's fat tetrahedra: the compression stiffening of subcutaneous fat
/// (tissue/compression_stiffening.hpp) on the six Kuhn tetrahedra of each cell of a block whose
/// material has it.
///
/// The cell's matrix (springs or neo-Hookean tetrahedra) carries the shear modulus mu; this group
/// adds the rest, psi = mu/2 (g(I_t) - 1) (J^-2/3 I1 - 3) per unit reference volume
/// (detail::add_compression_stiffening), with F each tetrahedron's own (constant) deformation
/// gradient. Tetrahedra, not one point per cell: a crushed cell deforms far from affinely (a node
/// folding below its neighbour), which a cell's mean F does not see and a tetrahedron's F does;
/// and J^-2/3 I1 grows without bound as a tetrahedron flattens, so the term resists inversion.
#include <array>
#include <limits>
#include <string_view>
#include <vector>

#include "fascia/elements/detail/continuum_point.hpp"
#include "fascia/elements/detail/simplex.hpp"

namespace fascia {

struct FatStiffeningGroup {
  static constexpr int kNodes = 4;
  static constexpr std::string_view kName = "fat_stiffening_tets";
  static constexpr bool kHasState = false;
  using Gradients = Eigen::Matrix<double, 3, 4>;  ///< dN_a/dX, column a

  CompressionStiffening law;  ///< shared by the group (set before adding elements)
  std::vector<std::array<Index, 4>> connectivity;
  std::vector<Gradients> gradients;
  std::vector<double> shear_modulus;  ///< mu of the matrix [Pa]
  std::vector<double> rest_volume;    ///< [m^3]

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 4> nodes(Index e) const { return connectivity[e]; }
  std::vector<GroupParameter> parameters() const {
    return {{"shear_modulus", "Pa", shear_modulus}, {"rest_volume", "m3", rest_volume}};
  }

  /// Appends the tetrahedron `nd` (positively oriented in the rest positions X).
  void add(const std::array<Index, 4>& nd, ConstNodes X, double mu) {
    const auto [g, det] = detail::simplex_shape_gradients<3>(X, nd);
    connectivity.push_back(nd);
    gradients.push_back(g);
    shear_modulus.push_back(mu);
    rest_volume.push_back(det / 6.0);
  }

  double energy(Index e, ConstNodes x) const { return evaluate(e, x, nullptr, nullptr, HessianMode::exact); }
  ElementForces<4> forces(Index e, ConstNodes x) const {
    ElementForces<4> f;
    evaluate(e, x, &f, nullptr, HessianMode::exact);
    return f;
  }
  ElementHessian<4> hessian(Index e, ConstNodes x, HessianMode mode) const {
    ElementHessian<4> h = ElementHessian<4>::Zero();
    evaluate(e, x, nullptr, &h, mode);
    return h;
  }
  void begin_step(Index, ConstNodes, const StepContext&) {}
  double end_step(Index, ConstNodes, const StepContext&) { return 0.0; }

private:
  double evaluate(Index e, ConstNodes x, ElementForces<4>* f, ElementHessian<4>* h, HessianMode mode) const {
    const Gradients& gr = gradients[e];
    if (f) f->setZero();  // an inverted tetrahedron: infinite energy, which the line search rejects
    Mat3 F = Mat3::Zero();
    for (int a = 0; a < 4; ++a) F += x[connectivity[e][a]] * gr.col(a).transpose();
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
