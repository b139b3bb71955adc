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
#include "fascia/lattice/lattice.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

struct SlabMeshOptions {
  double coarsest = 4e-3;       ///< largest in-plane element size [m], >= spacing
  double fine_half_width = 0.0; ///< half-width of the zone of finest elements around the centre [m]
  double growth = 1.25;         ///< largest size ratio of neighbouring elements (assumed: a common
                                ///< bound for graded meshes, keeps the size jump smooth for waves)
  double max_aspect = 20.0;     ///< largest in-plane size / thickness of a fine dense element
};

/// The hexahedra's material for one tissue: long-term shear modulus mu0 (1 - sum g_i) with the
/// relaxing fractions as Prony branches mu0 g_i (as the lattice's springs), drained bulk, and a
/// fibre family at `angle_deg` with concentration `kappa` when the tissue has fibres.
HexMaterial hex_material(const LayerMaterial& layer, double angle_deg, double kappa);

/// A uniform block of nx x ny x nz cubes of edge h of one tissue (the mesh counterpart of the
/// lattice's build_block, for tests and benchmarks): hexahedra, the water's volumetric Maxwell
/// element when K_u > K_d, lumped masses, node sets "bottom", "top", "lateral".
Lattice build_hex_block(Index nx, Index ny, Index nz, double h, const LayerMaterial& layer, const FiberLaw& law,
                        double fiber_angle_deg, double kappa);

/// The mesh options of a scenario: coarsest = geometry.coarsest_mm (0: spacing_mm, a uniform mesh)
/// and a fine zone of half-width 1.25 x the largest protocol radius (assumed: the stresses under a
/// compressor edge decay within about a quarter radius outside it).
SlabMeshOptions slab_mesh_options(const ScenarioSpec& spec);

/// Builds the slab of `geometry` with materials `mat`. Throws InputError naming the key for
/// coarsest < spacing, a layer too thin for the fine spacing, or a kind other than "slab".
Lattice build_slab_mesh(const GeometrySpec& geometry, const TissueMaterials& mat, const SlabMeshOptions& options);

}  // namespace fascia
