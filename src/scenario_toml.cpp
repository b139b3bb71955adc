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
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "fascia/core/error.hpp"
#include "toml_screen.hpp"
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
    case toml::node_type::string: os << "string \"" << detail::shorten(n.as_string()->get()) << "\""; break;
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
    throw InputError(one_line(detail::shorten(key, 160)), one_line(message + where(n.source())));
  }
  [[noreturn]] void fail(const std::string& key, const std::string& message,
                         const toml::source_region& r) const {
    throw InputError(one_line(detail::shorten(key, 160)), one_line(message + where(r)));
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

  bool boolean(const toml::node& n, const std::string& key) const {
    if (auto* b = n.as_boolean()) return b->get();
    fail(key, "expected a boolean (true or false), got " + describe(n), n);
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

  // ---- tables of keys -----------------------------------------------------------------------
  [[noreturn]] void unknown_key(const std::string& path, std::string_view key,
                                const std::vector<std::string>& allowed, const toml::source_region& r,
                                const std::string& what = "key") const {
    const std::string guess = suggest(key, allowed);
    fail(path, "unknown " + what + (guess.empty() ? "" : " (did you mean '" + guess + "'?)") + "; allowed " +
                   what + "s: " + join(allowed),
         r);
  }

  /// Reads one TOML value into a member of the type the schema declares.
  template <class T>
  void read_value(const toml::node& n, const std::string& key, T& out) const {
    if constexpr (std::is_same_v<T, double>) out = number(n, key);
    else if constexpr (std::is_same_v<T, std::optional<double>>) out = number(n, key);
    else if constexpr (std::is_same_v<T, int>) out = int32(n, key);
    else if constexpr (std::is_same_v<T, std::uint64_t>)
      out = static_cast<std::uint64_t>(integer(n, key, 0, std::numeric_limits<std::int64_t>::max()));
    else if constexpr (std::is_same_v<T, bool>) out = boolean(n, key);
    else if constexpr (std::is_same_v<T, std::string>) out = string(n, key);
    else if constexpr (std::is_same_v<T, std::vector<double>>) out = numbers(n, key);
    else out = fixed_numbers<std::tuple_size_v<T>>(n, key);
  }

  /// Reads every key of `t` into `s` through the schema of S; unknown keys are errors, and so are
  /// keys that do not apply to a protocol of `kind`.
  template <class S>
  void read_table(const toml::table& t, const std::string& prefix, S& s, std::string_view kind = {}) const {
    const auto& keys = schema::Schema<S>::keys();
    std::vector<std::string> allowed;
    for (const auto& k : keys)
      if (schema::applies(k, kind)) allowed.emplace_back(k.name);
    for (auto&& [kp, vp] : in_file_order(t)) {
      const std::string name(kp->str());
      const std::string path = prefix + "." + name;
      const auto* key = schema::find<S>(name);
      if (!key) unknown_key(path, name, allowed, kp->source());
      if (!schema::applies(*key, kind)) {
        const std::string hint =
            name == "hold_s" ? " (the hold of a shear protocol lasts cycles / frequency_hz)" : "";
        fail(path,
             "does not apply to kind \"" + std::string(kind) + "\"" + hint + "; allowed keys for this kind: " +
                 join(allowed),
             kp->source());
      }
      const toml::node& value = *vp;  // a named reference: clang 14 cannot capture a structured binding
      std::visit([&](auto member) { read_value(value, path, s.*member); }, key->member);
    }
  }

  static std::vector<std::string> protocol_kinds() {
    const auto& choices = std::get<schema::Choices>(schema::find<ProtocolSpec>("kind")->allowed);
    return {choices.begin(), choices.end()};
  }

  ProtocolSpec protocol(const std::string& name, const toml::table& t) const {
    const std::string prefix = "protocol." + name;
    ProtocolSpec s;
    s.name = name;
    const std::vector<std::string> kinds = protocol_kinds();
    std::vector<std::string> quoted;
    for (const auto& k : kinds) quoted.push_back("\"" + k + "\"");
    const toml::node* kind_node = t.get("kind");
    if (!kind_node) {
      fail(prefix + ".kind", "missing; every [" + prefix + "] table needs a kind, one of " + join(quoted),
           t.source());
    }
    s.kind = string(*kind_node, prefix + ".kind");
    if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) {
      const std::string guess = suggest(s.kind, kinds);
      fail(prefix + ".kind", "value \"" + detail::shorten(s.kind) + "\" is not allowed" +
                                 (guess.empty() ? "" : " (did you mean \"" + guess + "\"?)") + "; allowed " +
                                 join(quoted),
           *kind_node);
    }
    const std::string kind = s.kind;  // read_table writes s.kind again
    read_table(t, prefix, s, kind);
    return s;
  }

  void protocols(const toml::table& t, ScenarioSpec& spec) const {
    for (auto&& [pkp, pvp] : in_file_order(t)) {
      const std::string name(pkp->str());
      const std::string path = "protocol." + name;
      if (!pvp->is_table()) {
        fail(path, "expected a table [" + path + "] (one per run), got " + describe(*pvp) +
                       "; write protocols as [protocol.NAME] tables",
             pkp->source());
      }
      spec.protocols.push_back(protocol(name, *pvp->as_table()));
    }
  }

  ScenarioSpec scenario(const toml::table& root) const {
    ScenarioSpec spec;
    std::vector<std::string> sections;
    schema::for_each_section([&](const auto& sec) { sections.emplace_back(sec.name); });
    sections.emplace_back("protocol");
    std::string listed;
    for (const auto& name : sections) listed += (listed.empty() ? "[" : ", [") + name + (name == "protocol" ? ".NAME]" : "]");
    for (auto&& [kp, vp] : in_file_order(root)) {
      const std::string key(kp->str());
      if (std::find(sections.begin(), sections.end(), key) == sections.end()) {
        const std::string what = vp->is_table() ? "table" : "top-level key";
        const std::string guess = suggest(key, sections);
        fail(key, "unknown " + what + (guess.empty() ? "" : " (did you mean [" + guess + "]?)") +
                      "; allowed tables: " + listed,
             kp->source());
      }
      const toml::table& t = table(*vp, key);
      if (key == "protocol") protocols(t, spec);
      schema::for_each_section([&](const auto& sec) {
        if (sec.name == key) read_table(t, key, spec.*sec.member);
      });
    }
    return spec;
  }

private:
  std::string origin_;
};

}  // namespace

ScenarioSpec parse_scenario(const std::string& toml_text, const std::string& origin) {
  detail::screen_toml_text(toml_text, origin);  // toml++ 3.3.0 undefined behaviour (toml_screen.hpp)
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw InputError("", one_line(origin + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) +
                                  ": TOML syntax error: " + detail::shorten(std::string(e.description()), 200)));
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
  ScenarioSpec spec = parse_scenario(text, path);
  // A relative geometry.mesh_file names a file next to the scenario (docs/scenario.md); when there
  // is none there, it stays relative to the working directory.
  std::string& mesh = spec.geometry.mesh_file;
  if (!mesh.empty() && std::filesystem::path(mesh).is_relative()) {
    const auto beside = std::filesystem::path(path).parent_path() / mesh;
    if (std::filesystem::exists(beside, ec)) mesh = beside.lexically_normal().string();
  }
  return spec;
}

}  // namespace fascia
