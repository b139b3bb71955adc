// SPDX-License-Identifier: MIT
#pragma once
/// @file System: the state of a lattice in motion — positions, velocities, masses, boundary
/// conditions, external loads, the element groups with their history variables, and the energy
/// ledger. Plain data: the loops that act on it live in fascia/solve/.
#include <array>
#include <string>
#include <tuple>
#include <vector>

#include "fascia/lattice/lattice.hpp"
#include "fascia/solve/spring_kernel.hpp"

namespace fascia {

inline constexpr std::size_t kNumGroups = std::tuple_size_v<ElementGroups>;

/// Node -> (element, local node) incidence in CSR form, so that forces are gathered per node
/// in a fixed order: bitwise identical for any thread count, no atomics.
struct Incidence {
  std::vector<std::int64_t> offsets;  ///< n_nodes + 1
  std::vector<std::int64_t> slots;    ///< e * nodes_per_element + local
};

/// Calls fn.template operator()<I>(group) for every group with its tuple index I.
template <class Groups, class Fn>
void for_each_group_indexed(Groups& groups, Fn&& fn) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (fn.template operator()<I>(std::get<I>(groups)), ...);
  }(std::make_index_sequence<std::tuple_size_v<std::remove_const_t<Groups>>>{});
}

/// Sparsity pattern of the assembled Hessian and, for every element-matrix entry, its slot in the
/// pattern's value array: lets Newton re-assemble values without re-sorting triplets.
struct HessianPatternCache {
  std::size_t entries = 0;                 ///< element-matrix entries the cache was built for
  std::vector<std::int64_t> slot;          ///< entry -> index into the value array
  std::vector<int> outer, inner;           ///< CSC pattern (n_dofs + 1, nnz)
  std::vector<double> entry_values;        ///< scratch: element-matrix entries, in element order
};

struct System {
  int dim = 3;
  std::vector<double> rest_positions;  ///< X, n x 3 [m]
  std::vector<double> positions;       ///< x, n x 3 [m]
  std::vector<double> velocities;      ///< v, n x 3 [m/s]
  std::vector<double> masses;          ///< n [kg]
  std::vector<std::uint8_t> fixed;     ///< per degree of freedom: 1 = prescribed
  std::vector<double> prescribed;      ///< per DOF: target position of a fixed DOF [m]
  std::vector<double> external_forces; ///< per DOF [N]
  ElementGroups groups;
  std::array<Incidence, kNumGroups> incidence;
  std::array<std::vector<double>, kNumGroups> element_buffer;  ///< scratch, per group
  mutable HessianPatternCache hessian_cache;  ///< filled by fascia/solve/assembly.hpp
  SpringAdjacency spring_adjacency;    ///< node-centric cache of the SpringGroup (solve/spring_kernel.hpp)
  Lattice lattice_info;                ///< geometry, node sets and reports (groups moved out)

  double time = 0.0;           ///< [s]
  std::uint64_t step = 0;
  std::uint64_t seed = 1;
  double work_input = 0.0;     ///< work done by external forces and prescribed motion [J]
  double dissipated = 0.0;     ///< energy dissipated by viscous branches, rupture, plasticity [J]

  System() = default;
  /// Takes the lattice's nodes and groups; builds the incidence lists. In 2-D, every z DOF is fixed.
  System(Lattice lattice, std::uint64_t seed_value);

  std::size_t num_nodes() const { return masses.size(); }
  std::size_t num_dofs() const { return 3 * masses.size(); }
  /// Fixes (or frees) all three DOFs of the given nodes at their current positions.
  void fix_nodes(const std::vector<Index>& nodes, bool fix = true);
  /// Appends a node (e.g. a rigid tool) at rest position X with mass m; returns its index.
  /// Call rebuild_incidence() after adding elements that use it.
  Index add_node(const Vec3& X, double mass);
  /// Rebuilds the node -> element incidence lists and scratch buffers (after elements changed).
  void rebuild_incidence();
};

// ---------------------------------------------------------------------------------------------

inline System::System(Lattice lattice, std::uint64_t seed_value) {
  dim = lattice.dim;
  seed = seed_value;
  rest_positions = lattice.rest_positions;
  positions = rest_positions;
  velocities.assign(positions.size(), 0.0);
  masses = lattice.masses;
  fixed.assign(positions.size(), 0);
  prescribed = positions;
  external_forces.assign(positions.size(), 0.0);
  groups = std::move(lattice.groups);
  lattice.groups = ElementGroups{};
  lattice_info = std::move(lattice);
  if (dim == 2)
    for (std::size_t i = 2; i < fixed.size(); i += 3) fixed[i] = 1;
  rebuild_incidence();
}

inline void System::fix_nodes(const std::vector<Index>& nodes, bool fix) {
  for (Index n : nodes)
    for (int c = 0; c < 3; ++c) {
      if (dim == 2 && c == 2) continue;
      fixed[3 * n + c] = fix ? 1 : 0;
      prescribed[3 * n + c] = positions[3 * n + c];
    }
}

inline Index System::add_node(const Vec3& X, double mass) {
  const Index id = Index(num_nodes());
  for (int c = 0; c < 3; ++c) {
    rest_positions.push_back(X[c]);
    positions.push_back(X[c]);
    velocities.push_back(0.0);
    fixed.push_back(0);
    prescribed.push_back(X[c]);
    external_forces.push_back(0.0);
  }
  masses.push_back(mass);
  return id;
}

inline void System::rebuild_incidence() {
  const std::size_t n = num_nodes();
  for_each_group_indexed(groups, [&]<std::size_t I>(const auto& g) {
    using G = std::decay_t<decltype(g)>;
    Incidence& inc = incidence[I];
    inc.offsets.assign(n + 1, 0);
    for (std::size_t e = 0; e < g.size(); ++e)
      for (Index node : g.nodes(Index(e))) ++inc.offsets[node + 1];
    for (std::size_t i = 0; i < n; ++i) inc.offsets[i + 1] += inc.offsets[i];
    inc.slots.assign(inc.offsets[n], 0);
    std::vector<std::int64_t> cursor(inc.offsets.begin(), inc.offsets.end() - 1);
    for (std::size_t e = 0; e < g.size(); ++e) {
      const auto nd = g.nodes(Index(e));
      for (int a = 0; a < G::kNodes; ++a) inc.slots[cursor[nd[a]]++] = std::int64_t(e) * G::kNodes + a;
    }
    element_buffer[I].assign(3 * g.size() * G::kNodes, 0.0);
  });
  spring_adjacency.build(std::get<SpringGroup>(groups), n);
}

}  // namespace fascia
