// SPDX-License-Identifier: MIT
#pragma once
/// @file Plain configuration structs mirroring the TOML scenario file (docs/scenario.md).
///
/// Units live in the field names exactly as in the TOML keys (`_mm`, `_kpa`, `_s`, `_hz`, `_c`,
/// `_deg`, `_mpa`). Conversion to SI happens once, in the tissue / lattice / protocol builders.
/// Every struct has in-class defaults and a `validate(prefix)` that throws fascia::InputError
/// naming the key path, the value and the allowed range.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fascia {

/// [tissue]: composition and temperature. Two fractions given, the third derived.
struct TissueSpec {
  std::optional<double> water;     ///< volume fraction of water, [0, 1]; default 0.70
  std::optional<double> collagen;  ///< volume fraction of collagen, [0, 1]; default 0.20
  std::optional<double> ground;    ///< volume fraction of ground substance, [0, 1]; default 0.10
  double temperature_c = 37.0;     ///< tissue temperature [°C], [0, 50]
  /// Resolved (water, collagen, ground): defaults 0.70/0.20/0.10 when none is given; given
  /// fractions are kept and missing ones share the remainder in proportion to their defaults.
  /// Throws InputError naming the key when a fraction is outside [0, 1] or the three given
  /// ones do not sum to 1 within 1e-9.
  std::array<double, 3> fractions(const std::string& prefix = "tissue") const;
  void validate(const std::string& prefix = "tissue") const;
};

/// [material]: overrides of the mixture-rule parameters (docs/model.md lists each source).
struct MaterialSpec {
  double fiber_modulus_mpa = 150.0;         ///< dense-layer modulus along fibres at phi_c = 0.20 [MPa], > 0
  double cross_fiber_modulus_mpa = 10.0;    ///< dense-layer modulus across fibres at phi_g = 0.10 [MPa], > 0
  double toe_strain = 0.02;                 ///< end of the exponential toe, (0, 0.2]
  double toe_exponent = 60.0;               ///< B in A(exp(B e)-1), > 0  (assumed)
  double failure_strain = 0.14;             ///< mean fibre rupture strain, (toe_strain, 2]
  double failure_strain_spread = 0.1;       ///< relative std. dev. of per-fibre failure strain, [0, 0.5] (assumed)
  double yield_strain = 0.08;               ///< onset of permanent set, [toe_strain, failure_strain]
  double plastic_fraction = 0.5;            ///< share of strain beyond yield that becomes set, [0, 1]
  double matrix_poisson = 0.30;             ///< drained Poisson ratio of the ground matrix, [0.25, 0.499]
  double loose_modulus_kpa = 4.77;          ///< loose (HA-rich) layer instantaneous Young's modulus [kPa], > 0
  double muscle_shear_modulus_kpa = 10.0;   ///< muscle substrate shear modulus [kPa], > 0
  double muscle_thickness_mm = 2.0;         ///< muscle substrate thickness in a slab [mm], > 0
  double permeability = 1e-15;              ///< k0 at phi_w0 = 0.70 [m^4/(N s)], > 0
  double water_bulk_modulus_mpa = 2200.0;   ///< bulk modulus of water [MPa], >= 0 (0 = drained only)
  double ha_viscosity_pa_s = 1.0;           ///< viscosity of the loose layers' HA [Pa s], >= 0 (assumed)
  /// Prony series of the dense layers: relaxed fractions g_i and times tau_i [s].
  std::vector<double> dense_prony_g = {0.4};
  std::vector<double> dense_prony_tau_s = {60.0};
  /// Prony series of the loose layers (Iatridis et al. 2003).
  std::vector<double> loose_prony_g = {0.21, 0.2135};  // 1 - 2.75/4.77 relaxes in all
  std::vector<double> loose_prony_tau_s = {3.8, 30.0};
  void validate(const std::string& prefix = "material") const;
};

/// [water]: how the water phase is modelled (MODEL.md §2, docs/model.md "Water").
struct WaterSpec {
  /// "maxwell": one volumetric Maxwell element per cell, drainage time L^2/(H_A k) (local);
  /// "biot": discrete Biot poroelasticity, fluid content per cell, Darcy flow between neighbours.
  std::string model = "maxwell";
  /// Biot only. "darcy": water flows by Darcy's law; "undrained": no flow anywhere (k -> 0);
  /// "drained": pore pressure stays zero (k -> infinity).
  std::string flow = "darcy";
  /// Biot only: boundary faces, each "drained" (pore pressure 0, water leaves and enters freely)
  /// or "sealed" (no flow). top = free surface, bottom = muscle base, sides = lateral faces.
  std::string top = "drained";
  std::string bottom = "sealed";
  std::string sides = "drained";
  void validate(const std::string& prefix = "water") const;
};

/// [geometry]
struct GeometrySpec {
  std::string kind = "slab";                       ///< "slab" (3-D) or "sheet" (2-D in-plane)
  std::array<double, 2> size_mm = {20.0, 20.0};    ///< in-plane extent [mm], each > 0
  int layers = 3;                                  ///< dense fascial layers, [1, 20]
  double layer_thickness_mm = 0.28;                ///< per dense layer [mm], > 0
  double interface_thickness_mm = 0.043;           ///< loose layer between dense layers [mm], > 0
  double fiber_angle_deg = 0.0;                    ///< first layer's fibre direction from x [deg], [-180, 180]
  double crossing_angle_deg = 78.0;                ///< between adjacent layers [deg], [0, 180]
  double dispersion_kappa = 5.0;                   ///< von Mises concentration, [0, 1000]
  double spacing_mm = 0.25;                        ///< lattice spacing [mm], > 0
  std::string lateral_boundary = "free";           ///< "free", "fixed"
  std::string matrix_model = "auto";               ///< "auto", "springs" (mass-spring) or "tets" (neo-Hookean FE)
  std::uint64_t seed = 1;
  void validate(const std::string& prefix = "geometry") const;
};

/// [adhesion]: breakable cross-links across every interface (MODEL.md §4). All values are
/// *assumed* (no dose–response data exist): make them prominent in sweeps.
struct AdhesionSpec {
  double density_per_mm2 = 4.0;       ///< bonds per mm^2 of interface, [0, 1e4]
  double stiffness_n_per_m = 25.0;    ///< k_a per bond [N/m], >= 0
  std::string rupture = "bell";       ///< "bell" (stochastic, Bell 1978) or "threshold"
  double bell_rate_per_s = 1e-4;      ///< k0 [1/s], >= 0
  double bell_force_n = 1e-3;         ///< F_b [N], > 0
  double threshold_force_n = 5e-3;    ///< F_crit [N], > 0
  double heal_rate_per_s = 1e-3;      ///< k_heal [1/s], >= 0
  double rest_speed_mm_s = 0.01;      ///< slip speed below which layers count as at rest [mm/s], >= 0
  void validate(const std::string& prefix = "adhesion") const;
};

/// [ha]: hyaluronan in the loose layers (MODEL.md §4; docs/model.md "HA viscosity and
/// fasciacytes"). material.ha_viscosity_pa_s stays the zero-shear viscosity at
/// reference_concentration_mg_ml and 37 °C. The fasciacyte constants are *assumed*.
struct HASpec {
  double concentration_mg_ml = 2.5;            ///< resting HA concentration c0 [mg/ml], (0, 100] (assumed)
  double reference_concentration_mg_ml = 2.5;  ///< c_ref of material.ha_viscosity_pa_s [mg/ml], (0, 100]
  double concentration_exponent = 3.3;         ///< eta0 ~ c^a (Bothner & Wik 1987), [0, 10]
  double activation_energy_kj_mol = 16.0;      ///< Arrhenius E_a [kJ/mol] (water's; assumed for HA), [0, 200]
  double carreau_time_s = 4.5;                 ///< Carreau lambda [s] (Rwei et al. 2008), [0, 1e4]
  double carreau_index = 0.25;                 ///< Carreau n (Colloids Surf A 1995), (0, 1]
  double infinite_shear_viscosity_pa_s = 0.69e-3;  ///< Carreau eta_inf at 37 °C [Pa s] (water), [0, 1e6]
  std::string rule = "compression_and_shear"; ///< fasciacyte rule: "compression_and_shear", "shear_only", "off"
  double secretion_mg_ml_per_strain = 1.8;     ///< s: HA secreted per unit shear strain at sigma_ref [mg/ml], [0, 1e6] (assumed)
  double shear_rate_threshold_per_s = 0.0;     ///< g0 [1/s], [0, 1e6] (assumed)
  double reference_stress_kpa = 50.0;          ///< sigma_ref [kPa], (0, 1e6] (assumed)
  double turnover_time_s = 86400.0;            ///< tau_turnover [s], (0, 1e9] (assumed)
  double water_binding_kg_per_kg = 1000.0;     ///< water bound per kg of HA [kg/kg], [0, 1e5] (assumed)
  void validate(const std::string& prefix = "ha") const;
};

/// [solver]
struct SolverSpec {
  std::string integrator = "auto";   ///< "explicit", "implicit", "auto"
  int threads = 0;                    ///< 0 = all cores; [0, 1024]
  double dt_s = 0.0;                  ///< explicit step [s]; 0 = automatic (safety * stable limit)
  double safety = 0.4;                ///< fraction of the stable step, (0, 1]; Verlet energy error grows as (safety)^2
  double implicit_dt_s = 0.0;         ///< initial implicit step [s]; 0 = phase duration / 50
  double newton_tolerance = 1e-6;     ///< relative residual, (0, 1)
  int max_newton_iterations = 30;     ///< [1, 1000]
  std::string linear_solver = "auto"; ///< "auto", "ldlt", "cholmod", "cg"
  double mass_damping_per_s = 0.0;    ///< explicit mass-proportional damping rate alpha (f = -alpha m v) [1/s], [0, 1e6]
  void validate(const std::string& prefix = "solver") const;
};

/// One [protocol.NAME] table. Which keys apply depends on `kind`.
struct ProtocolSpec {
  std::string name;                   ///< the NAME of [protocol.NAME]
  std::string kind;                   ///< "impulse", "static_pressure", "compression_active_shear", "compression_passive_shear"
  // compressor protocols
  double pressure_kpa = 50.0;
  double radius_mm = 5.0;
  double ramp_s = 1.0;
  double hold_s = 20.0;
  double release_s = 1.0;
  double recover_s = 600.0;
  double amplitude_mm = 5.0;
  double frequency_hz = 0.5;
  int cycles = 10;
  double friction = 0.5;              ///< Coulomb coefficient compressor/skin
  std::string drive = "base";         ///< active shear: "base" (the muscle base slides) or "contraction"
  double active_stress_kpa = 20.0;    ///< peak active muscle stress for drive = "contraction" [kPa]
  // impulse
  double force_n = 0.5;
  double duration_s = 1e-4;
  double end_s = 0.02;
  std::array<double, 3> direction = {0.0, 0.0, 0.0};  ///< force direction; zero = default (slab: -z, sheet: +x)
  double frame_interval_s = 0.0;      ///< 0 = use output.frame_interval_s
  void validate(const std::string& prefix) const;
};

/// [output]
struct OutputSpec {
  std::string file = "out/fascia.h5";
  double frame_interval_s = 0.1;  ///< > 0
  void validate(const std::string& prefix = "output") const;
};

/// A whole scenario: one tissue, one lattice, several protocols.
struct ScenarioSpec {
  TissueSpec tissue;
  MaterialSpec material;
  WaterSpec water;
  GeometrySpec geometry;
  SolverSpec solver;
  AdhesionSpec adhesion;
  HASpec ha;
  std::vector<ProtocolSpec> protocols;  ///< in file order
  OutputSpec output;
  std::string source_text;              ///< the TOML text it came from (stored in HDF5)
  void validate() const;
};

}  // namespace fascia
