// SPDX-License-Identifier: MIT
#pragma once
/// @file Compression stiffening of subcutaneous fat (docs/model.md "Skin and hypodermis").
///
/// Hatt et al. 2023 (J Mech Behav Biomed Mater 105924) compressed the buttocks of ten people in
/// four steps under MR elastography and found the shear modulus of fat rising with the compressive
/// strain as a power of the Cauchy–Green component along the compression:
///   G*(C_nn) = 748.5 C_nn^-1.18 Pa        (muscle: 956.4 C_nn^-0.36 Pa).
/// Here the factor g(I_t) = I_t^-beta multiplies the matrix's shear modulus, beta the exponent and
/// I_t = 1 / (n.C^-1.n) the squared stretch of the layer's thickness: the spacing of the material
/// planes normal to n (the slab's thickness direction, z). Under compression along n it equals
/// Hatt's C_nn; unlike C_nn = n.C.n it does not return to 1 when the fat shears through its
/// thickness. That matters: with C_nn the energy can drop by shearing a compressed point (shear
/// lengthens the fibre along n and so lowers g), and the law loses strong ellipticity below
/// C_nn ~ 0.47 (the acoustic tensor of a point in isochoric compression has a negative eigenvalue
/// there, -25 mu at C_nn = 0.25): meshes then fold and Newton fails (docs/model.md "Skin and
/// hypodermis"). With I_t the smallest eigenvalue of the acoustic tensor in compression is g mu,
/// Hatt's G* itself (tests/elements/test_fat_stiffening.cpp).
/// Under tension along n (I_t > 1), where Hatt et al. have no data, g continues as
/// 1 / (2 - I_t^-beta): the same value and slope at I_t = 1, so stresses stay continuous and Newton
/// sees no kink, and bounded below by 1/2 (*assumed*: the fat is not allowed to soften without
/// limit under a stretch nobody measured).
#include <cmath>

#include "fascia/core/types.hpp"

namespace fascia {

/// g(I_t) and its first two derivatives.
struct StiffeningFactor {
  double g = 1.0, dg = 0.0, d2g = 0.0;
};

/// The law: exponent beta (0 = off) along the layer normal.
struct CompressionStiffening {
  double exponent = 0.0;           ///< beta; Hatt et al. 2023 fitted 1.18 in fat
  Vec3 normal = Vec3::UnitZ();     ///< n, the layer normal in the reference configuration

  bool active() const { return exponent > 0.0; }

  /// g(I_t), g', g'' (I_t > 0).
  StiffeningFactor factor(double i_t) const {
    const double b = exponent;
    const double p = std::pow(i_t, -b);       // I_t^-beta
    const double dp = -b * p / i_t;           // d/dI_t
    const double d2p = b * (b + 1.0) * p / (i_t * i_t);
    if (i_t <= 1.0) return {p, dp, d2p};
    const double u = 2.0 - p;  // g = 1/u: g' = p'/u^2, g'' = p''/u^2 + 2 p'^2/u^3
    return {1.0 / u, dp / (u * u), d2p / (u * u) + 2.0 * dp * dp / (u * u * u)};
  }
};

}  // namespace fascia
