// SPDX-License-Identifier: MIT
/// @file lattice_cells and the per-frame cell fields (fascia/observe/cells.hpp).
#include "fascia/observe/cells.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include "fascia/elements/detail/simplex.hpp"

namespace fascia {

namespace {

/// Block report of the layer that holds the cell between planes at heights z0 < z1.
const BlockReport* block_at(const Lattice& lat, double z0, double z1) {
  const double mid = 0.5 * (z0 + z1);
  for (const auto& b : lat.blocks)
    if (mid >= b.z_bottom && mid <= b.z_bottom + b.thickness) return &b;
  return nullptr;
}

/// The interface elements as line cells, each with its upper node's layer.
CellBlock interface_lines(const Lattice& lat, const InterfaceGroup& interfaces) {
  CellBlock lines{CellShape::line, 2, {}, {}};
  for (const auto& e : interfaces.connectivity) {
    lines.connectivity.insert(lines.connectivity.end(), {e[0], e[1]});
    lines.layer_id.push_back(lat.layer_id[e[1]]);
  }
  return lines;
}

}  // namespace

std::size_t LatticeCells::size() const {
  std::size_t n = 0;
  for (const auto& b : blocks) n += b.size();
  return n;
}

std::array<std::array<Index, 4>, 6> kuhn_tetrahedra(const std::array<Index, 8>& c) {
  std::array<std::array<Index, 4>, 6> tets{};
  for (std::size_t t = 0; t < tets.size(); ++t) {
    const auto& local = detail::kKuhnTetrahedra[t].corners;
    tets[t] = {c[local[0]], c[local[1]], c[local[2]], c[local[3]]};
  }
  return tets;
}

double tet_principal_strain(ConstNodes X, ConstNodes x, const std::array<Index, 4>& t) {
  Mat3 dm, ds;
  for (int a = 0; a < 3; ++a) {
    dm.col(a) = X[t[a + 1]] - X[t[0]];
    ds.col(a) = x[t[a + 1]] - x[t[0]];
  }
  const Mat3 f = ds * dm.inverse();
  const Mat3 green = 0.5 * (f.transpose() * f - Mat3::Identity());
  const Eigen::SelfAdjointEigenSolver<Mat3> es(green, Eigen::EigenvaluesOnly);
  return es.eigenvalues().cwiseAbs().maxCoeff();
}

LatticeCells lattice_cells(const Lattice& lat, const InterfaceGroup& interfaces) {
  LatticeCells out;
  const auto& hexahedra = std::get<Hex8Group>(lat.groups);
  if (hexahedra.size() > 0) {  // finite elements: the hexahedra themselves, in any stack of blocks
    CellBlock bricks{CellShape::hexahedron, 8, {}, {}};
    for (const auto& c : hexahedra.connectivity) {  // binary corner order -> VTK hexahedron order
      bricks.connectivity.insert(bricks.connectivity.end(), {c[0], c[1], c[3], c[2], c[4], c[5], c[7], c[6]});
      bricks.layer_id.push_back(lat.layer_id[c[0]]);  // a bottom corner: a bonded block's shared plane has the upper id
    }
    out.blocks.push_back(std::move(bricks));
    CellBlock lines = interface_lines(lat, interfaces);
    if (lines.size() > 0) out.blocks.push_back(std::move(lines));
    return out;
  }
  const Index nx = lat.nx, ny = lat.ny, nz = lat.nz, plane = nx * ny;
  auto id = [&](Index i, Index j, Index k) { return (k * ny + j) * nx + i; };
  const bool sheet = lat.dim == 2;
  CellBlock bricks{sheet ? CellShape::quadrilateral : CellShape::hexahedron, sheet ? 4 : 8, {}, {}};
  CellBlock simplices{sheet ? CellShape::triangle : CellShape::tetrahedron, sheet ? 3 : 4, {}, {}};
  const Index cell_planes = sheet ? 1 : nz - 1;
  for (Index k = 0; k < cell_planes; ++k) {
    const Index base = k * plane;
    if (!sheet && lat.layer_id[base] != lat.layer_id[base + plane]) continue;  // an interface gap
    const double z0 = lat.rest_positions[3 * base + 2];
    const double z1 = sheet ? z0 : lat.rest_positions[3 * (base + plane) + 2];
    const BlockReport* block = block_at(lat, z0, z1);
    const bool tets = block && block->matrix_model == BlockMatrix::tets;
    const std::int32_t layer = lat.layer_id[base];
    for (Index j = 0; j + 1 < ny; ++j)
      for (Index i = 0; i + 1 < nx; ++i) {
        std::array<Index, 8> c{};
        for (int b = 0; b < (sheet ? 4 : 8); ++b) c[b] = id(i + (b & 1), j + ((b >> 1) & 1), k + ((b >> 2) & 1));
        if (sheet && tets) {
          for (const auto& t : {std::array<Index, 3>{c[0], c[1], c[3]}, std::array<Index, 3>{c[0], c[3], c[2]}}) {
            simplices.connectivity.insert(simplices.connectivity.end(), t.begin(), t.end());
            simplices.layer_id.push_back(layer);
          }
        } else if (sheet) {
          bricks.connectivity.insert(bricks.connectivity.end(), {c[0], c[1], c[3], c[2]});
          bricks.layer_id.push_back(layer);
        } else if (tets) {
          for (const auto& t : kuhn_tetrahedra(c)) {
            simplices.connectivity.insert(simplices.connectivity.end(), t.begin(), t.end());
            simplices.layer_id.push_back(layer);
          }
        } else {  // binary corner order -> VTK hexahedron order (bottom face counter-clockwise, then top)
          bricks.connectivity.insert(bricks.connectivity.end(), {c[0], c[1], c[3], c[2], c[4], c[5], c[7], c[6]});
          bricks.layer_id.push_back(layer);
        }
      }
  }
  CellBlock lines = interface_lines(lat, interfaces);
  for (auto* b : {&bricks, &simplices, &lines})
    if (b->size() > 0) out.blocks.push_back(std::move(*b));
  return out;
}

std::map<std::string, std::vector<double>> cell_fields(const LatticeCells& cells, const System& sys) {
  const ConstNodes X = view(sys.rest_positions), x = view(sys.positions);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::map<std::string, std::vector<double>> out;
  if (cells.size() == 0) return out;
  auto& strain = out["principal_strain"];
  strain.reserve(cells.size());
  for (const auto& b : cells.blocks) {
    const auto& c = b.connectivity;
    for (std::size_t e = 0; e < b.size(); ++e) {
      const std::int32_t* n = c.data() + e * std::size_t(b.nodes_per_cell);
      if (b.shape == CellShape::hexahedron) {  // back from VTK to binary corner order for the Kuhn split
        const std::array<Index, 8> corner = {n[0], n[1], n[3], n[2], n[4], n[5], n[7], n[6]};
        double peak = 0.0;
        for (const auto& t : kuhn_tetrahedra(corner)) peak = std::max(peak, tet_principal_strain(X, x, t));
        strain.push_back(peak);
      } else if (b.shape == CellShape::tetrahedron) {
        strain.push_back(tet_principal_strain(X, x, {n[0], n[1], n[2], n[3]}));
      } else if (b.shape == CellShape::quadrilateral || b.shape == CellShape::triangle) {
        // In-plane sheet: the 2-D Green strain of the cell's triangles (z is fixed).
        auto tri = [&](Index a, Index p, Index q) {
          Eigen::Matrix2d dm, ds;
          dm.col(0) = (X[p] - X[a]).head<2>();
          dm.col(1) = (X[q] - X[a]).head<2>();
          ds.col(0) = (x[p] - x[a]).head<2>();
          ds.col(1) = (x[q] - x[a]).head<2>();
          const Eigen::Matrix2d f = ds * dm.inverse();
          const Eigen::Matrix2d green = 0.5 * (f.transpose() * f - Eigen::Matrix2d::Identity());
          return Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d>(green, Eigen::EigenvaluesOnly).eigenvalues().cwiseAbs().maxCoeff();
        };
        strain.push_back(b.shape == CellShape::triangle ? tri(n[0], n[1], n[2]) : std::max(tri(n[0], n[1], n[2]), tri(n[0], n[2], n[3])));
      } else {
        strain.push_back(kNaN);
      }
    }
  }
  return out;
}

void add_damage_field(const System& sys, std::map<std::string, std::vector<double>>& node_fields) {
  const std::size_t n_nodes = sys.num_tissue_nodes();
  const auto& g = std::get<FiberGroup>(sys.groups);
  const auto& hex = std::get<Hex8Group>(sys.groups);
  if (g.size() == 0 && hex.size() == 0) return;
  std::vector<double> broken(n_nodes, 0.0), total(n_nodes, 0.0);
  for (std::size_t e = 0; e < g.size(); ++e)
    for (Index n : g.connectivity[e]) {
      if (std::size_t(n) >= n_nodes) continue;
      total[n] += 1.0;
      broken[n] += g.broken[e];
    }
  // Finite elements: each element's fibre content (w_q W_g, docs/model.md §11.1) shared by its corners.
  for (std::size_t e = 0; e < hex.size(); ++e) {
    const auto [b, t] = hex.fiber_content(Index(e));
    if (t <= 0.0) continue;
    for (Index n : hex.connectivity[e]) {
      if (std::size_t(n) >= n_nodes) continue;
      total[n] += t;
      broken[n] += b;
    }
  }
  if (std::all_of(total.begin(), total.end(), [](double t) { return t == 0.0; })) return;  // no fibres
  auto& damage = node_fields["fiber_damage_fraction"];
  damage.resize(n_nodes);
  for (std::size_t n = 0; n < n_nodes; ++n)
    damage[n] = total[n] > 0.0 ? broken[n] / total[n] : std::numeric_limits<double>::quiet_NaN();
}

std::map<std::string, std::vector<double>> node_fields(const System& sys) {
  const std::size_t n_nodes = sys.num_tissue_nodes();
  const auto& g = std::get<InterfaceGroup>(sys.groups);
  std::map<std::string, std::vector<double>> fields;
  const ConstNodes x = view(sys.positions);
  if (g.size() > 0) {
    auto& slip = fields["interface_slip_m"];
    slip.assign(n_nodes, 0.0);
    for (std::size_t e = 0; e < g.size(); ++e) slip[g.connectivity[e][1]] = g.slip(Index(e), x).norm();
  }
  const auto& pores = std::get<PoroCellGroup>(sys.groups);
  if (pores.size() > 0) {
    auto& pressure = fields["pore_pressure_pa"];
    pressure.assign(n_nodes, 0.0);
    std::vector<int> count(n_nodes, 0);
    for (std::size_t e = 0; e < pores.size(); ++e) {
      const double p = pores.pressure(Index(e), x);
      for (Index n : pores.connectivity[e]) {
        pressure[n] += p;
        ++count[n];
      }
    }
    for (std::size_t n = 0; n < n_nodes; ++n)
      if (count[n] > 0) pressure[n] /= count[n];
  }
  return fields;
}

}  // namespace fascia
