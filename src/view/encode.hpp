// SPDX-License-Identifier: MIT
#pragma once
/// @file Compact encodings for the page's data: uint16 quantisation with scale and offset,
/// zlib deflate (the page inflates it with the browser's DecompressionStream("deflate")) and
/// base64 text.
#include <cstdint>
#include <string>
#include <vector>

namespace fascia::view {

/// Quantised values: value = offset + scale * q for q in [0, 65534]; q = 65535 marks NaN.
struct Quantized {
  double offset = 0.0, scale = 0.0;
  std::vector<std::uint16_t> q;
};
constexpr std::uint16_t kQuantizedNaN = 65535;

/// Quantises every `stride`-th value starting at `first` (one component of interleaved data)
/// over the finite range of those values; the largest error is scale / 2.
Quantized quantize(const std::vector<double>& values, std::size_t first = 0, std::size_t stride = 1);

/// zlib-format deflate (RFC 1950) of raw bytes.
std::string deflate_bytes(const void* data, std::size_t size);

std::string base64(const std::string& bytes);

}  // namespace fascia::view
