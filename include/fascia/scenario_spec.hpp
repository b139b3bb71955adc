// SPDX-License-Identifier: MIT
#pragma once
/// @file Plain configuration structs mirroring the TOML scenario file, each followed by its schema.
///
/// Units live in the field names exactly as in the TOML keys (`_mm`, `_kpa`, `_s`, `_hz`, `_c`,
/// `_deg`, `_mpa`). Conversion to SI happens once, in the tissue / lattice / protocol builders.
/// A member's in-class initialiser is its default; the `Schema<...>::keys()` list right below each
/// struct declares every key once (name, member, unit, allowed values, doc) and drives the TOML
/// reader, `validate(prefix)` (InputError naming the key path, the value and the allowed range),
/// the Python binding, `to_toml` and the generated tables of docs/scenario.md.
/// A new key: one member here plus one line in its struct's keys() (docs/architecture.md).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "fascia/schema.hpp"

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

template <>
struct schema::Schema<TissueSpec> {
  using S = TissueSpec;
  static const Keys<S>& keys() {
    static const Keys<S> k = {
        {"water", &S::water, "", closed(0, 1), "volume fraction of water `phi_w`", {}, "", "derived (0.70)"},
        {"collagen", &S::collagen, "", closed(0, 1), "volume fraction of collagen `phi_c`", {}, "", "derived (0.20)"},
        {"ground", &S::ground, "", closed(0, 1), "volume fraction of ground substance `phi_g` (proteoglycans, HA, elastin, cells)", {}, "", "derived (0.10)"},
        {"temperature_c", &S::temperature_c, "degC", closed(0, 50), "tissue temperature (HA viscosity is Arrhenius in it)"},
    };
    return k;
  }
};

/// [material]: overrides of the mixture-rule parameters (docs/model.md lists each source).
struct MaterialSpec {
  double fiber_modulus_mpa = 150.0;         ///< dense-layer modulus along fibres at phi_c = 0.20 [MPa], > 0
  /// Shear modulus of the dense layers' hydrated ground matrix at phi_g = 0.10 [kPa], > 0: rho c^2 of
  /// plantar fascia's shear-wave speed 6.5 m/s at rho = 1080 kg/m^3 (docs/model.md §2).
  double dense_matrix_shear_kpa = 45.6;
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
  /// beta in G = mu_fat C_nn^-beta, the hypodermis's stiffening under compression, [0, 5]; Hatt et
  /// al. 2023 measured 1.18 in vivo. Default 0 (plain neo-Hookean fat): with 1.18 the lattice's
  /// lacrosse-ball run diverged in its ramp (docs/model.md "Skin and hypodermis").
  double hypodermis_stiffening_exponent = 0.0;
  double permeability = 1e-15;              ///< k0 at phi_w0 = 0.70 [m^4/(N s)], > 0
  double water_bulk_modulus_mpa = 2200.0;   ///< bulk modulus of water [MPa], >= 0 (0 = drained only)
  double ha_viscosity_pa_s = 1.0;           ///< viscosity of the loose layers' HA [Pa s], >= 0 (assumed)
  /// Prony series of the dense layers: relaxed fractions g_i and times tau_i [s].
  std::vector<double> dense_prony_g = {0.4};
  std::vector<double> dense_prony_tau_s = {60.0};
  /// "tissue": the collagen fibres relax with the dense layers' Prony series (quasi-linear
  /// viscoelasticity of the whole tissue); "none": elastic fibres.
  std::string fiber_relaxation = "tissue";
  /// Prony series of the loose layers (Iatridis et al. 2003).
  std::vector<double> loose_prony_g = {0.21, 0.2135};  // 1 - 2.75/4.77 relaxes in all
  std::vector<double> loose_prony_tau_s = {3.8, 30.0};
  void validate(const std::string& prefix = "material") const;
};

template <>
struct schema::Schema<MaterialSpec> {
  using S = MaterialSpec;
  static const Keys<S>& keys() {
    static const Keys<S> k = {
        {"fiber_modulus_mpa", &S::fiber_modulus_mpa, "MPa", open_closed(0, 1e5), "dense-layer tensile modulus along fibres at `phi_c = 0.20`"},
        {"dense_matrix_shear_kpa", &S::dense_matrix_shear_kpa, "kPa", open_closed(0, 1e6), "shear modulus of the dense layers' hydrated ground matrix at `phi_g = 0.10`: `rho c^2` of the plantar-fascia shear-wave speed 6.5 m/s (docs/model.md, docs/validation.md); the across-fibre tensile modulus follows from matrix, dispersion and crossed layers"},
        {"toe_strain", &S::toe_strain, "", open_closed(0, 0.2), "end of the exponential toe region"},
        {"toe_exponent", &S::toe_exponent, "", open_closed(0, 1e4), "`B` in `A (exp(B e) - 1)` (*assumed*)"},
        {"failure_strain", &S::failure_strain, "", above("toe_strain", 2), "mean fibre rupture strain"},
        {"yield_strain", &S::yield_strain, "", between("toe_strain", "failure_strain"), "onset of permanent set"},
        {"plastic_fraction", &S::plastic_fraction, "", closed(0, 1), "share of strain beyond yield that becomes permanent"},
        {"failure_strain_spread", &S::failure_strain_spread, "", closed(0, 0.5), "relative standard deviation of each fibre's rupture strain (seeded; *assumed*)"},
        {"matrix_poisson", &S::matrix_poisson, "", closed(0.25, 0.499), "drained Poisson ratio of the ground matrix"},
        {"loose_modulus_kpa", &S::loose_modulus_kpa, "kPa", open_closed(0, 1e6), "instantaneous Young's modulus of the loose (HA-rich) layers; relaxes to 2.75 kPa with the default Prony series (Iatridis et al. 2003)"},
        {"muscle_shear_modulus_kpa", &S::muscle_shear_modulus_kpa, "kPa", open_closed(0, 1e6), "shear modulus of the muscle substrate"},
        {"muscle_thickness_mm", &S::muscle_thickness_mm, "mm", open_closed(0, 1000), "muscle substrate thickness (slab)"},
        {"hypodermis_stiffening_exponent", &S::hypodermis_stiffening_exponent, "", closed(0, 5), "`beta` of the fat's stiffening under compression: the hypodermis's shear modulus is `752 Pa I_t^-beta`, `I_t = 1/(n.C^-1.n)` the squared stretch of its thickness (Hatt's `C_yy` in compression). Hatt et al. 2023 measured `G* = 748.5 C_yy^-1.18` Pa in vivo: 1.18 is the measured law, recommended with engine = \"fem\". 0 (default) = plain neo-Hookean fat, because on the coarse lattice under a 100 N ball the solver fails with the law (docs/model.md \"Skin and hypodermis\")"},
        {"permeability", &S::permeability, "m^4/(N s)", open_closed(0, 1e-6), "Darcy permeability `k0` at `phi_w = 0.70` (Kozeny-Carman in `phi_w`)"},
        {"water_bulk_modulus_mpa", &S::water_bulk_modulus_mpa, "MPa", closed(0, 1e5), "bulk modulus of water; 0 = drained behaviour only"},
        {"ha_viscosity_pa_s", &S::ha_viscosity_pa_s, "Pa s", closed(0, 1e6), "zero-shear viscosity of the loose layers' HA at `ha.reference_concentration_mg_ml` and 37 degC (*assumed*); the interface dashpot follows the `[ha]` laws"},
        {"dense_prony_g", &S::dense_prony_g, "", closed_open(0, 1), "Prony relaxed fractions `g_i`, dense layers", {}, "sum < 1"},
        {"dense_prony_tau_s", &S::dense_prony_tau_s, "s", open(0, kInf), "Prony time constants `tau_i`, dense layers", {}, "same length as dense_prony_g"},
        {"fiber_relaxation", &S::fiber_relaxation, "", Choices{"tissue", "none"}, "`tissue`: the collagen fibres relax with the dense layers' Prony series, so the whole tissue relaxes by the same fraction at every strain (quasi-linear viscoelasticity; Pavan et al. 2014 measured a strain-independent 40 % in 240 s); `none`: elastic fibres, only the matrix relaxes"},
        {"loose_prony_g", &S::loose_prony_g, "", closed_open(0, 1), "Prony relaxed fractions, loose layers (Iatridis et al. 2003: 4.77 -> 2.75 kPa; the split between the two times is *assumed*)", {}, "sum < 1"},
        {"loose_prony_tau_s", &S::loose_prony_tau_s, "s", open(0, kInf), "Prony time constants, loose layers", {}, "same length as loose_prony_g"},
    };
    return k;
  }
};

/// [water]: how the water phase is modelled (docs/model.md §5 "Water").
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

template <>
struct schema::Schema<WaterSpec> {
  using S = WaterSpec;
  static const Keys<S>& keys() {
    static const Keys<S> k = {
        {"model", &S::model, "", Choices{"maxwell", "biot"}, "`maxwell`: a volumetric Maxwell element per cell, drainage time `L^2/(H_A k)` (local, fast); `biot`: discrete Biot poroelasticity, fluid content per cell and Darcy flow between cells (slab only)"},
        {"flow", &S::flow, "", Choices{"darcy", "undrained", "drained"}, "Biot: Darcy flow with Kozeny-Carman permeability; `undrained` = no flow anywhere; `drained` = pore pressure always zero"},
        {"top", &S::top, "", Choices{"drained", "sealed"}, "Biot: the free top surface lets water out and in (`drained`, pressure 0) or not"},
        {"bottom", &S::bottom, "", Choices{"drained", "sealed"}, "Biot: the muscle base"},
        {"sides", &S::sides, "", Choices{"drained", "sealed"}, "Biot: the lateral faces (the tissue continues sideways)"},
    };
    return k;
  }
};

/// [geometry]
struct GeometrySpec {
  std::string kind = "slab";                       ///< "slab" (3-D), "sheet" (2-D in-plane) or "sample" (material test)
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
  double skin_thickness_mm = 0.0;                  ///< skin above the deep fascia [mm]; 0 = none
  double hypodermis_thickness_mm = 0.0;            ///< subcutaneous fat + superficial fascia [mm]; 0 = none
  std::uint64_t seed = 1;
  std::string engine = "lattice";                  ///< "lattice" or "fem" (finite elements, docs/model.md §11)
  double coarsest_mm = 0.0;                        ///< fem: largest in-plane element size [mm]; 0 = spacing_mm
  std::string mesh_file;                           ///< fem: a gmsh .msh file instead of the slab (mesh/imported_mesh.hpp)
  std::string sample_tissue = "dense";             ///< sample: "dense", "loose", "muscle", "skin", "hypodermis" (docs/model.md §6.5)
  double sample_thickness_mm = 1.0;                ///< sample: extent along z [mm], (0, 1000]
  int sample_plies = 1;                            ///< dense sample: crossed fibre plies through the thickness, [1, 20]
  void validate(const std::string& prefix = "geometry") const;
};

template <>
struct schema::Schema<GeometrySpec> {
  using S = GeometrySpec;
  static const Keys<S>& keys() {
    static const Keys<S> k = {
        {"kind", &S::kind, "", Choices{"slab", "sheet", "sample"}, "3-D layered fascia on a muscle substrate, a 2-D in-plane sheet (teaching), or a rectangular `sample` of one tissue for material tests"},
        {"size_mm", &S::size_mm, "mm", open_closed(0, 1000), "in-plane extent x, y"},
        {"layers", &S::layers, "", closed(0, 20), "dense fascial layers (slab); 0 = a homogeneous muscle block (verification; slab only)"},
        {"layer_thickness_mm", &S::layer_thickness_mm, "mm", open_closed(0, 100), "thickness of each dense layer"},
        {"interface_thickness_mm", &S::interface_thickness_mm, "mm", open_closed(0, 100), "loose layer between dense layers"},
        {"fiber_angle_deg", &S::fiber_angle_deg, "deg", closed(-180, 180), "first layer's fibre direction, from the x axis"},
        {"crossing_angle_deg", &S::crossing_angle_deg, "deg", closed(0, 180), "angle between adjacent layers' fibre directions"},
        {"dispersion_kappa", &S::dispersion_kappa, "", closed(0, 1000), "von Mises concentration of fibre directions (0 = isotropic)"},
        {"spacing_mm", &S::spacing_mm, "mm", open_closed(0, 100), "lattice spacing", {}, "<= min(size_mm)/2"},
        {"lateral_boundary", &S::lateral_boundary, "", Choices{"free", "fixed"}, "side boundaries of the sample"},
        {"skin_thickness_mm", &S::skin_thickness_mm, "mm", closed(0, 100), "skin above the deep fascia, bonded to the hypodermis; 0 = none (the bare slab). Moduli and sources: docs/model.md \"Skin and hypodermis\"", {}, "0 with kind = \"sheet\""},
        {"hypodermis_thickness_mm", &S::hypodermis_thickness_mm, "mm", closed(0, 500), "subcutaneous fat with the superficial fascia, sliding on the top dense layer through a loose interface; 0 = none", {}, "0 with kind = \"sheet\""},
        {"matrix_model", &S::matrix_model, "", Choices{"auto", "springs", "tets"}, "ground matrix as calibrated mass-spring lattice or neo-Hookean tetrahedra; `auto` uses springs in every block whose cells allow an exact spring calibration (aspect c/a between 1/sqrt(2) and sqrt(3/2)) and tetrahedra elsewhere"},
        {"engine", &S::engine, "", Choices{"lattice", "fem"}, "discretisation: the calibrated mass-spring lattice, or finite elements (graded hexahedra with the same laws, docs/model.md §11)"},
        {"coarsest_mm", &S::coarsest_mm, "mm", closed(0, 1000), "fem: largest in-plane element size, far from the load (0 = spacing_mm, a uniform mesh); growth <= 1.25 per element (assumed)", {}, "0 or >= spacing_mm"},
        {"mesh_file", &S::mesh_file, "", {}, "fem: a gmsh mesh (MSH 4.1 ASCII, millimetres, z up; hexahedra and tetrahedra) instead of the generated slab; its physical volumes name the tissues (\"muscle\", \"dense_1\" ... \"dense_20\", \"loose_1\" ..., \"hypodermis\", \"skin\"); a relative path is looked up next to the scenario file first (docs/fem.md \"Imported meshes\")", {}, "engine = \"fem\", kind = \"slab\""},
        {"sample_tissue", &S::sample_tissue, "", Choices{"dense", "loose", "muscle", "skin", "hypodermis"}, "sample: the tissue it is made of (material parameters of that layer)"},
        {"sample_thickness_mm", &S::sample_thickness_mm, "mm", open_closed(0, 1000), "sample: extent along z (`size_mm` gives x and y)", {}, "round(thickness / spacing_mm) >= max(2, sample_plies)"},
        {"sample_plies", &S::sample_plies, "", closed(1, 20), "dense sample: equal plies through the thickness, perfectly bonded, whose fibres alternate between `fiber_angle_deg` and `fiber_angle_deg + crossing_angle_deg` like the slab's layers (deep fascia as a lab cuts it); 1 = one fibre family"},
        {"seed", &S::seed, "", {}, "seed of every random stream: per-fibre failure strains, adhesion layout, Bell rupture and healing draws (fibre dispersion itself is a deterministic stencil fit)", {}, "[0, 2^63-1]"},
    };
    return k;
  }
};

/// [adhesion]: breakable cross-links across every interface (docs/model.md §3.6 "Adhesions"). All values are
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

template <>
struct schema::Schema<AdhesionSpec> {
  using S = AdhesionSpec;
  static const Keys<S>& keys() {
    static const Keys<S> k = {
        {"density_per_mm2", &S::density_per_mm2, "1/mm^2", closed(0, 1e4), "bonds per mm^2 of interface (0 = no adhesions)"},
        {"stiffness_n_per_m", &S::stiffness_n_per_m, "N/m", closed(0, 1e9), "stiffness `k_a` of one bond"},
        {"rupture", &S::rupture, "", Choices{"bell", "threshold"}, "stochastic Bell law (Bell 1978), or deterministic force threshold"},
        {"bell_rate_per_s", &S::bell_rate_per_s, "1/s", closed(0, 1e6), "Bell's `k0` (spontaneous rupture rate)"},
        {"bell_force_n", &S::bell_force_n, "N", open_closed(0, 1e6), "Bell's force scale `F_b`: `k_off = k0 exp(F / F_b)`"},
        {"threshold_force_n", &S::threshold_force_n, "N", open_closed(0, 1e6), "`F_crit` of the threshold law"},
        {"heal_rate_per_s", &S::heal_rate_per_s, "1/s", closed(0, 1e6), "re-formation rate of broken bonds where layers touch and rest"},
        {"rest_speed_mm_s", &S::rest_speed_mm_s, "mm/s", closed(0, 1e6), "slip speed below which an interface counts as at rest"},
    };
    return k;
  }
};

/// [ha]: hyaluronan in the loose layers (docs/model.md "HA viscosity and fasciacytes"). material.ha_viscosity_pa_s stays the zero-shear viscosity at
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

template <>
struct schema::Schema<HASpec> {
  using S = HASpec;
  static const Keys<S>& keys() {
    static const Keys<S> k = {
        {"concentration_mg_ml", &S::concentration_mg_ml, "mg/ml", open_closed(0, 100), "resting HA concentration `c0` of every interface (*assumed*: synovial-fluid order, 2-4 mg/ml; not measured in fascia)"},
        {"reference_concentration_mg_ml", &S::reference_concentration_mg_ml, "mg/ml", open_closed(0, 100), "concentration at which `material.ha_viscosity_pa_s` is quoted"},
        {"concentration_exponent", &S::concentration_exponent, "", closed(0, 10), "`eta0 = eta_ref (c/c_ref)^a` (Bothner & Wik 1987)"},
        {"activation_energy_kj_mol", &S::activation_energy_kj_mol, "kJ/mol", closed(0, 200), "Arrhenius `E_a`: `a_T = exp(E_a/R (1/T - 1/T_ref))`, `T_ref` = 37 degC (water's value, *assumed* for HA)"},
        {"carreau_time_s", &S::carreau_time_s, "s", closed(0, 1e4), "Carreau `lambda` (Rwei et al. 2008); 0 = Newtonian"},
        {"carreau_index", &S::carreau_index, "", open_closed(0, 1), "Carreau power-law index `n` (Colloids Surf A 1995, 97:197); 1 = Newtonian"},
        {"infinite_shear_viscosity_pa_s", &S::infinite_shear_viscosity_pa_s, "Pa s", closed(0, 1e6), "Carreau `eta_inf` at 37 degC: the solvent, water (0.69 mPa s)"},
        {"rule", &S::rule, "", Choices{"compression_and_shear", "shear_only", "off"}, "fasciacyte activation rule"},
        {"secretion_mg_ml_per_strain", &S::secretion_mg_ml_per_strain, "mg/ml", closed(0, 1e6), "`s`: HA made per unit interface shear strain at `sigma_n = -sigma_ref` (*assumed*, order from Momberger et al. 2005)"},
        {"shear_rate_threshold_per_s", &S::shear_rate_threshold_per_s, "1/s", closed(0, 1e6), "`g0`: shear rate below which cells do not respond (*assumed*)"},
        {"reference_stress_kpa", &S::reference_stress_kpa, "kPa", open_closed(0, 1e6), "`sigma_ref`: compression at which the compression factor is 1 (*assumed*: the default pressure)"},
        {"turnover_time_s", &S::turnover_time_s, "s", open_closed(0, 1e9), "`tau_turnover`: relaxation of `c` back to `c0` (*assumed*, HA tissue half-life ~1 day)"},
        {"water_binding_kg_per_kg", &S::water_binding_kg_per_kg, "kg/kg", closed(0, 1e5), "water bound per kg of synthesised HA, for `ha_bound_water_kg` (*assumed* upper bound)"},
    };
    return k;
  }
};

/// [solver]
struct SolverSpec {
  std::string integrator = "auto";   ///< "explicit", "implicit", "auto"
  int threads = 0;                    ///< 0 = all cores; [0, 1024]
  double dt_s = 0.0;                  ///< explicit step [s]; 0 = automatic (safety * stable limit)
  double safety = 0.4;                ///< fraction of the stable step, (0, 1]; Verlet energy error grows as (safety)^2
  double implicit_dt_s = 0.0;         ///< initial implicit step [s]; 0 = phase duration / 50
  double newton_tolerance = 1e-6;     ///< relative residual, [1e-14, 0.5]
  int max_newton_iterations = 30;     ///< [1, 1000]
  std::string linear_solver = "auto"; ///< "auto", "ldlt", "cholmod", "cg", "amg"
  double mass_damping_per_s = 0.0;    ///< explicit mass-proportional damping rate alpha (f = -alpha m v) [1/s], [0, 1e6]
  void validate(const std::string& prefix = "solver") const;
};

template <>
struct schema::Schema<SolverSpec> {
  using S = SolverSpec;
  static const Keys<S>& keys() {
    static const Keys<S> k = {
        {"integrator", &S::integrator, "", Choices{"explicit", "implicit", "auto"}, "`auto`: implicit for slow phases, explicit for fast ones"},
        {"threads", &S::threads, "", closed(0, 1024), "OpenMP threads; 0 = all cores (`--threads` overrides)"},
        {"dt_s", &S::dt_s, "s", closed(0, 1), "explicit time step; 0 = `safety` x stable limit"},
        {"safety", &S::safety, "", open_closed(0, 1), "fraction of the stable explicit step (velocity Verlet's energy error grows as safety^2: 0.4 keeps it near 0.1 %)"},
        {"implicit_dt_s", &S::implicit_dt_s, "s", closed(0, 1e6), "initial implicit step; 0 = the phase's largest step (duration / 16, 1/16 of a drive cycle in a shear hold; recovery starts at duration / 200 and grows)"},
        // The range ImplicitOptions::validate enforces: below 1e-14 the residual test sits under
        // double round-off and never passes; above 0.5 a "converged" Newton step can be half wrong.
        {"newton_tolerance", &S::newton_tolerance, "", closed(1e-14, 0.5), "relative residual of Newton iterations"},
        {"max_newton_iterations", &S::max_newton_iterations, "", closed(1, 1000), "per implicit step"},
        {"linear_solver", &S::linear_solver, "", Choices{"auto", "ldlt", "cholmod", "cg", "amg"}, "sparse solver of implicit steps"},
        {"mass_damping_per_s", &S::mass_damping_per_s, "1/s", closed(0, 1e6), "mass-proportional damping rate alpha of the explicit integrator (`f = -alpha m v`); 0 = none"},
    };
    return k;
  }
};

/// One [protocol.NAME] table. Which keys apply depends on `kind`.
struct ProtocolSpec {
  std::string name;                   ///< the NAME of [protocol.NAME]
  std::string kind;                   ///< "impulse", compressor kinds, material tests, "elastography"
  // compressor protocols
  std::optional<double> pressure_kpa;  ///< [kPa]; a disc without force_n takes 50 (kDefaultPressureKpa)
  double radius_mm = 5.0;
  double ramp_s = 1.0;
  double hold_s = 20.0;
  double release_s = 1.0;
  double recover_s = 600.0;
  double amplitude_mm = 5.0;
  double frequency_hz = 0.5;
  int cycles = 10;
  double friction = 0.5;              ///< Coulomb coefficient compressor/skin
  double elastic_slip_mm = 0.0;       ///< friction's elastic slip; 0 = stick stiffness k_t = k_n [mm]
  std::string drive = "base";         ///< active shear: "base" (the muscle base slides) or "contraction"
  double active_stress_kpa = 20.0;    ///< peak active muscle stress for drive = "contraction" [kPa]
  // impulse
  std::optional<double> force_n;  ///< impulse: peak force (0.5 when absent); compressor: pressing force [N]
  std::string indenter = "disc";      ///< "disc", "sphere", "cylinder" (axis along y), "ellipsoid"
  double length_mm = 150.0;           ///< cylinder length along its axis [mm]
  std::array<double, 3> semi_axes_mm = {45.0, 120.0, 40.0};  ///< ellipsoid semi-axes x, y, z [mm]
  static constexpr double kDefaultPressureKpa = 50.0;  ///< a disc's pressure when neither force_n nor pressure_kpa is given
  static constexpr double kDefaultImpulseForceN = 0.5; ///< an impulse's force when force_n is absent
  double duration_s = 1e-4;
  double end_s = 0.02;
  std::array<double, 3> direction = {0.0, 0.0, 0.0};  ///< force direction; zero = default (slab: -z, sheet: +x)
  // material tests ("uniaxial", "biaxial", "simple_shear", "confined_compression"; also hold_s, release_s)
  double max_strain = 0.08;           ///< engineering (shear) strain at the end of the ramp
  double strain_rate_per_s = 0.01;    ///< ramp rate [1/s]
  // elastography
  double push_depth_mm = 0.5;         ///< push depth below the top surface [mm]
  double push_duration_s = 2e-4;      ///< push duration [s]
  double track_direction_deg = 0.0;   ///< tracking line from the x axis [deg]
  double pre_strain = 0.0;            ///< engineering strain along x before the push; 0 = none
  double frame_interval_s = 0.0;      ///< 0 = use output.frame_interval_s
  void validate(const std::string& prefix) const;
};

template <>
struct schema::Schema<ProtocolSpec> {
  using S = ProtocolSpec;
  static const Keys<S>& keys() {
    const std::vector<std::string_view> impulse = {"impulse"};
    const std::vector<std::string_view> compressor = {"static_pressure", "compression_active_shear",
                                                      "compression_passive_shear"};
    const std::vector<std::string_view> shear = {"compression_active_shear", "compression_passive_shear"};
    const std::vector<std::string_view> active = {"compression_active_shear"};
    const std::vector<std::string_view> material_test = {"uniaxial", "biaxial", "simple_shear", "confined_compression"};
    const std::vector<std::string_view> held = {"static_pressure", "uniaxial", "biaxial", "simple_shear",
                                                "confined_compression"};
    const std::vector<std::string_view> released = {"static_pressure", "compression_active_shear",
                                                    "compression_passive_shear", "uniaxial", "biaxial",
                                                    "simple_shear", "confined_compression"};
    const std::vector<std::string_view> elastography = {"elastography"};
    const std::vector<std::string_view> strained = {"uniaxial", "biaxial", "simple_shear", "confined_compression",
                                                    "elastography"};
    static const Keys<S> k = {
        {"kind", &S::kind, "", Choices{"impulse", "static_pressure", "compression_active_shear", "compression_passive_shear", "uniaxial", "biaxial", "simple_shear", "confined_compression", "elastography"}, "what the run does (below)", {}, "", "(required)"},
        {"radius_mm", &S::radius_mm, "mm", open_closed(0, 1000), "compressor radius, or the loaded patch of an impulse"},
        {"frame_interval_s", &S::frame_interval_s, "s", closed(0, 1e6), "time between saved frames; 0 = `output.frame_interval_s`"},
        {"pressure_kpa", &S::pressure_kpa, "kPa", open_closed(0, 1e4), "compressor pressure `P0` (force control: `P0` times the indenter's outline seen from above); exactly one of `pressure_kpa` and `force_n` (a disc without either takes 50)", compressor, "not with force_n", "50 (disc)"},
        {"ramp_s", &S::ramp_s, "s", open_closed(0, 1e6), "load ramp", compressor},
        {"hold_s", &S::hold_s, "s", closed(0, 1e6), "hold at full pressure, or at `max_strain` (material tests: the stress relaxes)", held},
        {"amplitude_mm", &S::amplitude_mm, "mm", closed(0, 1000), "sliding amplitude (base for active, compressor for passive); 0 = the sham control: nothing moves, the run reproduces `static_pressure` with `hold_s = cycles / frequency_hz` exactly", shear},
        {"frequency_hz", &S::frequency_hz, "Hz", open_closed(0, 1000), "sliding frequency", shear},
        {"cycles", &S::cycles, "", closed(1, 100000), "sliding cycles; the hold lasts `cycles / frequency_hz`", shear, "cycles / frequency_hz <= 1e6 s"},
        {"drive", &S::drive, "", Choices{"base", "contraction"}, "how the muscle moves: its base slides (`amplitude_mm`), or it contracts (`active_stress_kpa`, a traction on its x = L end) with its x = 0 end and its base held", active},
        {"active_stress_kpa", &S::active_stress_kpa, "kPa", open_closed(0, 1e4), "peak active stress along x for `drive = \"contraction\"`: `sigma_a(t) = sigma_0 (1 - cos 2 pi f t) / 2`", active},
        {"release_s", &S::release_s, "s", closed(0, 1e6), "unload ramp; material tests: 0 = none", released, "compressors: > 0"},
        {"recover_s", &S::recover_s, "s", closed(0, 1e6), "rest after release (healing acts)", compressor},
        {"friction", &S::friction, "", closed(0, 10), "Coulomb coefficient between compressor and skin", compressor},
        {"elastic_slip_mm", &S::elastic_slip_mm, "mm", closed(0, 10), "the slip at which a sticking skin node reaches the Coulomb limit (the stick stiffness is `friction` F_n / slip, a regularisation of Coulomb's law, docs/model.md 3.7); 0 = the normal penalty's stiffness, so a node sticks up to `friction` times its penetration", compressor},
        {"force_n", &S::force_n, "N", open_closed(0, 1e5), "impulse: peak force of the Gaussian pulse; compressor: total pressing force (force control), exactly one of `force_n` and `pressure_kpa`", {}, "not with pressure_kpa", "0.5 (impulse)"},
        {"indenter", &S::indenter, "", Choices{"disc", "sphere", "cylinder", "ellipsoid"}, "the rigid indenter (docs/model.md 3.7-3.8): a flat disc of `radius_mm`, a ball of `radius_mm`, a roller of `radius_mm` and `length_mm` with its axis along y, a heel or foot of `semi_axes_mm`; its footprint pressed through the tissue above the muscle must fit the patch (a roller may be longer than it along y)", compressor},
        {"length_mm", &S::length_mm, "mm", open_closed(0, 1e4), "cylinder length along its axis (y)", compressor},
        {"semi_axes_mm", &S::semi_axes_mm, "mm", open_closed(0, 1000), "ellipsoid semi-axes along x, y, z", compressor},
        {"duration_s", &S::duration_s, "s", open_closed(0, 1), "pulse width", impulse},
        {"end_s", &S::end_s, "s", above("duration_s", 1e6), "simulated time (the run must outlast the pulse)", impulse},
        {"direction", &S::direction, "", finite(), "force direction; all zero = default (slab: -z, sheet: +x)", impulse},
        {"max_strain", &S::max_strain, "", open_closed(0, 1), "engineering strain (simple shear: the shear strain; confined compression: positive in compression) at the end of the ramp", material_test, "confined_compression: <= 0.5"},
        {"strain_rate_per_s", &S::strain_rate_per_s, "1/s", open_closed(0, 1000), "engineering strain rate of the ramp; the ramp lasts `max_strain / strain_rate_per_s` (elastography: `pre_strain / strain_rate_per_s`)", strained},
        {"push_depth_mm", &S::push_depth_mm, "mm", open_closed(0, 1000), "depth of the push below the top surface (inside the tissue to be measured)", elastography, "inside the tissue"},
        {"push_duration_s", &S::push_duration_s, "s", open_closed(0, 0.01), "length of the push (a Hann-shaped body-force pulse; a push, not a press)", elastography},
        {"track_direction_deg", &S::track_direction_deg, "deg", closed(-180, 180), "the line along which the shear wave is tracked, from the x axis", elastography},
        {"pre_strain", &S::pre_strain, "", closed(0, 1), "engineering strain along x the sample is pulled to before the push (the uniaxial test's grips, lateral contraction free; the base follows the stretch along x, held along z): a tissue under tension, as a tendon or the iliotibial band in vivo; 0 = none, the base held", elastography, "geometry.kind = \"sample\" when > 0"},
    };
    return k;
  }
};

/// [output]
struct OutputSpec {
  std::string file = "out/fascia.h5";
  double frame_interval_s = 0.1;  ///< > 0
  double checkpoint_interval_s = 300.0;  ///< wall-clock time between checkpoints [s]; 0 = only on a signal
  void validate(const std::string& prefix = "output") const;
};

template <>
struct schema::Schema<OutputSpec> {
  using S = OutputSpec;
  static const Keys<S>& keys() {
    static const Keys<S> k = {
        {"file", &S::file, "", {}, "HDF5 output (relative to the working directory); `-o` overrides; an `.xdmf` sidecar is written next to it", {}, "non-empty"},
        {"frame_interval_s", &S::frame_interval_s, "s", open_closed(0, 1e6), "time between saved frames (a protocol may override)"},
        {"checkpoint_interval_s", &S::checkpoint_interval_s, "s", closed(0, 1e6), "**wall-clock** time between checkpoints of a run in progress, which `fascia run --resume` continues from bit for bit (docs/cli.md); 0 = only when a signal stops the run. Default *assumed*: a kill loses at most 5 minutes of computing, and checkpoints are written rarely (one of the 729-node demo slab in an implicit phase is 2.2 MB, as much as ~40 of its frames: mostly the implicit solver's sparsity pattern)"},
    };
    return k;
  }
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

namespace schema {
/// One [NAME] table of a scenario and the ScenarioSpec member holding it.
template <class S>
struct Section {
  std::string_view name;
  S ScenarioSpec::*member;
};
/// Every single table of a scenario, in the order of docs/scenario.md; [protocol.NAME] tables are
/// the list `ScenarioSpec::protocols`. A new table: a spec struct with its Schema, and one line here.
inline const auto& sections() {
  static const auto s = std::make_tuple(
      Section<TissueSpec>{"tissue", &ScenarioSpec::tissue}, Section<MaterialSpec>{"material", &ScenarioSpec::material},
      Section<WaterSpec>{"water", &ScenarioSpec::water}, Section<GeometrySpec>{"geometry", &ScenarioSpec::geometry},
      Section<SolverSpec>{"solver", &ScenarioSpec::solver}, Section<AdhesionSpec>{"adhesion", &ScenarioSpec::adhesion},
      Section<HASpec>{"ha", &ScenarioSpec::ha}, Section<OutputSpec>{"output", &ScenarioSpec::output});
  return s;
}
/// Calls f(section) for every single table.
template <class F>
void for_each_section(F&& f) {
  std::apply([&](const auto&... s) { (f(s), ...); }, sections());
}
}  // namespace schema

/// TOML text of `spec`: the keys that differ from their defaults, every protocol with its kind
/// (written by toml++). `parse_scenario(to_toml(spec))` equals `spec` except for `source_text`.
std::string to_toml(const ScenarioSpec& spec);

/// The key tables of docs/scenario.md (Markdown), one per table name ("tissue", ..., "protocol"),
/// generated from the schema; docs/scenario.md holds them between `<!-- keys:NAME -->` markers.
std::string key_table_markdown(std::string_view table);

}  // namespace fascia
