// SPDX-License-Identifier: MIT
#pragma once
/// @file The one element concept shared by every element group (ARCHITECTURE.md).
///
/// A group holds all elements of one type (springs, fibres, tets, ...) in structure-of-arrays
/// form and exposes single-stencil kernels. The assembly loops in fascia/solve/assembly.hpp
/// call them element by element with static types: no virtual call per element.
#include <array>
#include <concepts>
#include <cstdint>
#include <string_view>

#include <Eigen/Dense>

#include "fascia/core/types.hpp"

namespace fascia {

/// What an element needs to know about the step being taken.
struct StepContext {
  double dt = 0.0;          ///< step size [s]
  double time = 0.0;        ///< time at the start of the step [s]
  std::uint64_t step = 0;   ///< step counter (keys counter-based random streams)
  std::uint64_t seed = 0;   ///< scenario seed
  /// True for a backward-Euler step whose mechanics reaches equilibrium within the step (the
  /// implicit integrator); false for an explicit dynamic step. The Biot flow split depends on it.
  bool equilibrium_step = false;
};

/// `exact`: d²E/dx² at x. `projected`: the same with negative geometric-stiffness terms of
/// compressed elements dropped, so that Newton's matrix stays positive semi-definite (forces are
/// unchanged). `stability`: the stiffest tangent an element can reach, used to bound the explicit
/// time step (a crimped fibre counts with its linear-region stiffness).
enum class HessianMode { exact, projected, stability };

template <int N>
using ElementForces = Eigen::Matrix<double, 3, N>;
template <int N>
using ElementHessian = Eigen::Matrix<double, 3 * N, 3 * N>;

/// Every element group provides these, for one element e at positions x:
/// - `energy(e, x)` [J] — the (incremental) potential whose negative gradient is the force;
/// - `forces(e, x)` [N] — force on each of the element's nodes, = -dE/dx;
/// - `hessian(e, x, mode)` [N/m] — d²E/dx² (symmetric);
/// - `begin_step(e, x, ctx)` — freeze per-step parameters (viscous branches) at the step start;
/// - `end_step(e, x, ctx)` — update history variables after the step; returns the energy it
///   dissipated during the step [J] (viscous work, rupture, plastic flow).
template <class G>
concept ElementGroup = requires(const G& g, G& mg, ConstNodes x, Index e, const StepContext& ctx) {
  { G::kNodes } -> std::convertible_to<int>;
  { G::kName } -> std::convertible_to<std::string_view>;
  { G::kHasState } -> std::convertible_to<bool>;
  { g.size() } -> std::convertible_to<std::size_t>;
  { g.nodes(e) } -> std::convertible_to<std::array<Index, G::kNodes>>;
  { g.energy(e, x) } -> std::convertible_to<double>;
  { g.forces(e, x) } -> std::convertible_to<ElementForces<G::kNodes>>;
  { g.hessian(e, x, HessianMode::exact) } -> std::convertible_to<ElementHessian<G::kNodes>>;
  mg.begin_step(e, x, ctx);
  { mg.end_step(e, x, ctx) } -> std::convertible_to<double>;
};

}  // namespace fascia
