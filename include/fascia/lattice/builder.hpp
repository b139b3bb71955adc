// SPDX-License-Identifier: MIT
#pragma once
/// @file Builds the layered slab (muscle substrate, dense fascial layers, loose interfaces) or
/// the 2-D sheet from a validated scenario, deterministically from the seed (docs/model.md §4 "The lattice").
///
/// Structured grid, nodes numbered lexicographically (x fastest, then y, then z): the order that
/// keeps neighbours close in memory (docs/performance.md). Each block of cells gets its matrix as
/// calibrated central springs (simple-cubic + face diagonals, fit to the isotropic tensor with
/// lambda = mu, plus volumetric tetrahedra for the rest of the bulk modulus) when the cell aspect
/// allows an exact fit, and as neo-Hookean tetrahedra otherwise (or when asked). Dense layers get
/// fibre springs along an in-plane stencil whose weights reproduce the fibre tensor. Adjacent
/// dense layers are joined by loose-layer interface elements.
#include "fascia/lattice/lattice.hpp"
#include "fascia/lattice/slab_geometry.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

/// Build the lattice for `geometry` with materials `mat`. Throws InputError on impossible
/// geometry (e.g. fewer than 2 nodes along an axis).
Lattice build_lattice(const SlabGeometry& geometry, const TissueMaterials& mat);

/// Adds adhesion bundles across every interface of the lattice (docs/model.md §3.6 "Adhesions"): density x
/// tributary area bonds per interface node pair, stochastically rounded from the seed. `density` is in
/// bonds per m^2 (0 = none). The bonds follow the law already set on the lattice's AdhesionGroup
/// (its rupture law, stiffness and rates); none are added while its bond_stiffness is 0.
void add_adhesions(Lattice& lattice, double density, std::uint64_t seed);

/// A uniform block of one material (no layering, no interfaces): nx x ny x nz nodes of spacing
/// (dx, dy, dz), fibres at `fiber_angle_deg` with concentration `kappa` when mat.fiber_modulus > 0.
/// Used by homogenisation tests and benchmarks; the same calibration as build_lattice. With
/// poro.enabled (3-D only) the water is the discrete Biot model at water fraction `water_fraction`.
Lattice build_block(Index nx, Index ny, Index nz, double dx, double dy, double dz,
                    const LayerMaterial& mat, const FiberLaw& law, double fiber_angle_deg,
                    double kappa, MatrixModel matrix_model = MatrixModel::automatic, std::uint64_t seed = 1,
                    const PoroSettings& poro = {}, double water_fraction = kRefWater);

/// A block like build_block whose fibre direction changes through the thickness: ply p of
/// `ply_angles_deg.size()` equal bands of cell layers (rounded to whole cells) has its fibres at
/// ply_angles_deg[p] (a laminate of perfectly bonded plies, no loose layers between them). Needs
/// at least one cell layer per ply.
Lattice build_laminate(Index nx, Index ny, Index nz, double dx, double dy, double dz,
                       const LayerMaterial& mat, const FiberLaw& law, const std::vector<double>& ply_angles_deg,
                       double kappa, MatrixModel matrix_model = MatrixModel::automatic, std::uint64_t seed = 1,
                       const PoroSettings& poro = {}, double water_fraction = kRefWater);

}  // namespace fascia
