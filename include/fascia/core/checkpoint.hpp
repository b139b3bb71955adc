// SPDX-License-Identifier: MIT
#pragma once
/// @file Checkpoint: the state a run needs to continue bit for bit, as named exact copies of its
/// values (native byte order), stored by io::RunWriter in `/runs/<name>/checkpoint`
/// (docs/hdf5-schema.md "Checkpoints").
///
/// Values are copied byte for byte rather than converted, because a resumed run must continue from
/// exactly the bits it stopped at. Whatever holds state declares it once, in a
/// `resume_state(CheckpointIO&)` that lists its members; the same list saves and restores, so the
/// two directions cannot drift apart.
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "fascia/core/error.hpp"

namespace fascia {

struct Checkpoint {
  std::map<std::string, std::vector<std::uint8_t>> items;
};

/// A value copied byte for byte: numbers, trivially copyable structs of numbers, std::array of
/// plain values and fixed-size Eigen matrices (which hold their coefficients inline, so their bytes
/// are their values, though Eigen declares its own copy constructor).
template <class T>
struct IsCheckpointPlain
    : std::bool_constant<std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> && !std::is_member_pointer_v<T>> {};
template <class T, std::size_t N>
struct IsCheckpointPlain<std::array<T, N>> : IsCheckpointPlain<T> {};
template <class T>
  requires(T::RowsAtCompileTime > 0 && T::ColsAtCompileTime > 0 && std::is_arithmetic_v<typename T::Scalar>)
struct IsCheckpointPlain<T> : std::bool_constant<std::is_standard_layout_v<T>> {};
template <class T>
concept CheckpointPlain = IsCheckpointPlain<T>::value;

/// Saves values into a Checkpoint or restores them from it: `io(key, value)` for a plain value, a
/// std::optional of one, a std::vector of plain values or of such vectors, and a std::tuple of
/// references to any of these (an element group's history(), elements/history.hpp).
class CheckpointIO {
public:
  CheckpointIO(Checkpoint& checkpoint, bool save) : cp_(checkpoint), save_(save) {}
  bool saving() const { return save_; }

  template <CheckpointPlain T>
  void operator()(const std::string& key, T& value) {
    if (save_) return put(key, &value, sizeof(T));
    const auto& bytes = find(key);
    if (bytes.size() != sizeof(T)) mismatch(key);
    std::memcpy(static_cast<void*>(&value), bytes.data(), sizeof(T));
  }
  template <CheckpointPlain T>
  void operator()(const std::string& key, std::vector<T>& values) {
    if (save_) return put(key, values.data(), values.size() * sizeof(T));
    const auto& bytes = find(key);
    if (bytes.size() % sizeof(T) != 0) mismatch(key);
    values.resize(bytes.size() / sizeof(T));
    if (!bytes.empty()) std::memcpy(static_cast<void*>(values.data()), bytes.data(), bytes.size());
  }
  /// A vector of vectors: its sizes, then each inner vector under `key.<i>`.
  template <CheckpointPlain T>
  void operator()(const std::string& key, std::vector<std::vector<T>>& values) {
    std::vector<std::uint64_t> sizes;
    for (const auto& v : values) sizes.push_back(v.size());
    (*this)(key + ".sizes", sizes);
    if (!save_) values.resize(sizes.size());
    for (std::size_t i = 0; i < values.size(); ++i) (*this)(key + "." + std::to_string(i), values[i]);
  }
  template <CheckpointPlain T>
  void operator()(const std::string& key, std::optional<T>& value) {
    std::uint8_t present = value.has_value();
    T v = value.value_or(T{});
    (*this)(key + ".present", present);
    (*this)(key, v);
    if (!save_) value = present ? std::optional<T>(v) : std::nullopt;
  }
  /// Members of a tuple of references, as `key.0`, `key.1`, ...
  template <class... T>
  void operator()(const std::string& key, std::tuple<T&...> members) {
    std::size_t i = 0;
    std::apply([&](auto&... m) { ((*this)(key + "." + std::to_string(i++), m), ...); }, members);
  }

private:
  void put(const std::string& key, const void* data, std::size_t size) {
    auto& bytes = cp_.items[key];
    bytes.resize(size);
    if (size) std::memcpy(bytes.data(), data, size);
  }
  const std::vector<std::uint8_t>& find(const std::string& key) const {
    const auto it = cp_.items.find(key);
    if (it == cp_.items.end()) mismatch(key);
    return it->second;
  }
  [[noreturn]] static void mismatch(const std::string& key) {
    throw InputError("--resume", "the checkpoint in the file does not fit this scenario and build (item '" + key +
                                     "' missing or of another size); run again without --resume");
  }

  Checkpoint& cp_;
  bool save_;
};

}  // namespace fascia
