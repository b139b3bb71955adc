// SPDX-License-Identifier: MIT
#pragma once
/// @file The scenario layer's conversion of [geometry] and [adhesion] into the SI settings the
/// builders take (lattice/slab_geometry.hpp, lattice/sample.hpp, mesh/slab_mesh.hpp), and the model
/// (lattice or finite-element mesh, with its adhesions) of a whole scenario. Lengths become metres
/// here, once; choices become enums; the layers below never read a key.
#include "fascia/lattice/lattice.hpp"
#include "fascia/lattice/sample.hpp"
#include "fascia/lattice/slab_geometry.hpp"
#include "fascia/mesh/slab_mesh.hpp"
#include "fascia/scenario_spec.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

/// Names of MatrixModel's enumerators as geometry.matrix_model spells them.
inline constexpr std::array<std::string_view, 3> kMatrixModelNames = {"auto", "springs", "tets"};

/// The slab or sheet of `g` (kind "slab" or "sheet") in SI.
SlabGeometry slab_geometry(const GeometrySpec& g);

/// The material-test sample of `g` (kind "sample") in SI.
SampleGeometry sample_geometry(const GeometrySpec& g);

/// The finite-element slab's mesh options: coarsest = geometry.coarsest_mm (0: spacing_mm, a uniform
/// mesh) and a fine zone of half-width 1.25 x the largest protocol radius (assumed: the stresses
/// under a compressor edge decay within about a quarter radius outside it).
SlabMeshOptions slab_mesh_options(const ScenarioSpec& spec);

/// Sets the adhesion law of [adhesion] on the lattice's AdhesionGroup and lays its bonds
/// (add_adhesions of lattice/builder.hpp at density_per_mm2, in bonds per m^2).
void add_adhesions(Lattice& lattice, const AdhesionSpec& adhesion, std::uint64_t seed);

/// The scenario's model: the lattice, the generated finite-element slab, an imported gmsh mesh or a
/// material-test sample (geometry.kind and engine), with the adhesions of a slab. Throws InputError
/// naming the key for a geometry the chosen engine cannot build.
Lattice build_model(const ScenarioSpec& spec, const TissueMaterials& mat);

}  // namespace fascia
