// SPDX-License-Identifier: MIT
#pragma once
/// @file Node-centric force kernel for the linear springs (SpringGroup), the hot loop of the
/// explicit integrator on a mass-spring lattice (docs/performance.md).
///
/// The group's spring list is turned once into a padded SELL-C adjacency (C = kChunk nodes per
/// chunk, slots stored slot-major inside a chunk so that one SIMD lane is one node): per slot the
/// neighbour index (int32) and a parameter index into a small table of distinct (stiffness, rest
/// length) pairs in double. A structured lattice has a few dozen distinct pairs, so the per-slot
/// cost is 4 + 2 bytes and the parameters stay exact (no float rounding of k or L: a lattice at
/// rest feels no spurious force). With more than 65535 distinct pairs the index widens to 32 bits.
///
/// Each spring is evaluated from both ends, gathered per node in the node's element order (the
/// order of the generic CSR gather), so the result does not depend on the thread count and no
/// atomics are needed. Chunks are independent: OpenMP splits them statically.
///
/// The adjacency is a cache of the group, in the assembly's workspace (solve/workspace.hpp), and
/// `matches(group, n)` detects a group that was resized or reallocated since. Editing stiffness
/// or rest length in place requires calling elements_changed() (as for any group change).
#include <cstdint>
#include <vector>

#include "fascia/elements/spring.hpp"

namespace fascia {

struct SpringAdjacency {
  static constexpr int kChunk = 8;  ///< nodes per chunk = SIMD lanes (AVX-512 doubles)

  std::size_t num_nodes = 0;
  std::size_t num_springs = 0;
  std::vector<std::int64_t> chunk_offset;  ///< chunks + 1, slot offset of each chunk (multiple of kChunk)
  std::vector<Index> neighbour;            ///< slots; padding points at the lane's own node
  std::vector<std::uint16_t> param16;      ///< slots -> table row (when the table has <= 65536 rows)
  std::vector<std::uint32_t> param32;      ///< slots -> table row (otherwise)
  std::vector<double> table;               ///< rows of (k [N/m], L [m]); row 0 = (0, 0) for padding

  bool force_scalar = false;  ///< use the portable path even where AVX2 is available (tests)

  // Identity of the group the cache was built from (see matches()).
  const void* key_connectivity = nullptr;
  const void* key_stiffness = nullptr;
  const void* key_rest = nullptr;

  /// Builds the adjacency of `g` over `n_nodes` nodes.
  void build(const SpringGroup& g, std::size_t n_nodes);
  /// True if built from this group object's current storage (same size and buffers).
  bool matches(const SpringGroup& g, std::size_t n_nodes) const {
    return num_springs == g.size() && num_nodes == n_nodes && key_connectivity == g.connectivity.data() &&
           key_stiffness == g.stiffness.data() && key_rest == g.rest_length.data();
  }
  std::size_t num_chunks() const { return chunk_offset.empty() ? 0 : chunk_offset.size() - 1; }
  std::size_t num_slots() const { return neighbour.size(); }
  /// Bytes the kernel reads from the adjacency per call (offsets, neighbours, parameter indices, table).
  std::size_t bytes() const {
    return chunk_offset.size() * sizeof(std::int64_t) + neighbour.size() * sizeof(Index) +
           param16.size() * sizeof(std::uint16_t) + param32.size() * sizeof(std::uint32_t) +
           table.size() * sizeof(double);
  }
};

/// f[3i..3i+2] += sum over the springs of node i of k (l - L) (x_j - x_i) / l, for x and f flat
/// n x 3. `parallel`: split chunks over the OpenMP threads (results identical either way).
void add_spring_forces(const SpringAdjacency& adj, const double* x, double* f, bool parallel);

}  // namespace fascia
