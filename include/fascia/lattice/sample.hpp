// SPDX-License-Identifier: MIT
#pragma once
/// @file The material-test sample (`geometry.kind = "sample"`, docs/model.md §6.5): a rectangular
/// block of one tissue, L x W x T, built by the same calibrated factory as every lattice block
/// (build_block), with near-cubic cells: each side gets round(side / spacing) cells.
#include <string>

#include "fascia/lattice/builder.hpp"

namespace fascia {

/// What a sample is made of and how big it is (the [geometry] keys of a sample).
struct SampleGeometry {
  std::string tissue = "dense";        ///< "dense", "loose", "muscle", "skin", "hypodermis" (geometry.sample_tissue)
  double length_mm = 20.0, width_mm = 5.0;  ///< geometry.size_mm
  double thickness_mm = 1.0;           ///< geometry.sample_thickness_mm
  double spacing_mm = 0.25;            ///< geometry.spacing_mm
  double fiber_angle_deg = 0.0;        ///< geometry.fiber_angle_deg (dense)
  double dispersion_kappa = 5.0;       ///< geometry.dispersion_kappa (dense)
  int plies = 1;                       ///< geometry.sample_plies (dense)
  double crossing_angle_deg = 78.0;    ///< geometry.crossing_angle_deg (between adjacent plies)
  std::string matrix_model = "auto";   ///< geometry.matrix_model
  std::uint64_t seed = 1;
};

/// Tissues a sample may be made of, in the order the error message lists them.
const std::vector<std::string>& sample_tissues();

/// The layer material a sample of `tissue` uses (throws InputError naming geometry.sample_tissue).
const LayerMaterial& sample_material(const TissueMaterials& mat, const std::string& tissue);

/// Builds the sample. Throws InputError naming the key when a side holds fewer than two cells
/// (geometry.sample_thickness_mm, geometry.size_mm: the sample is too thin for its spacing).
Lattice build_sample(const SampleGeometry& geometry, const TissueMaterials& mat);

}  // namespace fascia
