// SPDX-License-Identifier: MIT
#pragma once
/// @file Trilinear hexahedra (8 nodes, 2x2x2 Gauss points) of the finite-element engine, with the
/// tissue laws in the continuum (docs/model.md "Finite elements").
///
/// Energy of element e (W_g: reference volume of Gauss point g, V = sum_g W_g, F_g, J_g = det F_g):
///   E = sum_g W_g [ mu/2 (J_g^{-2/3} I1_g - 3)                        isochoric neo-Hookean matrix
///                 + sum_q E_f w_q L_q w(l_q / L_q - 1)               tension-only fibre directions
///                 + sum_i mu_i g_i |dev E_g - E*_gi|^2 ]             Prony branches (this step)
///     + V U(Jbar),  U(J) = K/2 ln^2 J,  Jbar = sum_g W_g J_g / V      drained bulk, one dilatation
///
/// Locking: the volumetric energy sees one dilatation per element, Jbar, the element's volume
/// ratio — the mean-dilatation form of the mixed Q1/P0 element (Nagtegaal, Parks & Rice 1974;
/// Simo, Taylor & Pister 1985, CMAME 51:177), written as a potential after condensing the constant
/// pressure, so forces are its exact gradient and the tangent is symmetric (F-bar's is not, and
/// the project's element concept is an energy). The water's volumetric Maxwell element
/// (CellWaterGroup, elements/volumetric.hpp) acts on the same one-per-cell volume.
/// `mean_dilatation = false` gives plain Q1 (U at every Gauss point), kept to show that it locks.
///
/// Fibres: the lattice's fibre law s(e) (tissue/material.hpp, FiberLaw) on each direction a_q of the
/// family (tissue/fiber_family.hpp), stretch l_q = |F a_q|, with the same rupture (total strain
/// l_q - 1 above the element's failure strain) and permanent set (rest stretch
/// L_q = 1 + p <l_max - 1 - e_yield>_+) as the fibre springs, tracked per Gauss point and direction;
/// with FiberLaw::relaxation, the same quasi-linear viscoelasticity (tissue/fiber_law.hpp), its
/// branch stresses per Gauss point and direction.
///
/// Prony branches: a linear deviatoric branch in the Green–Lagrange strain E per Gauss point with
/// elastic strain q_i (stored energy mu_i |q_i|^2, so G(t) = mu + sum_i mu_i exp(-t/tau_i) at small
/// strain) and the exact Maxwell update of elements/maxwell.hpp:
/// q_{n+1} = a q_n + g (dev E_{n+1} - dev E_n), i.e. the step potential mu_i g |dev E - E*|^2 with
/// E* = dev E_n - a q_n / g. Invariant under rotations, since E is.
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "fascia/elements/detail/continuum_point.hpp"
#include "fascia/elements/maxwell.hpp"
#include "fascia/tissue/fiber_family.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

/// Material of one tissue in a Hex8Group, SI units.
struct HexMaterial {
  double shear_modulus = 0.0;   ///< long-term matrix shear modulus mu [Pa]
  double bulk_modulus = 0.0;    ///< drained bulk modulus K [Pa]
  double fiber_modulus = 0.0;   ///< fibre-direction modulus E_f added to the matrix [Pa]; 0 = none
  FiberFamily fibers;           ///< directions and weights (empty without fibres)
  std::vector<double> prony_modulus;  ///< mu_i [Pa]
  std::vector<double> prony_tau;      ///< tau_i [s]
  CompressionStiffening stiffening;   ///< the matrix's stiffening under compression (fat); off by default
};

using HexCoordinates = Eigen::Matrix<double, 3, 8>;  ///< node positions, column a

namespace detail {
/// Corner b of the reference cube [-1, 1]^3 in the bit order b = x + 2y + 4z (as detail::hex_measure).
inline Vec3 hex_corner(int b) { return Vec3(2 * (b & 1) - 1, 2 * ((b >> 1) & 1) - 1, 2 * ((b >> 2) & 1) - 1); }

/// Shape-function gradients and volume weights at the 2x2x2 Gauss points of a hexahedron with
/// rest coordinates X. min_jacobian <= 0 means an inverted or degenerate element.
struct HexReference {
  std::array<HexGradients, 8> gradients;
  std::array<double, 8> weights{};  ///< det J0 at each point (Gauss weights are 1) [m^3]
  double min_jacobian = 0.0;
};
inline HexReference hex_reference(const HexCoordinates& X) {
  HexReference r;
  r.min_jacobian = std::numeric_limits<double>::infinity();
  const double p = 1.0 / std::sqrt(3.0);
  for (int g = 0; g < 8; ++g) {
    const Vec3 xi = p * hex_corner(g);
    Eigen::Matrix<double, 8, 3> dn;  // dN_a / dxi
    for (int a = 0; a < 8; ++a) {
      const Vec3 c = hex_corner(a);
      const Vec3 f(1 + c.x() * xi.x(), 1 + c.y() * xi.y(), 1 + c.z() * xi.z());
      dn(a, 0) = 0.125 * c.x() * f.y() * f.z();
      dn(a, 1) = 0.125 * c.y() * f.x() * f.z();
      dn(a, 2) = 0.125 * c.z() * f.x() * f.y();
    }
    const Mat3 j0 = X * dn;  // dX/dxi
    const double det = j0.determinant();
    r.min_jacobian = std::min(r.min_jacobian, det);
    r.weights[g] = det;
    r.gradients[g] = det > 0.0 ? HexGradients((dn * j0.inverse()).transpose()) : HexGradients::Zero();
  }
  return r;
}
}  // namespace detail

struct Hex8Group {
  static constexpr int kNodes = 8;
  static constexpr std::string_view kName = "hexahedra";
  static constexpr bool kHasState = true;
  static constexpr int kPoints = 8;

  FiberLaw law;                       ///< shared fibre law (as FiberGroup::law)
  std::vector<HexMaterial> materials; ///< indexed by `material`
  bool mean_dilatation = true;        ///< false: plain Q1 (locks; for verification only)

  std::vector<std::array<Index, 8>> connectivity;
  std::vector<std::int32_t> material;      ///< per element: index into materials
  std::vector<HexGradients> gradients;     ///< per element and Gauss point (8 e + g)
  std::vector<double> point_volume;        ///< W_g per element and point [m^3]
  std::vector<double> rest_volume;         ///< V per element [m^3]
  std::vector<double> failure_strain;      ///< fibre failure strain per element
  /// Per element, or empty when every element's fibres are its material's: the rotation that turns
  /// the material's fibre family to the element's own mean direction (an imported mesh's
  /// per-element directions, docs/fem.md "Imported meshes"). A parameter, not history.
  std::vector<Mat3> fiber_rotation;
  // Fibre history per (element, point, direction), from fiber_start[e].
  std::vector<std::int64_t> fiber_start;
  std::vector<double> fiber_max_strain;    ///< largest total strain l - 1 seen
  std::vector<std::uint8_t> fiber_broken;  ///< 1 once ruptured
  // Fibre relaxation (only with law.relaxation), per (element, point, direction) as above: branch
  // stresses (law.relaxation.size() each), the stretch at the start of the step and the step's law;
  // the step's factors of each term.
  std::vector<double> fiber_branch;
  std::vector<double> fiber_start_stretch;
  std::vector<FiberStep> fiber_step_law;
  std::vector<PronyStep> fiber_step;
  // Prony history per (element, point, branch), from prony_start[e].
  std::vector<std::int64_t> prony_start;
  std::vector<Mat3> branch_strain;         ///< q (deviatoric)
  std::vector<Mat3> branch_target;         ///< E* of the current step
  std::vector<Mat3> branch_start;          ///< dev E at the start of the step
  std::vector<std::vector<PronyStep>> step;  ///< per material and branch: (a, g) of this step

  std::size_t size() const { return connectivity.size(); }
  std::array<Index, 8> nodes(Index e) const { return connectivity[e]; }
  /// tissue_id: the element's material index, which equals the layer_id of its nodes.
  std::vector<GroupParameter> parameters() const {
    return {{"tissue_id", "1", std::vector<double>(material.begin(), material.end())},
            {"rest_volume", "m3", rest_volume},
            {"failure_strain", "1", failure_strain}};
  }
  /// Reference direction q of element e's fibre family (m: the element's material).
  Vec3 fiber_direction(Index e, std::size_t q, const HexMaterial& m) const {
    return fiber_rotation.empty() ? m.fibers.directions[q] : Vec3(fiber_rotation[std::size_t(e)] * m.fibers.directions[q]);
  }
  /// Turns element e's fibre family by the rotation `r` (applied to its material's directions).
  void rotate_fibers(Index e, const Mat3& r) {
    if (fiber_rotation.empty()) fiber_rotation.assign(size(), Mat3::Identity());
    fiber_rotation.at(std::size_t(e)) = r;
  }
  /// What a step writes (elements/history.hpp): the step factors, the Prony strains and targets,
  /// the fibre history.
  auto history() {
    return std::tie(step, branch_start, branch_target, branch_strain, fiber_max_strain, fiber_broken, fiber_branch,
                    fiber_start_stretch, fiber_step_law, fiber_step);
  }
  /// Whether the fibres relax (set law before adding elements).
  bool viscous_fibers() const { return !law.relaxation.empty(); }

  /// Appends an element; X are the rest positions of all nodes. Throws std::invalid_argument for
  /// an inverted or degenerate element (callers name the input that produced it).
  void add(const std::array<Index, 8>& nd, ConstNodes X, std::int32_t mat, double e_fail) {
    HexCoordinates xe;
    for (int a = 0; a < 8; ++a) xe.col(a) = X[nd[a]];
    const auto ref = detail::hex_reference(xe);
    if (!(ref.min_jacobian > 0.0)) throw std::invalid_argument("inverted or degenerate hexahedron");
    if (step.size() < materials.size()) step.resize(materials.size());
    const HexMaterial& m = materials.at(std::size_t(mat));
    step[std::size_t(mat)].resize(m.prony_modulus.size(), PronyStep{});
    connectivity.push_back(nd);
    material.push_back(mat);
    double v = 0.0;
    for (int g = 0; g < 8; ++g) {
      gradients.push_back(ref.gradients[g]);
      point_volume.push_back(ref.weights[g]);
      v += ref.weights[g];
    }
    rest_volume.push_back(v);
    failure_strain.push_back(e_fail);
    if (!fiber_rotation.empty()) fiber_rotation.push_back(Mat3::Identity());
    fiber_start.push_back(std::int64_t(fiber_max_strain.size()));
    const std::size_t nf = m.fiber_modulus > 0.0 ? 8 * m.fibers.directions.size() : 0;
    fiber_max_strain.resize(fiber_max_strain.size() + nf, 0.0);
    fiber_broken.resize(fiber_broken.size() + nf, 0);
    if (viscous_fibers()) {
      fiber_branch.resize(fiber_branch.size() + nf * law.relaxation.size(), 0.0);
      fiber_start_stretch.resize(fiber_start_stretch.size() + nf, 1.0);
      fiber_step_law.resize(fiber_step_law.size() + nf, FiberStep{});
    }
    prony_start.push_back(std::int64_t(branch_strain.size()));
    const std::size_t np = 8 * m.prony_modulus.size();
    branch_strain.resize(branch_strain.size() + np, Mat3::Zero());
    branch_target.resize(branch_target.size() + np, Mat3::Zero());
    branch_start.resize(branch_start.size() + np, Mat3::Zero());
  }

  /// Deformation gradient at Gauss point g of element e.
  Mat3 deformation_gradient(Index e, int g, ConstNodes x) const {
    return coordinates(e, x) * gradients[8 * std::size_t(e) + g].transpose();
  }
  /// Volume ratio Jbar = v / V of element e.
  double volume_ratio(Index e, ConstNodes x) const {
    const HexCoordinates xe = coordinates(e, x);
    double v = 0.0;
    for (int g = 0; g < 8; ++g)
      v += point_volume[8 * std::size_t(e) + g] * (xe * gradients[8 * std::size_t(e) + g].transpose()).determinant();
    return v / rest_volume[e];
  }

  double energy(Index e, ConstNodes x) const { return evaluate(e, x, HessianMode::exact, false, nullptr, nullptr); }
  /// Energy stored at the end of a step: branches count with mu_i |q|^2 instead of the step potential.
  double stored_energy(Index e, ConstNodes x) const {
    return evaluate(e, x, HessianMode::exact, true, nullptr, nullptr);
  }
  ElementForces<8> forces(Index e, ConstNodes x) const {
    ElementForces<8> f;
    evaluate(e, x, HessianMode::exact, false, &f, nullptr);
    return f;
  }
  ElementHessian<8> hessian(Index e, ConstNodes x, HessianMode mode) const {
    ElementHessian<8> h;
    evaluate(e, x, mode, false, nullptr, &h);
    return h;
  }

  /// Step factors (a, g) of every Prony branch and fibre relaxation term for this step's dt.
  void begin_group_step(const StepContext& ctx) {
    for (std::size_t m = 0; m < materials.size() && m < step.size(); ++m)
      for (std::size_t i = 0; i < step[m].size(); ++i) step[m][i] = PronyStep::of(ctx.dt, materials[m].prony_tau[i]);
    fiber_step.resize(law.relaxation.size());
    for (std::size_t i = 0; i < fiber_step.size(); ++i) fiber_step[i] = PronyStep::of(ctx.dt, law.relaxation[i].tau);
  }
  /// Freezes the step: the Prony targets, and the relaxing fibres' law at their start stretch.
  void begin_step(Index e, ConstNodes x, const StepContext&) {
    const HexMaterial& m = materials[std::size_t(material[e])];
    const auto& st = step[std::size_t(material[e])];
    const bool fibers = viscous_fibers() && m.fiber_modulus > 0.0;
    if (st.empty() && !fibers) return;
    for (int g = 0; g < 8; ++g) {
      const Mat3 f = deformation_gradient(e, g, x);
      const Mat3 d = deviatoric_strain(f);
      for (std::size_t i = 0; i < st.size(); ++i) {
        const std::size_t k = branch_slot(e, g, i);
        branch_start[k] = d;
        branch_target[k] = d - st[i].a / st[i].g * branch_strain[k];
      }
      if (!fibers) continue;
      for (std::size_t q = 0; q < m.fibers.directions.size(); ++q) {
        const std::size_t k = fiber_slot(e, g, q);
        fiber_start_stretch[k] = (f * fiber_direction(e, q, m)).norm();
        fiber_step_law[k] = fiber_branches(k).step_law(law, fiber_step, fiber_start_stretch[k] / rest_stretch(k) - 1.0);
      }
    }
  }
  /// Advances the Prony strains and the fibre history (branch stresses of relaxing fibres, rupture,
  /// largest strain); returns the energy dissipated in the matrix's dashpots and the fibres'
  /// relaxation, and released by fibre rupture and permanent set [J].
  double end_step(Index e, ConstNodes x, const StepContext&) {
    const HexMaterial& m = materials[std::size_t(material[e])];
    const auto& st = step[std::size_t(material[e])];
    double dissipated = 0.0;
    for (int g = 0; g < 8; ++g) {
      const double w = point_volume[8 * std::size_t(e) + g];
      const Mat3 f = deformation_gradient(e, g, x);
      if (!st.empty()) {
        const Mat3 d = deviatoric_strain(f);
        for (std::size_t i = 0; i < st.size(); ++i) {
          const std::size_t k = branch_slot(e, g, i);
          const Mat3 q_old = branch_strain[k];
          const Mat3 q_new = st[i].g * (d - branch_target[k]);
          branch_strain[k] = q_new;
          const double mu = m.prony_modulus[i];
          const double work = mu * (q_old + q_new).cwiseProduct(d - branch_start[k]).sum();
          dissipated += w * (work - mu * (q_new.squaredNorm() - q_old.squaredNorm()));
        }
      }
      if (m.fiber_modulus <= 0.0) continue;
      for (std::size_t q = 0; q < m.fibers.directions.size(); ++q) {
        const std::size_t k = fiber_slot(e, g, q);
        if (fiber_broken[k]) continue;
        const double l = (f * fiber_direction(e, q, m)).norm();
        const double scale = w * m.fiber_modulus * m.fibers.weights[q];
        if (viscous_fibers()) {
          dissipated += scale * end_viscous_fiber_step(k, l, failure_strain[e]);
          continue;
        }
        // The energy only where the fibre ruptures or sets (an explicit run ends a step for every
        // fibre direction of every point: most of them do neither).
        if (l - 1.0 > failure_strain[e]) {
          dissipated += scale * fiber_energy(k, l);
          fiber_broken[k] = 1;
        } else if (l - 1.0 > fiber_max_strain[k]) {
          const double before = scale * fiber_energy(k, l);
          fiber_max_strain[k] = l - 1.0;
          dissipated += before - scale * fiber_energy(k, l);
        }
      }
    }
    return dissipated;
  }

  /// Ruptured and total fibre content of element e: sums of w_q W_g over its points and directions
  /// (both 0 without fibres).
  std::pair<double, double> fiber_content(Index e) const {
    const HexMaterial& m = materials[std::size_t(material[e])];
    double broken = 0.0, total = 0.0;
    if (m.fiber_modulus <= 0.0) return {0.0, 0.0};
    for (int g = 0; g < 8; ++g)
      for (std::size_t q = 0; q < m.fibers.directions.size(); ++q) {
        const double w = point_volume[8 * std::size_t(e) + g] * m.fibers.weights[q];
        total += w;
        if (fiber_broken[fiber_slot(e, g, q)]) broken += w;
      }
    return {broken, total};
  }

  /// Fraction of ruptured fibre directions (weighted by w_q W_g) over the group.
  double broken_fiber_fraction() const {
    double broken = 0.0, total = 0.0;
    for (std::size_t e = 0; e < size(); ++e) {
      const auto [b, t] = fiber_content(Index(e));
      broken += b;
      total += t;
    }
    return total > 0.0 ? broken / total : 0.0;
  }

  /// Largest normalised fibre stress over intact fibre directions at x: s(e), or the relaxed
  /// stress with its branches where fibres relax (the lattice's FiberGroup::stress_ratio; the
  /// metric is E_f times this).
  double peak_fiber_stress(ConstNodes x) const {
    double peak = 0.0;
    for (std::size_t e = 0; e < size(); ++e) {
      const HexMaterial& m = materials[std::size_t(material[e])];
      if (m.fiber_modulus <= 0.0) continue;
      for (int g = 0; g < 8; ++g) {
        const Mat3 f = deformation_gradient(Index(e), g, x);
        for (std::size_t q = 0; q < m.fibers.directions.size(); ++q) {
          const std::size_t k = fiber_slot(Index(e), g, q);
          if (fiber_broken[k]) continue;
          const double strain = (f * fiber_direction(Index(e), q, m)).norm() / rest_stretch(k) - 1.0;
          peak = std::max(peak, viscous_fibers() ? fiber_branches(k).stress(law, strain) : law.stress(strain));
        }
      }
    }
    return peak;
  }

private:
  HexCoordinates coordinates(Index e, ConstNodes x) const {
    HexCoordinates xe;
    for (int a = 0; a < 8; ++a) xe.col(a) = x[connectivity[e][a]];
    return xe;
  }
  std::size_t branch_slot(Index e, int g, std::size_t i) const {
    return std::size_t(prony_start[e]) + std::size_t(g) * step[std::size_t(material[e])].size() + i;
  }
  std::size_t fiber_slot(Index e, int g, std::size_t q) const {
    return std::size_t(fiber_start[e]) + std::size_t(g) * materials[std::size_t(material[e])].fibers.directions.size() + q;
  }
  static Mat3 deviatoric_strain(const Mat3& f) {
    Mat3 d = 0.5 * (f.transpose() * f - Mat3::Identity());
    d.diagonal().array() -= d.trace() / 3.0;
    return d;
  }
  /// Rest stretch of a fibre direction after permanent set (FiberGroup::rest_length / L_0).
  double rest_stretch(std::size_t k) const {
    return 1.0 + law.plastic_fraction * std::max(0.0, fiber_max_strain[k] - law.yield_strain);
  }
  /// Fibre energy per unit E_f w_q and reference volume at stretch l: L w(l / L - 1).
  double fiber_energy(std::size_t k, double l) const {
    const double lr = rest_stretch(k);
    return lr * law.energy(l / lr - 1.0);
  }
  FiberStep fiber_law_of_step(std::size_t k) const { return viscous_fibers() ? fiber_step_law[k] : FiberStep{}; }
  FiberBranches fiber_branches(std::size_t k) const {
    const std::size_t n = law.relaxation.size();
    return {std::span<const double>(fiber_branch.data() + k * n, n)};
  }
  /// Fibre energy stored at stretch l, per unit E_f w_q and reference volume (FiberGroup::stored_energy).
  double stored_fiber_energy(std::size_t k, double l) const {
    const double lr = rest_stretch(k);
    return viscous_fibers() ? lr * fiber_branches(k).stored(law, l / lr - 1.0) : lr * law.energy(l / lr - 1.0);
  }
  /// End of a relaxing step for direction slot k, from its start stretch to l, per unit E_f w_q
  /// and reference volume (end_relaxing_fiber_step, scaled by the rest stretch): the work of the
  /// step's law less the change of the stored energy, rupture and permanent set included.
  double end_viscous_fiber_step(std::size_t k, double l, double failure) {
    const double lr = rest_stretch(k);
    const std::size_t n = law.relaxation.size();
    const double released =
        lr * end_relaxing_fiber_step(law, fiber_step, fiber_step_law[k], fiber_start_stretch[k] / lr - 1.0,
                                     l / lr - 1.0, l - 1.0, failure,
                                     {std::span<double>(fiber_branch.data() + k * n, n), fiber_broken[k],
                                      fiber_max_strain[k]});
    return fiber_broken[k] ? released : released - stored_fiber_energy(k, l);
  }

  /// Energy of element e; with f (h) given, also its forces (Hessian in `mode`). Per Gauss point the
  /// terms add to the energy density psi, the first Piola stress P and the tangent A = dP/dF in the
  /// order matrix, Prony branches, fibres, volumetric; the point's share is then gathered through
  /// its gradients (B), and with mean dilatation the element's volumetric energy comes last.
  double evaluate(Index e, ConstNodes x, HessianMode mode, bool stored, ElementForces<8>* f,
                  ElementHessian<8>* h) const {
    const HexMaterial& m = materials[std::size_t(material[e])];
    const HexCoordinates xe = coordinates(e, x);
    const bool exact = mode == HessianMode::exact;
    std::array<Mat3, 8> F;
    for (int g = 0; g < 8; ++g) F[std::size_t(g)] = xe * gradients[8 * std::size_t(e) + g].transpose();
    // The exact Hessian of V U(Jbar) is U''/V dV dV^T + U' d2V, d2V = sum_g W_g d2J_g/dF2 gathered
    // through B like the tangent: U'(Jbar) is known before the loop, so each point adds U' d2J_g/dF2
    // to its A and the element needs one B^T A B product per point instead of two.
    double volume_slope = 0.0;  // U'(Jbar), exact mode with mean dilatation
    if (h && mean_dilatation && exact) {
      double vol = 0.0;
      for (int g = 0; g < 8; ++g) vol += point_volume[8 * std::size_t(e) + g] * F[std::size_t(g)].determinant();
      const double jbar = vol / rest_volume[e];
      if (!(jbar > 0.0)) return std::numeric_limits<double>::infinity();
      volume_slope = m.bulk_modulus * std::log(jbar) / jbar;
    }
    double w_total = 0.0, vol = 0.0;
    HexGradients dvol = HexGradients::Zero();  // d(sum_g W_g J_g)/dx
    if (f) f->setZero();
    if (h) h->setZero();
    for (int g = 0; g < 8; ++g) {
      const std::size_t p = 8 * std::size_t(e) + g;
      const double w = point_volume[p];
      const HexGradients& gr = gradients[p];
      if (!(F[std::size_t(g)].determinant() > 0.0)) return std::numeric_limits<double>::infinity();
      PointState s = PointState::at(F[std::size_t(g)]);
      detail::add_isochoric_neo_hookean(m.shear_modulus, s, h != nullptr);
      if (m.stiffening.active()) detail::add_compression_stiffening(m.stiffening, m.shear_modulus, s, h != nullptr);
      add_prony_terms(e, g, m, mode, stored, s, h != nullptr);
      if (h && !exact) detail::project_psd(s.A);
      if (m.fiber_modulus > 0.0) add_fiber_terms(e, g, m, mode, stored, !f && !h, s, h != nullptr);
      // Volumetric: at the element level (mean dilatation) or here (plain Q1).
      vol += w * s.J;
      if (mean_dilatation) {
        if (f || h) dvol += w * s.J * s.H * gr;
        if (volume_slope != 0.0) add_volume_curvature(volume_slope, s);
      } else {
        add_point_volumetric(m, exact, s, h != nullptr);
      }
      w_total += w * s.psi;
      if (f) f->noalias() -= w * s.P * gr;
      if (h) detail::add_gradient_product(w, gr, s.A, *h);
    }
    if (mean_dilatation) {
      const double V = rest_volume[e], jbar = vol / V, lj = std::log(jbar), K = m.bulk_modulus;
      if (!(jbar > 0.0)) return std::numeric_limits<double>::infinity();
      w_total += V * 0.5 * K * lj * lj;
      const double du = K * lj / jbar;                 // U'(Jbar)
      double d2u = K * (1.0 - lj) / (jbar * jbar);     // U''(Jbar)
      if (f) f->noalias() -= du * dvol;
      if (h) {
        if (!exact) d2u = std::max(d2u, 0.0);
        const Eigen::Map<const Eigen::Matrix<double, 24, 1>> dv(dvol.data());
        h->noalias() += d2u / V * dv * dv.transpose();
      }
    }
    return w_total;
  }

  using PointState = detail::PointState;

  /// Prony branches of point g: mu_i g_i |d - target|^2 over the step (stored: mu_i |q|^2).
  void add_prony_terms(Index e, int g, const HexMaterial& m, HessianMode mode, bool stored, PointState& s,
                       bool hessian) const {
    using detail::fidx;
    const auto& st = step[std::size_t(material[e])];
    if (st.empty()) return;
    const Mat3& F = s.F;
    const Mat3 d = deviatoric_strain(F);
    const Mat3 b = F * F.transpose();
    for (std::size_t i = 0; i < st.size(); ++i) {
      const std::size_t k = branch_slot(e, g, i);
      if (stored) {
        s.psi += m.prony_modulus[i] * branch_strain[k].squaredNorm();
        continue;
      }
      const double c = m.prony_modulus[i] * (mode == HessianMode::stability ? 1.0 : st[i].g);
      const Mat3 D = d - branch_target[k];
      s.psi += c * D.squaredNorm();
      const Mat3 S = 2.0 * c * D;
      s.P += F * S;
      if (hessian)
        for (int i_ = 0; i_ < 3; ++i_)
          for (int J_ = 0; J_ < 3; ++J_)
            for (int k_ = 0; k_ < 3; ++k_)
              for (int L = 0; L < 3; ++L)
                s.A(fidx(i_, J_), fidx(k_, L)) +=
                    (i_ == k_ ? S(J_, L) : 0.0) +
                    c * ((J_ == L ? b(i_, k_) : 0.0) + F(i_, L) * F(k_, J_) - 2.0 / 3.0 * F(i_, J_) * F(k_, L));
    }
  }

  /// Fibre directions of point g (tension only; each tangent term is >= 0 in projected/stability modes).
  /// `energy` false leaves the fibres out of psi: forces and Hessians do not need it, and it costs
  /// an exponential per direction.
  void add_fiber_terms(Index e, int g, const HexMaterial& m, HessianMode mode, bool stored, bool energy,
                       PointState& s, bool hessian) const {
    using detail::fidx;
    for (std::size_t q = 0; q < m.fibers.directions.size(); ++q) {
      const std::size_t k = fiber_slot(e, g, q);
      if (fiber_broken[k]) continue;
      const Vec3 a = fiber_direction(e, q, m);
      const Vec3 mv = s.F * a;
      const double l = mv.norm(), lr = rest_stretch(k), strain = l / lr - 1.0;
      const double scale = m.fiber_modulus * m.fibers.weights[q];
      if (strain <= 0.0 && mode != HessianMode::stability) continue;
      if (stored) {
        s.psi += scale * stored_fiber_energy(k, l);
        continue;
      }
      const FiberStep fs = fiber_law_of_step(k);
      const double sigma = fs.stress(law, strain);
      if (energy) s.psi += scale * lr * fs.energy(law, strain);
      s.P += scale * sigma / l * mv * a.transpose();
      if (!hessian) continue;
      const double t = mode == HessianMode::stability ? 1.0 : fs.tangent(law, strain);
      double c1 = t / (lr * l * l) - sigma / (l * l * l);
      if (mode != HessianMode::exact) c1 = std::max(c1, 0.0);
      Eigen::Matrix<double, 9, 1> ma;
      for (int J_ = 0; J_ < 3; ++J_)
        for (int i = 0; i < 3; ++i) ma(fidx(i, J_)) = mv(i) * a(J_);
      s.A.noalias() += scale * c1 * ma * ma.transpose();
      const Mat3 aa = scale * sigma / l * a * a.transpose();
      for (int i = 0; i < 3; ++i)
        for (int J_ = 0; J_ < 3; ++J_)
          for (int L = 0; L < 3; ++L) s.A(fidx(i, J_), fidx(i, L)) += aa(J_, L);
    }
  }

  /// Plain Q1 volumetric energy at the point: U(J) = K/2 (ln J)^2.
  static void add_point_volumetric(const HexMaterial& m, bool exact, PointState& s, bool hessian) {
    using detail::fidx;
    const Mat3& H = s.H;
    const double lj = std::log(s.J), K = m.bulk_modulus;
    s.psi += 0.5 * K * lj * lj;
    s.P += K * lj * H;  // U'(J) J H with U' = K ln J / J
    if (!hessian) return;
    const double d2 = K * (1.0 - lj) + K * lj;  // U'' J^2 + U' J
    for (int i = 0; i < 3; ++i)
      for (int J_ = 0; J_ < 3; ++J_)
        for (int k = 0; k < 3; ++k)
          for (int L = 0; L < 3; ++L)
            s.A(fidx(i, J_), fidx(k, L)) += exact ? d2 * H(i, J_) * H(k, L) - K * lj * H(i, L) * H(k, J_)
                                                  : std::max(0.0, K * (1.0 - lj)) * H(i, J_) * H(k, L);
  }

  /// Adds U'(Jbar) d2J/dF2 to the point's tangent: d2J / dF_iJ dF_kL = J (H_iJ H_kL - H_iL H_kJ).
  static void add_volume_curvature(double volume_slope, PointState& s) {
    using detail::fidx;
    const Mat3& H = s.H;
    const double c = volume_slope * s.J;
    for (int i = 0; i < 3; ++i)
      for (int J_ = 0; J_ < 3; ++J_)
        for (int k = 0; k < 3; ++k)
          for (int L = 0; L < 3; ++L) s.A(fidx(i, J_), fidx(k, L)) += c * (H(i, J_) * H(k, L) - H(i, L) * H(k, J_));
  }
};

}  // namespace fascia
