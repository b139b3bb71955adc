// SPDX-License-Identifier: MIT
#pragma once
/// @file A gmsh mesh (`[geometry] mesh_file`) as the finite-element model (docs/fem.md "Imported
/// meshes"): the same Lattice (nodes + element groups + node sets) as the generated slab, so
/// protocols, solvers, metrics and output work on it unchanged.
///
/// Coordinates are millimetres, z up: the compressor acts on the surface facing up (+z), the
/// surface facing down (-z) is the base, the rest is the lateral boundary. Each physical volume
/// names one tissue: "muscle", "dense_1" ... "dense_20", "loose_1" ... "loose_20", "hypodermis",
/// "skin" (SCENARIO.md). Where two tissues share a face they are joined as in the generated slab:
/// on a zero-thickness interface (the shared nodes split, mesh/interface_split.hpp), except the skin
/// bonded to the hypodermis and any tissue bonded to a meshed loose_k volume (which is the loose
/// layer itself). Fibres follow the generated
/// slab's rule: dense_l at geometry.fiber_angle_deg, plus crossing_angle_deg for even l (SlabGeometry::layer_angle_deg), with
/// concentration geometry.dispersion_kappa; an element the file's "fiber_direction" view names
/// has its family turned to that mean direction (Hex8Group::fiber_rotation).
///
/// Elements: 8-node hexahedra as they are (Hex8Group, mean-dilatation Q1/P0); each 4-node
/// tetrahedron is split into four hexahedra (one per corner: the corner, three edge midpoints,
/// three face centroids and the centroid), which keeps the locking-free Q1/P0 element for
/// tetrahedral meshes. Hex8Group material m is the tissue of lat.blocks[m] (blocks ordered bottom
/// to top by their lowest point); the lattice is unstructured: nx = ny = nz = 0, and the top
/// surface's tributary areas are in lat.top_area.
#include <string>

#include "fascia/lattice/lattice.hpp"
#include "fascia/lattice/slab_geometry.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

/// Builds the model of the gmsh file `mesh_file` (geometry.mesh_file) with materials `mat`, its dense
/// layers' fibres from `geometry`'s angles, dispersion and seed. Throws InputError naming
/// geometry.mesh_file (and the element and line of the file) for any problem read_gmsh_mesh
/// reports, a physical volume that names no known tissue, an inverted or degenerate element, a
/// dense layer or the skin with fewer than two elements through its thickness (an element taller
/// than half the layer), and for [water] model = "biot" (its Darcy links need the generated slab).
Lattice build_imported_mesh(const std::string& mesh_file, const SlabGeometry& geometry, const TissueMaterials& mat);

}  // namespace fascia
