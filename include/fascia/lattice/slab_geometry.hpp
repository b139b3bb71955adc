// SPDX-License-Identifier: MIT
#pragma once
/// @file What the lattice and mesh builders need to know about the layered tissue, in SI units and
/// enums (docs/architecture.md "Layers point one way"): the scenario layer converts `[geometry]`
/// once (fascia/scenario_geometry.hpp), so no builder reads a key, a unit suffix or a string.
#include <array>
#include <cstdint>

namespace fascia {

/// How the ground matrix of a block is discretised (docs/model.md §4): calibrated central springs,
/// neo-Hookean tetrahedra, or springs wherever the cells allow an exact spring fit.
enum class MatrixModel { automatic, springs, tets };

/// The layered slab (3-D) or the in-plane sheet (2-D). Lengths in metres; fibre angles in degrees,
/// as every fibre direction of the library (fiber_tensor, HexMaterial) is given. No defaults: the
/// scenario layer fills every member from the scenario's keys (their defaults are the schema's).
struct SlabGeometry {
  int dim;                          ///< 3: a slab of layers on muscle; 2: a sheet in the x-y plane
  std::array<double, 2> size;       ///< in-plane extent x, y [m]
  int layers;                       ///< dense fascial layers (slab: 0 = a homogeneous muscle block)
  double layer_thickness;           ///< per dense layer [m]
  double interface_thickness;       ///< loose layer between unbonded blocks [m]
  double fiber_angle_deg;           ///< first dense layer's fibre direction from x [deg]
  double crossing_angle_deg;        ///< between adjacent dense layers [deg]
  double dispersion_kappa;          ///< von Mises concentration of fibre directions
  double spacing;                   ///< lattice spacing, or the finest element size [m]
  MatrixModel matrix_model;         ///< the lattice's ground matrix
  std::uint64_t seed;               ///< every random stream of the build

  /// Fibre angle of dense layer l (0-based) [deg]: alternate layers cross at crossing_angle_deg
  /// (Stecco et al. 2009), the rule of both engines and of imported meshes.
  double layer_angle_deg(int l) const { return fiber_angle_deg + (l % 2 == 1 ? crossing_angle_deg : 0.0); }
};

}  // namespace fascia
