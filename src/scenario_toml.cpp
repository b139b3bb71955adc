// SPDX-License-Identifier: MIT
/// @file TOML scenario files -> ScenarioSpec (docs/scenario.md).
///
/// Strict: unknown keys (with a "did you mean" suggestion), wrong types, keys that do not apply to a
/// protocol's kind and out-of-range values are InputErrors naming the full key path. Every message is
/// one line and ends with the source position where one is known.
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/scenario.hpp"

namespace fascia {
namespace {

/// Replaces control characters so that every message stays on one line.
std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20) out += '?';
    else out += c;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// The closest allowed name, when it is close enough to be a plausible typo; empty otherwise.
std::string suggest(std::string_view given, const std::vector<std::string>& allowed) {
  std::string best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  for (const auto& a : allowed) {
    const std::size_t d = edit_distance(given, a);
    if (d < best_d) {
      best_d = d;
      best = a;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, given.size() / 3);
  return best_d <= limit ? best : std::string();
}

std::string describe(const toml::node& n) {
  std::ostringstream os;
  os.precision(10);
  switch (n.type()) {
    case toml::node_type::string: os << "string \"" << n.as_string()->get() << "\""; break;
    case toml::node_type::integer: os << "integer " << n.as_integer()->get(); break;
    case toml::node_type::floating_point: os << "float " << n.as_floating_point()->get(); break;
    case toml::node_type::boolean: os << "boolean " << (n.as_boolean()->get() ? "true" : "false"); break;
    case toml::node_type::array: os << "an array of " << n.as_array()->size() << " element(s)"; break;
    case toml::node_type::table: os << "a table"; break;
    case toml::node_type::date: os << "a date"; break;
    case toml::node_type::time: os << "a time"; break;
    case toml::node_type::date_time: os << "a date-time"; break;
    default: os << "nothing"; break;
  }
  return one_line(os.str());
}

/// The entries of a table in file order (toml++ keeps them sorted by name).
std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& t) {
  std::vector<std::pair<const toml::key*, const toml::node*>> out;
  for (auto&& [k, v] : t) out.emplace_back(&k, &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return out;
}

class Parser {
public:
  explicit Parser(std::string origin) : origin_(std::move(origin)) {}

  std::string where(const toml::source_region& r) const {
    if (r.begin.line == 0) return "";
    return " (at " + origin_ + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column) + ")";
  }

  [[noreturn]] void fail(const std::string& key, const std::string& message, const toml::node& n) const {
    throw InputError(one_line(key), one_line(message + where(n.source())));
  }
  [[noreturn]] void fail(const std::string& key, const std::string& message,
                         const toml::source_region& r) const {
    throw InputError(one_line(key), one_line(message + where(r)));
  }

  // ---- scalar readers -------------------------------------------------------------------
  double number(const toml::node& n, const std::string& key) const {
    if (auto* f = n.as_floating_point()) return f->get();
    if (auto* i = n.as_integer()) return static_cast<double>(i->get());
    fail(key, "expected a number (float or integer), got " + describe(n), n);
  }

  std::int64_t integer(const toml::node& n, const std::string& key, std::int64_t lo, std::int64_t hi) const {
    std::int64_t v = 0;
    if (auto* i = n.as_integer()) {
      v = i->get();
    } else if (auto* f = n.as_floating_point()) {
      const double d = f->get();
      // integral floats (3.0) are accepted; 2.5, nan and inf are not
      if (!(std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15))
        fail(key, "expected an integer, got " + describe(n), n);
      v = static_cast<std::int64_t>(d);
    } else {
      fail(key, "expected an integer, got " + describe(n), n);
    }
    if (v < lo || v > hi) {
      fail(key, "value " + std::to_string(v) + " is out of range; allowed [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "] (integer)",
           n);
    }
    return v;
  }

  int int32(const toml::node& n, const std::string& key) const {
    return static_cast<int>(
        integer(n, key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
  }

  std::string string(const toml::node& n, const std::string& key) const {
    if (auto* s = n.as_string()) return s->get();
    fail(key, "expected a string, got " + describe(n), n);
  }

  const toml::array& array(const toml::node& n, const std::string& key, std::size_t exact_size,
                           const std::string& what) const {
    const auto* a = n.as_array();
    if (!a) fail(key, "expected " + what + ", got " + describe(n), n);
    if (exact_size && a->size() != exact_size)
      fail(key, "expected " + what + ", got an array of " + std::to_string(a->size()) + " element(s)", n);
    return *a;
  }

  template <std::size_t N>
  std::array<double, N> fixed_numbers(const toml::node& n, const std::string& key) const {
    const std::string what = "an array of " + std::to_string(N) + " numbers";
    const auto& a = array(n, key, N, what);
    std::array<double, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = number(a[i], key + "[" + std::to_string(i) + "]");
    return out;
  }

  std::vector<double> numbers(const toml::node& n, const std::string& key) const {
    const auto& a = array(n, key, 0, "an array of numbers");
    std::vector<double> out;
    for (std::size_t i = 0; i < a.size(); ++i) out.push_back(number(a[i], key + "[" + std::to_string(i) + "]"));
    return out;
  }

  const toml::table& table(const toml::node& n, const std::string& key) const {
    if (auto* t = n.as_table()) return *t;
    fail(key, "expected a table ([" + key + "]), got " + describe(n), n);
  }

  // ---- tables of fields -------------------------------------------------------------------
  using Setter = std::function<void(const toml::node&, const std::string&)>;
  struct Field {
    std::string name;
    Setter set;
  };

  static std::vector<std::string> names(const std::vector<Field>& fields) {
    std::vector<std::string> out;
    for (const auto& f : fields) out.push_back(f.name);
    return out;
  }

  [[noreturn]] void unknown_key(const std::string& path, std::string_view key,
                                const std::vector<std::string>& allowed, const toml::source_region& r,
                                const std::string& what = "key") const {
    const std::string guess = suggest(key, allowed);
    fail(path, "unknown " + what + (guess.empty() ? "" : " (did you mean '" + guess + "'?)") + "; allowed " +
                   what + "s: " + join(allowed),
         r);
  }

  /// Applies each key of `t` through its field; unknown keys are errors. `extra_check` runs first
  /// for keys that are not fields (to explain e.g. a key of another protocol kind).
  void read_fields(const toml::table& t, const std::string& prefix, const std::vector<Field>& fields,
                   const std::function<void(std::string_view, const toml::source_region&)>& not_a_field = {}) const {
    for (auto&& [kp, vp] : in_file_order(t)) {
      const toml::key& k = *kp;
      const toml::node& v = *vp;
      const std::string path = prefix + "." + std::string(k.str());
      auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == k.str(); });
      if (it == fields.end()) {
        if (not_a_field) not_a_field(k.str(), k.source());
        unknown_key(path, k.str(), names(fields), k.source());
      }
      it->set(v, path);
    }
  }

  // ---- sections -------------------------------------------------------------------------------
  void tissue(const toml::table& t, TissueSpec& s) const {
    read_fields(t, "tissue",
                {{"water", [&](auto& n, auto& k) { s.water = number(n, k); }},
                 {"collagen", [&](auto& n, auto& k) { s.collagen = number(n, k); }},
                 {"ground", [&](auto& n, auto& k) { s.ground = number(n, k); }},
                 {"temperature_c", [&](auto& n, auto& k) { s.temperature_c = number(n, k); }}});
  }

  void material(const toml::table& t, MaterialSpec& s) const {
    auto num = [&](double& dst) { return [&, p = &dst](auto& n, auto& k) { *p = number(n, k); }; };
    auto vec = [&](std::vector<double>& dst) { return [&, p = &dst](auto& n, auto& k) { *p = numbers(n, k); }; };
    read_fields(t, "material",
                {{"fiber_modulus_mpa", num(s.fiber_modulus_mpa)},
                 {"cross_fiber_modulus_mpa", num(s.cross_fiber_modulus_mpa)},
                 {"toe_strain", num(s.toe_strain)},
                 {"toe_exponent", num(s.toe_exponent)},
                 {"failure_strain", num(s.failure_strain)},
                 {"failure_strain_spread", num(s.failure_strain_spread)},
                 {"yield_strain", num(s.yield_strain)},
                 {"plastic_fraction", num(s.plastic_fraction)},
                 {"matrix_poisson", num(s.matrix_poisson)},
                 {"loose_modulus_kpa", num(s.loose_modulus_kpa)},
                 {"muscle_shear_modulus_kpa", num(s.muscle_shear_modulus_kpa)},
                 {"muscle_thickness_mm", num(s.muscle_thickness_mm)},
                 {"permeability", num(s.permeability)},
                 {"water_bulk_modulus_mpa", num(s.water_bulk_modulus_mpa)},
                 {"dense_prony_g", vec(s.dense_prony_g)},
                 {"dense_prony_tau_s", vec(s.dense_prony_tau_s)},
                 {"loose_prony_g", vec(s.loose_prony_g)},
                 {"loose_prony_tau_s", vec(s.loose_prony_tau_s)},
                 {"ha_viscosity_pa_s", num(s.ha_viscosity_pa_s)}});
  }

  void geometry(const toml::table& t, GeometrySpec& s) const {
    auto num = [&](double& dst) { return [&, p = &dst](auto& n, auto& k) { *p = number(n, k); }; };
    read_fields(
        t, "geometry",
        {{"kind", [&](auto& n, auto& k) { s.kind = string(n, k); }},
         {"size_mm", [&](auto& n, auto& k) { s.size_mm = fixed_numbers<2>(n, k); }},
         {"layers", [&](auto& n, auto& k) { s.layers = int32(n, k); }},
         {"layer_thickness_mm", num(s.layer_thickness_mm)},
         {"interface_thickness_mm", num(s.interface_thickness_mm)},
         {"fiber_angle_deg", num(s.fiber_angle_deg)},
         {"crossing_angle_deg", num(s.crossing_angle_deg)},
         {"dispersion_kappa", num(s.dispersion_kappa)},
         {"spacing_mm", num(s.spacing_mm)},
         {"lateral_boundary", [&](auto& n, auto& k) { s.lateral_boundary = string(n, k); }},
         {"matrix_model", [&](auto& n, auto& k) { s.matrix_model = string(n, k); }},
         {"seed", [&](auto& n, auto& k) {
            s.seed = static_cast<std::uint64_t>(integer(n, k, 0, std::numeric_limits<std::int64_t>::max()));
          }}});
  }

  void solver(const toml::table& t, SolverSpec& s) const {
    auto num = [&](double& dst) { return [&, p = &dst](auto& n, auto& k) { *p = number(n, k); }; };
    read_fields(t, "solver",
                {{"integrator", [&](auto& n, auto& k) { s.integrator = string(n, k); }},
                 {"threads", [&](auto& n, auto& k) { s.threads = int32(n, k); }},
                 {"dt_s", num(s.dt_s)},
                 {"safety", num(s.safety)},
                 {"implicit_dt_s", num(s.implicit_dt_s)},
                 {"newton_tolerance", num(s.newton_tolerance)},
                 {"max_newton_iterations", [&](auto& n, auto& k) { s.max_newton_iterations = int32(n, k); }},
                 {"linear_solver", [&](auto& n, auto& k) { s.linear_solver = string(n, k); }},
                 {"mass_damping_per_s", num(s.mass_damping_per_s)}});
  }

  void adhesion(const toml::table& t, AdhesionSpec& s) const {
    auto num = [&](double& dst) { return [&, p = &dst](auto& n, auto& k) { *p = number(n, k); }; };
    read_fields(t, "adhesion",
                {{"density_per_mm2", num(s.density_per_mm2)},
                 {"stiffness_n_per_m", num(s.stiffness_n_per_m)},
                 {"rupture", [&](auto& n, auto& k) { s.rupture = string(n, k); }},
                 {"bell_rate_per_s", num(s.bell_rate_per_s)},
                 {"bell_force_n", num(s.bell_force_n)},
                 {"threshold_force_n", num(s.threshold_force_n)},
                 {"heal_rate_per_s", num(s.heal_rate_per_s)},
                 {"rest_speed_mm_s", num(s.rest_speed_mm_s)}});
  }

  void ha(const toml::table& t, HASpec& s) const {
    auto num = [&](double& dst) { return [&, p = &dst](auto& n, auto& k) { *p = number(n, k); }; };
    read_fields(t, "ha",
                {{"concentration_mg_ml", num(s.concentration_mg_ml)},
                 {"reference_concentration_mg_ml", num(s.reference_concentration_mg_ml)},
                 {"concentration_exponent", num(s.concentration_exponent)},
                 {"activation_energy_kj_mol", num(s.activation_energy_kj_mol)},
                 {"carreau_time_s", num(s.carreau_time_s)},
                 {"carreau_index", num(s.carreau_index)},
                 {"infinite_shear_viscosity_pa_s", num(s.infinite_shear_viscosity_pa_s)},
                 {"rule", [&](auto& n, auto& k) { s.rule = string(n, k); }},
                 {"secretion_mg_ml_per_strain", num(s.secretion_mg_ml_per_strain)},
                 {"shear_rate_threshold_per_s", num(s.shear_rate_threshold_per_s)},
                 {"reference_stress_kpa", num(s.reference_stress_kpa)},
                 {"turnover_time_s", num(s.turnover_time_s)},
                 {"water_binding_kg_per_kg", num(s.water_binding_kg_per_kg)}});
  }

  void water(const toml::table& t, WaterSpec& s) const {
    auto str = [&](std::string& dst) { return [&, p = &dst](auto& n, auto& k) { *p = string(n, k); }; };
    read_fields(t, "water",
                {{"model", str(s.model)}, {"flow", str(s.flow)}, {"top", str(s.top)},
                 {"bottom", str(s.bottom)}, {"sides", str(s.sides)}});
  }

  void output(const toml::table& t, OutputSpec& s) const {
    read_fields(t, "output",
                {{"file", [&](auto& n, auto& k) { s.file = string(n, k); }},
                 {"frame_interval_s", [&](auto& n, auto& k) { s.frame_interval_s = number(n, k); }}});
  }

  /// Keys by protocol kind. `kind`, `radius_mm` and `frame_interval_s` apply to every kind.
  static std::vector<std::string> protocol_keys(const std::string& kind) {
    std::vector<std::string> keys = {"kind", "radius_mm", "frame_interval_s"};
    if (kind == "impulse") {
      keys.insert(keys.end(), {"force_n", "duration_s", "end_s", "direction"});
    } else {
      keys.insert(keys.end(), {"pressure_kpa", "ramp_s"});
      if (kind == "static_pressure") keys.push_back("hold_s");
      else keys.insert(keys.end(), {"amplitude_mm", "frequency_hz", "cycles"});
      if (kind == "compression_active_shear") keys.insert(keys.end(), {"drive", "active_stress_kpa"});
      keys.insert(keys.end(), {"release_s", "recover_s", "friction"});
    }
    return keys;
  }

  static const std::vector<std::string>& protocol_kinds() {
    static const std::vector<std::string> kinds = {"impulse", "static_pressure", "compression_active_shear",
                                                   "compression_passive_shear"};
    return kinds;
  }

  ProtocolSpec protocol(const std::string& name, const toml::table& t) const {
    const std::string prefix = "protocol." + name;
    ProtocolSpec s;
    s.name = name;
    std::vector<std::string> quoted;
    for (const auto& k : protocol_kinds()) quoted.push_back("\"" + k + "\"");
    const toml::node* kind_node = t.get("kind");
    if (!kind_node) {
      fail(prefix + ".kind", "missing; every [" + prefix + "] table needs a kind, one of " + join(quoted),
           t.source());
    }
    s.kind = string(*kind_node, prefix + ".kind");
    const auto& kinds = protocol_kinds();
    if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) {
      const std::string guess = suggest(s.kind, kinds);
      fail(prefix + ".kind", "value \"" + s.kind + "\" is not allowed" +
                                 (guess.empty() ? "" : " (did you mean \"" + guess + "\"?)") + "; allowed " +
                                 join(quoted),
           *kind_node);
    }

    auto num = [&](double& dst) { return [&, p = &dst](auto& n, auto& k) { *p = number(n, k); }; };
    const std::vector<Field> all = {
        {"kind", [](auto&, auto&) {}},
        {"radius_mm", num(s.radius_mm)},
        {"frame_interval_s", num(s.frame_interval_s)},
        {"pressure_kpa", num(s.pressure_kpa)},
        {"ramp_s", num(s.ramp_s)},
        {"hold_s", num(s.hold_s)},
        {"amplitude_mm", num(s.amplitude_mm)},
        {"frequency_hz", num(s.frequency_hz)},
        {"cycles", [&](auto& n, auto& k) { s.cycles = int32(n, k); }},
        {"release_s", num(s.release_s)},
        {"recover_s", num(s.recover_s)},
        {"friction", num(s.friction)},
        {"drive", [&](auto& n, auto& k) { s.drive = string(n, k); }},
        {"active_stress_kpa", num(s.active_stress_kpa)},
        {"force_n", num(s.force_n)},
        {"duration_s", num(s.duration_s)},
        {"end_s", num(s.end_s)},
        {"direction", [&](auto& n, auto& k) { s.direction = fixed_numbers<3>(n, k); }},
    };
    const std::vector<std::string> allowed = protocol_keys(s.kind);
    std::vector<Field> fields;
    for (const auto& name_ : allowed)
      fields.push_back(*std::find_if(all.begin(), all.end(), [&](const Field& f) { return f.name == name_; }));

    read_fields(t, prefix, fields, [&](std::string_view key, const toml::source_region& r) {
      const bool known_elsewhere =
          std::any_of(all.begin(), all.end(), [&](const Field& f) { return f.name == key; });
      if (!known_elsewhere) return;  // a plain unknown key: read_fields reports it
      std::string hint;
      if (key == "hold_s") hint = " (the hold of a shear protocol lasts cycles / frequency_hz)";
      fail(prefix + "." + std::string(key),
           "does not apply to kind \"" + s.kind + "\"" + hint + "; allowed keys for this kind: " + join(allowed),
           r);
    });
    return s;
  }

  ScenarioSpec scenario(const toml::table& root) const {
    ScenarioSpec spec;
    const std::vector<std::string> sections = {"tissue", "material", "water", "geometry", "solver", "adhesion", "ha", "protocol", "output"};
    for (auto&& [kp, vp] : in_file_order(root)) {
      const toml::key& k = *kp;
      const toml::node& v = *vp;
      const std::string key(k.str());
      if (std::find(sections.begin(), sections.end(), key) == sections.end()) {
        const std::string what = v.is_table() ? "table" : "top-level key";
        const std::string guess = suggest(key, sections);
        fail(key, "unknown " + what + (guess.empty() ? "" : " (did you mean [" + guess + "]?)") +
                      "; allowed tables: [tissue], [material], [water], [geometry], [solver], [adhesion], [ha], [protocol.NAME], "
                      "[output]",
             k.source());
      }
      const toml::table& t = table(v, key);
      if (key == "tissue") tissue(t, spec.tissue);
      else if (key == "material") material(t, spec.material);
      else if (key == "water") water(t, spec.water);
      else if (key == "geometry") geometry(t, spec.geometry);
      else if (key == "solver") solver(t, spec.solver);
      else if (key == "adhesion") adhesion(t, spec.adhesion);
      else if (key == "ha") ha(t, spec.ha);
      else if (key == "output") output(t, spec.output);
      else {
        for (auto&& [pkp, pvp] : in_file_order(t)) {
          const toml::key& pk = *pkp;
          const toml::node& pv = *pvp;
          const std::string name(pk.str());
          const std::string path = "protocol." + name;
          if (!pv.is_table()) {
            fail(path, "expected a table [" + path + "] (one per run), got " + describe(pv) +
                           "; write protocols as [protocol.NAME] tables",
                 pk.source());
          }
          spec.protocols.push_back(protocol(name, *pv.as_table()));
        }
      }
    }
    return spec;
  }

private:
  std::string origin_;
};

}  // namespace

ScenarioSpec parse_scenario(const std::string& toml_text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw InputError("", one_line(origin + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) +
                                  ": TOML syntax error: " + std::string(e.description())));
  }
  const Parser parser(origin);
  ScenarioSpec spec = parser.scenario(root);
  spec.source_text = toml_text;
  try {
    spec.validate();
  } catch (const InputError& e) {
    // Add the source position of the offending key when the file has it.
    std::string message = e.what();
    if (!e.key().empty() && message.rfind(e.key() + ": ", 0) == 0) message.erase(0, e.key().size() + 2);
    std::string where;
    if (!e.key().empty()) {
      const auto node = toml::at_path(root, e.key());
      if (node) where = parser.where(node.node()->source());
    }
    throw InputError(one_line(e.key()), one_line(message + where));
  }
  return spec;
}

ScenarioSpec load_scenario_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError("", "cannot read scenario file '" + one_line(path) + "': it is a directory");
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    const int err = errno;
    throw InputError("", "cannot open scenario file '" + one_line(path) + "': " + std::strerror(err));
  }
  std::string text;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) throw InputError("", "cannot read scenario file '" + one_line(path) + "': " + std::strerror(err));
  return parse_scenario(text, path);
}

}  // namespace fascia
