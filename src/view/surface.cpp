// SPDX-License-Identifier: MIT
/// @file Surface extraction for `fascia view` (see surface.hpp).
#include "view/surface.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <unordered_map>

#include "fascia/core/error.hpp"

namespace fascia::view {

namespace {

/// A face of a cell: 3 or 4 node indices (d = -1 for a triangle), in the cell's winding.
struct Face {
  std::array<std::int32_t, 4> v;
  int layer;
};

/// Key of a face independent of winding and of which cell it came from.
struct FaceKey {
  std::array<std::int32_t, 4> sorted;
  int layer;
  bool operator==(const FaceKey& o) const { return sorted == o.sorted && layer == o.layer; }
};
struct FaceKeyHash {
  std::size_t operator()(const FaceKey& k) const {
    std::size_t h = std::hash<int>()(k.layer);
    for (auto v : k.sorted) h = h * 1000003u ^ std::hash<std::int32_t>()(v);
    return h;
  }
};

FaceKey key_of(const Face& f) {
  FaceKey k{f.v, f.layer};
  std::sort(k.sorted.begin(), k.sorted.end());
  return k;
}

/// The layer a cell belongs to: the most frequent layer id among its nodes (ties: the smallest).
int cell_layer(const std::int32_t* nodes, int count, const std::vector<std::int32_t>& layer_id) {
  std::map<int, int> votes;
  for (int i = 0; i < count; ++i) ++votes[layer_id[nodes[i]]];
  return std::max_element(votes.begin(), votes.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
}

/// Appends the faces of one hexahedron (VTK order) or tetrahedron, outward for a positive cell.
void add_cell_faces(const std::int32_t* c, int count, int layer, std::vector<Face>& faces) {
  if (count == 8) {
    static constexpr int quads[6][4] = {{0, 3, 2, 1}, {4, 5, 6, 7}, {0, 1, 5, 4},
                                        {1, 2, 6, 5}, {2, 3, 7, 6}, {3, 0, 4, 7}};
    for (const auto& q : quads) faces.push_back({{c[q[0]], c[q[1]], c[q[2]], c[q[3]]}, layer});
  } else {
    static constexpr int tris[4][3] = {{0, 2, 1}, {0, 1, 3}, {1, 2, 3}, {0, 3, 2}};
    for (const auto& t : tris) faces.push_back({{c[t[0]], c[t[1]], c[t[2]], -1}, layer});
  }
}

/// Faces that no other cell of the same layer shares.
std::vector<Face> boundary(const std::vector<Face>& faces) {
  std::unordered_map<FaceKey, int, FaceKeyHash> count;
  count.reserve(faces.size());
  for (const auto& f : faces) ++count[key_of(f)];
  std::vector<Face> out;
  for (const auto& f : faces)
    if (count[key_of(f)] == 1) out.push_back(f);
  return out;
}

/// Sorted distinct values of one coordinate, merging values closer than `tol`.
std::vector<double> distinct(const std::vector<double>& rest, int axis, double tol) {
  std::vector<double> v;
  for (std::size_t i = axis; i < rest.size(); i += 3) v.push_back(rest[i]);
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  for (double x : v)
    if (out.empty() || x - out.back() > tol) out.push_back(x);
  return out;
}

std::int64_t index_in(const std::vector<double>& axis, double x, double tol) {
  auto it = std::lower_bound(axis.begin(), axis.end(), x - tol);
  if (it == axis.end() || std::abs(*it - x) > tol) return -1;
  return it - axis.begin();
}

/// Faces of the structured grid, or an empty vector if the nodes are not a full tensor grid.
std::vector<Face> grid_faces(const std::vector<double>& rest, const std::vector<std::int32_t>& layer_id) {
  const std::size_t n = layer_id.size();
  double extent = 0.0;
  for (double x : rest) extent = std::max(extent, std::abs(x));
  const double tol = 1e-9 * std::max(extent, 1e-12);
  const auto xs = distinct(rest, 0, tol), ys = distinct(rest, 1, tol), zs = distinct(rest, 2, tol);
  const std::size_t nx = xs.size(), ny = ys.size(), nz = zs.size();
  if (nx * ny * nz != n || nx < 2 || ny < 2) return {};
  std::vector<std::int32_t> at(n, -1);  // grid point -> node
  for (std::size_t p = 0; p < n; ++p) {
    const auto i = index_in(xs, rest[3 * p], tol), j = index_in(ys, rest[3 * p + 1], tol),
               k = index_in(zs, rest[3 * p + 2], tol);
    const std::size_t g = std::size_t(i) + nx * (std::size_t(j) + ny * std::size_t(k));
    if (i < 0 || j < 0 || k < 0 || at[g] >= 0) return {};
    at[g] = static_cast<std::int32_t>(p);
  }
  auto node = [&](std::size_t i, std::size_t j, std::size_t k) { return at[i + nx * (j + ny * k)]; };
  std::vector<Face> faces;
  if (nz == 1) {  // a sheet: every grid square is visible
    for (std::size_t j = 0; j + 1 < ny; ++j)
      for (std::size_t i = 0; i + 1 < nx; ++i) {
        const std::array<std::int32_t, 4> q = {node(i, j, 0), node(i + 1, j, 0), node(i + 1, j + 1, 0),
                                               node(i, j + 1, 0)};
        faces.push_back({q, cell_layer(q.data(), 4, layer_id)});
      }
    return faces;
  }
  std::vector<Face> cell_faces;
  for (std::size_t k = 0; k + 1 < nz; ++k)
    for (std::size_t j = 0; j + 1 < ny; ++j)
      for (std::size_t i = 0; i + 1 < nx; ++i) {
        const std::array<std::int32_t, 8> c = {node(i, j, k),         node(i + 1, j, k),
                                               node(i + 1, j + 1, k), node(i, j + 1, k),
                                               node(i, j, k + 1),     node(i + 1, j, k + 1),
                                               node(i + 1, j + 1, k + 1), node(i, j + 1, k + 1)};
        // Neighbouring planes of different layers are a loose interface, not a cell.
        const int layer = layer_id[c[0]];
        if (std::all_of(c.begin(), c.end(), [&](std::int32_t v) { return layer_id[v] == layer; }))
          add_cell_faces(c.data(), 8, layer, cell_faces);
      }
  return boundary(cell_faces);
}

/// A hexahedron's corners in VTK order. Writers order corners differently (VTK, or x fastest then
/// y then z); for a box-like cell, whose corners lie one in each octant around its centre, the
/// octants give the order; any other cell is taken to be in VTK order already.
std::array<std::int32_t, 8> vtk_hexahedron(const std::int32_t* c, const std::vector<double>& rest) {
  double centre[3] = {0, 0, 0};
  for (int i = 0; i < 8; ++i)
    for (int d = 0; d < 3; ++d) centre[d] += rest[3 * std::size_t(c[i]) + d] / 8.0;
  static constexpr int vtk_of_octant[8] = {0, 1, 3, 2, 4, 5, 7, 6};  // octant bits: x, y, z above centre
  std::array<std::int32_t, 8> out;
  out.fill(-1);
  for (int i = 0; i < 8; ++i) {
    int octant = 0;
    for (int d = 0; d < 3; ++d)
      if (rest[3 * std::size_t(c[i]) + d] > centre[d]) octant |= 1 << d;
    if (out[vtk_of_octant[octant]] >= 0) return {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
    out[vtk_of_octant[octant]] = c[i];
  }
  return out;
}

std::vector<Face> cell_block_faces(const std::vector<CellBlock>& cells, const std::vector<double>& rest,
                                   const std::vector<std::int32_t>& layer_id) {
  const std::size_t n = layer_id.size();
  std::vector<char> covered(n, 0);
  std::vector<Face> faces;
  for (const auto& b : cells) {
    if (b.nodes_per_cell != 8 && b.nodes_per_cell != 4) continue;
    for (std::size_t e = 0; e + b.nodes_per_cell <= b.connectivity.size(); e += b.nodes_per_cell) {
      const std::int32_t* c = &b.connectivity[e];
      if (std::any_of(c, c + b.nodes_per_cell, [&](std::int32_t v) { return v < 0 || std::size_t(v) >= n; }))
        return {};
      for (int i = 0; i < b.nodes_per_cell; ++i) covered[c[i]] = 1;
      const int layer = cell_layer(c, b.nodes_per_cell, layer_id);
      if (b.nodes_per_cell == 8) {
        const auto hex = vtk_hexahedron(c, rest);
        add_cell_faces(hex.data(), 8, layer, faces);
      } else {
        add_cell_faces(c, b.nodes_per_cell, layer, faces);
      }
    }
  }
  // Cells that leave nodes out (e.g. tetrahedra in some blocks only) do not describe the model.
  if (faces.empty() || std::find(covered.begin(), covered.end(), 0) != covered.end()) return {};
  return boundary(faces);
}

}  // namespace

std::string layer_name(int layer_id) {
  if (layer_id == 0) return "muscle";
  // The file's layer_id codes (docs/hdf5-schema.md; kSkinLayer, kHypodermisLayer of lattice.hpp,
  // which this reader of files does not include: it shares no code with the model).
  if (layer_id == 101) return "skin";
  if (layer_id == 100) return "hypodermis";
  if (layer_id > 0) return "dense layer " + std::to_string(layer_id);
  return "loose layer " + std::to_string(-layer_id);
}

Surface build_surface(const std::vector<double>& rest, const std::vector<std::int32_t>& layer_id,
                      const std::vector<std::vector<CellBlock>>& cell_kinds, const std::string& what) {
  const std::size_t n = layer_id.size();
  if (n == 0 || rest.size() != 3 * n)
    throw InputError(what, "the model has no nodes (or rest_positions and layer_id disagree in length)");
  Surface s;
  std::vector<Face> faces;
  for (const auto& cells : cell_kinds)
    if (faces.empty()) faces = cell_block_faces(cells, rest, layer_id);
  s.source = "cells";
  if (faces.empty()) {
    faces = grid_faces(rest, layer_id);
    s.source = "grid";
  }
  if (faces.empty())
    throw InputError(what, "cannot draw the model: its nodes form no grid and it has no volume cells "
                           "(hexahedra or tetrahedra) covering every node");
  // Layers bottom to top by the mean height of their nodes.
  std::map<int, std::pair<double, int>> height;
  for (std::size_t p = 0; p < n; ++p) {
    auto& h = height[layer_id[p]];
    h.first += rest[3 * p + 2];
    ++h.second;
  }
  std::vector<int> order;
  for (const auto& f : faces)
    if (std::find(order.begin(), order.end(), f.layer) == order.end()) order.push_back(f.layer);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const double za = height[a].first / height[a].second, zb = height[b].first / height[b].second;
    return za != zb ? za < zb : a < b;
  });
  const bool sheet = order.size() == 1 && distinct(rest, 2, 0.0).size() == 1;
  std::vector<std::int32_t> local(n, -1);
  for (int layer : order) {
    SurfaceLayer sl;
    sl.layer_id = layer;
    sl.name = sheet ? "sheet" : layer_name(layer);
    auto vertex = [&](std::int32_t v) {
      if (local[v] < 0) {
        local[v] = static_cast<std::int32_t>(s.nodes.size());
        s.nodes.push_back(v);
      }
      return static_cast<std::uint32_t>(local[v]);
    };
    for (const auto& f : faces) {
      if (f.layer != layer) continue;
      const std::uint32_t a = vertex(f.v[0]), b = vertex(f.v[1]), c = vertex(f.v[2]);
      sl.triangles.insert(sl.triangles.end(), {a, b, c});
      if (f.v[3] >= 0) sl.triangles.insert(sl.triangles.end(), {a, c, vertex(f.v[3])});
    }
    s.layers.push_back(std::move(sl));
  }
  return s;
}

}  // namespace fascia::view
