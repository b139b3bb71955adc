// SPDX-License-Identifier: MIT
// The graded hexahedral slab (mesh/slab_mesh.hpp, mesh/graded_axis.hpp): grading bounds, layer
// resolution, conservation of mass and interface area, adhesions on the mesh's interfaces, and
// the one-line errors for impossible meshes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "fascia/scenario_geometry.hpp"
#include "fascia/core/error.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/mesh/graded_axis.hpp"
#include "fascia/mesh/slab_mesh.hpp"
#include "fascia/observe/cells.hpp"
#include "fascia/scenario_materials.hpp"

namespace {

using namespace fascia;

TEST(GradedAxis, FineUnderTheCentreCoarseAtTheEdgesWithBoundedGrowth) {
  const double fine = 0.5e-3, coarse = 4e-3, growth = 1.25, length = 60e-3;
  const auto x = graded_coordinates(length, 0.5 * length, fine, coarse, growth, 5e-3);
  ASSERT_GE(x.size(), 3u);
  EXPECT_EQ(x.front(), 0.0);
  EXPECT_EQ(x.back(), length);
  EXPECT_NE(std::find(x.begin(), x.end(), 0.5 * length), x.end()) << "a node at the load centre";
  double smallest = 1e9, largest = 0.0;
  for (std::size_t k = 1; k < x.size(); ++k) {
    const double s = x[k] - x[k - 1];
    ASSERT_GT(s, 0.0);
    smallest = std::min(smallest, s);
    largest = std::max(largest, s);
    if (k > 1) {
      const double r = s / (x[k - 1] - x[k - 2]);
      // Growth within each half is exact; across the centre the two halves' scale factors differ
      // by less than one fine element in the half-extent (<= 2 %).
      EXPECT_LE(std::max(r, 1.0 / r), growth * (1.0 + 1e-12)) << "at node " << k;
    }
  }
  EXPECT_LE(largest, coarse);
  EXPECT_GT(largest, 0.8 * coarse) << "reaches the coarse size far from the load";
  EXPECT_LE(smallest, fine);
  EXPECT_GT(smallest, 0.9 * fine);
  // Far fewer nodes than a uniform fine grid (121): the point of grading.
  EXPECT_LT(x.size(), 60u);
  // The fine zone: every element within 5 mm of the centre is at the fine size, up to the common
  // scale factor that fits the sizes to the extent (>= extent / (extent + coarse) = 0.88 here).
  for (std::size_t k = 1; k < x.size(); ++k)
    if (std::abs(0.5 * (x[k] + x[k - 1]) - 0.5 * length) < 0.88 * 5e-3) {
      EXPECT_LE(x[k] - x[k - 1], fine * (1 + 1e-12));
    }
}

struct SlabCase {
  GeometrySpec geometry;
  TissueMaterials materials;
  SlabMeshOptions options;
  SlabCase() {
    geometry.size_mm = {20.0, 16.0};
    geometry.spacing_mm = 0.5;
    geometry.layers = 3;
    options.coarsest = 3e-3;
    options.fine_half_width.fill(3e-3);
    materials = make_materials(TissueSpec{}, MaterialSpec{}, 3e-3);
  }
};

TEST(SlabMesh, ResolvesEveryDenseLayerAndGradesTheMuscle) {
  SlabCase c;
  const Lattice lat = build_slab_mesh(slab_geometry(c.geometry), c.materials, c.options);
  ASSERT_EQ(lat.blocks.size(), 4u);
  EXPECT_EQ(lat.blocks[0].name, "muscle");
  for (std::size_t b = 1; b < lat.blocks.size(); ++b) {
    EXPECT_GE(lat.blocks[b].cells, 2) << lat.blocks[b].name;
    EXPECT_NEAR(lat.blocks[b].thickness, c.geometry.layer_thickness_mm * 1e-3, 1e-15);
  }
  EXPECT_NEAR(lat.blocks[0].thickness, c.materials.muscle_thickness, 1e-15);
  // Muscle: element heights grow downward (coarser with depth), bounded growth.
  std::vector<double> z;
  for (Index k = 0; k < lat.nz; ++k) z.push_back(lat.rest(k * lat.nx * lat.ny).z());
  for (int k = 1; k < lat.blocks[0].cells; ++k) {
    const double below = z[k] - z[k - 1], above = z[k + 1] - z[k];
    EXPECT_GE(below, above * (1 - 1e-12));
    EXPECT_LE(below / above, c.options.growth * (1 + 1e-12));
  }
  // Element counts: one hexahedron and one water cell per grid cell, none across interfaces.
  const auto& hex = std::get<Hex8Group>(lat.groups);
  const std::size_t cells_z = std::size_t(lat.nz) - lat.blocks.size();
  EXPECT_EQ(hex.size(), std::size_t(lat.nx - 1) * (lat.ny - 1) * cells_z);
  EXPECT_EQ(std::get<CellWaterGroup>(lat.groups).size(), hex.size());
  EXPECT_EQ(std::get<SpringGroup>(lat.groups).size(), 0u);
  EXPECT_EQ(std::get<FiberGroup>(lat.groups).size(), 0u);
}

TEST(SlabMesh, AnyStackOfBlocksBondedOrOnInterfacesRefinedAroundTheLoadCentre) {
  // A body-scale style stack (issue 12 builds on it): a graded substrate, a bonded 2 mm block
  // (shares the substrate's top node plane: no gap, no interface) and a dense layer on an
  // interface; the refinement follows a load centre off the slab centre.
  SlabCase c;
  c.options.centre_x = 5e-3;
  c.options.fine_half_width.fill(1e-3);
  const std::vector<MeshBlock> stack = {
      {"muscle", &c.materials.muscle, 0, 3e-3, 0.0, MeshBlock::Sizing::graded_down, false},
      {"soft", &c.materials.loose, 7, 2e-3, 0.0, MeshBlock::Sizing::uniform, true},
      {"dense1", &c.materials.dense, 1, 0.28e-3, 30.0, MeshBlock::Sizing::uniform, false}};
  const Lattice lat = build_layered_mesh(stack, slab_geometry(c.geometry), c.materials, c.options);
  ASSERT_EQ(lat.blocks.size(), 3u);
  const int cells = lat.blocks[0].cells + lat.blocks[1].cells + lat.blocks[2].cells;
  EXPECT_EQ(lat.blocks[1].cells, 4);  // 2 mm at 0.5 mm
  EXPECT_EQ(lat.nz, cells + 2) << "one shared plane (bonded) and one pair of planes across the interface";
  const auto& hex = std::get<Hex8Group>(lat.groups);
  EXPECT_EQ(hex.size(), std::size_t(lat.nx - 1) * (lat.ny - 1) * std::size_t(cells));
  EXPECT_EQ(std::get<InterfaceGroup>(lat.groups).size(), std::size_t(lat.nx) * lat.ny) << "only below dense1";
  EXPECT_NEAR(lat.blocks[1].z_bottom, lat.blocks[0].z_bottom + lat.blocks[0].thickness, 1e-15);
  EXPECT_NEAR(lat.blocks[2].fiber_angle_deg, 30.0, 1e-12);
  // The shared plane carries the upper block's layer; the cells of each block keep their own.
  const LatticeCells drawn = lattice_cells(lat, std::get<InterfaceGroup>(lat.groups));
  ASSERT_EQ(drawn.blocks.at(0).shape, CellShape::hexahedron);
  std::map<std::int32_t, std::size_t> per_layer;
  for (auto l : drawn.blocks[0].layer_id) ++per_layer[l];
  const std::size_t columns = std::size_t(lat.nx - 1) * (lat.ny - 1);
  EXPECT_EQ(per_layer[0], columns * std::size_t(lat.blocks[0].cells));
  EXPECT_EQ(per_layer[7], columns * std::size_t(lat.blocks[1].cells));
  EXPECT_EQ(per_layer[1], columns * std::size_t(lat.blocks[2].cells));
  // Finest elements around x = 5 mm, a node on it, coarser at the far edge.
  const auto& x = lat.grid_x;
  const auto at = std::find_if(x.begin(), x.end(), [](double v) { return std::abs(v - 5e-3) < 1e-12; });
  ASSERT_NE(at, x.end());
  const std::size_t k = std::size_t(at - x.begin());
  EXPECT_LE(x[k + 1] - x[k], 0.5e-3 * (1 + 1e-12));
  EXPECT_LE(x[k] - x[k - 1], 0.5e-3 * (1 + 1e-12));
  EXPECT_GT(x[x.size() - 1] - x[x.size() - 2], 2.0 * (x[k + 1] - x[k]));
}

TEST(SlabMesh, ConservesMassVolumeAndInterfaceArea) {
  SlabCase c;
  const Lattice lat = build_slab_mesh(slab_geometry(c.geometry), c.materials, c.options);
  const double area = c.geometry.size_mm[0] * c.geometry.size_mm[1] * 1e-6;
  const double t = c.geometry.layer_thickness_mm * 1e-3;
  const double expected = area * (c.materials.muscle.density * c.materials.muscle_thickness + 3 * c.materials.dense.density * t);
  const double mass = std::accumulate(lat.masses.begin(), lat.masses.end(), 0.0);
  // Sums of ~1e4 positive terms: relative round-off ~1e-13.
  EXPECT_NEAR(mass, expected, 1e-12 * expected);
  const auto& hex = std::get<Hex8Group>(lat.groups);
  const double volume = std::accumulate(hex.rest_volume.begin(), hex.rest_volume.end(), 0.0);
  EXPECT_NEAR(volume, area * (c.materials.muscle_thickness + 3 * t), 1e-12 * volume);
  const auto& itf = std::get<InterfaceGroup>(lat.groups);
  ASSERT_EQ(itf.size(), std::size_t(lat.nx) * lat.ny * 3);
  const double itf_area = std::accumulate(itf.area.begin(), itf.area.end(), 0.0);
  EXPECT_NEAR(itf_area, 3 * area, 1e-12 * itf_area);
  for (std::size_t e = 0; e < itf.size(); ++e) EXPECT_NEAR(itf.thickness(Index(e)), c.geometry.interface_thickness_mm * 1e-3, 1e-15);
}

TEST(SlabMesh, AdhesionsSpanTheMeshInterfacesAtTheirAreaDensity) {
  SlabCase c;
  Lattice lat = build_slab_mesh(slab_geometry(c.geometry), c.materials, c.options);
  AdhesionSpec spec;
  spec.density_per_mm2 = 10.0;
  add_adhesions(lat, spec, 7);
  const auto& adh = std::get<AdhesionGroup>(lat.groups);
  ASSERT_GT(adh.size(), 0u);
  double bonds = 0;
  for (std::size_t e = 0; e < adh.size(); ++e) bonds += adh.bonds_total[e];
  // Expected 10 / mm^2 x 3 interfaces x 320 mm^2 = 9600, stochastically rounded per element: the
  // standard deviation is below sqrt(n_elements)/2 ~ 20, so 1 % is > 4 sigma.
  EXPECT_NEAR(bonds, 9600.0, 96.0);
}

TEST(SlabMesh, BiotWaterFlowsBetweenTheGradedCells) {
  // [water] model = "biot": one pore cell per hexahedron instead of the volumetric Maxwell
  // element, linked to its face neighbours (and across the interface gaps) with the graded cells'
  // face areas. Checks: counts, and that the link face areas of one cell layer sum to the slab's
  // cross-sections (x links: (nx - 2) interior planes of area Ly x h each).
  SlabCase c;
  c.materials.poro.enabled = true;
  const Lattice lat = build_slab_mesh(slab_geometry(c.geometry), c.materials, c.options);
  const auto& pores = std::get<PoroCellGroup>(lat.groups);
  EXPECT_EQ(pores.size(), std::get<Hex8Group>(lat.groups).size());
  EXPECT_EQ(std::get<CellWaterGroup>(lat.groups).size(), 0u);
  const std::size_t cx = lat.nx - 1, cy = lat.ny - 1, cz = pores.size() / (cx * cy);
  // Links: x and y neighbours in every layer, and one upward link per column between layers.
  EXPECT_EQ(pores.network.links.size(), cz * ((cx - 1) * cy + cx * (cy - 1)) + (cz - 1) * cx * cy);
  double x_area = 0.0;
  const double h0 = lat.rest(lat.nx * lat.ny).z() - lat.rest(0).z();  // bottom cell layer
  for (const auto& l : pores.network.links)
    if (l.a < Index(cx * cy) && l.b == l.a + 1) x_area += l.area;
  EXPECT_NEAR(x_area, (cx - 1) * c.geometry.size_mm[1] * 1e-3 * h0, 1e-12 * x_area);
}

TEST(SlabMesh, HomogeneousBlockWithoutLayers) {
  SlabCase c;
  c.geometry.layers = 0;
  const Lattice lat = build_slab_mesh(slab_geometry(c.geometry), c.materials, c.options);
  EXPECT_EQ(lat.blocks.size(), 1u);
  EXPECT_EQ(std::get<InterfaceGroup>(lat.groups).size(), 0u);
  for (auto id : lat.layer_id) EXPECT_EQ(id, 0);
}

std::string error_key(const SlabCase& c) {
  try {
    build_slab_mesh(slab_geometry(c.geometry), c.materials, c.options);
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line";
    return e.key();
  }
  return "";
}

TEST(SlabMesh, ImpossibleMeshesAreOneLineErrorsNamingTheKey) {
  SlabCase coarse;
  coarse.options.coarsest = 0.2e-3;  // below spacing_mm = 0.5
  EXPECT_EQ(error_key(coarse), "geometry.coarsest_mm");
  SlabCase thin;
  thin.geometry.layer_thickness_mm = 0.01;  // 2 elements of 5 um under a 0.5 mm spacing
  EXPECT_EQ(error_key(thin), "geometry.layer_thickness_mm");
  // Skin, hypodermis and muscle too thin for the spacing name their own keys (the graded blocks,
  // hypodermis and muscle, become one element as thin as the block).
  SlabCase skin;
  skin.materials.skin_thickness = 5e-6;
  EXPECT_EQ(error_key(skin), "geometry.skin_thickness_mm");
  SlabCase fat;
  fat.materials.hypodermis_thickness = 5e-6;
  EXPECT_EQ(error_key(fat), "geometry.hypodermis_thickness_mm");
  SlabCase muscle;
  muscle.materials.muscle_thickness = 5e-6;
  EXPECT_EQ(error_key(muscle), "material.muscle_thickness_mm");
  SlabCase sheet;
  sheet.geometry.kind = "sheet";
  EXPECT_EQ(error_key(sheet), "geometry.kind");
}

}  // namespace
