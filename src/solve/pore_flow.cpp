// SPDX-License-Identifier: MIT
#include "fascia/solve/pore_flow.hpp"

#include <Eigen/IterativeLinearSolvers>
#include <Eigen/Sparse>

#include <limits>

#include "fascia/core/error.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {
namespace {

using Flow = PoreNetwork::Flow;

/// Volume ratio and Kozeny–Carman permeability of every cell at positions x.
void evaluate_cells(const PoroCellGroup& g, ConstNodes x, PoreFlowScratch& s) {
  const std::size_t n = g.size();
  s.ratio.resize(n);
  s.permeability.resize(n);
  const PoreNetwork& net = g.network;
#pragma omp parallel for schedule(static) if (n >= 4096)
  for (std::int64_t e = 0; e < std::int64_t(n); ++e) {
    const double j = g.volume_ratio(Index(e), x);
    s.ratio[e] = j;
    s.permeability[e] = kozeny_carman(net.permeability_ref, g.water_fraction(Index(e), j), net.water_fraction_ref);
  }
}

/// Conductance C = A / (half_a/k_a + gap/k_gap + half_b/k_b) of a link [m^5/(N s)]; the loose
/// layer crossed in a gap takes the mean permeability of the cells on either side.
double conductance(const PoreLink& l, const std::vector<double>& k, bool boundary) {
  const double ka = k[l.a], kb = boundary ? ka : k[l.b];
  double resistance = l.half_a / ka;
  if (!boundary) resistance += l.half_b / kb;
  if (l.gap > 0.0) resistance += l.gap / (0.5 * (ka + kb));
  return l.area / resistance;
}

/// Moves the water between cells with link fluxes q = dt C (p_a - p_b) for pressures p; returns
/// the energy Darcy flow dissipates, dt sum C (p_a - p_b)^2 (>= 0) [J].
double move_water(PoroCellGroup& g, const std::vector<double>& p, double dt, const std::vector<double>& k) {
  double dissipated = 0.0;
  for (const PoreLink& l : g.network.links) {
    const double dp = p[l.a] - p[l.b], q = dt * conductance(l, k, false) * dp;
    g.fluid_content[l.a] -= q / g.volume[l.a];
    g.fluid_content[l.b] += q / g.volume[l.b];
    dissipated += q * dp;
  }
  for (const PoreLink& l : g.network.drained) {
    const double q = dt * conductance(l, k, true) * p[l.a];
    g.fluid_content[l.a] -= q / g.volume[l.a];
    dissipated += q * p[l.a];
  }
  return dissipated;
}

/// Fixed-stress backward-Euler pressures: (B + dt L) p^{n+1} = B p^n with the storage operator
///   p^T B p = sum_i V_i p_i^2 / M_i + sum_nodes w_n (mean of p over the node's cells)^2,
/// w_n = sum_{cells c at n} V_c / (8 H_c): for a smooth pressure field the second term is the
/// skeleton's compliance alpha^2 V / H_A of the fixed-stress split. Averaged at the nodes, it
/// vanishes for the cell-to-cell checkerboard, the pattern the skeleton cannot feel (its nodal
/// forces cancel: Q1/P0 is not inf-sup stable). Assuming a compliance there that the skeleton does
/// not have makes the split unstable (each step multiplies such a pattern by -M/H_A); with the
/// average it sees only 1/M, as it must. Solved by conjugate gradients warm-started from p^n.
/// One function (62 lines): the CG iteration applies the operator through the node-cell lists
/// built at its start.
void implicit_pressures(const PoroCellGroup& g, double dt, bool fixed_stress, PoreFlowScratch& s) {
  const std::size_t n = g.size();
  const auto& k = s.permeability;
  auto& p = s.pressure;
  constexpr double alpha = PoroCellGroup::kBiotCoefficient;
  // Cells around every node (built once; the connectivity does not change).
  auto& offsets = s.node_cell_offsets;
  auto& list = s.node_cells;
  if (offsets.empty()) {
    Index max_node = 0;
    for (const auto& c : g.connectivity)
      for (Index v : c) max_node = std::max(max_node, v);
    offsets.assign(std::size_t(max_node) + 2, 0);
    for (const auto& c : g.connectivity)
      for (Index v : c) ++offsets[std::size_t(v) + 1];
    for (std::size_t v = 1; v < offsets.size(); ++v) offsets[v] += offsets[v - 1];
    list.assign(std::size_t(offsets.back()), 0);
    std::vector<std::int64_t> cursor(offsets.begin(), offsets.end() - 1);
    for (std::size_t e = 0; e < n; ++e)
      for (Index v : g.connectivity[e]) list[std::size_t(cursor[std::size_t(v)]++)] = Index(e);
  }
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(n + 64 * n);
  for (std::size_t e = 0; e < n; ++e) t.emplace_back(int(e), int(e), g.volume[e] / g.biot_modulus[e]);
  for (std::size_t v = 0; fixed_stress && v + 1 < offsets.size(); ++v) {
    const auto first = offsets[v], last = offsets[v + 1];
    if (first == last) continue;
    double w = 0.0;
    for (auto s = first; s < last; ++s) w += g.volume[list[s]] / (8.0 * g.drained_modulus[list[s]]);
    const double count = double(last - first), c = alpha * alpha * w / (count * count);
    for (auto a = first; a < last; ++a)
      for (auto b = first; b < last; ++b) t.emplace_back(int(list[a]), int(list[b]), c);
  }
  const Eigen::Index size = Eigen::Index(n);
  // Row-major: Eigen's parallel sparse product splits rows between threads, each row summed by
  // one thread in a fixed order, so the solution does not depend on the thread count.
  using Matrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;
  Matrix storage(size, size);
  storage.setFromTriplets(t.begin(), t.end());
  t.clear();
  for (const PoreLink& l : g.network.links) {
    const double c = dt * conductance(l, k, false);
    t.emplace_back(int(l.a), int(l.a), c);
    t.emplace_back(int(l.b), int(l.b), c);
    t.emplace_back(int(l.a), int(l.b), -c);
    t.emplace_back(int(l.b), int(l.a), -c);
  }
  for (const PoreLink& l : g.network.drained) t.emplace_back(int(l.a), int(l.a), dt * conductance(l, k, true));
  Matrix flow(size, size);
  flow.setFromTriplets(t.begin(), t.end());
  const Eigen::Map<const Eigen::VectorXd> previous(p.data(), size);
  const Eigen::VectorXd rhs = storage * previous;
  const Matrix a = storage + flow;
  Eigen::ConjugateGradient<Matrix, Eigen::Lower | Eigen::Upper> cg;
  cg.setTolerance(1e-12);
  cg.setMaxIterations(std::max<Eigen::Index>(1000, 20 * size));
  cg.compute(a);
  const Eigen::VectorXd sol = cg.solveWithGuess(rhs, previous);
  if (cg.info() != Eigen::Success || !sol.allFinite())
    throw SimulationError("pore-flow solve did not converge (relative residual " + detail::to_text(cg.error()) +
                          " after " + std::to_string(cg.iterations()) + " iterations)");
  for (std::size_t e = 0; e < n; ++e) p[e] = sol[Eigen::Index(e)];
}

/// Forward-Euler stability limit (Gershgorin: min_i V_i / (M_max sum_j C_ij)) of cells already
/// evaluated by evaluate_cells.
double evaluated_stable_dt(const PoroCellGroup& g, PoreFlowScratch& s) {
  auto& sum = s.conductance;
  sum.assign(g.size(), 0.0);
  for (const PoreLink& l : g.network.links) {
    const double c = conductance(l, s.permeability, false);
    sum[l.a] += c;
    sum[l.b] += c;
  }
  for (const PoreLink& l : g.network.drained) sum[l.a] += conductance(l, s.permeability, true);
  double m_max = 0.0;
  for (double m : g.biot_modulus) m_max = std::max(m_max, m);
  double dt = std::numeric_limits<double>::infinity();
  for (std::size_t e = 0; e < g.size(); ++e)
    if (sum[e] > 0.0) dt = std::min(dt, g.volume[e] / (m_max * sum[e]));
  return dt;
}

}  // namespace

double pore_flow_stable_dt(const PoroCellGroup& g, ConstNodes x, PoreFlowScratch& scratch) {
  if (g.size() == 0 || g.network.flow != Flow::darcy) return std::numeric_limits<double>::infinity();
  evaluate_cells(g, x, scratch);
  return evaluated_stable_dt(g, scratch);
}

double advance_pore_flow(PoroCellGroup& g, ConstNodes x, double dt, bool fixed_stress, PoreFlowScratch& s) {
  const std::size_t n = g.size();
  if (n == 0 || !(dt > 0.0)) return 0.0;
  // Volume ratios and permeabilities at the start of the step: the permeability follows the
  // current water fraction here, every step.
  evaluate_cells(g, x, s);
  auto& p = s.pressure;
  if (p.size() != n) p.assign(n, 0.0);
  double dissipated = 0.0;
  switch (g.network.flow) {
    case Flow::undrained:
      break;
    case Flow::drained:
      // The pore pressure stays zero: the water follows the volume (M = 0, set by the builder,
      // so there is no stiffness to update either).
      for (std::size_t e = 0; e < n; ++e)
        g.fluid_content[e] = PoroCellGroup::kBiotCoefficient * (s.ratio[e] - 1.0);
      return 0.0;
    case Flow::darcy:
      for (std::size_t e = 0; e < n; ++e) p[e] = g.biot_modulus[e] * g.fluid_strain(Index(e), s.ratio[e]);
      if (dt > kExplicitFlowFraction * evaluated_stable_dt(g, s)) implicit_pressures(g, dt, fixed_stress, s);
      dissipated = move_water(g, p, dt, s.permeability);
      break;
  }
  // The new water fraction feeds back into the Biot modulus M = K_w / phi.
  for (std::size_t e = 0; e < n; ++e)
    g.biot_modulus[e] = g.network.water_bulk_modulus / g.water_fraction(Index(e), s.ratio[e]);
  return dissipated;
}

double pore_water_lost(const PoroCellGroup& g) {
  double lost = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e) lost -= g.volume[e] * g.fluid_content[e];
  return lost;
}

}  // namespace fascia
