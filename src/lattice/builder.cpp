// SPDX-License-Identifier: MIT
#include "fascia/lattice/builder.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <unordered_map>

#include "fascia/core/error.hpp"
#include "fascia/core/random.hpp"
#include "fascia/lattice/calibration.hpp"
#include "fascia/lattice/interface_layer.hpp"
#include "fascia/lattice/node_sets.hpp"
#include "fascia/lattice/pore_network.hpp"

namespace fascia {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;
/// Largest spring-fit residual accepted before a block falls back to tetrahedra ("auto").
constexpr double kSpringFitTolerance = 1e-6;

/// One kind of bond inside a cell: corner pairs, the share of each bond owned by the cell, and
/// the bond vector used for calibration.
struct CellBond {
  std::vector<std::array<int, 2>> corners;
  double share;
  Vec3 direction;
};

/// Sums stiffness contributions of many cells onto unique node pairs, in a deterministic order.
class BondSum {
public:
  void add(Index i, Index j, double k) {
    const auto key = i < j ? (std::uint64_t(i) << 32 | std::uint32_t(j)) : (std::uint64_t(j) << 32 | std::uint32_t(i));
    auto [it, inserted] = index_.try_emplace(key, keys_.size());
    if (inserted) {
      keys_.push_back(key);
      sums_.push_back(0.0);
    }
    sums_[it->second] += k;
  }
  /// Calls fn(i, j, k) for each pair, sorted by (i, j): node-ordered elements.
  template <class Fn>
  void for_each(Fn&& fn) const {
    std::vector<std::size_t> order(keys_.size());
    for (std::size_t n = 0; n < order.size(); ++n) order[n] = n;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return keys_[a] < keys_[b]; });
    for (auto n : order) fn(Index(keys_[n] >> 32), Index(keys_[n] & 0xffffffffu), sums_[n]);
  }

private:
  std::unordered_map<std::uint64_t, std::size_t> index_;
  std::vector<std::uint64_t> keys_;
  std::vector<double> sums_;
};

SymTensor4 planar_part(SymTensor4 c) {
  const auto& idx = symmetric_indices();
  for (int m = 0; m < 15; ++m)
    for (int q = 0; q < 4; ++q)
      if (idx[m][q] == 2) c[m] = 0.0;
  return c;
}

double bulk_of(const SymTensor4& c, int dim) {
  // Voigt average of C_iijj: (1/dim^2) sum_ij C_iijj. Index of (i,i,j,j) with i<=j in the table.
  const auto& idx = symmetric_indices();
  double sum = 0.0;
  for (int i = 0; i < dim; ++i)
    for (int j = 0; j < dim; ++j) {
      const std::array<int, 4> want = i <= j ? std::array<int, 4>{i, i, j, j} : std::array<int, 4>{j, j, i, i};
      for (int m = 0; m < 15; ++m)
        if (idx[m] == want) sum += c[m];
    }
  return sum / (dim * dim);
}

/// Plane-stress area modulus of a 3-D isotropic material: E / (2 (1 - nu)).
double plane_stress_bulk(double mu, double k) {
  const double e = 9.0 * k * mu / (3.0 * k + mu);
  const double nu = (3.0 * k - 2.0 * mu) / (2.0 * (3.0 * k + mu));
  return e / (2.0 * (1.0 - nu));
}

struct Builder {
  int dim;
  Index nx, ny, nz = 0;
  double dx, dy;
  double thickness2d = 0.0;  // sheet thickness
  std::uint64_t seed;
  std::vector<double> z;     // plane heights
  Lattice lat;
  BondSum springs, fibers;
  std::vector<BondSum> maxwell;          // one per distinct (material, term)
  std::vector<double> maxwell_tau;
  FiberLaw law;
  double failure_spread = 0.1;
  PoroSettings poro;          // Biot water instead of volumetric Maxwell cells when enabled
  double water_fraction = kRefWater;
  std::vector<std::int64_t> cell_index;  // per (i, j, k) cell: its PoroCellGroup index, or -1

  Index id(Index i, Index j, Index k) const { return (k * ny + j) * nx + i; }

  std::vector<CellBond> matrix_bonds(double dz) const {
    if (dim == 2)
      return {{{{0, 1}, {2, 3}}, 0.5, {dx, 0, 0}},
              {{{0, 2}, {1, 3}}, 0.5, {0, dy, 0}},
              {{{0, 3}}, 1.0, {dx, dy, 0}},
              {{{1, 2}}, 1.0, {-dx, dy, 0}}};
    return {{{{0, 1}, {2, 3}, {4, 5}, {6, 7}}, 0.25, {dx, 0, 0}},
            {{{0, 2}, {1, 3}, {4, 6}, {5, 7}}, 0.25, {0, dy, 0}},
            {{{0, 4}, {1, 5}, {2, 6}, {3, 7}}, 0.25, {0, 0, dz}},
            {{{0, 3}, {4, 7}}, 0.5, {dx, dy, 0}},
            {{{1, 2}, {5, 6}}, 0.5, {-dx, dy, 0}},
            {{{0, 5}, {2, 7}}, 0.5, {dx, 0, dz}},
            {{{1, 4}, {3, 6}}, 0.5, {-dx, 0, dz}},
            {{{0, 6}, {1, 7}}, 0.5, {0, dy, dz}},
            {{{2, 4}, {3, 5}}, 0.5, {0, -dy, dz}}};
  }
  std::array<Index, 8> corners(Index i, Index j, Index k) const {
    std::array<Index, 8> c{};
    for (int b = 0; b < (dim == 2 ? 4 : 8); ++b) c[b] = id(i + (b & 1), j + ((b >> 1) & 1), k + ((b >> 2) & 1));
    return c;
  }
  double cell_volume(double dz) const { return dim == 2 ? dx * dy * thickness2d : dx * dy * dz; }
  /// Cell layers a block spans: a sheet has one.
  Index cell_layers(Index cells) const { return dim == 2 ? 1 : cells; }

  void add_mass(Index k0, Index cells, double rho) {
    for (Index k = k0; k < k0 + cell_layers(cells); ++k) {
      const double dz = dim == 2 ? 0.0 : z[k + 1] - z[k];
      const double m = rho * cell_volume(dz) / (dim == 2 ? 4.0 : 8.0);
      for (Index j = 0; j + 1 < ny; ++j)
        for (Index i = 0; i + 1 < nx; ++i) {
          const auto c = corners(i, j, k);
          for (int b = 0; b < (dim == 2 ? 4 : 8); ++b) lat.masses[c[b]] += m;
        }
    }
  }

  /// How one block's matrix is represented (add_matrix): the moduli its cells' elements carry.
  struct MatrixCells {
    bool use_springs;
    std::vector<CellBond> bonds;
    BondFit fit;
    double mu0, mu_inf;       // instantaneous and (springs) relaxed shear modulus [Pa]
    double bulk_water;        // undrained minus drained bulk modulus (plane stress in 2-D) [Pa]
    double delta_bulk;        // bulk the relaxed spring network lacks, carried by simplices [Pa]
    std::size_t first_term;   // the block's first Maxwell spring family
  };

  /// Matrix of one block: calibrated springs (+ Maxwell springs, bulk simplices) or neo-Hookean.
  void add_matrix(Index k0, Index cells, const LayerMaterial& mat, MatrixModel model, BlockReport& rep) {
    const double dz = dim == 2 ? 1.0 : z[k0 + 1] - z[k0];
    const double volume = cell_volume(dz);
    MatrixCells m;
    m.bonds = matrix_bonds(dz);
    std::vector<Vec3> dirs;
    for (const auto& b : m.bonds) dirs.push_back(b.direction);
    SymTensor4 unit = isotropic_cauchy(1.0);
    if (dim == 2) unit = planar_part(unit);
    m.fit = fit_bonds(dirs, volume, unit);
    rep.spring_fit_residual = m.fit.relative_residual;
    m.use_springs = model == MatrixModel::springs ||
                    (model == MatrixModel::automatic && m.fit.relative_residual < kSpringFitTolerance);
    if (model == MatrixModel::springs && m.fit.relative_residual > 0.05)
      throw InputError("geometry.matrix_model",
                       "value \"springs\" cannot represent block '" + rep.name + "': cells of " +
                           detail::to_text(dx * 1e3) + " x " + detail::to_text(dz * 1e3) +
                           " mm give a spring-fit residual of " + detail::to_text(m.fit.relative_residual) +
                           "; allowed: \"auto\" or \"tets\", or a spacing_mm that makes cells near-cubic");
    rep.matrix_model = m.use_springs ? BlockMatrix::springs : BlockMatrix::tets;

    double g_sum = 0.0;
    for (const auto& p : mat.prony) g_sum += p.g;
    m.mu0 = mat.shear_modulus;
    m.mu_inf = m.use_springs ? m.mu0 * (1.0 - g_sum) : m.mu0;
    // Bulk: what the (relaxed) network lacks, carried by volumetric simplices.
    const SymTensor4 net = bond_tensor(dirs, m.fit.stiffness, volume) * m.mu_inf;
    double bulk_target = mat.drained_bulk;
    m.bulk_water = mat.undrained_bulk - mat.drained_bulk;
    if (dim == 2) {
      bulk_target = plane_stress_bulk(m.mu_inf, mat.drained_bulk);
      m.bulk_water = plane_stress_bulk(m.mu_inf, mat.undrained_bulk) - bulk_target;
    }
    m.delta_bulk = m.use_springs ? bulk_target - bulk_of(net, dim) : 0.0;

    m.first_term = maxwell.size();
    if (m.use_springs)
      for (const auto& p : mat.prony) {
        maxwell.emplace_back();
        maxwell_tau.push_back(p.tau);
      }

    for (Index k = k0; k < k0 + cell_layers(cells); ++k)
      for (Index j = 0; j + 1 < ny; ++j)
        for (Index i = 0; i + 1 < nx; ++i) {
          const auto c = corners(i, j, k);
          if (m.use_springs) add_cell_springs(c, m, mat);
          // Simplices: 6 Kuhn tetrahedra per cube (or 2 triangles per square).
          if (dim == 3)
            add_cell_solid_3d(c, std::size_t((k * (ny - 1) + j) * (nx - 1) + i), m, mat);
          else
            add_cell_solid_2d(c, m, mat);
        }
  }

  /// The matrix springs of cell `c` and their Maxwell branches.
  void add_cell_springs(const std::array<Index, 8>& c, const MatrixCells& m, const LayerMaterial& mat) {
    for (std::size_t t = 0; t < m.bonds.size(); ++t)
      for (const auto& pr : m.bonds[t].corners) {
        const double k_bond = m.fit.stiffness[t] * m.bonds[t].share;
        springs.add(c[pr[0]], c[pr[1]], k_bond * m.mu_inf);
        for (std::size_t p = 0; p < mat.prony.size(); ++p)
          maxwell[m.first_term + p].add(c[pr[0]], c[pr[1]], k_bond * m.mu0 * mat.prony[p].g);
      }
  }

  /// The water of 3-D cell `c` (number `cell` of the lattice's cells) and its six Kuhn tetrahedra:
  /// bulk simplices next to springs, or neo-Hookean tetrahedra.
  void add_cell_solid_3d(const std::array<Index, 8>& c, std::size_t cell, const MatrixCells& m, const LayerMaterial& mat) {
    const ConstNodes X = view(lat.rest_positions);
    // Water: one volumetric Maxwell element per cell (no locking of the near-incompressible
    // undrained response; see detail::hex_measure).
    if (m.bulk_water > 0.0) {
      const double det = detail::hex_measure(X, c, false).det;
      if (poro.enabled) {
        // Biot water: the same undrained stiffness, M = K_u - K_d (alpha = 1), but the
        // water moves between cells instead of relaxing in place.
        auto& pores = std::get<PoroCellGroup>(lat.groups);
        cell_index[cell] = std::int64_t(pores.size());
        // Drained limit: the pore pressure is zero at all times, the water carries no load.
        pores.add(c, det, poro.flow == WaterFlow::drained ? 0.0 : m.bulk_water, water_fraction,
                  mat.drained_bulk + 4.0 / 3.0 * mat.shear_modulus);
      } else {
        std::get<CellWaterGroup>(lat.groups).add(c, det, m.bulk_water * det / 6.0, mat.drainage_time);
      }
    }
    for (const auto& kuhn : detail::kKuhnTetrahedra) {
      std::array<Index, 4> t = {c[kuhn.corners[0]], c[kuhn.corners[1]], c[kuhn.corners[2]], c[kuhn.corners[3]]};
      double det = detail::rest_det<3>(X, t);
      if (det < 0) {
        std::swap(t[1], t[2]);
        det = -det;
      }
      const double v = det / 6.0;
      if (m.use_springs) {
        if (m.delta_bulk != 0.0) std::get<BulkGroup<3>>(lat.groups).add(t, det, m.delta_bulk * v);
      } else {
        std::get<NeoHookeanGroup<3>>(lat.groups).add(t, X, v, m.mu0, mat.drained_bulk - 2.0 / 3.0 * m.mu0);
      }
      // The fat's stiffening under compression, on top of the matrix (elements/fat_stiffening.hpp).
      if (mat.stiffening.active()) {
        auto& fat = std::get<FatStiffeningGroup>(lat.groups);
        fat.law = mat.stiffening;
        fat.add(t, X, m.mu0);
      }
    }
  }

  /// The two triangles of sheet cell `c`: bulk simplices next to springs, or plane-stress neo-Hookean; and their water.
  void add_cell_solid_2d(const std::array<Index, 8>& c, const MatrixCells& m, const LayerMaterial& mat) {
    const ConstNodes X = view(lat.rest_positions);
    for (const auto& tri : {std::array<int, 3>{0, 1, 3}, std::array<int, 3>{0, 3, 2}}) {
      std::array<Index, 3> t = {c[tri[0]], c[tri[1]], c[tri[2]]};
      double det = detail::rest_det<2>(X, t);
      if (det < 0) {
        std::swap(t[1], t[2]);
        det = -det;
      }
      const double v = 0.5 * det * thickness2d;
      if (m.use_springs) {
        if (m.delta_bulk != 0.0) std::get<BulkGroup<2>>(lat.groups).add(t, det, m.delta_bulk * v);
      } else {
        // Plane-stress neo-Hookean: lambda* = 2 mu lambda / (lambda + 2 mu).
        const double lam = mat.drained_bulk - 2.0 / 3.0 * m.mu0;
        std::get<NeoHookeanGroup<2>>(lat.groups).add(t, X, v, m.mu0, 2.0 * m.mu0 * lam / (lam + 2.0 * m.mu0));
      }
      if (m.bulk_water > 0.0) std::get<BulkMaxwellGroup<2>>(lat.groups).add(t, det, m.bulk_water * v, mat.drainage_time);
    }
  }

  /// Darcy links of the Biot water (fascia/elements/poro.hpp): between face neighbours within a
  /// block, across each loose interface (a gap in the cell stack, crossed in series), and from
  /// boundary faces to a bath where [water] makes that boundary drained.
  void add_pore_network() {
    const Index cx = nx - 1, cy = ny - 1;
    add_pore_links(std::get<PoroCellGroup>(lat.groups), poro, std::vector<double>(std::size_t(cx), dx),
                   std::vector<double>(std::size_t(cy), dy), z,
                   [&](Index i, Index j, Index k) { return cell_index[std::size_t((k * cy + j) * cx + i)]; });
  }

  /// Fibre springs of a dense block for a target fibre tensor.
  void add_fibers(Index k0, Index cells, const SymTensor4& target, BlockReport& rep) {
    const double dz = dim == 2 ? 1.0 : z[k0 + 1] - z[k0];
    const double volume = cell_volume(dz);
    // In-plane stencil: axes, diagonals and knight moves (2,1),(1,2),(-1,2),(-2,1).
    const std::array<std::array<int, 2>, 8> offsets = {{{1, 0}, {0, 1}, {1, 1}, {-1, 1}, {2, 1}, {1, 2}, {-1, 2}, {-2, 1}}};
    std::vector<Vec3> dirs;
    for (const auto& o : offsets) dirs.push_back(Vec3(o[0] * dx, o[1] * dy, 0.0));
    const BondFit fit = fit_bonds(dirs, volume, target);
    rep.fiber_fit_residual = fit.relative_residual;
    // Each in-plane bond of the stencil starting at a node of the cell's bottom and top planes;
    // a plane is shared by two cells, so each cell owns half (3-D). In 2-D the cell owns the
    // bonds starting at its corner 0 and the x/y edges are shared by two cells.
    const int planes = dim == 2 ? 1 : 2;
    for (Index k = k0; k < k0 + cell_layers(cells); ++k)
      for (Index j = 0; j + 1 < ny; ++j)
        for (Index i = 0; i + 1 < nx; ++i)
          for (int pz = 0; pz < planes; ++pz)
            for (std::size_t t = 0; t < offsets.size(); ++t) {
              if (fit.stiffness[t] <= 0.0) continue;
              const double share = 1.0 / planes;
              auto add = [&](Index i0, Index j0, double s) {
                const Index i1 = i0 + offsets[t][0], j1 = j0 + offsets[t][1];
                if (i1 < 0 || i1 >= nx || j1 < 0 || j1 >= ny) return;
                fibers.add(id(i0, j0, k + pz), id(i1, j1, k + pz), fit.stiffness[t] * s);
              };
              if (t < 2) {  // axis bonds: the cell's two edges along the axis, each shared by two cells
                if (t == 0) {
                  add(i, j, 0.5 * share);
                  add(i, j + 1, 0.5 * share);
                } else {
                  add(i, j, 0.5 * share);
                  add(i + 1, j, 0.5 * share);
                }
              } else if (t == 3) {
                add(i + 1, j, share);  // (-1, 1) diagonal of this cell starts at corner 1
              } else {
                add(i, j, share);
              }
            }
  }

  void finish_fibers() {
    auto& g = std::get<FiberGroup>(lat.groups);
    g.law = law;
    Index n = 0;
    fibers.for_each([&](Index i, Index j, double k) {
      const double l = (lat.rest(j) - lat.rest(i)).norm();
      double ef = law.failure_strain * (1.0 + failure_spread * random_normal(seed, Stream::fiber_failure, n++));
      ef = std::clamp(ef, std::max(0.5 * law.failure_strain, 1.01 * law.toe_strain()), 1.5 * law.failure_strain);
      g.add(i, j, k * l, l, ef);
    });
  }
  void finish_springs() {
    auto& s = std::get<SpringGroup>(lat.groups);
    springs.for_each([&](Index i, Index j, double k) { s.add(i, j, k, (lat.rest(j) - lat.rest(i)).norm()); });
    auto& m = std::get<MaxwellSpringGroup>(lat.groups);
    for (std::size_t t = 0; t < maxwell.size(); ++t)
      maxwell[t].for_each([&](Index i, Index j, double k) {
        m.add(i, j, k, maxwell_tau[t], (lat.rest(j) - lat.rest(i)).norm());
      });
  }

  void allocate_nodes() {
    const std::size_t n = std::size_t(nx) * ny * nz;
    lat.rest_positions.assign(3 * n, 0.0);
    lat.masses.assign(n, 0.0);
    lat.layer_id.assign(n, 0);
    cell_index.assign(std::size_t(nx - 1) * std::size_t(ny - 1) * std::size_t(std::max<Index>(1, nz - 1)), -1);
    for (Index k = 0; k < nz; ++k)
      for (Index j = 0; j < ny; ++j)
        for (Index i = 0; i < nx; ++i) {
          const Index p = id(i, j, k);
          lat.rest_positions[3 * p] = i * dx;
          lat.rest_positions[3 * p + 1] = j * dy;
          lat.rest_positions[3 * p + 2] = dim == 2 ? 0.0 : z[k];
        }
    lat.nx = nx;
    lat.ny = ny;
    lat.nz = nz;
    lat.dx = dx;
    lat.dy = dy;
    lat.dim = dim;
    lat.sheet_thickness = thickness2d;
    add_structured_node_sets(lat);
  }
};

Index nodes_along(double length, double spacing, const char* key) {
  const double cells = std::round(length / spacing);
  if (cells < 1.0 || cells > 1e5)
    throw InputError(key, "size / spacing gives " + detail::to_text(cells) +
                              " cells; allowed 1 to 100000 (adjust geometry.size_mm or geometry.spacing_mm)");
  return Index(cells) + 1;
}

/// A sheet (2-D): one block of dense tissue carrying every layer's fibre family.
void build_sheet(Builder& b, const SlabGeometry& g, const TissueMaterials& mat) {
  const double t_layer = g.layer_thickness;
  b.thickness2d = g.layers * t_layer;
  b.nz = 1;
  b.z = {0.0};
  b.allocate_nodes();
  BlockReport rep{"sheet", "dense", 0.0, b.thickness2d, 1, BlockMatrix::springs, 0, 0, g.fiber_angle_deg, 1};
  b.add_mass(0, 1, mat.dense.density);
  b.add_matrix(0, 1, mat.dense, g.matrix_model, rep);
  SymTensor4 target = SymTensor4::Zero();
  for (int l = 0; l < g.layers; ++l)
    target += fiber_tensor(mat.dense.fiber_modulus, g.layer_angle_deg(l) * kDeg, g.dispersion_kappa) / g.layers;
  b.add_fibers(0, 1, target, rep);
  b.lat.blocks.push_back(rep);
  std::fill(b.lat.layer_id.begin(), b.lat.layer_id.end(), 1);
}

/// One block of a slab, bottom to top, and where its node planes are.
struct BlockPlan {
  std::string name;
  const LayerMaterial* mat;
  double thickness;
  int layer;
  bool bonded = false;  ///< shares its bottom node plane with the block below (no interface)
  Index first_plane = 0, cells = 0;
};

/// The blocks of a slab, bottom to top: muscle, then the dense layers, each its own node planes;
/// consecutive blocks are joined by loose-layer interfaces. Above the deep fascia (docs/model.md
/// "Skin and hypodermis"): the hypodermis slides on the top dense layer through a loose interface
/// (the deep fascia's sliding plane), the skin is bonded to the hypodermis (one shared node plane).
std::vector<BlockPlan> plan_blocks(const SlabGeometry& g, const TissueMaterials& mat) {
  std::vector<BlockPlan> plan = {{"muscle", &mat.muscle, mat.muscle_thickness, 0}};
  for (int l = 1; l <= g.layers; ++l) plan.push_back({"dense" + std::to_string(l), &mat.dense, g.layer_thickness, l});
  if (mat.hypodermis_thickness > 0.0)
    plan.push_back({"hypodermis", &mat.hypodermis, mat.hypodermis_thickness, kHypodermisLayer});
  if (mat.skin_thickness > 0.0)
    plan.push_back({"skin", &mat.skin, mat.skin_thickness, kSkinLayer, mat.hypodermis_thickness > 0.0});
  return plan;
}

/// Node plane heights of the blocks (b.z), cells of about the spacing through each, interfaces of
/// thickness h_int between unbonded blocks.
void place_planes(Builder& b, std::vector<BlockPlan>& plan, double spacing, double h_int) {
  double zc = 0.0;
  for (std::size_t p = 0; p < plan.size(); ++p) {
    if (p > 0 && !plan[p].bonded) zc += h_int;
    const Index n = std::max<Index>(1, Index(std::lround(plan[p].thickness / spacing)));
    plan[p].first_plane = plan[p].bonded ? Index(b.z.size()) - 1 : Index(b.z.size());
    plan[p].cells = n;
    for (Index k = plan[p].bonded ? 1 : 0; k <= n; ++k) b.z.push_back(zc + plan[p].thickness * k / n);
    zc += plan[p].thickness;
  }
  b.nz = Index(b.z.size());
}

/// Interfaces between consecutive unbonded blocks (docs/model.md §3.5 "Interfaces"): shear G_loose/h,
/// contact stiffness of the dense layer's aggregate modulus over one cell (assumed penalty), weak
/// drained tension; one per node pair, over the node's share of the plane.
void add_block_interfaces(Builder& b, const std::vector<BlockPlan>& plan, const TissueMaterials& mat, double h_int) {
  auto& itf = std::get<InterfaceGroup>(b.lat.groups);
  configure_interfaces(itf, mat);
  for (std::size_t p = 1; p < plan.size(); ++p) {
    if (plan[p].bonded) continue;
    const Index below = plan[p].first_plane - 1, above = plan[p].first_plane;
    const double dz_cell = b.z[above + 1] - b.z[above];
    for (Index j = 0; j < b.ny; ++j)
      for (Index i = 0; i < b.nx; ++i) {
        const double area = b.dx * b.dy * ((i == 0 || i == b.nx - 1) ? 0.5 : 1.0) *
                            ((j == 0 || j == b.ny - 1) ? 0.5 : 1.0);
        add_interface(itf, mat, b.id(i, j, below), b.id(i, j, above), h_int, area, dz_cell, h_int);
      }
  }
  b.lat.notes.push_back(kInterfacePenaltyNote);
}

/// A layered slab (3-D): the blocks of plan_blocks with their mass, matrix, fibres and layer ids,
/// the interfaces between them and the Biot water's pore network.
void build_slab(Builder& b, const SlabGeometry& g, const TissueMaterials& mat) {
  const double h_int = g.interface_thickness;
  auto plan = plan_blocks(g, mat);
  place_planes(b, plan, g.spacing, h_int);
  b.allocate_nodes();
  for (const BlockPlan& block : plan) {
    BlockReport rep{block.name, block.mat->name, b.z[block.first_plane], block.thickness, int(block.cells), BlockMatrix::springs, 0, 0, 0, block.layer};
    b.add_mass(block.first_plane, block.cells, block.mat->density);
    b.add_matrix(block.first_plane, block.cells, *block.mat, g.matrix_model, rep);
    if (block.layer > 0 && block.mat->fiber_modulus > 0) {
      rep.fiber_angle_deg = g.layer_angle_deg(block.layer - 1);
      b.add_fibers(block.first_plane, block.cells,
                   fiber_tensor(block.mat->fiber_modulus, rep.fiber_angle_deg * kDeg, g.dispersion_kappa), rep);
    }
    for (Index k = block.first_plane; k <= block.first_plane + block.cells; ++k)
      for (Index j = 0; j < b.ny; ++j)
        for (Index i = 0; i < b.nx; ++i) b.lat.layer_id[b.id(i, j, k)] = block.layer;
    b.lat.blocks.push_back(rep);
  }
  add_block_interfaces(b, plan, mat, h_int);
  b.add_pore_network();
}

}  // namespace

Lattice build_lattice(const SlabGeometry& g, const TissueMaterials& mat) {
  Builder b;
  b.dim = g.dim;
  b.seed = g.seed;
  b.law = mat.fiber;
  b.failure_spread = mat.failure_strain_spread;
  b.poro = mat.poro;
  b.water_fraction = mat.water;
  const double a = g.spacing;
  b.nx = nodes_along(g.size[0], a, "geometry.size_mm");
  b.ny = nodes_along(g.size[1], a, "geometry.size_mm");
  b.dx = g.size[0] / (b.nx - 1);
  b.dy = g.size[1] / (b.ny - 1);
  if (b.dim == 2)
    build_sheet(b, g, mat);
  else
    build_slab(b, g, mat);
  b.finish_springs();
  b.finish_fibers();
  for (const auto& rep : b.lat.blocks)
    if (rep.matrix_model == BlockMatrix::tets)
      b.lat.notes.push_back("block " + rep.name + ": cells too far from cubic for an exact spring fit "
                            "(residual " + detail::to_text(rep.spring_fit_residual) +
                            "); neo-Hookean tetrahedra used, elastic (no Prony relaxation)");
  return std::move(b.lat);
}

void add_adhesions(Lattice& lat, double density, std::uint64_t seed) {
  const auto& itf = std::get<InterfaceGroup>(lat.groups);
  auto& adh = std::get<AdhesionGroup>(lat.groups);
  if (density <= 0.0 || adh.bond_stiffness <= 0.0) return;
  for (std::size_t e = 0; e < itf.size(); ++e) {
    // Unbiased stochastic rounding of density x area, keyed by the interface element.
    const double expected = density * itf.area[e];
    const int bonds = int(std::floor(expected + random_uniform(seed, Stream::adhesion_layout, e)));
    if (bonds > 0) adh.add(itf.connectivity[e][0], itf.connectivity[e][1], itf.rest_offset[e], std::min(bonds, 100000));
  }
}

Lattice build_block(Index nx, Index ny, Index nz, double dx, double dy, double dz, const LayerMaterial& mat,
                    const FiberLaw& law, double fiber_angle_deg, double kappa, MatrixModel matrix_model,
                    std::uint64_t seed, const PoroSettings& poro, double water_fraction) {
  return build_laminate(nx, ny, nz, dx, dy, dz, mat, law, {fiber_angle_deg}, kappa, matrix_model, seed, poro,
                        water_fraction);
}

Lattice build_laminate(Index nx, Index ny, Index nz, double dx, double dy, double dz, const LayerMaterial& mat,
                       const FiberLaw& law, const std::vector<double>& ply_angles_deg, double kappa,
                       MatrixModel matrix_model, std::uint64_t seed, const PoroSettings& poro,
                       double water_fraction) {
  const double fiber_angle_deg = ply_angles_deg.empty() ? 0.0 : ply_angles_deg.front();
  Builder b;
  b.poro = poro;
  b.water_fraction = water_fraction;
  b.dim = nz <= 1 ? 2 : 3;
  b.seed = seed;
  b.law = law;
  b.failure_spread = 0.0;
  b.nx = nx;
  b.ny = ny;
  b.nz = std::max<Index>(1, nz);
  b.dx = dx;
  b.dy = dy;
  b.thickness2d = b.dim == 2 ? dz : 0.0;
  for (Index k = 0; k < b.nz; ++k) b.z.push_back(b.dim == 2 ? 0.0 : k * dz);
  b.allocate_nodes();
  BlockReport rep{"block", mat.name, 0.0, b.dim == 2 ? dz : (b.nz - 1) * dz, int(std::max<Index>(1, b.nz - 1)), BlockMatrix::springs, 0, 0, fiber_angle_deg};
  b.add_mass(0, b.dim == 2 ? 1 : b.nz - 1, mat.density);
  b.add_matrix(0, b.dim == 2 ? 1 : b.nz - 1, mat, matrix_model, rep);
  const Index cells = b.dim == 2 ? 1 : b.nz - 1;
  const Index plies = Index(std::max<std::size_t>(1, ply_angles_deg.size()));
  if (plies > cells)
    throw InputError("geometry.sample_plies", "value " + std::to_string(plies) + " needs at least one cell layer per ply; the block has " +
                                                   std::to_string(cells) + " (raise sample_thickness_mm or lower spacing_mm)");
  if (mat.fiber_modulus > 0)
    for (Index p = 0; p < plies; ++p) {  // ply p: cell layers [round(p C / P), round((p + 1) C / P))
      const Index k0 = Index(std::llround(double(p) * double(cells) / double(plies)));
      const Index k1 = Index(std::llround(double(p + 1) * double(cells) / double(plies)));
      const double angle = ply_angles_deg.empty() ? 0.0 : ply_angles_deg[std::size_t(p)];
      b.add_fibers(k0, k1 - k0, fiber_tensor(mat.fiber_modulus, angle * kDeg, kappa), rep);
    }
  b.lat.blocks.push_back(rep);
  if (b.dim == 3) b.add_pore_network();
  b.finish_springs();
  b.finish_fibers();
  return std::move(b.lat);
}

}  // namespace fascia
