// SPDX-License-Identifier: MIT
#pragma once
/// @file A reader of gmsh's MSH 4.1 ASCII mesh format (gmsh reference manual, section "MSH file
/// format", https://gmsh.info/doc/texinfo/gmsh.html#MSH-file-format): the nodes, the 3-D elements
/// the name of the physical volume each element belongs to, and the per-element fibre directions
/// of an `$ElementData` view named "fiber_direction" (3 components: a direction x y z per element,
/// as gmsh writes a vector view). Everything else in the file (points, curves, surfaces, node data,
/// other views, partitions) is skipped. docs/fem.md "Imported meshes" says why this small reader
/// and not Debian's libgmsh.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "fascia/core/types.hpp"

namespace fascia {

/// gmsh element types the engine takes (the numbers of the MSH format).
inline constexpr int kGmshTetrahedron4 = 4, kGmshHexahedron8 = 5;

struct GmshElement {
  int type = 0;              ///< kGmshTetrahedron4 or kGmshHexahedron8
  std::size_t tag = 0;       ///< the element's tag in the file
  std::size_t line = 0;      ///< line of the file that holds it (1-based)
  std::vector<Index> nodes;  ///< indices into GmshMesh::coordinates, in gmsh's node order
  std::string group;         ///< name of its physical volume
  std::optional<Vec3> fiber_direction;  ///< from the "fiber_direction" view (as written: not normalised)
};

/// Name of the `$ElementData` view that gives per-element fibre directions.
inline constexpr const char* kGmshFiberDirectionView = "fiber_direction";

struct GmshMesh {
  std::vector<Vec3> coordinates;     ///< node coordinates in the file's units
  std::vector<GmshElement> volumes;  ///< the 3-D elements, in file order
};

/// Reads the mesh at `path`. Every problem is an InputError naming `key`, the file and, where it
/// has one, the line: a missing or unreadable file, a format other than MSH 4.1 ASCII (binary files
/// and MSH 2 included), a malformed or truncated section, a node tag that is not defined, a 3-D
/// element type other than the 4-node tetrahedron and the 8-node hexahedron, a 3-D element in no
/// named physical volume (or in two), a file without 3-D elements, and in the "fiber_direction"
/// view: other than 3 components, a direction that is zero or not finite, an element tag that is
/// not a 3-D element of the file or is given twice, the view given twice.
GmshMesh read_gmsh_mesh(const std::string& path, const std::string& key);

}  // namespace fascia
