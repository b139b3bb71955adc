// SPDX-License-Identifier: MIT
/// @file Validation of the scenario structs (docs/scenario.md lists every key and range).
///
/// Every error is one line: `<key path>: value <v> is out of range; allowed <range> <unit>`.
#include "fascia/scenario_spec.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "fascia/core/error.hpp"

namespace fascia {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kFractionTolerance = 1e-9;
constexpr double kDefaultWater = 0.70;
constexpr double kDefaultCollagen = 0.20;
constexpr double kDefaultGround = 0.10;
constexpr double kMaxDuration = 1e6;  // s: about 11.6 days of simulated time

std::string num(double v) { return detail::to_text(v); }

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

/// Throws unless value lies in the interval; `lo_open`/`hi_open` make that end exclusive.
/// An infinite bound means "unbounded" (NaN and infinities always fail).
void check(const std::string& key, double value, double lo, bool lo_open, double hi, bool hi_open,
           const std::string& unit = "") {
  const bool ok = std::isfinite(value) && (lo_open ? value > lo : value >= lo) &&
                  (hi_open ? value < hi : value <= hi);
  if (ok) return;
  const std::string range = std::string(lo_open ? "(" : "[") + (std::isinf(lo) ? "-inf" : num(lo)) +
                            ", " + (std::isinf(hi) ? "inf" : num(hi)) + (hi_open || std::isinf(hi) ? ")" : "]");
  throw InputError(key, "value " + num(value) + " is out of range; allowed " + range +
                            (unit.empty() ? "" : " " + unit));
}

// Shorthands: (lo, hi], [lo, hi], > 0 and finite, >= 0 and finite.
void open_closed(const std::string& key, double v, double lo, double hi, const std::string& unit = "") {
  check(key, v, lo, true, hi, false, unit);
}
void closed(const std::string& key, double v, double lo, double hi, const std::string& unit = "") {
  check(key, v, lo, false, hi, false, unit);
}

void check_int(const std::string& key, long long value, long long lo, long long hi) {
  if (value < lo || value > hi) {
    throw InputError(key, "value " + std::to_string(value) + " is out of range; allowed [" +
                              std::to_string(lo) + ", " + std::to_string(hi) + "] (integer)");
  }
}

void check_choice(const std::string& key, const std::string& value,
                  const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::vector<std::string> quoted;
  for (const auto& a : allowed) quoted.push_back("\"" + a + "\"");
  throw InputError(key, "value \"" + value + "\" is not allowed; allowed " + join(quoted));
}

void check_prony(const std::string& prefix, const std::string& name, const std::vector<double>& g,
                 const std::vector<double>& tau) {
  const std::string gkey = prefix + "." + name + "_prony_g";
  const std::string tkey = prefix + "." + name + "_prony_tau_s";
  if (g.size() != tau.size()) {
    throw InputError(gkey, "has " + std::to_string(g.size()) + " terms but " + tkey + " has " +
                               std::to_string(tau.size()) + "; the two arrays must have the same length");
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    check(gkey + "[" + std::to_string(i) + "]", g[i], 0.0, false, 1.0, true);
    check(tkey + "[" + std::to_string(i) + "]", tau[i], 0.0, true, kInf, true, "s");
    sum += g[i];
  }
  if (!(sum < 1.0)) {
    throw InputError(gkey, "terms sum to " + num(sum) +
                               "; allowed sum < 1 (the relaxed modulus fraction 1 - sum must stay positive)");
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [tissue]

std::array<double, 3> TissueSpec::fractions(const std::string& prefix) const {
  const std::array<const std::optional<double>*, 3> given = {&water, &collagen, &ground};
  const std::array<const char*, 3> names = {"water", "collagen", "ground"};
  const std::array<double, 3> defaults = {kDefaultWater, kDefaultCollagen, kDefaultGround};

  int n_given = 0;
  double sum_given = 0.0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (!given[i]->has_value()) continue;
    const double v = **given[i];
    check(prefix + "." + names[i], v, 0.0, false, 1.0, false, "(volume fraction)");
    sum_given += v;
    ++n_given;
  }

  std::array<double, 3> f{};
  if (n_given == 0) return defaults;

  if (n_given == 3) {
    f = {*water, *collagen, *ground};
    if (!(std::abs(sum_given - 1.0) <= kFractionTolerance)) {
      throw InputError(prefix + ".ground",
                       "water + collagen + ground = " + num(f[0]) + " + " + num(f[1]) + " + " +
                           num(f[2]) + " = " + num(sum_given) +
                           "; the three volume fractions must sum to 1 within 1e-9 "
                           "(or omit one and it is derived)");
    }
    return f;
  }

  if (n_given == 2) {
    for (std::size_t i = 0; i < 3; ++i) {
      if (given[i]->has_value()) {
        f[i] = **given[i];
        continue;
      }
      const double third = 1.0 - sum_given;
      if (third < -kFractionTolerance) {
        std::vector<std::string> others;
        for (std::size_t j = 0; j < 3; ++j)
          if (j != i) others.push_back(std::string(names[j]) + " " + num(**given[j]));
        throw InputError(prefix + "." + names[i],
                         "derived value 1 - (" + join(others, " + ") + ") = " + num(third) +
                             " is negative; the given fractions must sum to at most 1");
      }
      f[i] = std::max(0.0, third);
    }
    return f;
  }

  // One given: the two missing ones share the remainder in proportion to their defaults.
  const double remainder = 1.0 - sum_given;
  double default_missing = 0.0;
  for (std::size_t i = 0; i < 3; ++i)
    if (!given[i]->has_value()) default_missing += defaults[i];
  for (std::size_t i = 0; i < 3; ++i)
    f[i] = given[i]->has_value() ? **given[i] : remainder * (defaults[i] / default_missing);
  return f;
}

void TissueSpec::validate(const std::string& prefix) const {
  (void)fractions(prefix);
  closed(prefix + ".temperature_c", temperature_c, 0.0, 50.0, "degC");
}

// ---------------------------------------------------------------------------------------------
// [material]

void MaterialSpec::validate(const std::string& prefix) const {
  const std::string p = prefix + ".";
  open_closed(p + "fiber_modulus_mpa", fiber_modulus_mpa, 0.0, 1e5, "MPa");
  open_closed(p + "cross_fiber_modulus_mpa", cross_fiber_modulus_mpa, 0.0, 1e5, "MPa");
  open_closed(p + "toe_strain", toe_strain, 0.0, 0.2);
  open_closed(p + "toe_exponent", toe_exponent, 0.0, 1e4);
  if (!(failure_strain > toe_strain)) {
    throw InputError(p + "failure_strain", "value " + num(failure_strain) +
                                               " is out of range; allowed (toe_strain, 2] = (" +
                                               num(toe_strain) + ", 2]");
  }
  open_closed(p + "failure_strain", failure_strain, toe_strain, 2.0);
  if (!(yield_strain >= toe_strain && yield_strain <= failure_strain)) {
    throw InputError(p + "yield_strain", "value " + num(yield_strain) +
                                             " is out of range; allowed [toe_strain, failure_strain] = [" +
                                             num(toe_strain) + ", " + num(failure_strain) + "]");
  }
  closed(p + "plastic_fraction", plastic_fraction, 0.0, 1.0);
  closed(p + "failure_strain_spread", failure_strain_spread, 0.0, 0.5);
  closed(p + "matrix_poisson", matrix_poisson, 0.25, 0.499);
  open_closed(p + "loose_modulus_kpa", loose_modulus_kpa, 0.0, 1e6, "kPa");
  open_closed(p + "muscle_shear_modulus_kpa", muscle_shear_modulus_kpa, 0.0, 1e6, "kPa");
  open_closed(p + "muscle_thickness_mm", muscle_thickness_mm, 0.0, 1000.0, "mm");
  open_closed(p + "permeability", permeability, 0.0, 1e-6, "m^4/(N s)");
  closed(p + "water_bulk_modulus_mpa", water_bulk_modulus_mpa, 0.0, 1e5, "MPa");
  closed(p + "ha_viscosity_pa_s", ha_viscosity_pa_s, 0.0, 1e6, "Pa s");
  check_prony(prefix, "dense", dense_prony_g, dense_prony_tau_s);
  check_prony(prefix, "loose", loose_prony_g, loose_prony_tau_s);
}

// ---------------------------------------------------------------------------------------------
// [geometry]

void GeometrySpec::validate(const std::string& prefix) const {
  const std::string p = prefix + ".";
  check_choice(p + "kind", kind, {"slab", "sheet"});
  for (std::size_t i = 0; i < 2; ++i)
    open_closed(p + "size_mm[" + std::to_string(i) + "]", size_mm[i], 0.0, 1000.0, "mm");
  check_int(p + "layers", layers, 1, 20);
  open_closed(p + "layer_thickness_mm", layer_thickness_mm, 0.0, 100.0, "mm");
  open_closed(p + "interface_thickness_mm", interface_thickness_mm, 0.0, 100.0, "mm");
  closed(p + "fiber_angle_deg", fiber_angle_deg, -180.0, 180.0, "deg");
  closed(p + "crossing_angle_deg", crossing_angle_deg, 0.0, 180.0, "deg");
  closed(p + "dispersion_kappa", dispersion_kappa, 0.0, 1000.0);
  open_closed(p + "spacing_mm", spacing_mm, 0.0, 100.0, "mm");
  const double half_min = 0.5 * std::min(size_mm[0], size_mm[1]);
  if (spacing_mm > half_min) {
    throw InputError(p + "spacing_mm", "value " + num(spacing_mm) +
                                           " is too large for size_mm = [" + num(size_mm[0]) + ", " +
                                           num(size_mm[1]) + "]; allowed (0, min(size_mm)/2] = (0, " +
                                           num(half_min) + "] mm");
  }
  check_choice(p + "lateral_boundary", lateral_boundary, {"free", "fixed"});
  check_choice(p + "matrix_model", matrix_model, {"auto", "springs", "tets"});
}

// ---------------------------------------------------------------------------------------------
// [solver]

void SolverSpec::validate(const std::string& prefix) const {
  const std::string p = prefix + ".";
  check_choice(p + "integrator", integrator, {"explicit", "implicit", "auto"});
  check_int(p + "threads", threads, 0, 1024);
  closed(p + "dt_s", dt_s, 0.0, 1.0, "s (0 = automatic)");
  open_closed(p + "safety", safety, 0.0, 1.0);
  closed(p + "implicit_dt_s", implicit_dt_s, 0.0, kMaxDuration, "s (0 = automatic)");
  check(p + "newton_tolerance", newton_tolerance, 0.0, true, 1.0, true);
  check_int(p + "max_newton_iterations", max_newton_iterations, 1, 1000);
  check_choice(p + "linear_solver", linear_solver, {"auto", "ldlt", "cholmod", "cg"});
  closed(p + "mass_damping_per_s", mass_damping_per_s, 0.0, 1e6, "1/s");
}

// ---------------------------------------------------------------------------------------------
// [protocol.NAME]

void ProtocolSpec::validate(const std::string& prefix) const {
  const std::string p = prefix + ".";
  check_choice(p + "kind", kind,
               {"impulse", "static_pressure", "compression_active_shear", "compression_passive_shear"});
  open_closed(p + "radius_mm", radius_mm, 0.0, 1000.0, "mm");
  check(p + "frame_interval_s", frame_interval_s, 0.0, false, kMaxDuration, false,
        "s (0 = output.frame_interval_s)");

  if (kind == "impulse") {
    open_closed(p + "force_n", force_n, 0.0, 1e5, "N");
    open_closed(p + "duration_s", duration_s, 0.0, 1.0, "s");
    open_closed(p + "end_s", end_s, 0.0, kMaxDuration, "s");
    if (!(end_s > duration_s)) {
      throw InputError(p + "end_s", "value " + num(end_s) + " is out of range; allowed (duration_s, " +
                                        num(kMaxDuration) + "] = (" + num(duration_s) + ", " +
                                        num(kMaxDuration) + "] s (the run must outlast the pulse)");
    }
    for (std::size_t i = 0; i < 3; ++i)
      check(p + "direction[" + std::to_string(i) + "]", direction[i], -kInf, true, kInf, true);
    return;
  }

  // compressor protocols
  open_closed(p + "pressure_kpa", pressure_kpa, 0.0, 10000.0, "kPa");
  open_closed(p + "ramp_s", ramp_s, 0.0, kMaxDuration, "s");
  open_closed(p + "release_s", release_s, 0.0, kMaxDuration, "s");
  closed(p + "recover_s", recover_s, 0.0, kMaxDuration, "s");
  closed(p + "friction", friction, 0.0, 10.0);
  if (kind == "static_pressure") {
    closed(p + "hold_s", hold_s, 0.0, kMaxDuration, "s");
    return;
  }
  open_closed(p + "amplitude_mm", amplitude_mm, 0.0, 1000.0, "mm");
  open_closed(p + "frequency_hz", frequency_hz, 0.0, 1000.0, "Hz");
  check_int(p + "cycles", cycles, 1, 100000);
  if (kind == "compression_active_shear") {
    check_choice(p + "drive", drive, {"base", "contraction"});
    open_closed(p + "active_stress_kpa", active_stress_kpa, 0.0, 1e4, "kPa");
  }
  const double hold = cycles / frequency_hz;
  if (hold > kMaxDuration) {
    throw InputError(p + "cycles", "cycles / frequency_hz = " + num(hold) + " s is too long; allowed <= " +
                                       num(kMaxDuration) + " s");
  }
}

// ---------------------------------------------------------------------------------------------
// [adhesion]

void AdhesionSpec::validate(const std::string& prefix) const {
  const std::string p = prefix + ".";
  closed(p + "density_per_mm2", density_per_mm2, 0.0, 1e4, "1/mm^2");
  closed(p + "stiffness_n_per_m", stiffness_n_per_m, 0.0, 1e9, "N/m");
  check_choice(p + "rupture", rupture, {"bell", "threshold"});
  closed(p + "bell_rate_per_s", bell_rate_per_s, 0.0, 1e6, "1/s");
  open_closed(p + "bell_force_n", bell_force_n, 0.0, 1e6, "N");
  open_closed(p + "threshold_force_n", threshold_force_n, 0.0, 1e6, "N");
  closed(p + "heal_rate_per_s", heal_rate_per_s, 0.0, 1e6, "1/s");
  closed(p + "rest_speed_mm_s", rest_speed_mm_s, 0.0, 1e6, "mm/s");
}

// ---------------------------------------------------------------------------------------------
// [ha]

void HASpec::validate(const std::string& prefix) const {
  const std::string p = prefix + ".";
  open_closed(p + "concentration_mg_ml", concentration_mg_ml, 0.0, 100.0, "mg/ml");
  open_closed(p + "reference_concentration_mg_ml", reference_concentration_mg_ml, 0.0, 100.0, "mg/ml");
  closed(p + "concentration_exponent", concentration_exponent, 0.0, 10.0);
  closed(p + "activation_energy_kj_mol", activation_energy_kj_mol, 0.0, 200.0, "kJ/mol");
  closed(p + "carreau_time_s", carreau_time_s, 0.0, 1e4, "s");
  open_closed(p + "carreau_index", carreau_index, 0.0, 1.0);
  closed(p + "infinite_shear_viscosity_pa_s", infinite_shear_viscosity_pa_s, 0.0, 1e6, "Pa s");
  check_choice(p + "rule", rule, {"compression_and_shear", "shear_only", "off"});
  closed(p + "secretion_mg_ml_per_strain", secretion_mg_ml_per_strain, 0.0, 1e6, "mg/ml");
  closed(p + "shear_rate_threshold_per_s", shear_rate_threshold_per_s, 0.0, 1e6, "1/s");
  open_closed(p + "reference_stress_kpa", reference_stress_kpa, 0.0, 1e6, "kPa");
  open_closed(p + "turnover_time_s", turnover_time_s, 0.0, 1e9, "s");
  closed(p + "water_binding_kg_per_kg", water_binding_kg_per_kg, 0.0, 1e5, "kg/kg");
}

// ---------------------------------------------------------------------------------------------
// [water]

void WaterSpec::validate(const std::string& prefix) const {
  const std::string p = prefix + ".";
  check_choice(p + "model", model, {"maxwell", "biot"});
  check_choice(p + "flow", flow, {"darcy", "undrained", "drained"});
  check_choice(p + "top", top, {"drained", "sealed"});
  check_choice(p + "bottom", bottom, {"drained", "sealed"});
  check_choice(p + "sides", sides, {"drained", "sealed"});
}

// ---------------------------------------------------------------------------------------------
// [output]

void OutputSpec::validate(const std::string& prefix) const {
  if (file.empty()) throw InputError(prefix + ".file", "value \"\" is not allowed; give a file path");
  open_closed(prefix + ".frame_interval_s", frame_interval_s, 0.0, kMaxDuration, "s");
}

// ---------------------------------------------------------------------------------------------
// whole scenario

void ScenarioSpec::validate() const {
  tissue.validate("tissue");
  material.validate("material");
  water.validate("water");
  geometry.validate("geometry");
  if (water.model == "biot" && geometry.kind != "slab")
    throw InputError("water.model", "value \"biot\" needs geometry.kind = \"slab\" (the 2-D sheet has no "
                                    "through-thickness flow); allowed for a sheet: \"maxwell\"");
  solver.validate("solver");
  adhesion.validate("adhesion");
  ha.validate("ha");
  output.validate("output");
  if (protocols.empty()) {
    throw InputError("protocol", "no protocol given; at least one [protocol.NAME] table is required "
                                 "(kinds: \"impulse\", \"static_pressure\", \"compression_active_shear\", "
                                 "\"compression_passive_shear\")");
  }
  std::set<std::string> seen;
  for (const auto& pr : protocols) {
    const std::string key = "protocol." + pr.name;
    const bool name_ok =
        !pr.name.empty() && pr.name.size() <= 64 &&
        std::all_of(pr.name.begin(), pr.name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '-';
        });
    if (!name_ok) {
      throw InputError(key, "protocol name \"" + pr.name +
                                "\" is not allowed; use 1 to 64 letters, digits, '_' or '-'");
    }
    if (!seen.insert(pr.name).second) {
      throw InputError(key, "protocol name \"" + pr.name + "\" is used twice; names must be unique");
    }
    pr.validate(key);
  }
}

}  // namespace fascia
