// SPDX-License-Identifier: MIT
#pragma once
/// @file The material-test sample on the finite-element engine (`geometry.kind = "sample"` with
/// `geometry.engine = "fem"`, docs/model.md §6.5): the same L x W x T block of one tissue as the
/// lattice's build_sample, meshed as uniform hexahedra (mesh/slab_mesh.hpp's layered mesher with one
/// block per ply, plies bonded to each other), so the material tests and elastography run unchanged
/// on either engine.
#include "fascia/lattice/sample.hpp"

namespace fascia {

/// Builds the sample as hexahedra of edge at most geometry.spacing in plane, and through each ply
/// max(2, ceil(ply thickness / spacing)) elements. Plies alternate their fibre angle by
/// crossing_angle_deg as the lattice's plies do. Throws InputError naming the key for a tissue this
/// engine does not have (geometry.sample_tissue) or a ply too thin for its spacing.
Lattice build_sample_mesh(const SampleGeometry& geometry, const TissueMaterials& mat);

}  // namespace fascia
