// SPDX-License-Identifier: MIT
/// @file Encodings for `fascia view` pages (see encode.hpp).
#include "view/encode.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fascia::view {

Quantized quantize(const std::vector<double>& values, std::size_t first, std::size_t stride) {
  Quantized out;
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  for (std::size_t i = first; i < values.size(); i += stride)
    if (std::isfinite(values[i])) {
      lo = std::min(lo, values[i]);
      hi = std::max(hi, values[i]);
    }
  if (!(lo <= hi)) lo = hi = 0.0;  // no finite value
  out.offset = lo;
  out.scale = (hi - lo) / 65534.0;
  for (std::size_t i = first; i < values.size(); i += stride) {
    const double v = values[i];
    if (!std::isfinite(v)) {
      out.q.push_back(kQuantizedNaN);
    } else {
      const double q = out.scale > 0 ? std::round((v - lo) / out.scale) : 0.0;
      out.q.push_back(static_cast<std::uint16_t>(std::clamp(q, 0.0, 65534.0)));
    }
  }
  return out;
}

std::string deflate_bytes(const void* data, std::size_t size) {
  uLongf capacity = compressBound(static_cast<uLong>(size));
  std::string out(capacity, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &capacity, static_cast<const Bytef*>(data),
                           static_cast<uLong>(size), 6);
  if (rc != Z_OK) throw std::runtime_error("zlib compress2 failed (" + std::to_string(rc) + ")");
  out.resize(capacity);
  return out;
}

std::string base64(const std::string& bytes) {
  static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], table[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = byte(i) << 16;
    out += {table[v >> 18], table[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], '='};
  }
  return out;
}

}  // namespace fascia::view
