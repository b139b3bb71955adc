// SPDX-License-Identifier: MIT
#pragma once
/// @file The vocabulary of a scenario schema: one `Key` per TOML key of a spec struct.
///
/// Each spec struct of `scenario_spec.hpp` declares its keys once, as a list of `Key`s right below
/// the struct (key name, member, unit, allowed values, one-line doc; the default is the member's
/// in-class initialiser). That list drives the TOML reader, the range checks and their messages,
/// the Python attributes and keyword constructor, `to_toml` and the key tables of docs/scenario.md.
/// docs/architecture.md ("Adding a scenario key") shows the steps.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fascia/core/error.hpp"

namespace fascia::schema {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// An interval of allowed numbers. An infinite bound means "unbounded" (NaN and infinities always
/// fail). A bound may be another key of the same table (`lo_key`, `hi_key`), e.g. failure_strain
/// in (toe_strain, 2]; then `lo`/`hi` is ignored for that end. For integer members the bounds are
/// the allowed integers.
struct Range {
  double lo = -kInf;
  bool lo_open = true;
  double hi = kInf;
  bool hi_open = true;
  std::string_view lo_key;
  std::string_view hi_key;
};

/// [lo, hi]
constexpr Range closed(double lo, double hi) { return {lo, false, hi, false, {}, {}}; }
/// (lo, hi]
constexpr Range open_closed(double lo, double hi) { return {lo, true, hi, false, {}, {}}; }
/// [lo, hi)
constexpr Range closed_open(double lo, double hi) { return {lo, false, hi, true, {}, {}}; }
/// (lo, hi)
constexpr Range open(double lo, double hi) { return {lo, true, hi, true, {}, {}}; }
/// any finite number
constexpr Range finite() { return {-kInf, true, kInf, true, {}, {}}; }
/// (lo_key, hi]: above the value of another key of the same table
constexpr Range above(std::string_view lo_key, double hi) { return {0, true, hi, false, lo_key, {}}; }
/// [lo_key, hi_key]: between the values of two other keys of the same table
constexpr Range between(std::string_view lo_key, std::string_view hi_key) {
  return {0, false, 0, false, lo_key, hi_key};
}

/// The allowed strings of a string key.
using Choices = std::vector<std::string_view>;

/// What a key accepts: anything of its type, an interval, or one of a list of strings.
using Allowed = std::variant<std::monostate, Range, Choices>;

/// A member of spec struct S that a key reads and writes. These are the value types a scenario
/// key may have; add one here (and to the readers in src/scenario_toml.cpp) before using it.
template <class S>
using Member = std::variant<double S::*, int S::*, bool S::*, std::uint64_t S::*, std::string S::*,
                            std::optional<double> S::*, std::vector<double> S::*,
                            std::array<double, 2> S::*, std::array<double, 3> S::*>;

/// One TOML key of spec struct S.
template <class S>
struct Key {
  Key(std::string_view name_, Member<S> member_, std::string_view unit_, Allowed allowed_, std::string_view doc_,
      std::vector<std::string_view> kinds_ = {}, std::string_view note_ = {}, std::string_view shown_default_ = {})
      : name(name_), member(member_), unit(unit_), allowed(std::move(allowed_)), doc(doc_), kinds(std::move(kinds_)),
        note(note_), shown_default(shown_default_) {}
  std::string_view name;  ///< the TOML key, equal to the member's name
  Member<S> member;
  std::string_view unit;  ///< as shown in messages and docs ("MPa", "s", "1/mm^2"); empty = none
  Allowed allowed;        ///< checked by validate(); array and list members: each element
  std::string_view doc;   ///< one line for docs/scenario.md and the Python attribute's docstring
  /// Protocol keys: the protocol kinds the key applies to (a key of another kind is an error);
  /// empty = every kind. Unused for the other tables.
  std::vector<std::string_view> kinds;
  /// A further rule that the struct's validate() checks by hand (shown in the docs' "allowed"
  /// column), or the default shown in the docs where the member's initialiser does not say it.
  std::string_view note;
  std::string_view shown_default;
};

template <class S>
using Keys = std::vector<Key<S>>;

/// Specialised below each spec struct: `static const Keys<S>& keys()` returns its declaration.
template <class S>
struct Schema;

/// Whether `key` applies to a protocol of `kind` (always true outside protocols).
template <class S>
bool applies(const Key<S>& key, std::string_view kind) {
  if (key.kinds.empty()) return true;
  for (auto k : key.kinds)
    if (k == kind) return true;
  return false;
}

/// The key named `name` of S, or nullptr.
template <class S>
const Key<S>* find(std::string_view name) {
  for (const auto& k : Schema<S>::keys())
    if (k.name == name) return &k;
  return nullptr;
}

/// The enumerator of E named `value`, `names` giving every enumerator's name in declaration order:
/// how the scenario layer turns a (validated) choice into the enum the layers below take. Throws
/// InputError naming `key`, the value and the allowed names for any other text.
template <class E, std::size_t N>
E enum_named(const std::string& key, std::string_view value, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == value) return E(i);
  std::string allowed;
  for (std::string_view n : names) allowed += (allowed.empty() ? "\"" : ", \"") + std::string(n) + "\"";
  throw InputError(key, "value \"" + detail::shorten(std::string(value), 200) + "\" is not allowed; allowed " + allowed);
}

}  // namespace fascia::schema
