// SPDX-License-Identifier: MIT
#pragma once
/// @file The named node sets of a structured grid (nodes numbered x fastest, then y, then z):
/// "top" and "bottom" node planes and the "lateral" faces, shared by the lattice builder and the
/// finite-element meshes.
#include "fascia/lattice/lattice.hpp"

namespace fascia {

/// Fills lat.node_sets from lat.nx, lat.ny, lat.nz.
inline void add_structured_node_sets(Lattice& lat) {
  const Index nx = lat.nx, ny = lat.ny, nz = lat.nz;
  auto id = [&](Index i, Index j, Index k) { return (k * ny + j) * nx + i; };
  auto& top = lat.node_sets["top"];
  auto& bottom = lat.node_sets["bottom"];
  auto& lateral = lat.node_sets["lateral"];
  for (Index j = 0; j < ny; ++j)
    for (Index i = 0; i < nx; ++i) {
      top.push_back(id(i, j, nz - 1));
      bottom.push_back(id(i, j, 0));
    }
  for (Index k = 0; k < nz; ++k)
    for (Index j = 0; j < ny; ++j)
      for (Index i = 0; i < nx; ++i)
        if (i == 0 || j == 0 || i == nx - 1 || j == ny - 1) lateral.push_back(id(i, j, k));
}

}  // namespace fascia
