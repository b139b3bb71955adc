// SPDX-License-Identifier: MIT
#pragma once
/// @file A dispersed in-plane collagen fibre family as a discrete set of directions with weights
/// (docs/model.md "Finite elements: fibres in the continuum").
///
/// The density of directions a(θ) = (cos θ, sin θ, 0) is the π-periodic von Mises density
/// ∝ exp(kappa cos 2(θ - θ0)) that the lattice's fibre stencil is fitted to (lattice/calibration.hpp,
/// fiber_tensor). Integrating a tension-only law over this density by a discrete set of directions
/// excludes each compressed direction on its own (the discrete fibre dispersion method of Li, Ogden
/// & Holzapfel 2018, J R Soc Interface 15:20170766), where a GOH pseudo-invariant would switch the
/// whole family on or off at once. In the linear region the small-strain tangent of the family is
/// E_f sum_q w_q a_q⊗a_q⊗a_q⊗a_q, the lattice's target tensor.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "fascia/core/types.hpp"

namespace fascia {

struct FiberFamily {
  std::vector<Vec3> directions;  ///< reference unit vectors a_q
  std::vector<double> weights;   ///< w_q, summing to 1
};

/// Trapezoidal directions θ_q = θ0 - π/2 + q π / n, spectrally accurate for the periodic density:
/// the aliasing error is of the order of the Fourier coefficient I_n(kappa) / I_0(kappa)
/// ~ exp(-n^2 / (2 kappa)) of the density, so n = 4 + 7 sqrt(kappa) (at least 16) keeps it below
/// ~1e-8 (checked against the lattice's 2048-point tensor in tests/elements/test_hexahedron.cpp).
/// Directions whose weight is below 1e-9 of the largest are dropped: they carry nothing and cost
/// a term per integration point. n = 0 chooses n from kappa.
inline FiberFamily von_mises_family(double mean_angle_rad, double kappa, int n = 0) {
  if (n <= 0) n = std::max(16, 2 * int(std::ceil(0.5 * (4.0 + 7.0 * std::sqrt(std::max(kappa, 0.0))))));
  FiberFamily f;
  std::vector<double> w(n);
  double total = 0.0;
  for (int q = 0; q < n; ++q) {
    const double t = -std::numbers::pi / 2 + q * std::numbers::pi / n;
    w[q] = std::exp(kappa * (std::cos(2.0 * t) - 1.0));  // shifted: no overflow
    total += w[q];
  }
  for (int q = 0; q < n; ++q) {
    if (w[q] < 1e-9) continue;  // the largest weight, at t = 0, is exp(0) = 1
    const double th = mean_angle_rad - std::numbers::pi / 2 + q * std::numbers::pi / n;
    f.directions.emplace_back(std::cos(th), std::sin(th), 0.0);
    f.weights.push_back(w[q] / total);
  }
  return f;
}

}  // namespace fascia
