// SPDX-License-Identifier: MIT
/// @file Validation of the scenario structs (docs/scenario.md lists every key and range).
///
/// Every error is one line: `<key path>: value <v> is out of range; allowed <range> <unit>`.
#include "fascia/scenario_spec.hpp"
#include "fascia/solve/linear_solver.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <set>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/protocol/material_test.hpp"
#include "fascia/schema.hpp"

namespace fascia {
namespace {

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

/// "(lo, hi]"; infinite bounds read "-inf"/"inf" (and an infinite upper end is always open); a
/// bound named by another key reads as that key's name.
std::string interval(double lo, bool lo_open, double hi, bool hi_open, std::string_view lo_name = {},
                     std::string_view hi_name = {}) {
  const std::string l = !lo_name.empty() ? std::string(lo_name) : std::isinf(lo) ? "-inf" : num(lo);
  const std::string h = !hi_name.empty() ? std::string(hi_name) : std::isinf(hi) ? "inf" : num(hi);
  return std::string(lo_open ? "(" : "[") + l + ", " + h + (hi_open || std::isinf(hi) ? ")" : "]");
}

[[noreturn]] void out_of_range(const std::string& key, double value, const std::string& allowed,
                               std::string_view unit) {
  throw InputError(key, "value " + num(value) + " is out of range; allowed " + allowed +
                            (unit.empty() ? "" : " " + std::string(unit)));
}

/// Throws unless value lies in the interval; `lo_open`/`hi_open` make that end exclusive.
/// NaN and infinities always fail.
void check(const std::string& key, double value, double lo, bool lo_open, double hi, bool hi_open,
           std::string_view unit = {}) {
  const bool ok = std::isfinite(value) && (lo_open ? value > lo : value >= lo) &&
                  (hi_open ? value < hi : value <= hi);
  if (!ok) out_of_range(key, value, interval(lo, lo_open, hi, hi_open), unit);
}

void check_int(const std::string& key, long long value, long long lo, long long hi) {
  if (value < lo || value > hi) {
    throw InputError(key, "value " + std::to_string(value) + " is out of range; allowed [" +
                              std::to_string(lo) + ", " + std::to_string(hi) + "] (integer)");
  }
}

void check_choice(const std::string& key, const std::string& value, const schema::Choices& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::vector<std::string> quoted;
  for (const auto& a : allowed) quoted.push_back(std::string(1, '"').append(a).append(1, '"'));
  throw InputError(key, "value \"" + detail::shorten(value) + "\" is not allowed; allowed " + join(quoted));
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
  for (double gi : g) sum += gi;
  if (!(sum < 1.0)) {
    throw InputError(gkey, "terms sum to " + num(sum) +
                               "; allowed sum < 1 (the relaxed modulus fraction 1 - sum must stay positive)");
  }
}


/// The value of the number key `name` of S: the bound of a range that depends on another key
/// (a name that is no number key of S is a mistake in the schema, caught by the schema tests).
template <class S>
double dependent_bound(const S& s, std::string_view name) {
  const auto* k = schema::find<S>(name);
  const auto* m = k ? std::get_if<double S::*>(&k->member) : nullptr;
  return m ? s.**m : std::numeric_limits<double>::quiet_NaN();
}

/// Throws unless `value` lies in `r`; a bound given by another key reads
/// "allowed (toe_strain, 2] = (0.02, 2]".
template <class S>
void check_range(const S& s, const std::string& key, double value, const schema::Range& r,
                 std::string_view unit) {
  const double lo = r.lo_key.empty() ? r.lo : dependent_bound(s, r.lo_key);
  const double hi = r.hi_key.empty() ? r.hi : dependent_bound(s, r.hi_key);
  if (r.lo_key.empty() && r.hi_key.empty()) return check(key, value, lo, r.lo_open, hi, r.hi_open, unit);
  const bool ok = std::isfinite(value) && (r.lo_open ? value > lo : value >= lo) &&
                  (r.hi_open ? value < hi : value <= hi);
  if (!ok) {
    out_of_range(key, value,
                 interval(lo, r.lo_open, hi, r.hi_open, r.lo_key, r.hi_key) + " = " +
                     interval(lo, r.lo_open, hi, r.hi_open),
                 unit);
  }
}

/// Checks every key of `s` that applies to `kind` against its declared allowed values, in
/// declaration order; list and array members element by element (`key[i]`).
template <class S>
void check_keys(const S& s, const std::string& prefix, std::string_view kind = {}) {
  for (const auto& k : schema::Schema<S>::keys()) {
    if (!schema::applies(k, kind)) continue;
    const std::string key = prefix + "." + std::string(k.name);
    const auto* range = std::get_if<schema::Range>(&k.allowed);
    const auto* choices = std::get_if<schema::Choices>(&k.allowed);
    std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(s.*member)>;
          const T& v = s.*member;
          if constexpr (std::is_same_v<T, double>) {
            if (range) check_range(s, key, v, *range, k.unit);
          } else if constexpr (std::is_same_v<T, std::optional<double>>) {
            if (range && v) check_range(s, key, *v, *range, k.unit);
          } else if constexpr (std::is_same_v<T, int>) {
            if (range) check_int(key, v, static_cast<long long>(range->lo), static_cast<long long>(range->hi));
          } else if constexpr (std::is_same_v<T, std::string>) {
            if (choices) check_choice(key, v, *choices);
          } else if constexpr (std::is_same_v<T, std::vector<double>> ||
                               std::is_same_v<T, std::array<double, 2>> ||
                               std::is_same_v<T, std::array<double, 3>>) {
            for (std::size_t i = 0; range && i < v.size(); ++i)
              check_range(s, key + "[" + std::to_string(i) + "]", v[i], *range, k.unit);
          }
        },
        k.member);
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
  check_keys(*this, prefix);
  (void)fractions(prefix);
}

// ---------------------------------------------------------------------------------------------
// [material]

void MaterialSpec::validate(const std::string& prefix) const {
  check_keys(*this, prefix);
  check_prony(prefix, "dense", dense_prony_g, dense_prony_tau_s);
  check_prony(prefix, "loose", loose_prony_g, loose_prony_tau_s);
}

// ---------------------------------------------------------------------------------------------
// [geometry]

void GeometrySpec::validate(const std::string& prefix) const {
  check_keys(*this, prefix);
  const double half_min = 0.5 * std::min(size_mm[0], size_mm[1]);
  if (spacing_mm > half_min) {
    throw InputError(prefix + ".spacing_mm", "value " + num(spacing_mm) + " is too large for size_mm = [" +
                                                 num(size_mm[0]) + ", " + num(size_mm[1]) +
                                                 "]; allowed (0, min(size_mm)/2] = (0, " + num(half_min) + "] mm");
  }
  if (kind == "sheet" && (skin_thickness_mm > 0.0 || hypodermis_thickness_mm > 0.0))
    throw InputError(prefix + (skin_thickness_mm > 0.0 ? ".skin_thickness_mm" : ".hypodermis_thickness_mm"),
                     "a sheet has no layers above the fascia; allowed 0 with kind = \"sheet\" (use kind = \"slab\")");
  if (layers == 0 && kind != "slab")
    throw InputError(prefix + ".layers", "value 0 is allowed only for kind = \"slab\" (a muscle block); allowed [1, 20]");
  if (coarsest_mm > 0.0 && coarsest_mm < spacing_mm)
    throw InputError(prefix + ".coarsest_mm", "value " + num(coarsest_mm) + " is below spacing_mm = " + num(spacing_mm) +
                                                  "; allowed 0 (= spacing_mm) or [spacing_mm, 1000] mm");
  if (!mesh_file.empty() && (engine != "fem" || kind != "slab"))
    throw InputError(prefix + ".mesh_file", "value \"" + detail::shorten(mesh_file) + "\" needs engine = \"fem\" and kind = \"slab\" (a gmsh mesh is "
                                                "a finite-element model); allowed \"\" with engine = \"" + engine + "\", kind = \"" + kind + "\"");
  // A sample needs two cells through its thickness (round(T / spacing) >= 2): one cell has no
  // interior node and bends like a membrane, not a solid (docs/model.md "Material tests"); and
  // one cell layer per ply at least.
  const double min_cells = std::max(2, sample_plies);
  if (kind == "sample" && !(std::round(sample_thickness_mm / spacing_mm) >= min_cells)) {
    throw InputError(prefix + ".sample_thickness_mm",
                     "value " + num(sample_thickness_mm) + " is too thin for spacing_mm = " + num(spacing_mm) +
                         " and sample_plies = " + std::to_string(sample_plies) + "; allowed >= " +
                         num((min_cells - 0.5) * spacing_mm) + " mm (" + num(min_cells) + " cells)");
  }
}

// ---------------------------------------------------------------------------------------------
// [solver]

void SolverSpec::validate(const std::string& prefix) const {
  check_keys(*this, prefix);
  // The schema lists every solver; this build may lack one (cholmod): refuse it here, not mid-run.
  parse_linear_solver(linear_solver, prefix + ".linear_solver");
}

// ---------------------------------------------------------------------------------------------
// [protocol.NAME]

void ProtocolSpec::validate(const std::string& prefix) const {
  check_keys(*this, prefix, kind);
  const bool compressor =
      kind == "static_pressure" || kind == "compression_active_shear" || kind == "compression_passive_shear";
  if (compressor) {
    // Force control: exactly one of force_n and pressure_kpa (a disc without either: 50 kPa).
    if (force_n && pressure_kpa)
      throw InputError(prefix + ".force_n", "given together with pressure_kpa; allowed: exactly one of force_n (force "
                                            "control) and pressure_kpa");
    if (!force_n && !pressure_kpa && indenter != "disc")
      throw InputError(prefix + ".force_n", "missing: a " + indenter + " indenter needs exactly one of force_n [N] and "
                                            "pressure_kpa (times the indenter's outline seen from above); only the "
                                            "flat disc defaults to pressure_kpa = 50");
  }
  if (compressor && !(release_s > 0.0))
    out_of_range(prefix + ".release_s", release_s, "(0, 1e+06] for a compressor", "s");
  if (is_material_test(kind) && max_strain > max_strain_allowed(kind))
    out_of_range(prefix + ".max_strain", max_strain, "(0, " + num(max_strain_allowed(kind)) + "] for " + kind, "");
  if (kind != "compression_active_shear" && kind != "compression_passive_shear") return;
  const double hold = cycles / frequency_hz;
  if (hold > kMaxDuration) {
    throw InputError(prefix + ".cycles", "cycles / frequency_hz = " + num(hold) + " s is too long; allowed <= " +
                                             num(kMaxDuration) + " s");
  }
}

// ---------------------------------------------------------------------------------------------
// [adhesion]

void AdhesionSpec::validate(const std::string& prefix) const {
  check_keys(*this, prefix);
}

// ---------------------------------------------------------------------------------------------
// [ha]

void HASpec::validate(const std::string& prefix) const {
  check_keys(*this, prefix);
}

// ---------------------------------------------------------------------------------------------
// [water]

void WaterSpec::validate(const std::string& prefix) const {
  check_keys(*this, prefix);
}

// ---------------------------------------------------------------------------------------------
// [output]

void OutputSpec::validate(const std::string& prefix) const {
  if (file.empty()) throw InputError(prefix + ".file", "value \"\" is not allowed; give a file path");
  check_keys(*this, prefix);
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
                                 "\"compression_passive_shear\", \"uniaxial\", \"biaxial\", \"simple_shear\", "
                                 "\"confined_compression\", \"elastography\")");
  }
  std::set<std::string> seen;
  for (const auto& pr : protocols) {
    const std::string key = "protocol." + detail::shorten(pr.name);
    const bool name_ok =
        !pr.name.empty() && pr.name.size() <= 64 &&
        std::all_of(pr.name.begin(), pr.name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '-';
        });
    if (!name_ok) {
      throw InputError(key, "protocol name \"" + detail::shorten(pr.name) +
                                "\" is not allowed; use 1 to 64 letters, digits, '_' or '-'");
    }
    if (!seen.insert(pr.name).second) {
      throw InputError(key, "protocol name \"" + detail::shorten(pr.name) + "\" is used twice; names must be unique");
    }
    pr.validate(key);
    const bool material_test = is_material_test(pr.kind);
    if (material_test && geometry.kind != "sample")
      throw InputError(key + ".kind", "value \"" + pr.kind + "\" is a material test and needs geometry.kind = "
                                      "\"sample\" (now \"" + geometry.kind + "\")");
    if (pr.kind == "elastography" && pr.pre_strain > 0.0 && geometry.kind != "sample")
      throw InputError(key + ".pre_strain", "value " + num(pr.pre_strain) + " needs geometry.kind = \"sample\" (now \"" +
                                                geometry.kind + "\"); allowed on a slab: 0 (no pre-stretch)");
    if (geometry.kind == "sample" && !material_test && pr.kind != "elastography")
      throw InputError(key + ".kind", "value \"" + pr.kind + "\" is not allowed on a sample; allowed \"uniaxial\", "
                                      "\"biaxial\", \"simple_shear\", \"confined_compression\", \"elastography\"");
  }
}

}  // namespace fascia
