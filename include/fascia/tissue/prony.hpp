// SPDX-License-Identifier: MIT
#pragma once
/// @file Prony (generalized-Maxwell) series: its terms and the exact update of one branch over a step.
///
/// A branch's elastic variable q obeys dq/dt = dl/dt - q/tau. Over a step in which l varies
/// linearly, the exact update is (Simo & Hughes 1998, Computational Inelasticity §10.3)
///   q_{n+1} = a q_n + g (l_{n+1} - l_n),   a = exp(-dt/tau),   g = tau/dt (1 - a).
#include <cmath>

namespace fascia {

/// One term of a generalized-Maxwell (Prony) series G(t) = G0 (1 - sum g_i (1 - exp(-t/tau_i))).
struct PronyTerm {
  double g;    ///< fraction of the instantaneous modulus that relaxes through this branch, [0,1)
  double tau;  ///< relaxation time [s]
};

/// Coefficients (a, g) of the exact Maxwell update over a step dt for relaxation time tau.
struct PronyStep {
  double a = 1.0, g = 1.0;
  static PronyStep of(double dt, double tau) {
    if (dt <= 0.0) return {1.0, 1.0};
    const double r = dt / tau;
    const double a = std::exp(-r);
    return {a, r > 1e-8 ? -std::expm1(-r) / r : 1.0 - 0.5 * r};
  }
};

}  // namespace fascia
