// SPDX-License-Identifier: MIT
// The tissue stack above the deep fascia (docs/model.md "Skin and hypodermis"): the builder puts a
// hypodermis block on the top dense layer across a loose interface (the sliding plane) and a skin
// block bonded on the hypodermis (one shared node plane), with their own materials.
// Checks against closed forms of the geometry: block heights, node planes, layer ids, the
// interface count (one plane of interface elements per unbonded block boundary), the total mass
// (sum of rho V over blocks: the lumped masses add up exactly).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fascia/scenario_geometry.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {
namespace {

GeometrySpec slab() {
  GeometrySpec g;
  g.size_mm = {4.0, 3.0};
  g.spacing_mm = 0.5;
  g.layers = 2;
  return g;
}

TissueMaterials materials(double skin_mm, double hypodermis_mm) {
  MaterialSpec m;
  m.muscle_thickness_mm = 1.0;
  TissueMaterials mat = make_materials(TissueSpec{}, m, 3e-3);
  mat.skin_thickness = skin_mm * 1e-3;
  mat.hypodermis_thickness = hypodermis_mm * 1e-3;
  return mat;
}

const BlockReport& block(const Lattice& lat, const std::string& name) {
  auto it = std::find_if(lat.blocks.begin(), lat.blocks.end(), [&](const BlockReport& b) { return b.name == name; });
  EXPECT_NE(it, lat.blocks.end()) << name;
  return *it;
}

TEST(BodyLayers, SkinAndHypodermisSitOnTheFascia) {
  const GeometrySpec g = slab();
  const TissueMaterials mat = materials(1.0, 2.0);
  const Lattice bare = build_lattice(slab_geometry(g), materials(0.0, 0.0));
  const Lattice lat = build_lattice(slab_geometry(g), mat);

  const BlockReport& hyp = block(lat, "hypodermis");
  const BlockReport& skin = block(lat, "skin");
  const BlockReport& top_dense = block(lat, "dense2");
  EXPECT_EQ(hyp.material, "hypodermis");
  EXPECT_EQ(skin.material, "skin");
  // Hypodermis starts one loose layer above the top dense layer; skin directly on the hypodermis.
  const double h_int = g.interface_thickness_mm * 1e-3;
  EXPECT_NEAR(hyp.z_bottom, top_dense.z_bottom + top_dense.thickness + h_int, 1e-12);
  EXPECT_NEAR(skin.z_bottom, hyp.z_bottom + hyp.thickness, 1e-12);
  EXPECT_EQ(hyp.cells, 4);   // 2 mm / 0.5 mm
  EXPECT_EQ(skin.cells, 2);  // 1 mm / 0.5 mm
  // Node planes: the bare slab's, plus 5 for the hypodermis and 2 for the skin (its bottom plane
  // is the hypodermis top).
  EXPECT_EQ(lat.nz, bare.nz + 5 + 2);
  const double z_top = lat.rest(lat.node_sets.at("top").front()).z();
  EXPECT_NEAR(z_top, skin.z_bottom + skin.thickness, 1e-12);

  // Layer ids: the top planes are skin, the shared plane skin too, the hypodermis below.
  const Index plane = lat.nx * lat.ny;
  EXPECT_EQ(lat.layer_id[(lat.nz - 1) * plane], kSkinLayer);
  EXPECT_EQ(lat.layer_id[(lat.nz - 3) * plane], kSkinLayer);       // shared plane
  EXPECT_EQ(lat.layer_id[(lat.nz - 4) * plane], kHypodermisLayer);
  EXPECT_EQ(lat.layer_id[(lat.nz - 7) * plane], kHypodermisLayer);  // hypodermis bottom plane
  EXPECT_TRUE(is_dense_layer(lat.layer_id[(lat.nz - 8) * plane]));

  // Interfaces: one element per node column and unbonded boundary (muscle|dense1, dense1|dense2,
  // dense2|hypodermis): one more plane than the bare slab, none between hypodermis and skin.
  const auto& itf = std::get<InterfaceGroup>(lat.groups);
  const auto& itf_bare = std::get<InterfaceGroup>(bare.groups);
  EXPECT_EQ(itf.size(), itf_bare.size() + std::size_t(plane));

  // Mass: sum of rho V over the blocks, exactly (lumped from cell volumes).
  const double area = g.size_mm[0] * g.size_mm[1] * 1e-6;
  double expected = 0.0;
  for (const auto& b : lat.blocks) {
    const double rho = b.material == "muscle" ? mat.muscle.density
                       : b.material == "skin"   ? mat.skin.density
                       : b.material == "hypodermis" ? mat.hypodermis.density
                                                    : mat.dense.density;
    expected += rho * area * b.thickness;
  }
  double total = 0.0;
  for (double m : lat.masses) total += m;
  EXPECT_NEAR(total, expected, 1e-12 * expected);
  // Guard: the superficial layers carry real mass (skin 1 mm at 1109, fat 2 mm at 911 kg/m^3).
  EXPECT_GT(expected, 1.5 * [&] {
    double m = 0.0;
    for (double v : bare.masses) m += v;
    return m;
  }());
}

TEST(BodyLayers, SkinWithoutHypodermisSlidesOnTheFascia) {
  // A skin block alone sits on the top dense layer across a loose interface.
  const GeometrySpec g = slab();
  const Lattice lat = build_lattice(slab_geometry(g), materials(1.0, 0.0));
  const Lattice bare = build_lattice(slab_geometry(g), materials(0.0, 0.0));
  const BlockReport& skin = block(lat, "skin");
  const BlockReport& top_dense = block(lat, "dense2");
  EXPECT_NEAR(skin.z_bottom, top_dense.z_bottom + top_dense.thickness + g.interface_thickness_mm * 1e-3, 1e-12);
  EXPECT_EQ(std::get<InterfaceGroup>(lat.groups).size(),
            std::get<InterfaceGroup>(bare.groups).size() + std::size_t(lat.nx * lat.ny));
}

TEST(BodyLayers, MaterialsCarryTheirSources) {
  // The defaults are the documented constants (docs/model.md), derived like the muscle's.
  const TissueMaterials mat = materials(1.0, 1.0);
  EXPECT_DOUBLE_EQ(mat.skin.shear_modulus, kSkinShearModulus);
  EXPECT_DOUBLE_EQ(mat.hypodermis.shear_modulus, kHypodermisShearModulus);
  EXPECT_DOUBLE_EQ(mat.skin.density, kSkinDensity);
  EXPECT_DOUBLE_EQ(mat.hypodermis.density, kHypodermisDensity);
  // Drained bulk from the shared Poisson ratio: K = 2 mu (1 + nu) / (3 (1 - 2 nu)).
  EXPECT_NEAR(mat.skin.poisson(), MaterialSpec{}.matrix_poisson, 1e-12);
  EXPECT_GT(mat.skin.undrained_bulk, mat.skin.drained_bulk);  // water present
}

}  // namespace
}  // namespace fascia
