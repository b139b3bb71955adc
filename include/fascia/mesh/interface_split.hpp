// SPDX-License-Identifier: MIT
#pragma once
/// @file Zero-thickness interfaces inside a conforming hexahedral mesh (docs/fem.md "Imported
/// meshes"): where two tissues that the generated slab keeps on an interface share a face, the
/// shared nodes are split, the copy going to the tissue above, and each original/copy pair becomes
/// one interface element (elements/interface.hpp) with the tributary area of the faces around it.
#include <array>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "fascia/core/types.hpp"

namespace fascia {

/// The six faces of a bit-ordered hexahedron (corners x + 2y + 4z), each in cyclic order.
inline constexpr int kHexFaces[6][4] = {{0, 2, 6, 4}, {1, 3, 7, 5}, {0, 1, 5, 4}, {2, 3, 7, 6}, {0, 1, 3, 2}, {4, 5, 7, 6}};

/// A hexahedron's corners (bit order x + 2y + 4z) and its tissue.
using TissueHex = std::pair<std::array<Index, 8>, std::int32_t>;

/// A face of hexahedron `cell` (its `side` in kHexFaces) with its corners sorted: the key two
/// hexahedra sharing the face have in common.
struct HexFace {
  std::array<Index, 4> key;
  std::uint32_t cell;
  std::uint8_t side;
};

/// Every face of `cells`, sorted by key, then cell and side: a face shared by two hexahedra
/// appears twice in a row, a boundary face once.
std::vector<HexFace> sorted_hex_faces(const std::vector<TissueHex>& cells);

/// A node split at an interface: `below` stays with the tissue underneath, `above` is its copy in
/// the tissue on top, at the same rest position.
struct SplitNode {
  Index below = 0, above = 0;
  double area = 0.0;          ///< tributary area: a quarter of each split face it is a corner of [m^2]
  double height_above = 0.0;  ///< mean height (area-weighted) of the hexahedra above those faces [m]
};

/// What split_interfaces did: the node pairs (ordered by `below`, then `above`) and the sorted
/// corner sets of the split faces on both sides, which are not boundary faces.
struct InterfaceSplit {
  std::vector<SplitNode> nodes;
  std::vector<std::array<Index, 4>> faces;
};

/// Splits the faces shared by two hexahedra of different tissues where `unbonded(lower, upper)`
/// (the tissues of the lower and the upper hexahedron, by their centroids' heights) is true:
/// each node of such a face gets one copy per upper tissue (appended to `rest_positions`, x y z
/// per node), and every hexahedron of that upper tissue takes the copy. The mesh's own normal is
/// taken to be z (the slab's layers are horizontal, as the interface law assumes).
InterfaceSplit split_interfaces(std::vector<double>& rest_positions, std::vector<TissueHex>& cells,
                                const std::function<bool(std::int32_t lower, std::int32_t upper)>& unbonded);

}  // namespace fascia
