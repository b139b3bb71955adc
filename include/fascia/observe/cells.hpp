// SPDX-License-Identifier: MIT
#pragma once
/// @file The cells a viewer draws for a lattice, and the per-cell and per-node fields written with
/// every frame (docs/hdf5-schema.md "Cells"). The lattice is a structured grid of node planes; a cell
/// spans two consecutive planes of the same layer (planes of different layers are joined by
/// interface elements, drawn as line cells). A block whose matrix is tetrahedral
/// (matrix_model = "tets") is drawn as its 6 Kuhn tetrahedra per cell, else as hexahedra
/// (quadrilaterals / triangles on the 2-D sheet).
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fascia/core/types.hpp"
#include "fascia/lattice/lattice.hpp"
#include "fascia/model/system.hpp"

namespace fascia {

/// The shapes a drawn cell may have.
enum class CellShape { hexahedron, tetrahedron, quadrilateral, triangle, line };
/// Their names in /model/cells and the XDMF sidecar, indexed by CellShape (docs/hdf5-schema.md).
inline constexpr std::array<std::string_view, 5> kCellShapeNames = {"hexahedron", "tetrahedron", "quadrilateral",
                                                                    "triangle", "line"};

/// One block of cells of one type, connectivity in VTK/XDMF node order.
struct CellBlock {
  CellShape shape = CellShape::hexahedron;
  int nodes_per_cell = 0;
  std::vector<std::int32_t> connectivity;  ///< n_cells x nodes_per_cell
  std::vector<std::int32_t> layer_id;      ///< per cell: the layer of its nodes (line: the upper node's)
  std::size_t size() const { return layer_id.size(); }
};

struct LatticeCells {
  std::vector<CellBlock> blocks;  ///< volume (or sheet) cells first, then the interface lines
  std::size_t size() const;
};

/// The cells of a built lattice (its interface elements included).
LatticeCells lattice_cells(const Lattice& lat, const InterfaceGroup& interfaces);

/// The 6 Kuhn tetrahedra of a cube whose corners are numbered in binary order
/// (corner b at offset (b & 1, (b >> 1) & 1, (b >> 2) & 1)); they share the diagonal 0-7.
std::array<std::array<Index, 4>, 6> kuhn_tetrahedra(const std::array<Index, 8>& corner);

/// Largest |principal Green–Lagrange strain| of the tetrahedron t (rest X, current x).
double tet_principal_strain(ConstNodes X, ConstNodes x, const std::array<Index, 4>& t);

/// Fields written with each frame (docs/hdf5-schema.md): per cell `principal_strain` (largest
/// |principal Green–Lagrange strain| over the cell's tetrahedra; NaN on line cells); per node
/// `fiber_damage_fraction` (broken / all fibres at the node; NaN at nodes without fibres) when the
/// model has fibres.
std::map<std::string, std::vector<double>> cell_fields(const LatticeCells& cells, const System& sys);
/// Per-node fields written with every frame: interface slip magnitude on each interface's upper
/// node; with Biot water, the pore pressure at each node (mean of its cells' pressures).
/// Both cover the tissue's nodes only (System::num_tissue_nodes), never the apparatus.
std::map<std::string, std::vector<double>> node_fields(const System& sys);
void add_damage_field(const System& sys, std::map<std::string, std::vector<double>>& node_fields);

}  // namespace fascia
