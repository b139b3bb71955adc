// SPDX-License-Identifier: MIT
/// @file Splitting a conforming hexahedral mesh at its tissue interfaces (fascia/mesh/interface_split.hpp).
#include "fascia/mesh/interface_split.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

namespace fascia {
namespace {

Vec3 position(const std::vector<double>& x, Index n) {
  const std::size_t i = 3 * std::size_t(n);
  return {x[i], x[i + 1], x[i + 2]};
}

std::array<Index, 4> face_corners(const std::array<Index, 8>& c, int side) {
  std::array<Index, 4> f;
  for (std::size_t a = 0; a < 4; ++a) f[a] = c[std::size_t(kHexFaces[side][a])];
  return f;
}

std::array<Index, 4> sorted(std::array<Index, 4> f) {
  std::sort(f.begin(), f.end());
  return f;
}

double mean_z(const std::vector<double>& x, const std::array<Index, 8>& c) {
  double z = 0.0;
  for (Index n : c) z += 0.125 * position(x, n).z();
  return z;
}

/// The faces shared by two hexahedra of different tissues that `unbonded` separates, as
/// (lower cell, its side, upper cell).
std::vector<std::tuple<std::uint32_t, std::uint8_t, std::uint32_t>> faces_to_split(
    const std::vector<double>& x, const std::vector<TissueHex>& cells,
    const std::function<bool(std::int32_t, std::int32_t)>& unbonded) {
  const std::vector<HexFace> faces = sorted_hex_faces(cells);
  std::vector<std::tuple<std::uint32_t, std::uint8_t, std::uint32_t>> split;
  for (std::size_t i = 0; i + 1 < faces.size(); ++i) {
    if (faces[i].key != faces[i + 1].key) continue;  // a boundary face
    HexFace low = faces[i], high = faces[i + 1];
    ++i;
    if (cells[low.cell].second == cells[high.cell].second) continue;
    if (mean_z(x, cells[low.cell].first) > mean_z(x, cells[high.cell].first)) std::swap(low, high);
    if (unbonded(cells[low.cell].second, cells[high.cell].second)) split.emplace_back(low.cell, low.side, high.cell);
  }
  return split;
}

}  // namespace

std::vector<HexFace> sorted_hex_faces(const std::vector<TissueHex>& cells) {
  std::vector<HexFace> faces;
  faces.reserve(6 * cells.size());
  for (std::size_t e = 0; e < cells.size(); ++e)
    for (std::uint8_t s = 0; s < 6; ++s) faces.push_back({sorted(face_corners(cells[e].first, s)), std::uint32_t(e), s});
  std::sort(faces.begin(), faces.end(), [](const HexFace& a, const HexFace& b) {
    return std::tie(a.key, a.cell, a.side) < std::tie(b.key, b.cell, b.side);
  });
  return faces;
}

InterfaceSplit split_interfaces(std::vector<double>& rest_positions, std::vector<TissueHex>& cells,
                                const std::function<bool(std::int32_t lower, std::int32_t upper)>& unbonded) {
  const auto split = faces_to_split(rest_positions, cells, unbonded);
  InterfaceSplit out;
  if (split.empty()) return out;
  // One copy per (node, upper tissue), numbered in that order: deterministic for a given file.
  std::map<std::pair<Index, std::int32_t>, Index> copy;
  for (const auto& [low, side, high] : split)
    for (Index n : face_corners(cells[low].first, side)) copy.try_emplace({n, cells[high].second}, -1);
  for (auto& [key, id] : copy) {
    id = Index(rest_positions.size() / 3);
    const Vec3 p = position(rest_positions, key.first);
    rest_positions.insert(rest_positions.end(), {p.x(), p.y(), p.z()});
  }
  for (auto& [corners, tissue] : cells)
    for (Index& n : corners)
      if (auto it = copy.find({n, tissue}); it != copy.end()) n = it->second;

  // Each split face gives a quarter of its area to each of its four pairs (as the slab's column
  // areas), and the height of the hexahedron above it to their contact penalty.
  std::map<std::pair<Index, Index>, SplitNode> pairs;
  for (const auto& [low, side, high] : split) {
    const auto below = face_corners(cells[low].first, side);
    Vec3 x[4];
    for (std::size_t a = 0; a < 4; ++a) x[a] = position(rest_positions, below[a]);
    const double area = 0.5 * (x[2] - x[0]).cross(x[3] - x[1]).norm();
    double z0 = std::numeric_limits<double>::infinity(), z1 = -z0;
    for (Index n : cells[high].first) z0 = std::min(z0, position(rest_positions, n).z()), z1 = std::max(z1, position(rest_positions, n).z());
    std::array<Index, 4> above;
    for (std::size_t a = 0; a < 4; ++a) {
      above[a] = copy.at({below[a], cells[high].second});
      SplitNode& p = pairs[{below[a], above[a]}];
      p.below = below[a];
      p.above = above[a];
      p.area += 0.25 * area;
      p.height_above += 0.25 * area * (z1 - z0);  // divided by the area below
    }
    out.faces.push_back(sorted(below));
    out.faces.push_back(sorted(above));
  }
  for (auto& [key, p] : pairs) {
    p.height_above /= p.area;
    out.nodes.push_back(p);
  }
  std::sort(out.faces.begin(), out.faces.end());
  return out;
}

}  // namespace fascia
