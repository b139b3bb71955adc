// SPDX-License-Identifier: MIT
#pragma once
/// @file Darcy links of the Biot water (elements/poro.hpp) between the cells of a structured grid,
/// shared by the lattice builder and the finite-element slab mesh: face neighbours within a block,
/// across each loose interface (a gap in the cell stack, crossed in series), and from boundary
/// faces to a bath where [water] makes that boundary drained.
#include <vector>

#include "fascia/elements/poro.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {

/// @param sx, sy  cell sizes along x (cx cells) and y (cy cells) [m]
/// @param z       node-plane heights, cz + 1 of them [m]
/// @param cell    cell(i, j, k): the cell's index in the PoroCellGroup, or -1 (no cell: an interface gap)
template <class CellIndex>
void add_pore_links(PoroCellGroup& pores, const PoroSettings& poro, const std::vector<double>& sx,
                    const std::vector<double>& sy, const std::vector<double>& z, CellIndex cell) {
  if (pores.size() == 0) return;
  PoreNetwork& net = pores.network;
  net.permeability_ref = poro.permeability_ref;
  net.water_fraction_ref = kRefWater;
  net.water_bulk_modulus = poro.water_bulk_modulus;
  net.flow = poro.flow;
  const Index cx = Index(sx.size()), cy = Index(sy.size()), cz = Index(z.size()) - 1;
  auto height = [&](Index k) { return z[k + 1] - z[k]; };
  for (Index k = 0; k < cz; ++k)
    for (Index j = 0; j < cy; ++j)
      for (Index i = 0; i < cx; ++i) {
        const std::int64_t c = cell(i, j, k);
        if (c < 0) continue;
        const double h = height(k), dx = sx[i], dy = sy[j], side_x = dy * h, side_y = dx * h;
        if (i + 1 < cx && cell(i + 1, j, k) >= 0) net.links.push_back({Index(c), Index(cell(i + 1, j, k)), side_x, dx / 2, sx[i + 1] / 2, 0});
        if (j + 1 < cy && cell(i, j + 1, k) >= 0) net.links.push_back({Index(c), Index(cell(i, j + 1, k)), side_y, dy / 2, sy[j + 1] / 2, 0});
        // Upward: the next cell in the column, directly above or across a loose-layer gap.
        Index up = k + 1;
        while (up < cz && cell(i, j, up) < 0) ++up;
        if (up < cz) net.links.push_back({Index(c), Index(cell(i, j, up)), dx * dy, h / 2, height(up) / 2, z[up] - z[k + 1]});
        else if (poro.top_drained) net.drained.push_back({Index(c), 0, dx * dy, h / 2, 0, 0});
        Index down = k;
        while (down > 0 && cell(i, j, down - 1) < 0) --down;
        if (down == 0 && poro.bottom_drained) net.drained.push_back({Index(c), 0, dx * dy, h / 2, 0, 0});
        if (poro.sides_drained) {
          if (i == 0) net.drained.push_back({Index(c), 0, side_x, dx / 2, 0, 0});
          if (i + 1 == cx) net.drained.push_back({Index(c), 0, side_x, dx / 2, 0, 0});
          if (j == 0) net.drained.push_back({Index(c), 0, side_y, dy / 2, 0, 0});
          if (j + 1 == cy) net.drained.push_back({Index(c), 0, side_y, dy / 2, 0, 0});
        }
      }
}

}  // namespace fascia
