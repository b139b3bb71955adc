// SPDX-License-Identifier: MIT
/// @file make_materials: the scenario's keys -> SI materials (fascia/scenario_materials.hpp).
#include "fascia/scenario_materials.hpp"

#include <array>
#include <utility>

namespace fascia {

namespace {

/// HA viscosity law (docs/model.md "HA viscosity and fasciacytes") of the [ha] table and
/// material.ha_viscosity_pa_s.
HAViscosityLaw ha_law_of(const MaterialSpec& m, const HASpec& ha) {
  HAViscosityLaw law;
  law.reference_viscosity = m.ha_viscosity_pa_s;
  law.reference_concentration = ha.reference_concentration_mg_ml;
  law.concentration_exponent = ha.concentration_exponent;
  law.activation_energy = ha.activation_energy_kj_mol * 1e3;
  law.carreau_time = ha.carreau_time_s;
  law.carreau_index = ha.carreau_index;
  law.infinite_shear_viscosity = ha.infinite_shear_viscosity_pa_s;
  return law;
}

/// The fasciacytes' HA secretion and turnover (docs/model.md "HA viscosity and fasciacytes").
FasciacyteRule fasciacyte_rule_of(const HASpec& ha) {
  FasciacyteRule rule;
  rule.mode = ha.rule == "off"          ? FasciacyteMode::off
              : ha.rule == "shear_only" ? FasciacyteMode::shear_only
                                        : FasciacyteMode::compression_and_shear;
  rule.resting_concentration = ha.concentration_mg_ml;
  rule.secretion = ha.secretion_mg_ml_per_strain;
  rule.shear_rate_threshold = ha.shear_rate_threshold_per_s;
  rule.reference_stress = ha.reference_stress_kpa * 1e3;
  rule.turnover_time = ha.turnover_time_s;
  return rule;
}

/// The fibre law of the [material] keys (docs/model.md §3.3).
FiberLaw fiber_law_of(const MaterialSpec& m) {
  FiberLaw law(m.toe_strain, m.toe_exponent);
  law.failure_strain = m.failure_strain;
  law.yield_strain = m.yield_strain;
  law.plastic_fraction = m.plastic_fraction;
  return law;
}

/// Prony terms g_i, tau_i a_T; a zero branch carries nothing and is left out.
std::vector<PronyTerm> prony_series(const std::vector<double>& g, const std::vector<double>& tau, double a_t) {
  std::vector<PronyTerm> p;
  for (std::size_t i = 0; i < g.size() && i < tau.size(); ++i)
    if (g[i] > 0.0) p.push_back({g[i], tau[i] * a_t});
  return p;
}

/// What every tissue of one composition shares: density, Poisson ratio, permeability, the water's
/// Biot modulus and the drainage length; `finish` completes a tissue from its shear modulus.
struct Mixture {
  double rho, nu, k_perm, biot_modulus, drainage_length;

  void finish(LayerMaterial& L, double mu, std::vector<PronyTerm> prony) const {
    L.density = rho;
    L.shear_modulus = mu;
    L.drained_bulk = bulk_from_poisson(mu, nu);
    L.undrained_bulk = L.drained_bulk + biot_modulus;
    L.permeability = k_perm;
    const double aggregate = L.drained_bulk + 4.0 / 3.0 * mu;  // H_A
    L.drainage_time = drainage_length * drainage_length / (aggregate * k_perm);
    L.prony = std::move(prony);
  }
};

/// Each tissue's materials from the mixture (fractions f = water, collagen, ground) and the
/// [material] keys, its Prony times scaled by a_t.
void add_tissues(TissueMaterials& out, const Mixture& mix, const std::array<double, 3>& f, const MaterialSpec& m,
                 double a_t) {
  // Dense layers (docs/model.md §1): a soft hydrated ground matrix plus tension-only collagen
  // fibres. The matrix shear modulus scales with phi_g and is sourced from shear-wave elastography
  // (a z-polarised wave along in-plane fibres sees the matrix alone: C_xzxz = mu); the fibres carry
  // the tensile stiffness, E_f = (phi_c/phi_c0) fiber_modulus_mpa (Otsuka 2018). The across-fibre
  // tensile modulus is not an input: it follows from the matrix, the dispersion and the crossed
  // layers (docs/model.md §2, validation.md).
  out.dense.name = "dense";
  mix.finish(out.dense, f[2] / kRefGround * m.dense_matrix_shear_kpa * 1e3, prony_series(m.dense_prony_g, m.dense_prony_tau_s, a_t));
  out.dense.fiber_modulus = f[1] / kRefCollagen * m.fiber_modulus_mpa * 1e6;

  // Loose HA-rich layers: ground substance only (Iatridis 2003), scaling with phi_g.
  out.loose.name = "loose";
  mix.finish(out.loose, f[2] / kRefGround * m.loose_modulus_kpa * 1e3 / (2.0 * (1.0 + m.matrix_poisson)),
             prony_series(m.loose_prony_g, m.loose_prony_tau_s, a_t));

  // Muscle substrate: not fascia, its modulus does not follow the fascial composition.
  out.muscle.name = "muscle";
  mix.finish(out.muscle, m.muscle_shear_modulus_kpa * 1e3, {});
  out.muscle.density = 1060.0;  // skeletal muscle (ICRP 2009 / IT'IS database)

  // Skin and hypodermis: not fascia either; elastic, moduli and densities of docs/model.md.
  out.skin.name = "skin";
  mix.finish(out.skin, kSkinShearModulus, {});
  out.skin.density = kSkinDensity;
  out.hypodermis.name = "hypodermis";
  mix.finish(out.hypodermis, kHypodermisShearModulus, {});
  out.hypodermis.density = kHypodermisDensity;
  out.hypodermis.stiffening.exponent = m.hypodermis_stiffening_exponent;
}

}  // namespace

double slab_thickness(const GeometrySpec& g, const MaterialSpec& m) {
  if (g.kind == "sheet") return g.layers * g.layer_thickness_mm * 1e-3;
  if (g.kind == "sample") return g.sample_thickness_mm * 1e-3;
  return (m.muscle_thickness_mm + g.layers * g.layer_thickness_mm + g.layers * g.interface_thickness_mm +
          g.hypodermis_thickness_mm + g.skin_thickness_mm) * 1e-3;
}

TissueMaterials make_materials(const TissueSpec& tissue, const MaterialSpec& m, double drainage_length, const HASpec& ha) {
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
  const double k_perm = kozeny_carman(m.permeability, f[0]);
  // Undrained bulk by Biot–Gassmann with incompressible solid grains (alpha = 1): the pore fluid
  // adds M = K_w / phi_w. water_bulk_modulus_mpa = 0 turns the water's volumetric load off.
  const double biot_modulus = f[0] > 0.0 ? m.water_bulk_modulus_mpa * 1e6 / f[0] : 0.0;
  const Mixture mix{kWaterDensity * f[0] + kCollagenDensity * f[1] + kGroundDensity * f[2], m.matrix_poisson, k_perm,
                    biot_modulus, drainage_length};

  // The ground substance's viscous times scale with the HA viscosity (docs/model.md §1 "Composition
  // and mixture rules"): tau(T) = tau(37 °C) a_T with a_T = eta_HA(T)/eta_HA(37 °C), the Arrhenius
  // factor, so temperature acts only through it.
  out.ha_law = ha_law_of(m, ha);
  out.fasciacyte = fasciacyte_rule_of(ha);
  out.ha_water_binding = ha.water_binding_kg_per_kg;
  const double temperature_k = celsius_to_kelvin(tissue.temperature_c);
  out.viscous_time_factor = out.ha_law.arrhenius(temperature_k);
  out.ha_viscosity = out.ha_law(temperature_k, out.fasciacyte.resting_concentration, 0.0);
  const double a_t = out.viscous_time_factor;

  add_tissues(out, mix, f, m, a_t);

  out.fiber = fiber_law_of(m);
  // Quasi-linear viscoelastic fibres (docs/model.md §3.3 "Fibre relaxation"): the dense layers'
  // series, measured on the whole tissue (Pavan et al. 2014), relaxes their fibres too.
  if (m.fiber_relaxation == "tissue") out.fiber.relaxation = out.dense.prony;
  out.failure_strain_spread = m.failure_strain_spread;
  out.muscle_thickness = m.muscle_thickness_mm * 1e-3;
  return out;
}

TissueMaterials make_materials(const ScenarioSpec& spec) {
  TissueMaterials out = make_materials(spec.tissue, spec.material, slab_thickness(spec.geometry, spec.material), spec.ha);
  const WaterSpec& w = spec.water;
  out.poro.enabled = w.model == "biot";
  out.poro.flow = schema::enum_named<WaterFlow>("water.flow", w.flow, kWaterFlowNames);
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
