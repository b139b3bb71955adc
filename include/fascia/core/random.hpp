// SPDX-License-Identifier: MIT
#pragma once
/// @file Counter-based random numbers: a value is a pure function of (seed, stream, a, b), so
/// results never depend on thread count or evaluation order (keyed by seed, bond and step: docs/model.md §3.6 "Adhesions").
#include <cmath>
#include <cstdint>
#include <numbers>

namespace fascia {

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Named streams so that different uses of one seed are independent.
enum class Stream : std::uint64_t { lattice = 1, fiber_failure = 2, adhesion_rupture = 3,
                                    adhesion_heal = 4, adhesion_layout = 5 };

/// 64 random bits for (seed, stream, a, b).
constexpr std::uint64_t random_bits(std::uint64_t seed, Stream s, std::uint64_t a, std::uint64_t b = 0) {
  return mix64(mix64(mix64(mix64(seed) ^ static_cast<std::uint64_t>(s)) ^ a) ^ b);
}

/// Uniform in (0, 1) (never 0, so log() is safe).
inline double random_uniform(std::uint64_t seed, Stream s, std::uint64_t a, std::uint64_t b = 0) {
  return (static_cast<double>(random_bits(seed, s, a, b) >> 11) + 0.5) * 0x1.0p-53;
}

/// Standard normal by Box–Muller on two independent counters.
inline double random_normal(std::uint64_t seed, Stream s, std::uint64_t a, std::uint64_t b = 0) {
  const double u1 = random_uniform(seed, s, a, 2 * b);
  const double u2 = random_uniform(seed, s, a, 2 * b + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace fascia
