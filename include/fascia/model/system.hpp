// SPDX-License-Identifier: MIT
#pragma once
/// @file System: the state of a lattice in motion — positions, velocities, masses, boundary
/// conditions, external loads, the element groups with their history variables, and the energy
/// ledger. Plain data: the loops that act on it live in fascia/solve/.
#include <array>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "fascia/lattice/lattice.hpp"

namespace fascia {

inline constexpr std::size_t kNumGroups = std::tuple_size_v<ElementGroups>;

/// Calls fn.template operator()<I>(group) for every group with its tuple index I.
template <class Groups, class Fn>
void for_each_group_indexed(Groups& groups, Fn&& fn) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (fn.template operator()<I>(std::get<I>(groups)), ...);
  }(std::make_index_sequence<std::tuple_size_v<std::remove_const_t<Groups>>>{});
}

/// Caches a solver keeps for one System (the assembly's incidence lists, buffers and Hessian
/// pattern: solve/workspace.hpp), held here as an opaque pointer so that model/ does not depend on
/// solve/. Not state: a copy of the System starts without them, and elements_changed() drops them;
/// they are rebuilt on next use.
class SolverCache {
public:
  SolverCache() = default;
  SolverCache(const SolverCache&) noexcept {}
  SolverCache& operator=(const SolverCache&) noexcept {
    held.reset();
    return *this;
  }
  SolverCache(SolverCache&&) noexcept = default;
  SolverCache& operator=(SolverCache&&) noexcept = default;
  ~SolverCache() = default;

  std::shared_ptr<void> held;  ///< the solver's object, or empty
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
  mutable SolverCache solver_cache;    ///< the assembly's workspace (solve/workspace.hpp), built on use
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
  /// Nodes of the tissue: the lattice's or mesh's nodes, numbered [0, num_tissue_nodes()). The
  /// apparatus nodes (add_apparatus_node) follow them; fields, frames and metrics of the tissue
  /// read only this range, so no observer needs to know which protocol added what.
  std::size_t num_tissue_nodes() const { return lattice_info.num_nodes(); }
  /// True for a node of the apparatus (a rigid indenter's translation), false for tissue.
  bool is_apparatus(Index node) const { return std::size_t(node) >= num_tissue_nodes(); }
  /// Fixes (or frees) all three DOFs of the given nodes at their current positions.
  void fix_nodes(const std::vector<Index>& nodes, bool fix = true);
  /// Appends an apparatus node (a rigid tool's translation) at rest position X with mass m, after
  /// the tissue's nodes; returns its index. The solvers treat it as any node (contact couples it
  /// to the tissue in one system of equations); observers of the tissue skip it. Call
  /// elements_changed() after adding elements that use it.
  Index add_apparatus_node(const Vec3& X, double mass);
  /// To call after adding, removing or editing elements (or adding nodes): the solvers' caches
  /// are rebuilt on next use.
  void elements_changed() { solver_cache.held.reset(); }
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
}

inline void System::fix_nodes(const std::vector<Index>& nodes, bool fix) {
  for (Index n : nodes)
    for (int c = 0; c < 3; ++c) {
      if (dim == 2 && c == 2) continue;
      fixed[3 * n + c] = fix ? 1 : 0;
      prescribed[3 * n + c] = positions[3 * n + c];
    }
}

inline Index System::add_apparatus_node(const Vec3& X, double mass) {
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

}  // namespace fascia
