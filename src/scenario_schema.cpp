// SPDX-License-Identifier: MIT
/// @file What the scenario schema (scenario_spec.hpp) writes: TOML text of a spec (toml++) and the
/// key tables of docs/scenario.md.
#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/scenario_spec.hpp"

namespace fascia {
namespace {

// ---- TOML --------------------------------------------------------------------------------------

/// Shortest text that reads back as the same double (std::to_chars), always a TOML float. toml++
/// 3.3 as packaged prints 17 significant digits (0.59999999999999998), exact but unreadable.
std::string float_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

/// The TOML text of a member value (an optional is asked for only when it holds a value).
template <class T>
std::string value_text(const T& v) {
  if constexpr (std::is_same_v<T, std::optional<double>>) return value_text(*v);
  else if constexpr (std::is_same_v<T, double>) return float_text(v);
  else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
  else if constexpr (std::is_integral_v<T>) return std::to_string(v);
  else if constexpr (std::is_same_v<T, std::string>) {
    std::ostringstream os;  // toml++ quotes and escapes
    os << toml::toml_formatter(toml::value<std::string>(v), toml::format_flags::none);
    return os.str();
  } else {
    std::string s;
    for (double x : v) s += (s.empty() ? "" : ", ") + float_text(x);
    return "[" + s + "]";
  }
}

/// "key = value" lines of the keys of `s` that differ from `defaults`, in declaration order.
template <class S>
std::string key_lines(const S& s, const S& defaults) {
  std::string out;
  for (const auto& k : schema::Schema<S>::keys()) {
    std::visit(
        [&](auto member) {
          const auto& v = s.*member;
          if constexpr (std::is_same_v<std::remove_cvref_t<decltype(v)>, std::optional<double>>) {
            if (!v) return;
          }
          const bool required = std::is_same_v<S, ProtocolSpec> && k.name == "kind";
          if (v == defaults.*member && !required) return;
          out += std::string(k.name) + " = " + value_text(v) + "\n";
        },
        k.member);
  }
  return out;
}

/// A table header: `[a.b]`, quoting a name that is not a bare TOML key.
std::string header(std::string_view section, std::string_view name = {}) {
  auto key = [](std::string_view k) {
    const bool bare = !k.empty() && k.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                        "0123456789_-") == std::string_view::npos;
    if (bare) return std::string(k);
    return value_text(std::string(k));
  };
  return "[" + key(section) + (name.empty() ? "" : "." + key(name)) + "]\n";
}

// ---- docs ----------------------------------------------------------------------------------------

std::string num(double v) { return detail::to_text(v); }

template <class T>
std::string type_name() {
  if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::optional<double>>) return "float";
  else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::uint64_t>) return "integer";
  else if constexpr (std::is_same_v<T, bool>) return "boolean";
  else if constexpr (std::is_same_v<T, std::string>) return "string";
  else if constexpr (std::is_same_v<T, std::vector<double>>) return "array of floats";
  else return "array of " + std::to_string(std::tuple_size_v<T>) + " floats";
}

template <class T>
std::string shown(const T& v) {
  if constexpr (std::is_same_v<T, std::optional<double>>) return v ? num(*v) : "–";
  else if constexpr (std::is_same_v<T, bool>) return v ? "`true`" : "`false`";
  else if constexpr (std::is_same_v<T, std::string>) return "`\"" + v + "\"`";
  else if constexpr (std::is_arithmetic_v<T>) return num(static_cast<double>(v));
  else {
    std::string s;
    for (double x : v) s += (s.empty() ? "" : ", ") + num(x);
    return "[" + s + "]";
  }
}

std::string bound(double v, std::string_view key, bool lower) {
  if (!key.empty()) return std::string(key);
  if (std::isinf(v)) return lower ? "-inf" : "inf";
  return num(v);
}

template <class S>
std::string allowed_text(const schema::Key<S>& k, bool per_element) {
  std::string s = "–";
  if (const auto* r = std::get_if<schema::Range>(&k.allowed)) {
    const bool hi_open = r->hi_open || (r->hi_key.empty() && std::isinf(r->hi));
    s = (r->lo_key.empty() && r->hi_key.empty() && std::isinf(r->lo) && std::isinf(r->hi))
            ? "finite"
            : std::string(r->lo_open ? "(" : "[") + bound(r->lo, r->lo_key, true) + ", " +
                  bound(r->hi, r->hi_key, false) + (hi_open ? ")" : "]");
    if (per_element) s = "each " + (s == "finite" ? s : "in " + s);
  } else if (const auto* c = std::get_if<schema::Choices>(&k.allowed)) {
    s.clear();
    for (auto x : *c) s += (s.empty() ? "`\"" : ", `\"") + std::string(x) + "\"`";
  }
  if (k.note.empty()) return s;
  return s == "–" ? std::string(k.note) : s + "; " + std::string(k.note);
}

template <class S>
std::string markdown(bool with_kinds) {
  const S defaults{};
  std::ostringstream os;
  os << "| key | type | unit | default | allowed |" << (with_kinds ? " kinds |" : "") << " meaning |\n"
     << "|---|---|---|---|---|" << (with_kinds ? "---|" : "") << "---|\n";
  for (const auto& k : schema::Schema<S>::keys()) {
    std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(defaults.*member)>;
          const bool per_element = !std::is_arithmetic_v<T> && !std::is_same_v<T, std::string> &&
                                   !std::is_same_v<T, std::optional<double>>;
          os << "| `" << k.name << "` | " << type_name<T>() << " | " << (k.unit.empty() ? "–" : k.unit) << " | "
             << (k.shown_default.empty() ? shown(defaults.*member) : std::string(k.shown_default)) << " | "
             << allowed_text(k, per_element) << " | ";
          if (with_kinds) {
            std::string kinds;
            for (auto x : k.kinds) kinds += (kinds.empty() ? "" : ", ") + std::string(x);
            os << (kinds.empty() ? "all" : kinds) << " | ";
          }
          os << k.doc << " |\n";
        },
        k.member);
  }
  return os.str();
}

}  // namespace

std::string to_toml(const ScenarioSpec& spec) {
  const ScenarioSpec defaults;
  std::string out;
  auto section = [&](std::string_view name, const auto& s, const auto& d) {
    const std::string lines = key_lines(s, d);
    if (!lines.empty()) out += (out.empty() ? "" : "\n") + header(name) + lines;
  };
  schema::for_each_section([&](const auto& sec) {
    if (sec.name != "output") section(sec.name, spec.*sec.member, defaults.*sec.member);
  });
  const ProtocolSpec default_protocol;
  for (const auto& p : spec.protocols)
    out += (out.empty() ? "" : "\n") + header("protocol", p.name) + key_lines(p, default_protocol);
  section("output", spec.output, defaults.output);
  return out;
}

std::string key_table_markdown(std::string_view table) {
  std::string out;
  if (table == "protocol") return markdown<ProtocolSpec>(true);
  schema::for_each_section([&](const auto& sec) {
    using S = std::remove_cvref_t<decltype(ScenarioSpec{}.*sec.member)>;
    if (sec.name == table) out = markdown<S>(false);
  });
  if (out.empty()) throw InputError(std::string(table), "no such scenario table");
  return out;
}

}  // namespace fascia
