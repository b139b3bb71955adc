// SPDX-License-Identifier: MIT
#pragma once
/// @file A built lattice: nodes, their masses and layers, the element groups, named node sets
/// and the calibration report. Produced by fascia/lattice/builder.hpp; no state of motion here.
#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fascia/core/types.hpp"
#include "fascia/elements/groups.hpp"

namespace fascia {

/// How a block's ground matrix is discretised: calibrated central springs or neo-Hookean
/// tetrahedra (the lattice, docs/model.md §4), or mean-dilatation hexahedra (finite elements, §11).
enum class BlockMatrix { springs, tets, hex8 };
/// Their names in /model's `blocks` attribute and the Python block reports, indexed by BlockMatrix.
inline constexpr std::array<std::string_view, 3> kBlockMatrixNames = {"springs", "tets", "hex8"};

/// One block of cells (a tissue layer) and how its matrix was represented.
struct BlockReport {
  std::string name;             ///< "muscle", "dense1", ...
  std::string material;         ///< "muscle", "dense", "loose"
  double z_bottom = 0, thickness = 0;  ///< [m]
  int cells = 0;                ///< cells through the thickness
  BlockMatrix matrix_model = BlockMatrix::springs;
  double spring_fit_residual = 0;   ///< relative residual of the matrix-spring fit
  double fiber_fit_residual = 0;    ///< relative residual of the fibre-stencil fit
  double fiber_angle_deg = 0;       ///< mean fibre direction (dense layers)
  std::int32_t layer = 0;           ///< the layer_id of its nodes: 0 muscle, 1.. dense, < 0 loose, or kHypodermisLayer, kSkinLayer
};

/// layer_id of the superficial blocks (above the deep fascia): large fixed ids, so that dense
/// layers stay 1..layers, the muscle 0 and loose layers negative (docs/hdf5-schema.md).
inline constexpr std::int32_t kHypodermisLayer = 100, kSkinLayer = 101;
/// True for a dense fascial layer's id.
inline bool is_dense_layer(std::int32_t id) { return id >= 1 && id < kHypodermisLayer; }

struct Lattice {
  int dim = 3;                         ///< 2: in-plane sheet (z fixed), 3: slab
  Index nx = 0, ny = 0, nz = 0;        ///< nodes along x, y and node planes along z (0: unstructured)
  double dx = 0, dy = 0;               ///< in-plane spacing [m] (graded grids: the mean, extent / (n - 1))
  /// Node coordinates along x and y of a graded grid (mesh/slab_mesh.hpp) [m]; empty: uniform dx, dy.
  std::vector<double> grid_x, grid_y;
  double sheet_thickness = 0;          ///< 2-D only [m]
  std::vector<double> rest_positions;  ///< n x 3 [m]
  std::vector<double> masses;          ///< lumped, n [kg]
  std::vector<std::int32_t> layer_id;  ///< n: 0 muscle, 1..layers dense, kHypodermisLayer, kSkinLayer
  ElementGroups groups;
  std::map<std::string, std::vector<Index>> node_sets;  ///< "top", "bottom", "lateral"
  /// Unstructured meshes only (imported, mesh/imported_mesh.hpp; there nx = ny = nz = 0): the
  /// tributary area of each node of node_sets["top"], projected on the x-y plane, in that set's
  /// order [m^2], and the height of the thinnest element under the top surface [m].
  std::vector<double> top_area;
  double top_cell_height = 0;
  std::vector<BlockReport> blocks;
  std::vector<std::string> notes;      ///< assumptions and fallbacks worth recording

  std::size_t num_nodes() const { return masses.size(); }
  /// Tributary area of grid column (i, j) in the x-y plane [m^2]: half of each neighbouring cell.
  double column_area(Index i, Index j) const {
    auto share = [](const std::vector<double>& g, double d, Index n, Index k) {
      if (g.empty()) return d * ((k == 0 || k == n - 1) ? 0.5 : 1.0);
      return 0.5 * ((k + 1 < n ? g[k + 1] : g[k]) - (k > 0 ? g[k - 1] : g[k]));
    };
    return share(grid_x, dx, nx, i) * share(grid_y, dy, ny, j);
  }
  /// Smallest in-plane element size [m] (the spacing under the load of a graded grid).
  double finest_spacing() const {
    auto finest = [](const std::vector<double>& g, double d) {
      double s = d;
      for (std::size_t k = 1; k < g.size(); ++k) s = std::min(s, g[k] - g[k - 1]);
      return s;
    };
    return std::min(finest(grid_x, dx), finest(grid_y, dy));
  }
  Vec3 rest(Index i) const {
    return {rest_positions[3 * i], rest_positions[3 * i + 1], rest_positions[3 * i + 2]};
  }
};

}  // namespace fascia
