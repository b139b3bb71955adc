// SPDX-License-Identifier: MIT
#pragma once
/// @file Mixture rules: composition (water, collagen, ground substance) -> material parameters
/// of each tissue kind, in SI units. Every rule and default is documented in docs/model.md.
#include <cmath>
#include <string>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/scenario_spec.hpp"
#include "fascia/tissue/fasciacyte.hpp"
#include "fascia/tissue/fiber_law.hpp"
#include "fascia/tissue/ha_viscosity.hpp"

namespace fascia {

/// Reference composition at which the moduli of MaterialSpec are quoted.
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
  std::string flow = "darcy";   ///< "darcy", "undrained" or "drained"
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

/// Total slab thickness [m] (muscle + layers + interfaces; a sheet's layers), the drainage length
/// of the volumetric Maxwell water.
inline double slab_thickness(const GeometrySpec& g, const MaterialSpec& m) {
  if (g.kind == "sheet") return g.layers * g.layer_thickness_mm * 1e-3;
  if (g.kind == "sample") return g.sample_thickness_mm * 1e-3;
  return (m.muscle_thickness_mm + g.layers * g.layer_thickness_mm + g.layers * g.interface_thickness_mm +
          g.hypodermis_thickness_mm + g.skin_thickness_mm) * 1e-3;
}

/// Applies the mixture rules of docs/model.md to a validated scenario.
/// @param drainage_length  L in tau_d = L^2/(H_A k) [m] (the slab thickness: water leaves at the top)
/// @param ha  the [ha] table: HA viscosity law and fasciacyte rule; its Arrhenius factor at
///             tissue.temperature_c scales every Prony relaxation time (docs/model.md §1 "Composition and mixture rules"; docs/model.md "HA viscosity and fasciacytes").
TissueMaterials make_materials(const TissueSpec& tissue, const MaterialSpec& m, double drainage_length,
                               const HASpec& ha = HASpec{});

/// The materials of a whole scenario: make_materials with the slab thickness as drainage length,
/// and the water model of [water].
TissueMaterials make_materials(const ScenarioSpec& spec);

// ---------------------------------------------------------------------------------------------

inline TissueMaterials make_materials(const TissueSpec& tissue, const MaterialSpec& m,
                                      double drainage_length, const HASpec& ha) {
  TissueMaterials out;
  const auto f = tissue.fractions();
  // The ground matrix carries all shear stiffness across fibres (mu_g ~ phi_g): without it the
  // lattice has zero-energy shear modes and any run diverges. Reject instead of diverging.
  if (f[2] < 1e-3)
    throw InputError("tissue.ground", "derived ground-substance fraction " + detail::to_text(f[2]) +
                                          " leaves the matrix without shear stiffness; allowed [0.001, 1] "
                                          "(lower tissue.water or tissue.collagen)");
  out.water = f[0];
  out.collagen = f[1];
  out.ground = f[2];
  out.temperature_c = tissue.temperature_c;
  const double rho = kWaterDensity * f[0] + kCollagenDensity * f[1] + kGroundDensity * f[2];
  const double nu = m.matrix_poisson;
  const double k_perm = kozeny_carman(m.permeability, f[0]);
  // Undrained bulk by Biot–Gassmann with incompressible solid grains (alpha = 1): the pore fluid
  // adds M = K_w / phi_w. water_bulk_modulus_mpa = 0 turns the water's volumetric load off.
  const double biot_modulus = f[0] > 0.0 ? m.water_bulk_modulus_mpa * 1e6 / f[0] : 0.0;

  auto finish = [&](LayerMaterial& L, double mu, std::vector<PronyTerm> prony) {
    L.density = rho;
    L.shear_modulus = mu;
    L.drained_bulk = bulk_from_poisson(mu, nu);
    L.undrained_bulk = L.drained_bulk + biot_modulus;
    L.permeability = k_perm;
    const double aggregate = L.drained_bulk + 4.0 / 3.0 * mu;  // H_A
    L.drainage_time = drainage_length * drainage_length / (aggregate * k_perm);
    L.prony = std::move(prony);
  };
  // HA viscosity law (docs/model.md "HA viscosity and fasciacytes"). The ground substance's
  // viscous times scale with the HA viscosity (docs/model.md §1 "Composition and mixture rules"): tau(T) = tau(37 °C) a_T with
  // a_T = eta_HA(T)/eta_HA(37 °C), the Arrhenius factor, so temperature acts only through it.
  HAViscosityLaw& law = out.ha_law;
  law.reference_viscosity = m.ha_viscosity_pa_s;
  law.reference_concentration = ha.reference_concentration_mg_ml;
  law.concentration_exponent = ha.concentration_exponent;
  law.activation_energy = ha.activation_energy_kj_mol * 1e3;
  law.carreau_time = ha.carreau_time_s;
  law.carreau_index = ha.carreau_index;
  law.infinite_shear_viscosity = ha.infinite_shear_viscosity_pa_s;
  FasciacyteRule& rule = out.fasciacyte;
  rule.mode = ha.rule == "off"          ? FasciacyteMode::off
              : ha.rule == "shear_only" ? FasciacyteMode::shear_only
                                        : FasciacyteMode::compression_and_shear;
  rule.resting_concentration = ha.concentration_mg_ml;
  rule.secretion = ha.secretion_mg_ml_per_strain;
  rule.shear_rate_threshold = ha.shear_rate_threshold_per_s;
  rule.reference_stress = ha.reference_stress_kpa * 1e3;
  rule.turnover_time = ha.turnover_time_s;
  out.ha_water_binding = ha.water_binding_kg_per_kg;
  const double temperature_k = celsius_to_kelvin(tissue.temperature_c);
  out.viscous_time_factor = law.arrhenius(temperature_k);
  out.ha_viscosity = law(temperature_k, rule.resting_concentration, 0.0);
  auto prony_of = [a_t = out.viscous_time_factor](const std::vector<double>& g, const std::vector<double>& tau) {
    std::vector<PronyTerm> p;
    for (std::size_t i = 0; i < g.size() && i < tau.size(); ++i)
      if (g[i] > 0.0) p.push_back({g[i], tau[i] * a_t});  // a zero branch carries nothing
    return p;
  };

  // Dense layers (docs/model.md §1): a soft hydrated ground matrix plus tension-only collagen
  // fibres. The matrix shear modulus scales with phi_g and is sourced from shear-wave elastography
  // (a z-polarised wave along in-plane fibres sees the matrix alone: C_xzxz = mu); the fibres carry
  // the tensile stiffness, E_f = (phi_c/phi_c0) fiber_modulus_mpa (Otsuka 2018). The across-fibre
  // tensile modulus is not an input: it follows from the matrix, the dispersion and the crossed
  // layers (docs/model.md §2, validation.md).
  out.dense.name = "dense";
  finish(out.dense, f[2] / kRefGround * m.dense_matrix_shear_kpa * 1e3, prony_of(m.dense_prony_g, m.dense_prony_tau_s));
  out.dense.fiber_modulus = f[1] / kRefCollagen * m.fiber_modulus_mpa * 1e6;

  // Loose HA-rich layers: ground substance only (Iatridis 2003), scaling with phi_g.
  out.loose.name = "loose";
  finish(out.loose, f[2] / kRefGround * m.loose_modulus_kpa * 1e3 / (2.0 * (1.0 + nu)),
         prony_of(m.loose_prony_g, m.loose_prony_tau_s));

  // Muscle substrate: not fascia, its modulus does not follow the fascial composition.
  out.muscle.name = "muscle";
  finish(out.muscle, m.muscle_shear_modulus_kpa * 1e3, {});
  out.muscle.density = 1060.0;  // skeletal muscle (ICRP 2009 / IT'IS database)

  // Skin and hypodermis: not fascia either; elastic, moduli and densities of docs/model.md.
  out.skin.name = "skin";
  finish(out.skin, kSkinShearModulus, {});
  out.skin.density = kSkinDensity;
  out.hypodermis.name = "hypodermis";
  finish(out.hypodermis, kHypodermisShearModulus, {});
  out.hypodermis.density = kHypodermisDensity;

  out.fiber.toe_strain = m.toe_strain;
  out.fiber.toe_exponent = m.toe_exponent;
  out.fiber.failure_strain = m.failure_strain;
  out.fiber.yield_strain = m.yield_strain;
  out.fiber.plastic_fraction = m.plastic_fraction;
  // Quasi-linear viscoelastic fibres (docs/model.md §3.3 "Fibre relaxation"): the dense layers'
  // series, measured on the whole tissue (Pavan et al. 2014), relaxes their fibres too.
  if (m.fiber_relaxation == "tissue") out.fiber.relaxation = out.dense.prony;
  out.failure_strain_spread = m.failure_strain_spread;
  out.muscle_thickness = m.muscle_thickness_mm * 1e-3;
  return out;
}

inline TissueMaterials make_materials(const ScenarioSpec& spec) {
  TissueMaterials out = make_materials(spec.tissue, spec.material, slab_thickness(spec.geometry, spec.material), spec.ha);
  const WaterSpec& w = spec.water;
  out.poro.enabled = w.model == "biot";
  out.poro.flow = w.flow;
  out.poro.top_drained = w.top == "drained";
  out.poro.bottom_drained = w.bottom == "drained";
  out.poro.sides_drained = w.sides == "drained";
  out.poro.permeability_ref = spec.material.permeability;
  out.poro.water_bulk_modulus = spec.material.water_bulk_modulus_mpa * 1e6;
  out.skin_thickness = spec.geometry.skin_thickness_mm * 1e-3;
  out.hypodermis_thickness = spec.geometry.hypodermis_thickness_mm * 1e-3;
  return out;
}

}  // namespace fascia
