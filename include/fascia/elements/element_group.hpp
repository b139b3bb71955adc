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
#include <vector>

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

/// One per-element parameter a group reports in /model/elements/NAME (docs/hdf5-schema.md "/model"),
/// with its UCUM unit.
struct GroupParameter {
  std::string_view name;
  std::string_view unit;
  std::vector<double> values;  ///< one per element
};

// What a group may add to the concept; the assembly and the writers ask for these by name, never
// for a type (a group's history() is the fourth: fascia/elements/history.hpp).

/// `begin_group_step(ctx)`: factors the whole group shares in a step (a Prony step's decay), set
/// once per step before any begin_step.
template <class G>
concept HasGroupStep = requires(G& g, const StepContext& ctx) { g.begin_group_step(ctx); };

/// `stored_energy(e)` or `stored_energy(e, x)` [J]: the energy element e stores at the end of a
/// step, where it differs from the step's potential energy(e, x) (viscous branches count with their
/// elastic energy, not the step's incremental potential). A group without it stores energy(e, x).
template <class G>
concept StoresHistoryEnergy = requires(const G& g, Index e) {
  { g.stored_energy(e) } -> std::convertible_to<double>;
};
template <class G>
concept StoresEnergyAtPositions = requires(const G& g, Index e, ConstNodes x) {
  { g.stored_energy(e, x) } -> std::convertible_to<double>;
};

/// `parameters()`: the per-element parameters that define the group's elements, for /model (a
/// group without it reports its connectivity only).
template <class G>
concept ReportsParameters = requires(const G& g) {
  { g.parameters() } -> std::convertible_to<std::vector<GroupParameter>>;
};

}  // namespace fascia
