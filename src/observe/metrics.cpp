// SPDX-License-Identifier: MIT
/// @file Run metrics of observe/metrics.hpp.
#include "fascia/observe/metrics.hpp"

#include "fascia/observe/cells.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

#include "fascia/solve/pore_flow.hpp"

namespace fascia {

double peak_fiber_stress_ratio(const System& sys) {
  const auto& g = std::get<FiberGroup>(sys.groups);
  const ConstNodes x = view(sys.positions);
  double peak = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e)
    peak = std::max(peak, g.stress_ratio(Index(e), x));  // the relaxed stress where fibres relax
  return std::max(peak, std::get<Hex8Group>(sys.groups).peak_fiber_stress(x));  // the continuum's fibres
}

double fiber_damage_fraction(const System& sys) {
  const auto& g = std::get<FiberGroup>(sys.groups);
  if (g.size() == 0) return std::get<Hex8Group>(sys.groups).broken_fiber_fraction();  // finite elements
  std::size_t broken = 0;
  for (auto b : g.broken) broken += b;
  return double(broken) / double(g.size());
}

double max_dense_strain(const System& sys) {
  const auto& info = sys.lattice_info;
  if (info.dim != 3) return 0.0;
  const ConstNodes X = view(sys.rest_positions), x = view(sys.positions);
  double peak = 0.0;
  if (info.nx == 0) {  // an imported mesh: its dense hexahedra (material m is the tissue of blocks[m])
    const auto& hex = std::get<Hex8Group>(sys.groups);
    for (std::size_t e = 0; e < hex.size(); ++e)
      if (is_dense_layer(info.blocks[std::size_t(hex.material[e])].layer))
        for (const auto& t : kuhn_tetrahedra(hex.connectivity[e])) peak = std::max(peak, tet_principal_strain(X, x, t));
    return peak;
  }
  const Index plane = info.nx * info.ny;
  for (Index k = 0; k + 1 < info.nz; ++k) {
    const Index base = k * plane;
    if (!is_dense_layer(info.layer_id[base]) || info.layer_id[base] != info.layer_id[base + plane]) continue;  // not a dense cell
    for (Index j = 0; j + 1 < info.ny; ++j)
      for (Index i = 0; i + 1 < info.nx; ++i) {
        std::array<Index, 8> c;
        for (int b = 0; b < 8; ++b) c[b] = base + ((b >> 2) & 1) * plane + (j + ((b >> 1) & 1)) * info.nx + i + (b & 1);
        for (const auto& t : kuhn_tetrahedra(c)) peak = std::max(peak, tet_principal_strain(X, x, t));
      }
  }
  return peak;
}

std::vector<std::array<Index, 2>> dense_stack_columns(const Lattice& info) {
  std::vector<std::array<Index, 2>> columns;
  if (info.dim != 3) return columns;
  const ConstNodes X = view(info.rest_positions);
  if (info.nx > 0) {  // the structured slab: node n = k * plane + c
    const Index plane = info.nx * info.ny;
    for (Index c = 0; c < plane; ++c) {
      Index low = -1, high = -1;
      for (Index k = 0; k < info.nz; ++k)
        if (is_dense_layer(info.layer_id[std::size_t(k * plane + c)])) {  // not skin or hypodermis (ids >= 100) above it
          if (low < 0) low = k * plane + c;
          high = k * plane + c;
        }
      if (low >= 0 && high != low) columns.push_back({low, high});
    }
    return columns;
  }
  // An imported mesh: its dense nodes ordered by rest (x, y, z), so that each column is a run of
  // equal (x, y) from its lowest node to its highest.
  std::vector<Index> dense;
  for (std::size_t n = 0; n < info.layer_id.size(); ++n)
    if (is_dense_layer(info.layer_id[n])) dense.push_back(Index(n));
  const auto key = [&X](Index n) { return std::tuple(X[n].x(), X[n].y(), X[n].z(), n); };
  std::sort(dense.begin(), dense.end(), [&key](Index a, Index b) { return key(a) < key(b); });
  for (std::size_t begin = 0, end = 0; begin < dense.size(); begin = end) {
    const Vec3 first = X[dense[begin]];
    for (end = begin + 1; end < dense.size() && X[dense[end]].x() == first.x() && X[dense[end]].y() == first.y(); ++end) {}
    const Index low = dense[begin], high = dense[end - 1];
    if (X[high].z() > X[low].z()) columns.push_back({low, high});
  }
  return columns;
}

double max_dense_compression(const System& sys, const std::vector<std::array<Index, 2>>& columns) {
  const ConstNodes X = view(sys.rest_positions), x = view(sys.positions);
  double peak = 0.0;
  for (const auto& [low, high] : columns) peak = std::max(peak, 1.0 - (x[high] - x[low]).norm() / (X[high] - X[low]).norm());
  return peak;
}

double max_dense_compression(const System& sys) { return max_dense_compression(sys, dense_stack_columns(sys.lattice_info)); }

double peak_interface_shear(const System& sys) {
  const auto& g = std::get<InterfaceGroup>(sys.groups);
  const ConstNodes x = view(sys.positions);
  double peak = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e) peak = std::max(peak, g.shear_traction(Index(e), x));
  return peak;
}

double rms_interface_slip(const System& sys) {
  const auto& g = std::get<InterfaceGroup>(sys.groups);
  if (g.size() == 0) return 0.0;
  const ConstNodes x = view(sys.positions);
  double sum = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e) sum += g.slip(Index(e), x).squaredNorm();
  return std::sqrt(sum / double(g.size()));
}

std::optional<double> adhesion_broken_fraction(const System& sys) {
  const auto& g = std::get<AdhesionGroup>(sys.groups);
  const auto total = g.total_bonds();
  if (total == 0) return std::nullopt;
  return 1.0 - double(g.intact_bonds()) / double(total);
}

std::optional<double> water_lost(const System& sys) {
  const auto& pores = std::get<PoroCellGroup>(sys.groups);
  if (pores.size() > 0) return pore_water_lost(pores);
  const auto& cells = std::get<CellWaterGroup>(sys.groups);
  if (cells.size() == 0) return std::nullopt;
  const ConstNodes x = view(sys.positions);
  double lost = 0.0;
  for (std::size_t e = 0; e < cells.size(); ++e)
    lost -= cells.rest_measure[e] * HexStencil::kVolumePerDet * (cells.volume_ratio(Index(e), x) - 1.0 - cells.strain[e]);
  return lost;
}

double ha_synthesized(const System& sys) {
  const auto& g = std::get<InterfaceGroup>(sys.groups);
  double sum = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e)
    sum += (g.ha_concentration[e] - g.fasciacyte.resting_concentration) * g.area[e] * g.thickness(Index(e));
  return sum;
}

double mean_interface_viscosity(const System& sys) {
  const auto& g = std::get<InterfaceGroup>(sys.groups);
  double sum = 0.0, area = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e) {
    sum += g.ha_viscosity(Index(e)) * g.area[e];
    area += g.area[e];
  }
  return area > 0.0 ? sum / area : 0.0;
}

MuscleLoad muscle_load(const System& sys, Index compressor) {
  const auto& g = std::get<InterfaceGroup>(sys.groups);
  const auto& layer = sys.lattice_info.layer_id;
  const ConstNodes X = view(sys.rest_positions), x = view(sys.positions);
  const Vec3 axis = x[compressor];
  MuscleLoad out;
  double sum_w = 0.0, sum_wr2 = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e) {
    const Index i = g.connectivity[e][0];
    if (layer[i] != 0 || layer[g.connectivity[e][1]] == 0) continue;
    out.any = true;
    out.peak_pressure = std::max(out.peak_pressure, -g.normal_stress(Index(e), x));
    const double w = std::max(0.0, X[i].z() - x[i].z());
    const double r2 = (x[i].x() - axis.x()) * (x[i].x() - axis.x()) + (x[i].y() - axis.y()) * (x[i].y() - axis.y());
    sum_w += g.area[e] * w;
    sum_wr2 += g.area[e] * w * r2;
  }
  if (sum_w > 0.0) out.spread_length = std::sqrt(sum_wr2 / sum_w);
  return out;
}

}  // namespace fascia
