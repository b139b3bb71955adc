// SPDX-License-Identifier: MIT
#pragma once
/// @file The scenario layer's conversion of the [tissue], [material], [ha], [water] and thickness
/// keys into the SI materials of tissue/material.hpp (the mixture rules of docs/model.md §1). The
/// layers below take TissueMaterials, never the scenario's spec.
#include "fascia/scenario_spec.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

/// Total slab thickness [m] (muscle + layers + interfaces; a sheet's layers), the drainage length
/// of the volumetric Maxwell water.
double slab_thickness(const GeometrySpec& g, const MaterialSpec& m);

/// Applies the mixture rules of docs/model.md to a validated scenario.
/// @param drainage_length  L in tau_d = L^2/(H_A k) [m] (the slab thickness: water leaves at the top)
/// @param ha  the [ha] table: HA viscosity law and fasciacyte rule; its Arrhenius factor at
///             tissue.temperature_c scales every Prony relaxation time (docs/model.md §1 "Composition
///             and mixture rules"; docs/model.md "HA viscosity and fasciacytes").
TissueMaterials make_materials(const TissueSpec& tissue, const MaterialSpec& m, double drainage_length,
                               const HASpec& ha = HASpec{});

/// The materials of a whole scenario: make_materials with the slab thickness as drainage length,
/// the water model of [water], and the skin and hypodermis thicknesses.
TissueMaterials make_materials(const ScenarioSpec& spec);

}  // namespace fascia
