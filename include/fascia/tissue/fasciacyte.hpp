// SPDX-License-Identifier: MIT
#pragma once
/// @file Fasciacyte rule (docs/model.md "HA viscosity and fasciacytes"): HA concentration c in a loose layer, secreted by the
/// fasciacytes when the layer is sheared (and compressed) and turned over towards its resting
/// value c0:
///   dc/dt = S - (c - c0) / tau,
///   S = s <|gamma_dot| - g0>_+ <-sigma_n / sigma_ref>_+     (compression_and_shear, default)
///   S = s <|gamma_dot| - g0>_+                             (shear_only)
///   c = c0                                                  (off)
/// with <x>_+ = max(x, 0), gamma_dot the interface shear rate [1/s] and sigma_n its normal stress
/// (negative in compression). s is the concentration secreted per unit of (excess) shear strain
/// at sigma_n = -sigma_ref. Every constant is *assumed*: no dose–response data exist (the only
/// proxy, synoviocyte HA secretion +57 % over 3 h after a 10 % stretch, Momberger et al. 2005
/// Matrix Biol 24:510, sets the order of s; docs/model.md shows how).
///
/// Time integration: over a step the source S is frozen (at the step's shear rate and end-of-step
/// normal stress) and the linear decay is integrated exactly (exponential integrator),
///   c_{n+1} = c_n + (c0 + S tau - c_n) (1 - exp(-dt/tau)),
/// which reproduces the closed-form solution whenever S is constant and is stable for any dt.
#include <algorithm>
#include <cmath>

namespace fascia {

enum class FasciacyteMode { compression_and_shear, shear_only, off };

struct FasciacyteRule {
  FasciacyteMode mode = FasciacyteMode::compression_and_shear;
  double resting_concentration = 2.5;  ///< c0 [kg/m^3 = mg/ml]
  double secretion = 1.8;              ///< s [kg/m^3 per unit shear strain]
  double shear_rate_threshold = 0.0;   ///< g0 [1/s]
  double reference_stress = 50e3;      ///< sigma_ref [Pa], > 0
  double turnover_time = 86400.0;      ///< tau [s], > 0

  /// Source S [kg/m^3/s] at shear rate gamma_dot [1/s] and normal stress sigma_n [Pa].
  double source(double shear_rate, double normal_stress) const {
    if (mode == FasciacyteMode::off) return 0.0;
    const double shear = std::max(std::abs(shear_rate) - shear_rate_threshold, 0.0);
    const double compression =
        mode == FasciacyteMode::shear_only ? 1.0 : std::max(-normal_stress / reference_stress, 0.0);
    return secretion * shear * compression;
  }
  /// c after a step dt with the source frozen at S (exact for constant S).
  double advance(double c, double source_rate, double dt) const {
    if (mode == FasciacyteMode::off || dt <= 0.0) return c;
    const double f = -std::expm1(-dt / turnover_time);  // 1 - exp(-dt/tau), accurate for small dt
    return c + (resting_concentration - c) * f + source_rate * turnover_time * f;
  }
};

}  // namespace fascia
