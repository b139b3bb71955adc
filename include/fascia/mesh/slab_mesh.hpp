// SPDX-License-Identifier: MIT
#pragma once
/// @file The layered slab as a graded hexahedral finite-element mesh (ARCHITECTURE.md "Growing the
/// house": the mesh/ room), producing the same Lattice (nodes + element groups + node sets) as the
/// lattice builder, so protocols, solvers, metrics and output work on either.
///
/// Structured tensor-product grid, nodes numbered lexicographically (x fastest, then y, then z):
/// in-plane element sizes grow from spacing_mm under the load centre to coarsest_mm at the edges
/// (mesh/graded_axis.hpp); through the thickness, muscle below (sizes growing downward from
/// spacing_mm), then each dense layer with at least two elements. Consecutive blocks have their own
/// node planes, h_int apart, joined by the lattice's interface elements (and adhesions), so the
/// interfaces carry no volume elements and the two engines share the slab's geometry.
/// Elements: Hex8Group (matrix, fibre family of the layer, Prony) and the water on each hexahedron:
/// CellWaterGroup (volumetric Maxwell element) or, with [water] model = "biot", PoroCellGroup with
/// Darcy links between the graded cells (lattice/pore_network.hpp).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fascia/lattice/lattice.hpp"
#include "fascia/lattice/slab_geometry.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

struct SlabMeshOptions {
  double coarsest = 4e-3;       ///< largest in-plane element size [m], >= spacing
  /// Half-widths along x and y of the zone of finest elements around the load centre [m] (at
  /// least two finest elements either way).
  std::array<double, 2> fine_half_width = {0.0, 0.0};
  /// Load centre in the x-y plane [m] (the refinement's centre); negative: the slab centre.
  double centre_x = -1.0, centre_y = -1.0;
  double growth = 1.25;         ///< largest size ratio of neighbouring elements (assumed: a common
                                ///< bound for graded meshes, keeps the size jump smooth for waves)
  double max_aspect = 20.0;     ///< largest in-plane size / thickness of a fine dense element
};

/// One block of the layered stack (bottom to top). Any stack of tissues and thicknesses can be
/// meshed: slab_stack gives today's slab (muscle, then the dense layers); body-scale stacks add
/// their own blocks (skin, hypodermis) with their materials.
struct MeshBlock {
  enum class Sizing {
    uniform,      ///< equal elements of at most the finest size, at least two (a thin layer)
    graded_down,  ///< the finest size at its top, growing downward to `coarsest` (a thick substrate)
  };
  std::string name;                        ///< "muscle", "dense1", ... (BlockReport name)
  const LayerMaterial* material = nullptr; ///< its tissue; fibres when material->fiber_modulus > 0
  int layer = 0;                           ///< layer_id of its nodes (0 muscle, l >= 1 dense layer l)
  double thickness = 0.0;                  ///< [m], > 0
  double fiber_angle_deg = 0.0;            ///< direction of its fibre family, from the x axis
  Sizing sizing = Sizing::uniform;
  /// true: shares the top node plane of the block below (perfectly bonded tissues); false: its own
  /// node planes, geometry.interface_thickness_mm above the block below, joined by interface
  /// elements (the loose layer's law, docs/model.md §3.5) carrying the adhesions.
  bool bonded_to_below = false;
};

/// Today's slab as a stack: the muscle (graded down), then `layers` dense layers (uniform), the
/// fibre angle alternating by crossing_angle_deg (as the lattice), each on an interface; then the
/// hypodermis (graded down, on an interface) and the skin (uniform, bonded to the hypodermis) when
/// their thicknesses are set.
std::vector<MeshBlock> slab_stack(const SlabGeometry& geometry, const TissueMaterials& mat);

/// The hexahedra's material for one tissue: long-term shear modulus mu0 (1 - sum g_i) with the
/// relaxing fractions as Prony branches mu0 g_i (as the lattice's springs), drained bulk, and a
/// fibre family at `angle_deg` with concentration `kappa` when the tissue has fibres.
HexMaterial hex_material(const LayerMaterial& layer, double angle_deg, double kappa);

/// Adds one cell of tissue `layer` to `lat` (both mesh builders): its hexahedron c (corners in the
/// bit order x + 2y + 4z, material `mat`, fibre failure strain `e_fail`), the water when K_u > K_d —
/// the volumetric Maxwell element, or with `poro` enabled a Biot pore cell of water fraction `phi`
/// (as the lattice's cells, builder.cpp) — and its lumped mass rho V / 8 per corner (`volume` [m^3]).
/// Returns the pore cell's index, or -1.
std::int64_t add_hex_cell(Lattice& lat, const std::array<Index, 8>& c, std::int32_t mat, double e_fail,
                          const LayerMaterial& layer, double volume, const PoroSettings* poro = nullptr, double phi = 0.0);

/// Fibre failure strain of hexahedron `element`, scattered as the lattice scatters it per fibre:
/// failure_strain (1 + spread N(0, 1)) from the seed's fibre-failure stream, clamped to
/// [max(failure/2, 1.01 toe), 1.5 failure].
double scattered_failure_strain(const TissueMaterials& mat, std::uint64_t seed, std::uint64_t element);

/// A uniform block of nx x ny x nz cubes of edge h of one tissue (the mesh counterpart of the
/// lattice's build_block, for tests and benchmarks): hexahedra, the water's volumetric Maxwell
/// element when K_u > K_d, lumped masses, node sets "bottom", "top", "lateral".
Lattice build_hex_block(Index nx, Index ny, Index nz, double h, const LayerMaterial& layer, const FiberLaw& law,
                        double fiber_angle_deg, double kappa);

/// Builds the slab of `geometry` with materials `mat`: build_layered_mesh of slab_stack. Throws
/// InputError naming the key for coarsest < spacing, a layer too thin for the fine spacing, or a
/// sheet (dim 2).
Lattice build_slab_mesh(const SlabGeometry& geometry, const TissueMaterials& mat, const SlabMeshOptions& options);

/// Meshes any stack of blocks (bottom to top) over the in-plane extent geometry.size, graded in
/// plane around the load centre from geometry.spacing to options.coarsest. Uses geometry's size,
/// spacing, interface_thickness, dispersion_kappa and seed.
Lattice build_layered_mesh(const std::vector<MeshBlock>& stack, const SlabGeometry& geometry, const TissueMaterials& mat,
                           const SlabMeshOptions& options);

}  // namespace fascia
