// SPDX-License-Identifier: MIT
#pragma once
/// @file The visible surface of a model, per layer, as triangles over a subset of its nodes.
///
/// `fascia view` draws each layer (muscle, dense layers, a sheet) as a closed surface: the faces of
/// its volume cells that no other cell of the same layer shares. Cells come from the model's
/// element groups when one kind covers every node (hexahedra with 8 nodes, tetrahedra with 4); otherwise
/// from the structured node grid the lattice builder lays out (docs/hdf5-schema.md: node positions
/// form a tensor grid x × y × z; one hexahedron between neighbouring node planes of one layer, a
/// quadrilateral per grid square for a one-plane sheet).
#include <cstdint>
#include <string>
#include <vector>

namespace fascia::view {

/// A group of cells: `nodes_per_cell` node indices per cell, row-major (8: hexahedron in VTK
/// order, bottom face 0-1-2-3 then top face 4-5-6-7; 4: tetrahedron).
struct CellBlock {
  int nodes_per_cell = 8;
  std::vector<std::int32_t> connectivity;
};

struct SurfaceLayer {
  int layer_id = 0;                      ///< as in /model/layer_id
  std::string name;                      ///< "muscle", "dense layer 2", "sheet", ...
  std::vector<std::uint32_t> triangles;  ///< 3 indices per triangle into Surface::nodes
};

struct Surface {
  std::vector<std::int32_t> nodes;  ///< model node index of each surface vertex
  std::vector<SurfaceLayer> layers; ///< bottom to top
  std::string source;               ///< "cells" or "grid": where the faces came from
};

/// Builds the surface. `rest` is n × 3 [m], `layer_id` n. `cell_kinds`: the model's volume cells,
/// one entry per kind in order of preference (may be empty); the first kind that covers every node
/// is used, else the grid. Throws fascia::InputError (key `what`) when neither describes the model.
Surface build_surface(const std::vector<double>& rest, const std::vector<std::int32_t>& layer_id,
                      const std::vector<std::vector<CellBlock>>& cell_kinds, const std::string& what);

/// Display name of a layer id: 0 "muscle", l > 0 "dense layer l", -k "loose layer k".
std::string layer_name(int layer_id);

}  // namespace fascia::view
