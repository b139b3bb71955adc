// SPDX-License-Identifier: MIT
#pragma once
/// @file Errors that name what went wrong and where.
///
/// Every user-facing error carries the key path of the offending input (e.g.
/// `protocol.active.frequency_hz`), the value that was given and the allowed range, so that a
/// CLI can print one line and a Python binding can raise a `ValueError` with the same text.
#include <sstream>
#include <stdexcept>
#include <string>

namespace fascia {

/// Invalid user input: a scenario key, a parameter, a file.
class InputError : public std::runtime_error {
public:
  InputError(std::string key, std::string message)
      : std::runtime_error(key.empty() ? message : key + ": " + message), key_(std::move(key)) {}
  /// Key path of the offending input (may be empty for whole-file errors).
  const std::string& key() const noexcept { return key_; }

private:
  std::string key_;
};

/// The simulation itself failed (non-finite state, energy blow-up, solver breakdown).
class SimulationError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

namespace detail {
template <class T>
std::string to_text(const T& v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

/// `text` cut to at most `max_bytes` (on a UTF-8 character boundary) with the size of what was left
/// out, so that an error echoing user input stays one readable line however long the input was.
inline std::string shorten(const std::string& text, std::size_t max_bytes = 64) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // continuation byte
  return text.substr(0, cut) + "... (" + std::to_string(text.size()) + " bytes)";
}
}  // namespace detail

/// Throws InputError unless lo <= value <= hi (inclusive bounds).
inline void require_in_range(const std::string& key, double value, double lo, double hi,
                             const std::string& unit = "") {
  if (!(value >= lo && value <= hi)) {  // written this way so NaN fails too
    throw InputError(key, "value " + detail::to_text(value) + " is out of range; allowed [" +
                              detail::to_text(lo) + ", " + detail::to_text(hi) + "]" +
                              (unit.empty() ? "" : " " + unit));
  }
}

/// Throws InputError unless value > 0 and finite.
inline void require_positive(const std::string& key, double value, const std::string& unit = "") {
  if (!(value > 0.0) || value > 1e300) {
    throw InputError(key, "value " + detail::to_text(value) + " must be positive and finite" +
                              (unit.empty() ? "" : " [" + unit + "]") + "; allowed (0, inf)");
  }
}

/// Throws InputError unless value >= 0 and finite.
inline void require_non_negative(const std::string& key, double value, const std::string& unit = "") {
  if (!(value >= 0.0) || value > 1e300) {
    throw InputError(key, "value " + detail::to_text(value) + " must be non-negative and finite" +
                              (unit.empty() ? "" : " [" + unit + "]") + "; allowed [0, inf)");
  }
}

}  // namespace fascia
