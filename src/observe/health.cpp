// SPDX-License-Identifier: MIT
/// @file The run health check of observe/health.hpp.
#include "fascia/observe/health.hpp"

#include <cmath>

#include "fascia/core/error.hpp"
#include "fascia/solve/assembly.hpp"

namespace fascia {
namespace {

bool state_is_finite(const System& sys) {
  for (double q : sys.positions)
    if (!std::isfinite(q)) return false;
  for (double q : sys.velocities)
    if (!std::isfinite(q)) return false;
  return true;
}

template <class Cells>
bool any_inverted(const Cells& cells, ConstNodes x) {
  for (std::size_t e = 0; e < cells.size(); ++e)
    if (!(cells.volume_ratio(Index(e), x) > 0.0)) return true;
  return false;
}

}  // namespace

std::optional<std::string> health_problem(System& sys) {
  const ConstNodes xs = view(sys.positions);
  if (any_inverted(std::get<CellWaterGroup>(sys.groups), xs) || any_inverted(std::get<PoroCellGroup>(sys.groups), xs))
    return "a lattice cell inverted (volume ratio <= 0) at t = " + detail::to_text(sys.time) +
           " s: the load is beyond what this lattice can represent; reduce the pressure or "
           "refine geometry.spacing_mm";
  const auto& itf = std::get<InterfaceGroup>(sys.groups);
  for (std::size_t e = 0; e < itf.size(); ++e)
    if (itf.opening(Index(e), xs).z() < -itf.thickness(Index(e)))  // the loose layer crushed through
      return "two layers passed through each other at an interface at t = " + detail::to_text(sys.time) +
             " s: the load is beyond what this lattice can represent; reduce the pressure";
  const double energy = kinetic_energy(sys) + stored_energy(sys);
  const double budget = 10.0 * std::abs(sys.work_input) + 1e-9;
  if (state_is_finite(sys) && energy <= budget) return std::nullopt;
  return "diverged at t = " + detail::to_text(sys.time) + " s: " +
         (state_is_finite(sys) ? "energy " + detail::to_text(energy) + " J exceeds 10x the work input"
                               : std::string("non-finite positions or velocities")) +
         "; reduce solver.dt_s or solver.safety, or use solver.integrator = \"implicit\"";
}

}  // namespace fascia
