// SPDX-License-Identifier: MIT
#pragma once
/// @file The flow step of the discrete Biot model (fascia/elements/poro.hpp): at the start of every
/// step water moves between cells by Darcy's law; the mechanics of the step then answers it.
///
/// Per cell i (reference volume V_i, Biot modulus M_i, volume ratio J_i of the new positions):
///   V_i d(zeta_i)/dt = - sum_links C_ij (p_i - p_j) - sum_drained C_i p_i,   p = M (zeta - alpha (J - 1)).
/// Forward Euler with the current pressures when the step is well inside its stability limit (the
/// explicit integrator's tiny steps). Otherwise the fixed-stress split (Kim, Tchelepi & Juanes
/// 2011, Comput Methods Appl Mech Eng 200:1591): while water moves, the skeleton is assumed to
/// follow at fixed total stress, d(eps) = alpha dp / H_A, so the flow sees the storage
/// S = 1/M + alpha^2/H_A of the coupled problem, not the much stiffer 1/M of a frozen skeleton:
///   (V S + dt L) p^{n+1} = V S p^n,
/// symmetric positive definite, solved by conjugate gradients. (Freezing the skeleton instead, the
/// "undrained split", is stable but diffuses pressure (M + H_A)/H_A times too fast within each
/// step: 13 % error on Terzaghi's problem at 500 steps per consolidation time.) The next
/// mechanical step then finds the skeleton's actual response to the moved water. With H_A the
/// constrained modulus the split is exact for 1-D consolidation as dt -> 0 and first order in dt.
/// Either way the water is moved by link fluxes q = dt C (p_a - p_b), antisymmetric, so a sealed
/// tissue keeps its water to round-off. Afterwards permeability (Kozeny–Carman) and the Biot
/// modulus (M = K_w / phi) follow the new water fraction phi = (phi_0 + zeta) / J.
///
/// Energy: the step returns the energy Darcy flow dissipates, dt sum_links C (p_a - p_b)^2 with
/// the pressures that moved the water (>= 0). The split itself is not exactly energy-consistent
/// (the skeleton answers the moved water in the next mechanical step); what it adds or loses
/// shows in the energy-balance residual with the integrator's own error, not in the dissipation.
#include <cstdint>
#include <vector>

#include "fascia/elements/poro.hpp"

namespace fascia {

/// Steps no longer than this fraction of the forward-Euler stability limit use forward Euler.
/// A quarter keeps every mode's amplification factor in [0.5, 1] (no sign flips), so forward
/// Euler stays accurate, not merely stable; longer steps pay for a linear solve instead.
inline constexpr double kExplicitFlowFraction = 0.25;

/// Scratch of the flow step, kept between steps so that a step allocates nothing (the assembly's
/// workspace holds one: solve/workspace.hpp). Nothing in it carries over from one step to the
/// next but the node -> cells lists, which depend on the connectivity only.
struct PoreFlowScratch {
  std::vector<double> ratio, permeability, pressure, conductance;  ///< per cell
  std::vector<std::int64_t> node_cell_offsets;  ///< node -> its cells (CSR), built on first use
  std::vector<Index> node_cells;
};

/// Stability limit of a forward-Euler flow step at the group's current state [s]
/// (Gershgorin bound min_i V_i / (M_max sum_j C_ij)); +infinity without flow.
double pore_flow_stable_dt(const PoroCellGroup& g, ConstNodes x, PoreFlowScratch& scratch);

/// Moves water for a step of size dt from the state at positions x (the start of a step); returns
/// the energy Darcy flow dissipated [J]. Updates permeability and Biot modulus from the new water
/// fractions.
/// `fixed_stress`: the mechanics of the step will reach equilibrium with the moved water (an
/// implicit step), so the flow may assume the skeleton follows. An explicit dynamic step cannot
/// follow within one step: there the backward-Euler flow uses the water's own storage 1/M (the
/// skeleton held), which is unconditionally stable and accurate for steps far shorter than the
/// consolidation time.
double advance_pore_flow(PoroCellGroup& g, ConstNodes x, double dt, bool fixed_stress, PoreFlowScratch& scratch);

/// Net volume of water the tissue has lost since rest [m^3]: -sum_i V_i zeta_i (positive when
/// water has been expelled).
double pore_water_lost(const PoroCellGroup& g);

}  // namespace fascia
