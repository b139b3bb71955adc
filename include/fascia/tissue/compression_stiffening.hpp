// SPDX-License-Identifier: MIT
#pragma once
/// @file Compression stiffening of subcutaneous fat (docs/model.md "Skin and hypodermis").
///
/// Hatt et al. 2023 (J Mech Behav Biomed Mater 105924) compressed the buttocks of ten people in
/// four steps under MR elastography and found the shear modulus of fat rising with the compressive
/// strain as a power of the Cauchy–Green component along the compression:
///   G*(C_nn) = 748.5 C_nn^-1.18 Pa        (muscle: 956.4 C_nn^-0.36 Pa).
/// Here the factor g(I_n) = I_n^-beta multiplies the matrix's shear modulus, I_n = n.C.n the squared
/// stretch along the layer normal n (the slab's thickness direction, z), beta the exponent.
/// Under tension along n (I_n > 1), where Hatt et al. have no data, g continues as
/// 1 / (2 - I_n^-beta): the same value and slope at I_n = 1, so stresses stay continuous and Newton
/// sees no kink, and bounded below by 1/2 (*assumed*: the fat is not allowed to soften without
/// limit under a stretch nobody measured).
#include <cmath>

#include "fascia/core/types.hpp"

namespace fascia {

/// g(I_n) and its first two derivatives.
struct StiffeningFactor {
  double g = 1.0, dg = 0.0, d2g = 0.0;
};

/// The law: exponent beta (0 = off) along the layer normal.
struct CompressionStiffening {
  double exponent = 0.0;           ///< beta; Hatt et al. 2023 fitted 1.18 in fat
  Vec3 normal = Vec3::UnitZ();     ///< n, the layer normal in the reference configuration

  bool active() const { return exponent > 0.0; }

  /// g(I_n), g', g'' (I_n > 0).
  StiffeningFactor factor(double i_n) const {
    const double b = exponent;
    const double p = std::pow(i_n, -b);       // I_n^-beta
    const double dp = -b * p / i_n;           // d/dI_n
    const double d2p = b * (b + 1.0) * p / (i_n * i_n);
    if (i_n <= 1.0) return {p, dp, d2p};
    const double u = 2.0 - p;  // g = 1/u: g' = p'/u^2, g'' = p''/u^2 + 2 p'^2/u^3
    return {1.0 / u, dp / (u * u), d2p / (u * u) + 2.0 * dp * dp / (u * u * u)};
  }
};

}  // namespace fascia
