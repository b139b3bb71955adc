// SPDX-License-Identifier: MIT
#pragma once
/// @file Volumetric simplex elements, all functions of the volume ratio J = V / V_0 of a
/// tetrahedron (or the area ratio of a triangle in a 2-D sheet):
/// - BulkGroup: U = c/2 (J - 1)^2 with c = Delta K V_0. Adds bulk stiffness to the spring
///   network, whose central springs alone fix Poisson's ratio (docs/model.md §4 "The lattice"). c may be negative
///   (a network stiffer in bulk than the target), as long as the sum stays positive definite.
/// - VolumetricMaxwellGroup (BulkMaxwellGroup on triangles, CellWaterGroup on the slab's hexahedral
///   cells): the water's volumetric Maxwell element (docs/model.md §5 "Water"): undrained loading sees
///   K_u - K_d more than drained; it relaxes with the drainage time tau_d. Same exact update as
///   fascia/elements/maxwell.hpp with J in place of the length.
/// - NeoHookeanGroup: compressible neo-Hookean solid W = mu/2 (I1 - D) - mu ln J + lambda/2 ln^2 J
///   (the finite-element lattice, matrix_model = "tets").
#include <tuple>
#include <cmath>
#include <limits>
#include <vector>

#include "fascia/elements/detail/simplex.hpp"
#include "fascia/elements/maxwell.hpp"

namespace fascia {

namespace detail {
/// Shared storage and kinematics of simplex groups.
template <int D>
struct SimplexBase {
  static constexpr int kNodes = D + 1;
  std::vector<std::array<Index, D + 1>> connectivity;
  std::vector<double> rest_measure;  ///< det_0 (positive: elements are oriented at build)
  std::size_t size() const { return connectivity.size(); }
  std::array<Index, D + 1> nodes(Index e) const { return connectivity[e]; }
  double volume_ratio(Index e, ConstNodes x) const {
    return simplex_measure<D>(x, connectivity[e], false).det / rest_measure[e];
  }
};

template <int N>
ElementForces<N> volumetric_forces(const Measure<N>& m, double rest, double du) {
  ElementForces<N> f;
  for (int a = 0; a < N; ++a) f.col(a) = -du / rest * m.grad.template segment<3>(3 * a);
  return f;
}
template <int N>
ElementHessian<N> volumetric_hessian(const Measure<N>& m, double rest, double du, double d2u,
                                     HessianMode mode) {
  ElementHessian<N> h = d2u / (rest * rest) * m.grad * m.grad.transpose();
  // The det Hessian is indefinite; Newton and the stability bound use the Gauss–Newton part.
  if (mode == HessianMode::exact) h += du / rest * m.hess;
  return h;
}
}  // namespace detail

template <int D>
struct BulkGroup : detail::SimplexBase<D> {
  static constexpr std::string_view kName = D == 3 ? "bulk_tets" : "bulk_triangles";
  static constexpr bool kHasState = false;
  std::vector<double> coefficient;  ///< c = Delta K V_0 [J]

  void add(const std::array<Index, D + 1>& nd, double rest, double c) {
    this->connectivity.push_back(nd);
    this->rest_measure.push_back(rest);
    coefficient.push_back(c);
  }
  double energy(Index e, ConstNodes x) const {
    const double j = this->volume_ratio(e, x) - 1.0;
    return 0.5 * coefficient[e] * j * j;
  }
  ElementForces<D + 1> forces(Index e, ConstNodes x) const {
    const auto m = detail::simplex_measure<D>(x, this->connectivity[e], false);
    const double j = m.det / this->rest_measure[e];
    return detail::volumetric_forces<D + 1>(m, this->rest_measure[e], coefficient[e] * (j - 1.0));
  }
  ElementHessian<D + 1> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const auto m = detail::simplex_measure<D>(x, this->connectivity[e], mode == HessianMode::exact);
    const double j = m.det / this->rest_measure[e];
    const double c = mode == HessianMode::exact ? coefficient[e] : std::max(0.0, coefficient[e]);
    return detail::volumetric_hessian<D + 1>(m, this->rest_measure[e], coefficient[e] * (j - 1.0), c, mode);
  }
  void begin_step(Index, ConstNodes, const StepContext&) {}
  double end_step(Index, ConstNodes, const StepContext&) { return 0.0; }
};

/// Stencils of the water's volumetric Maxwell element: a simplex (triangle in a sheet) or a
/// hexahedral cell of the slab (see detail::hex_measure).
template <int D>
struct SimplexStencil {
  static constexpr int kNodes = D + 1;
  static constexpr std::string_view kName = D == 3 ? "water_tets" : "water_triangles";
  static constexpr double kVolumePerDet = D == 3 ? 1.0 / 6.0 : 0.5;
  static detail::Measure<kNodes> measure(ConstNodes x, const std::array<Index, kNodes>& nd, bool hess) {
    return detail::simplex_measure<D>(x, nd, hess);
  }
};
struct HexStencil {
  static constexpr int kNodes = 8;
  static constexpr std::string_view kName = "water_cells";
  static constexpr double kVolumePerDet = 1.0 / 6.0;
  static detail::Measure<8> measure(ConstNodes x, const std::array<Index, 8>& nd, bool hess) {
    return detail::hex_measure(x, nd, hess);
  }
};

template <class Stencil>
struct VolumetricMaxwellGroup {
  static constexpr int kNodes = Stencil::kNodes;
  static constexpr std::string_view kName = Stencil::kName;
  static constexpr bool kHasState = true;
  std::vector<std::array<Index, kNodes>> connectivity;
  std::vector<double> rest_measure;  ///< det_0 (positive)
  std::vector<double> coefficient;   ///< c = (K_u - K_d) V_0 [J]
  std::vector<double> tau;           ///< drainage time [s]
  std::vector<double> strain;        ///< q = J - J_v: undrained volumetric strain held by water
  std::vector<double> frozen_c, frozen_rest, start_ratio;

  /// Every member a step writes (fascia/elements/history.hpp).
  auto history() { return std::tie(strain, frozen_c, frozen_rest, start_ratio); }

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, kNodes> nodes(Index e) const { return connectivity[e]; }
  double volume_ratio(Index e, ConstNodes x) const {
    return Stencil::measure(x, connectivity[e], false).det / rest_measure[e];
  }
  void add(const std::array<Index, kNodes>& nd, double rest, double c, double t) {
    connectivity.push_back(nd);
    rest_measure.push_back(rest);
    coefficient.push_back(c);
    tau.push_back(t);
    strain.push_back(0.0);
    frozen_c.push_back(c);
    frozen_rest.push_back(1.0);
    start_ratio.push_back(1.0);
  }
  /// Pore pressure carried by the water [Pa] = -(K_u - K_d) q (positive in compression).
  double pressure(Index e) const {
    return -coefficient[e] / (rest_measure[e] * Stencil::kVolumePerDet) * strain[e];
  }
  double energy(Index e, ConstNodes x) const {
    const double d = volume_ratio(e, x) - frozen_rest[e];
    return 0.5 * frozen_c[e] * d * d;
  }
  /// Energy stored in the water's volumetric spring, c q^2 / 2, at the end of a step.
  double stored_energy(Index e) const { return 0.5 * coefficient[e] * strain[e] * strain[e]; }
  ElementForces<kNodes> forces(Index e, ConstNodes x) const {
    const auto m = Stencil::measure(x, connectivity[e], false);
    const double j = m.det / rest_measure[e];
    return detail::volumetric_forces<kNodes>(m, rest_measure[e], frozen_c[e] * (j - frozen_rest[e]));
  }
  ElementHessian<kNodes> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const auto m = Stencil::measure(x, connectivity[e], mode == HessianMode::exact);
    const double j = m.det / rest_measure[e];
    const double c = mode == HessianMode::stability ? coefficient[e] : frozen_c[e];
    return detail::volumetric_hessian<kNodes>(m, rest_measure[e], frozen_c[e] * (j - frozen_rest[e]), c, mode);
  }
  void begin_step(Index e, ConstNodes x, const StepContext& ctx) {
    const auto c = PronyStep::of(ctx.dt, tau[e]);
    const double j = volume_ratio(e, x);
    start_ratio[e] = j;
    frozen_c[e] = coefficient[e] * c.g;
    frozen_rest[e] = j - c.a * strain[e] / c.g;
  }
  double end_step(Index e, ConstNodes x, const StepContext&) {
    const double j = volume_ratio(e, x);
    const double q_old = strain[e];
    const double q_new = frozen_c[e] / coefficient[e] * (j - frozen_rest[e]);
    strain[e] = q_new;
    const double work = 0.5 * coefficient[e] * (q_old + q_new) * (j - start_ratio[e]);
    return work - 0.5 * coefficient[e] * (q_new * q_new - q_old * q_old);
  }
};

template <int D>
using BulkMaxwellGroup = VolumetricMaxwellGroup<SimplexStencil<D>>;
/// The slab's water: one volumetric Maxwell element per hexahedral cell.
using CellWaterGroup = VolumetricMaxwellGroup<HexStencil>;

template <int D>
struct NeoHookeanGroup : detail::SimplexBase<D> {
  static constexpr std::string_view kName = D == 3 ? "neo_hookean_tets" : "neo_hookean_triangles";
  static constexpr bool kHasState = false;
  std::vector<double> mu_volume;      ///< mu V_0 [J]
  std::vector<double> lambda_volume;  ///< lambda V_0 [J]
  std::vector<Eigen::Matrix<double, D, D + 1>> shape_gradients;  ///< dN_a/dX, columns a

  void add(const std::array<Index, D + 1>& nd, ConstNodes X, double volume, double mu, double lambda) {
    const auto [g, det] = detail::simplex_shape_gradients<D>(X, nd);
    this->connectivity.push_back(nd);
    this->rest_measure.push_back(det);
    mu_volume.push_back(mu * volume);
    lambda_volume.push_back(lambda * volume);
    shape_gradients.push_back(g);
  }
  double energy(Index e, ConstNodes x) const {
    const double j = this->volume_ratio(e, x);
    if (!(j > 0.0)) return std::numeric_limits<double>::infinity();
    const double lj = std::log(j);
    return 0.5 * mu_volume[e] * (first_invariant(e, x) - D) - mu_volume[e] * lj +
           0.5 * lambda_volume[e] * lj * lj;
  }
  ElementForces<D + 1> forces(Index e, ConstNodes x) const {
    const auto m = detail::simplex_measure<D>(x, this->connectivity[e], false);
    const double j = m.det / this->rest_measure[e];
    const double lj = std::log(j);
    ElementForces<D + 1> f = detail::volumetric_forces<D + 1>(
        m, this->rest_measure[e], (-mu_volume[e] + lambda_volume[e] * lj) / j);
    const auto& g = shape_gradients[e];
    const auto gg = (g.transpose() * g).eval();  // (D+1) x (D+1): g_a . g_b
    for (int a = 0; a <= D; ++a)
      for (int b = 0; b <= D; ++b) f.col(a) -= mu_volume[e] * gg(a, b) * planar(x[this->connectivity[e][b]]);
    return f;
  }
  ElementHessian<D + 1> hessian(Index e, ConstNodes x, HessianMode mode) const {
    const auto m = detail::simplex_measure<D>(x, this->connectivity[e], mode == HessianMode::exact);
    const double j = m.det / this->rest_measure[e];
    const double lj = std::log(j);
    const double du = (-mu_volume[e] + lambda_volume[e] * lj) / j;
    double d2u = (mu_volume[e] + lambda_volume[e] * (1.0 - lj)) / (j * j);
    if (mode != HessianMode::exact) d2u = std::max(d2u, 0.0);
    ElementHessian<D + 1> h = detail::volumetric_hessian<D + 1>(m, this->rest_measure[e], du, d2u, mode);
    const auto& g = shape_gradients[e];
    const auto gg = (g.transpose() * g).eval();
    for (int a = 0; a <= D; ++a)
      for (int b = 0; b <= D; ++b)
        for (int c = 0; c < D; ++c) h(3 * a + c, 3 * b + c) += mu_volume[e] * gg(a, b);
    return h;
  }
  void begin_step(Index, ConstNodes, const StepContext&) {}
  double end_step(Index, ConstNodes, const StepContext&) { return 0.0; }

private:
  static Vec3 planar(const Vec3& p) { return D == 3 ? p : Vec3(p.x(), p.y(), 0.0); }
  double first_invariant(Index e, ConstNodes x) const {
    const auto& g = shape_gradients[e];
    Eigen::Matrix<double, D, D> f = Eigen::Matrix<double, D, D>::Zero();
    for (int a = 0; a <= D; ++a) f += x[this->connectivity[e][a]].template head<D>() * g.col(a).transpose();
    return (f.transpose() * f).trace();
  }
};

}  // namespace fascia
