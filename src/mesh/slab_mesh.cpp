// SPDX-License-Identifier: MIT
#include "fascia/mesh/slab_mesh.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "fascia/core/error.hpp"
#include "fascia/core/random.hpp"
#include "fascia/lattice/interface_layer.hpp"
#include "fascia/lattice/node_sets.hpp"
#include "fascia/lattice/pore_network.hpp"
#include "fascia/mesh/graded_axis.hpp"

namespace fascia {
namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
}  // namespace

std::int64_t add_hex_cell(Lattice& lat, const std::array<Index, 8>& c, std::int32_t mat, double e_fail,
                          const LayerMaterial& layer, double volume, const PoroSettings* poro, double phi) {
  const ConstNodes X = view(lat.rest_positions);
  std::get<Hex8Group>(lat.groups).add(c, X, mat, e_fail);
  for (Index node : c) lat.masses[node] += layer.density * volume / 8.0;
  const double bulk_water = layer.undrained_bulk - layer.drained_bulk;
  if (!(bulk_water > 0.0)) return -1;
  const double det = detail::hex_measure(X, c, false).det;
  if (poro && poro->enabled) {
    auto& pores = std::get<PoroCellGroup>(lat.groups);
    pores.add(c, det, poro->flow == WaterFlow::drained ? 0.0 : bulk_water, phi, layer.drained_bulk + 4.0 / 3.0 * layer.shear_modulus);
    return std::int64_t(pores.size()) - 1;
  }
  std::get<CellWaterGroup>(lat.groups).add(c, det, bulk_water * det / 6.0, layer.drainage_time);
  return -1;
}

double scattered_failure_strain(const TissueMaterials& mat, std::uint64_t seed, std::uint64_t element) {
  const double ef = mat.fiber.failure_strain *
                    (1.0 + mat.failure_strain_spread * random_normal(seed, Stream::fiber_failure, element));
  return std::clamp(ef, std::max(0.5 * mat.fiber.failure_strain, 1.01 * mat.fiber.toe_strain()), 1.5 * mat.fiber.failure_strain);
}

HexMaterial hex_material(const LayerMaterial& layer, double angle_deg, double kappa) {
  HexMaterial m;
  double g_sum = 0.0;
  for (const auto& p : layer.prony) {
    m.prony_modulus.push_back(layer.shear_modulus * p.g);
    m.prony_tau.push_back(p.tau);
    g_sum += p.g;
  }
  m.shear_modulus = layer.shear_modulus * (1.0 - g_sum);
  m.bulk_modulus = layer.drained_bulk;
  m.stiffening = layer.stiffening;
  m.fiber_modulus = layer.fiber_modulus;
  if (m.fiber_modulus > 0.0) m.fibers = von_mises_family(angle_deg * kDeg, kappa);
  return m;
}

Lattice build_hex_block(Index nx, Index ny, Index nz, double h, const LayerMaterial& layer, const FiberLaw& law,
                        double fiber_angle_deg, double kappa) {
  Lattice lat;
  lat.dim = 3;
  lat.nx = nx + 1;
  lat.ny = ny + 1;
  lat.nz = nz + 1;
  lat.dx = lat.dy = h;
  auto id = [&](Index i, Index j, Index k) { return (k * lat.ny + j) * lat.nx + i; };
  for (Index k = 0; k < lat.nz; ++k)
    for (Index j = 0; j < lat.ny; ++j)
      for (Index i = 0; i < lat.nx; ++i) {
        lat.rest_positions.insert(lat.rest_positions.end(), {i * h, j * h, k * h});
      }
  add_structured_node_sets(lat);
  lat.masses.assign(lat.rest_positions.size() / 3, 0.0);
  lat.layer_id.assign(lat.masses.size(), 0);
  auto& hex = std::get<Hex8Group>(lat.groups);
  hex.law = law;
  hex.materials = {hex_material(layer, fiber_angle_deg, kappa)};
  for (Index k = 0; k < nz; ++k)
    for (Index j = 0; j < ny; ++j)
      for (Index i = 0; i < nx; ++i) {
        std::array<Index, 8> c;
        for (int q = 0; q < 8; ++q) c[q] = id(i + (q & 1), j + ((q >> 1) & 1), k + ((q >> 2) & 1));
        add_hex_cell(lat, c, 0, law.failure_strain, layer, h * h * h);
      }
  lat.blocks.push_back({"block", layer.name, 0.0, nz * h, int(nz), BlockMatrix::hex8, 0, 0, fiber_angle_deg});
  return lat;
}

std::vector<MeshBlock> slab_stack(const SlabGeometry& g, const TissueMaterials& mat) {
  std::vector<MeshBlock> stack;
  stack.push_back({"muscle", &mat.muscle, 0, mat.muscle_thickness, 0.0, MeshBlock::Sizing::graded_down, false});
  for (int l = 1; l <= g.layers; ++l)  // alternate layers cross at crossing_angle (Stecco 2009), as the lattice
    stack.push_back({"dense" + std::to_string(l), &mat.dense, l, g.layer_thickness, g.layer_angle_deg(l - 1),
                     MeshBlock::Sizing::uniform, false});
  // Above the deep fascia, as the lattice (docs/model.md "Skin and hypodermis"): the hypodermis on
  // an interface over the top dense layer (fine at its top, coarser with depth), the skin bonded to it.
  if (mat.hypodermis_thickness > 0.0)
    stack.push_back({"hypodermis", &mat.hypodermis, kHypodermisLayer, mat.hypodermis_thickness, 0.0,
                     MeshBlock::Sizing::graded_down, false});
  if (mat.skin_thickness > 0.0)
    stack.push_back({"skin", &mat.skin, kSkinLayer, mat.skin_thickness, 0.0, MeshBlock::Sizing::uniform,
                     mat.hypodermis_thickness > 0.0});
  return stack;
}

Lattice build_slab_mesh(const SlabGeometry& g, const TissueMaterials& mat, const SlabMeshOptions& opt) {
  if (g.dim != 3)
    throw InputError("geometry.kind", "value \"sheet\" is not available with geometry.engine = \"fem\"; allowed: \"slab\"");
  return build_layered_mesh(slab_stack(g, mat), g, mat, opt);
}

namespace {

/// The key that sets a block's thickness, for a message that a block is too thin for the spacing.
const char* thickness_key(std::int32_t layer) {
  if (layer == kSkinLayer) return "geometry.skin_thickness_mm";
  if (layer == kHypodermisLayer) return "geometry.hypodermis_thickness_mm";
  if (layer == 0) return "material.muscle_thickness_mm";
  return is_dense_layer(layer) ? "geometry.layer_thickness_mm" : "geometry.spacing_mm";
}

/// Element heights of each block, bottom to top: at least two through a layer (at most
/// opt.max_aspect times wider than thick), or graded down from the coarsest size (the muscle).
std::vector<std::vector<double>> block_heights(const std::vector<MeshBlock>& stack, const SlabGeometry& g,
                                               const SlabMeshOptions& opt) {
  const double a = g.spacing;
  std::vector<std::vector<double>> heights;
  for (const MeshBlock& blk : stack) {
    std::vector<double> sizes;
    if (blk.sizing == MeshBlock::Sizing::graded_down) {
      sizes = graded_sizes(blk.thickness, a, opt.coarsest, opt.growth, 0.0);
      std::reverse(sizes.begin(), sizes.end());
    } else {
      const int cells = std::max(2, int(std::ceil(blk.thickness / a - 1e-9)));
      sizes.assign(std::size_t(cells), blk.thickness / cells);
    }
    // A graded block thinner than the spacing is one element as thin as the block.
    const double thinnest = *std::min_element(sizes.begin(), sizes.end());
    if (a / thinnest > opt.max_aspect)
      throw InputError(thickness_key(blk.layer),
                       "value " + detail::to_text(blk.thickness * 1e3) + " mm (" + blk.name +
                           ") is too thin for geometry.spacing_mm = " + detail::to_text(g.spacing * 1e3) +
                           ": its elements (" + std::to_string(sizes.size()) + " through the layer) would be " +
                           detail::to_text(a / thinnest) + " times wider than thick; allowed up to " +
                           detail::to_text(opt.max_aspect) + " (lower spacing_mm or thicken the layer)");
    heights.push_back(std::move(sizes));
  }
  return heights;
}

/// Node planes bottom to top (z) and each block's first: each block its own, h_int above the block
/// below, or (bonded) from the top plane of the block below.
std::vector<Index> stack_planes(const std::vector<MeshBlock>& stack, const std::vector<std::vector<double>>& heights,
                                double h_int, std::vector<double>& z) {
  std::vector<Index> first_plane;
  double zc = 0.0;
  for (std::size_t b = 0; b < stack.size(); ++b) {
    if (b > 0 && stack[b].bonded_to_below) {
      first_plane.push_back(Index(z.size()) - 1);
    } else {
      if (b > 0) zc += h_int;
      first_plane.push_back(Index(z.size()));
      z.push_back(zc);
    }
    for (double s : heights[b]) z.push_back(zc += s);
  }
  return first_plane;
}

/// The graded grid's nodes at the plane heights z, with the structured node sets.
void place_graded_nodes(Lattice& lat, const std::vector<double>& z) {
  lat.nz = Index(z.size());
  const std::size_t n = std::size_t(lat.nx) * lat.ny * lat.nz;
  lat.rest_positions.resize(3 * n);
  lat.masses.assign(n, 0.0);
  lat.layer_id.assign(n, 0);
  for (Index k = 0; k < lat.nz; ++k)
    for (Index j = 0; j < lat.ny; ++j)
      for (Index i = 0; i < lat.nx; ++i) {
        const Index p = (k * lat.ny + j) * lat.nx + i;
        lat.rest_positions[3 * p] = lat.grid_x[i];
        lat.rest_positions[3 * p + 1] = lat.grid_y[j];
        lat.rest_positions[3 * p + 2] = z[k];
      }
  add_structured_node_sets(lat);
}

/// Hexahedra of block `blk` (node planes k0 .. k0 + cells), their material, layer ids and water;
/// records each cell's pore cell in `pore_cell` and counts elements for the failure-strain draws.
void add_block_hexahedra(Lattice& lat, const MeshBlock& blk, Index k0, Index cells, const std::vector<double>& z,
                         const SlabGeometry& g, const TissueMaterials& mat, Index& element,
                         std::vector<std::int64_t>& pore_cell) {
  const Index nx = lat.nx, ny = lat.ny;
  auto id = [&](Index i, Index j, Index k) { return (k * ny + j) * nx + i; };
  auto& hex = std::get<Hex8Group>(lat.groups);
  const LayerMaterial& lm = *blk.material;
  const double angle = blk.fiber_angle_deg;
  hex.materials.push_back(hex_material(lm, angle, g.dispersion_kappa));
  const std::int32_t mid = std::int32_t(hex.materials.size() - 1);
  BlockReport rep{blk.name, lm.name, z[k0], z[k0 + cells] - z[k0], int(cells), BlockMatrix::hex8, 0, 0, lm.fiber_modulus > 0 ? angle : 0.0, blk.layer};
  lat.blocks.push_back(rep);
  for (Index k = k0; k <= k0 + cells; ++k)
    for (Index j = 0; j < ny; ++j)
      for (Index i = 0; i < nx; ++i) lat.layer_id[id(i, j, k)] = blk.layer;
  for (Index k = k0; k < k0 + cells; ++k)
    for (Index j = 0; j + 1 < ny; ++j)
      for (Index i = 0; i + 1 < nx; ++i) {
        std::array<Index, 8> c;
        for (int q = 0; q < 8; ++q) c[q] = id(i + (q & 1), j + ((q >> 1) & 1), k + ((q >> 2) & 1));
        const double ef = scattered_failure_strain(mat, g.seed, std::uint64_t(element++));
        const double volume = (lat.grid_x[i + 1] - lat.grid_x[i]) * (lat.grid_y[j + 1] - lat.grid_y[j]) * (z[k + 1] - z[k]);
        pore_cell[std::size_t((k * (ny - 1) + j) * (nx - 1) + i)] = add_hex_cell(lat, c, mid, ef, lm, volume, &mat.poro, mat.water);
      }
}

/// Interfaces between consecutive unbonded blocks: the lattice's law per node pair, tributary areas
/// of the graded grid. False when the stack has none.
bool add_stack_interfaces(Lattice& lat, const std::vector<MeshBlock>& stack, const std::vector<Index>& first_plane,
                          const std::vector<double>& z, const TissueMaterials& mat, double h_int) {
  auto& itf = std::get<InterfaceGroup>(lat.groups);
  configure_interfaces(itf, mat);
  bool any_interface = false;
  for (std::size_t b = 1; b < stack.size(); ++b) {
    if (stack[b].bonded_to_below) continue;
    any_interface = true;
    const Index below = first_plane[b] - 1, above = first_plane[b];
    for (Index j = 0; j < lat.ny; ++j)
      for (Index i = 0; i < lat.nx; ++i)
        add_interface(itf, mat, (below * lat.ny + j) * lat.nx + i, (above * lat.ny + j) * lat.nx + i, h_int,
                      lat.column_area(i, j), z[above + 1] - z[above], h_int);
  }
  return any_interface;
}

}  // namespace

Lattice build_layered_mesh(const std::vector<MeshBlock>& stack, const SlabGeometry& g, const TissueMaterials& mat,
                           const SlabMeshOptions& opt) {
  const double a = g.spacing;
  if (!(opt.coarsest >= a))
    throw InputError("geometry.coarsest_mm", "value " + detail::to_text(opt.coarsest * 1e3) +
                                                 " is below geometry.spacing_mm = " + detail::to_text(g.spacing * 1e3) +
                                                 "; allowed [spacing_mm, 1000] mm");
  const double h_int = g.interface_thickness;
  const auto heights = block_heights(stack, g, opt);

  Lattice lat;
  lat.dim = 3;
  const double lx = g.size[0], ly = g.size[1];
  const double cx = opt.centre_x >= 0.0 ? std::min(opt.centre_x, lx) : 0.5 * lx;
  const double cy = opt.centre_y >= 0.0 ? std::min(opt.centre_y, ly) : 0.5 * ly;
  lat.grid_x = graded_coordinates(lx, cx, a, opt.coarsest, opt.growth, std::max(opt.fine_half_width[0], 2.0 * a));
  lat.grid_y = graded_coordinates(ly, cy, a, opt.coarsest, opt.growth, std::max(opt.fine_half_width[1], 2.0 * a));
  lat.nx = Index(lat.grid_x.size());
  lat.ny = Index(lat.grid_y.size());
  lat.dx = lx / (lat.nx - 1);
  lat.dy = ly / (lat.ny - 1);
  std::vector<double> z;
  const std::vector<Index> first_plane = stack_planes(stack, heights, h_int, z);
  place_graded_nodes(lat, z);

  std::get<Hex8Group>(lat.groups).law = mat.fiber;
  const Index nx = lat.nx, ny = lat.ny, nz = lat.nz;
  Index element = 0;
  std::vector<std::int64_t> pore_cell(std::size_t(nx - 1) * (ny - 1) * (nz - 1), -1);  // (i, j, k) -> pore cell
  for (std::size_t b = 0; b < stack.size(); ++b)
    add_block_hexahedra(lat, stack[b], first_plane[b], Index(heights[b].size()), z, g, mat, element, pore_cell);
  const bool any_interface = add_stack_interfaces(lat, stack, first_plane, z, mat, h_int);
  std::vector<double> sx, sy;
  for (Index i = 0; i + 1 < nx; ++i) sx.push_back(lat.grid_x[i + 1] - lat.grid_x[i]);
  for (Index j = 0; j + 1 < ny; ++j) sy.push_back(lat.grid_y[j + 1] - lat.grid_y[j]);
  add_pore_links(std::get<PoroCellGroup>(lat.groups), mat.poro, sx, sy, z,
                 [&](Index i, Index j, Index k) { return pore_cell[std::size_t((k * (ny - 1) + j) * (nx - 1) + i)]; });
  lat.notes.push_back("finite-element slab: graded hexahedra (mean-dilatation Q1/P0), growth ratio <= " +
                      detail::to_text(opt.growth) + ", finest " + detail::to_text(g.spacing * 1e3) + " mm, coarsest " +
                      detail::to_text(opt.coarsest * 1e3) + " mm");
  if (any_interface)
    lat.notes.push_back(kInterfacePenaltyNote);
  return lat;
}

}  // namespace fascia
