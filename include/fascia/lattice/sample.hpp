// SPDX-License-Identifier: MIT
#pragma once
/// @file The material-test sample (`geometry.kind = "sample"`, docs/model.md §6.5): a rectangular
/// block of one tissue, L x W x T, built by the same calibrated factory as every lattice block
/// (build_block), with near-cubic cells: each side gets round(side / spacing) cells.
#include <array>
#include <string_view>

#include "fascia/lattice/builder.hpp"

namespace fascia {

/// The tissues a sample may be made of (geometry.sample_tissue).
enum class SampleTissue { dense, loose, muscle, skin, hypodermis };
/// Their names in the scenario, indexed by SampleTissue (the scenario layer parses them).
inline constexpr std::array<std::string_view, 5> kSampleTissueNames = {"dense", "loose", "muscle", "skin", "hypodermis"};

/// What a sample is made of and how big it is, in SI (the scenario layer converts the [geometry]
/// keys of a sample, fascia/scenario_geometry.hpp). The defaults serve tests and C++ callers.
struct SampleGeometry {
  SampleTissue tissue = SampleTissue::dense;
  double length = 20e-3, width = 5e-3;  ///< extent along x and y [m] (geometry.size_mm)
  double thickness = 1e-3;             ///< extent along z [m] (geometry.sample_thickness_mm)
  double spacing = 0.25e-3;            ///< cell size [m] (geometry.spacing_mm)
  double fiber_angle_deg = 0.0;        ///< first ply's fibre direction from x [deg] (dense)
  double dispersion_kappa = 5.0;       ///< von Mises concentration (dense)
  int plies = 1;                       ///< crossed plies through the thickness (dense)
  double crossing_angle_deg = 78.0;    ///< between adjacent plies [deg]
  MatrixModel matrix_model = MatrixModel::automatic;
  std::uint64_t seed = 1;
};

/// The layer material a sample of `tissue` uses.
const LayerMaterial& sample_material(const TissueMaterials& mat, SampleTissue tissue);

/// Builds the sample. Throws InputError naming the key when a side holds fewer than two cells
/// (geometry.sample_thickness_mm, geometry.size_mm: the sample is too thin for its spacing).
Lattice build_sample(const SampleGeometry& geometry, const TissueMaterials& mat);

}  // namespace fascia
