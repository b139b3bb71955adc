// SPDX-License-Identifier: MIT
#pragma once
/// @file Mixture rules: composition (water, collagen, ground substance) -> material parameters
/// of each tissue kind, in SI units. Every rule and default is documented in docs/model.md.
#include <cmath>
#include <string>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/tissue/compression_stiffening.hpp"
#include "fascia/tissue/fasciacyte.hpp"
#include "fascia/tissue/fiber_law.hpp"
#include "fascia/tissue/ha_viscosity.hpp"
#include "fascia/tissue/water_flow.hpp"

namespace fascia {

/// Reference composition at which the moduli of the [material] table are quoted.
inline constexpr double kRefWater = 0.70, kRefCollagen = 0.20, kRefGround = 0.10;
inline constexpr double kWaterDensity = 1000.0, kCollagenDensity = 1350.0, kGroundDensity = 1100.0;

/// Continuum parameters of one tissue kind (a block of the lattice), SI units.
struct LayerMaterial {
  std::string name;          ///< "muscle", "dense", "loose"
  double density = 1000.0;   ///< [kg/m^3]
  double shear_modulus = 0;  ///< instantaneous matrix shear modulus mu [Pa]
  double drained_bulk = 0;   ///< drained bulk modulus K_d [Pa]
  double undrained_bulk = 0; ///< undrained bulk modulus K_u [Pa] (>= K_d)
  double drainage_time = 0;  ///< tau_d = L^2 / (H_A k) [s]
  double fiber_modulus = 0;  ///< fibre-direction tensile modulus E_f added to the matrix [Pa]
  double permeability = 0;   ///< k(phi_w) [m^4/(N s)]
  std::vector<PronyTerm> prony;  ///< deviatoric relaxation of the matrix
  CompressionStiffening stiffening;  ///< the matrix stiffening under compression (the hypodermis's fat)

  double young_modulus() const {
    return 9.0 * drained_bulk * shear_modulus / (3.0 * drained_bulk + shear_modulus);
  }
  double poisson() const {
    return (3.0 * drained_bulk - 2.0 * shear_modulus) / (2.0 * (3.0 * drained_bulk + shear_modulus));
  }
};

/// The water phase as a discrete Biot model (docs/model.md "Water"); off for [water] model = "maxwell".
struct PoroSettings {
  bool enabled = false;
  WaterFlow flow = WaterFlow::darcy;
  bool top_drained = true, bottom_drained = false, sides_drained = true;
  double permeability_ref = 1e-15;    ///< k_0 at phi_w0 = kRefWater [m^4/(N s)]
  double water_bulk_modulus = 2.2e9;  ///< K_w [Pa]
};

/// Defaults of the superficial layers above the deep fascia (docs/model.md "Skin and
/// hypodermis"): shear moduli, densities. Both are elastic (no Prony relaxation) and share the
/// fascia's drained Poisson ratio and water (Biot–Gassmann) as the muscle does.
inline constexpr double kSkinShearModulus = 0.32e6;       ///< 2 C10 of reticular dermis (Hendriks et al. 2006) [Pa]
inline constexpr double kHypodermisShearModulus = 752.0;  ///< in vivo subcutaneous fat, MRE (Hatt et al. 2023) [Pa]
inline constexpr double kSkinDensity = 1109.0;            ///< IT'IS tissue database [kg/m^3]
inline constexpr double kHypodermisDensity = 911.0;       ///< IT'IS tissue database (fat) [kg/m^3]

/// Everything the lattice builder needs to know about the tissue.
struct TissueMaterials {
  double water = kRefWater, collagen = kRefCollagen, ground = kRefGround;
  double temperature_c = 37.0;
  LayerMaterial muscle, dense, loose;
  LayerMaterial skin, hypodermis;  ///< above the deep fascia; present where their thickness > 0
  double skin_thickness = 0.0;        ///< [m]; 0 = no skin layer (the bare slab)
  double hypodermis_thickness = 0.0;  ///< subcutaneous fat with the superficial fascia [m]; 0 = none
  FiberLaw fiber;
  double failure_strain_spread = 0.1;
  double muscle_thickness = 2e-3;  ///< [m]
  double ha_viscosity = 1.0;       ///< initial interface viscosity eta_HA(T, c0, 0) [Pa s]
  HAViscosityLaw ha_law;           ///< eta_HA(T, c, shear rate) of the loose layers ([ha], material.ha_viscosity_pa_s)
  FasciacyteRule fasciacyte;       ///< HA secretion and turnover ([ha], assumed)
  double ha_water_binding = 1000.0;  ///< water bound per kg of HA [kg/kg] (assumed)
  double viscous_time_factor = 1.0;  ///< a_T = eta_HA(T)/eta_HA(37 °C): multiplies every Prony time
  PoroSettings poro;
};

/// Kozeny–Carman permeability k = k0 [phi^3/(1-phi)^2] / [phi0^3/(1-phi0)^2] (docs/model.md §1 "Composition and mixture rules").
inline double kozeny_carman(double k0, double phi_w, double phi_w0 = kRefWater) {
  auto f = [](double p) { return p * p * p / ((1.0 - p) * (1.0 - p)); };
  return k0 * f(phi_w) / f(phi_w0);
}

/// Drained bulk modulus from shear modulus and Poisson ratio: K = 2 mu (1+nu) / (3 (1-2 nu)).
inline double bulk_from_poisson(double mu, double nu) {
  return 2.0 * mu * (1.0 + nu) / (3.0 * (1.0 - 2.0 * nu));
}

}  // namespace fascia
