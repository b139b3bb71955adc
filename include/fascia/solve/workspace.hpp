// SPDX-License-Identifier: MIT
#pragma once
/// @file What the assembly (solve/assembly.hpp) keeps for one System between calls: the node ->
/// element incidence lists, a buffer per group, the Hessian's sparsity pattern, the springs'
/// node-centric adjacency and the Biot flow step's scratch. Caches and scratch, not state: a checkpoint never holds them, a copied
/// System starts without them, and System::elements_changed() drops them; assembly_workspace
/// rebuilds them on first use. The System holds them only as an opaque pointer (SolverCache), so
/// that model/ does not depend on solve/.
#include <array>
#include <cstdint>
#include <vector>

#include "fascia/model/system.hpp"
#include "fascia/solve/pore_flow.hpp"
#include "fascia/solve/spring_kernel.hpp"

namespace fascia {

/// Node -> (element, local node) incidence in CSR form, so that forces are gathered per node
/// in a fixed order: bitwise identical for any thread count, no atomics.
struct Incidence {
  std::vector<std::int64_t> offsets;  ///< n_nodes + 1
  std::vector<std::int64_t> slots;    ///< e * nodes_per_element + local
};

/// Sparsity pattern of the assembled Hessian and, for every element-matrix entry, its slot in the
/// pattern's value array: lets Newton re-assemble values without re-sorting triplets.
struct HessianPatternCache {
  std::size_t entries = 0;                 ///< element-matrix entries the cache was built for
  std::vector<int> slot;                   ///< entry -> index into the value array (< nnz, an int as `inner`)
  std::vector<int> outer, inner;           ///< CSC pattern (n_dofs + 1, nnz)
  std::vector<double> entry_values;        ///< scratch: element-matrix entries, in element order
};

struct AssemblyWorkspace {
  std::array<Incidence, kNumGroups> incidence;
  std::array<std::vector<double>, kNumGroups> element_buffer;  ///< per group: 3 x nodes per element x elements
  HessianPatternCache hessian_cache;
  SpringAdjacency spring_adjacency;  ///< node-centric cache of the SpringGroup (solve/spring_kernel.hpp)
  PoreFlowScratch pore_flow;         ///< the Biot water's flow step (solve/pore_flow.hpp)

  /// Built for the System's current nodes and elements.
  explicit AssemblyWorkspace(const System& sys);
};

/// The workspace of `sys`: the one built before, or a new one after a copy or elements_changed().
AssemblyWorkspace& assembly_workspace(const System& sys);

}  // namespace fascia
