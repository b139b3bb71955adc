// SPDX-License-Identifier: MIT
// gmsh meshes through geometry.mesh_file (docs/fem.md "Imported meshes"): the MSH 4.1 reader, the
// model built from it against the generated mesh of the same block, tetrahedra split into
// hexahedra against hexahedra, the tissues and fibres of a layered mesh, and every bad input as a
// one-line error naming the key and the line or element of the file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <numeric>
#include <string>
#include <tuple>

#include <unistd.h>

#include "fascia/scenario_geometry.hpp"
#include "fascia/core/error.hpp"
#include "fascia/mesh/gmsh_file.hpp"
#include "fascia/mesh/imported_mesh.hpp"
#include "fascia/mesh/slab_mesh.hpp"
#include "fascia/scenario.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/solve/assembly.hpp"
#include "mesh/punch_stiffness.hpp"

namespace fascia {
namespace {

std::string data(const std::string& name) { return std::string(FASCIA_TEST_DATA_DIR) + "/" + name; }

std::string temp_path(const std::string& stem) {
  return (std::filesystem::path(::testing::TempDir()) / ("fascia_msh_" + std::to_string(::getpid()) + "_" + stem)).string();
}

/// The block of tests/data/box_hex.geo as a scenario: generated (mesh = "") or imported.
std::string block(const std::string& mesh, bool water = true) {
  return "[material]\nmuscle_thickness_mm = 1.0\n" + std::string(water ? "" : "water_bulk_modulus_mpa = 0.0\n") +
         "[geometry]\nengine = \"fem\"\nkind = \"slab\"\nsize_mm = [6.0, 6.0]\nspacing_mm = 0.5\nlayers = 0\n" +
         (mesh.empty() ? "" : "mesh_file = \"" + data(mesh) + "\"\n") +
         "[protocol.press]\nkind = \"static_pressure\"\npressure_kpa = 20.0\nradius_mm = 1.5\nramp_s = 0.2\n"
         "hold_s = 0.3\nrelease_s = 0.05\nrecover_s = 0.0\n";
}

std::map<std::string, double> run_metrics(const std::string& toml, const std::string& stem) {
  RunOptions opt;
  opt.threads = 1;
  opt.output_file = temp_path(stem + ".h5");
  const ScenarioResult r = run_scenario(parse_scenario(toml), opt);
  std::filesystem::remove(r.output_file);
  if (!r.xdmf_file.empty()) std::filesystem::remove(r.xdmf_file);
  set_threads(0);
  EXPECT_EQ(r.runs.at(0).status, "complete") << r.runs.at(0).message;
  return r.runs.at(0).metrics;
}

double peak_indentation(const std::string& toml, const std::string& stem) {
  return run_metrics(toml, stem).at("peak_indentation_m");
}

TEST(GmshFile, ReadsHexahedraAndTetrahedraWithTheirPhysicalVolumes) {
  const GmshMesh hex = read_gmsh_mesh(data("box_hex.msh"), "k");
  EXPECT_EQ(hex.coordinates.size(), 13u * 13u * 3u);  // 12 x 12 x 2 elements
  ASSERT_EQ(hex.volumes.size(), 288u);
  for (const auto& e : hex.volumes) {
    EXPECT_EQ(e.type, kGmshHexahedron8);
    EXPECT_EQ(e.group, "muscle");
  }
  const GmshMesh tet = read_gmsh_mesh(data("box_tet.msh"), "k");
  ASSERT_EQ(tet.volumes.size(), 1700u);
  EXPECT_EQ(tet.volumes.front().type, kGmshTetrahedron4);
  // Every node lies in the 6 x 6 x 1 mm box.
  for (const Vec3& p : tet.coordinates) {
    EXPECT_GE(p.minCoeff(), -1e-12);
    EXPECT_LE(p.x(), 6.0 + 1e-12);
    EXPECT_LE(p.z(), 1.0 + 1e-12);
  }
}

TEST(ImportedMesh, TheGmshBlockIsTheGeneratedBlock) {
  // Same geometry, same element sizes: the same nodes, masses, surfaces and loaded areas as the
  // generated mesh (in another order).
  const ScenarioSpec imported = parse_scenario(block("box_hex.msh")), generated = parse_scenario(block(""));
  const TissueMaterials mat = make_materials(generated);
  const Lattice a = build_imported_mesh(imported.geometry.mesh_file, slab_geometry(imported.geometry), mat);
  const Lattice b = build_slab_mesh(slab_geometry(generated.geometry), mat, slab_mesh_options(generated));
  ASSERT_EQ(a.num_nodes(), b.num_nodes());
  EXPECT_EQ(std::get<Hex8Group>(a.groups).size(), std::get<Hex8Group>(b.groups).size());
  const auto sum = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); };
  EXPECT_NEAR(sum(a.masses), sum(b.masses), 1e-12 * sum(b.masses));  // round-off of the element volumes
  for (const char* set : {"top", "bottom", "lateral"}) EXPECT_EQ(a.node_sets.at(set).size(), b.node_sets.at(set).size()) << set;
  EXPECT_NEAR(sum(a.top_area), 36e-6, 1e-15);  // the whole 6 x 6 mm top
  EXPECT_NEAR(a.top_cell_height, 0.5e-3, 1e-15);
  EXPECT_NEAR(a.finest_spacing(), b.finest_spacing(), 1e-15);
  ASSERT_EQ(a.blocks.size(), 1u);
  EXPECT_EQ(a.blocks[0].material, "muscle");
  EXPECT_EQ(a.blocks[0].cells, 2);
  EXPECT_NEAR(a.blocks[0].thickness, 1e-3, 1e-15);
}

TEST(ImportedMesh, ReproducesTheGeneratedMeshIndentation) {
  // The same mesh numbered differently: the Newton solves converge to the same state, so the
  // indentations agree to the solver's tolerance, far below any discretisation error.
  const double generated = peak_indentation(block(""), "gen"), imported = peak_indentation(block("box_hex.msh"), "imp");
  std::printf("indentation [um]: generated %.6f, imported %.6f\n", 1e6 * generated, 1e6 * imported);  // docs/fem.md
  EXPECT_GT(generated, 1e-7);
  EXPECT_NEAR(imported, generated, 1e-6 * generated);
}

TEST(ImportedMesh, TetrahedraSplitIntoHexahedraDoNotLock) {
  // A rigid flat punch (radius 1.5 mm, bonded, one quasi-static Newton step) on the 6 x 6 x 1 mm
  // block, nearly incompressible (nu = 0.499, K/G = 500, above the tissue's undrained K_u/G ~ 300):
  // the block meshed with tetrahedra (split into Q1/P0 hexahedra) against the same block in
  // hexahedra. The two meshes place the punch edge differently (nodes held up to r = a, free from
  // the next node out: up to h/2 = 0.25 mm wider on either mesh), an effect of order h/a ~ 15 % on a
  // punch stiffness; hence within 15 %. The same split tetrahedra without the mean dilatation (plain
  // Q1, as linear elements) lock: stiffer by more than a quarter (as FemIndentation.FlatPunch...).
  ScenarioSpec spec = parse_scenario(block("box_hex.msh", false));
  spec.material.matrix_poisson = 0.499;
  const TissueMaterials mat = make_materials(spec);
  const Lattice hex = build_imported_mesh(spec.geometry.mesh_file, slab_geometry(spec.geometry), mat);
  spec.geometry.mesh_file = data("box_tet.msh");
  const Lattice tet = build_imported_mesh(spec.geometry.mesh_file, slab_geometry(spec.geometry), mat);
  // Depth 1e-3 a (0.15 % strain of the 1 mm block: linear to ~0.1 %, measured against 1e-2 a); at
  // 1e-4 a the quasi-static Newton step did not converge on this thin block (seen, not analysed).
  const double a = 1.5e-3, depth = 1e-3;
  const double k_hex = punch_stiffness(hex, a, true, depth), k_tet = punch_stiffness(tet, a, true, depth);
  const double k_tet_q1 = punch_stiffness(tet, a, false, depth);
  std::printf("punch stiffness [N/m]: hexahedra %.6g, split tetrahedra %.6g, split tetrahedra plain Q1 %.6g\n", k_hex,
              k_tet, k_tet_q1);  // docs/fem.md
  EXPECT_NEAR(k_tet / k_hex, 1.0, 0.15);
  EXPECT_GT(k_tet_q1 / k_tet, 1.25) << "plain Q1 on the split tetrahedra did not lock";
}

TEST(ImportedMesh, LayeredSlabTissuesFibresAndLayerIds) {
  ScenarioSpec spec = parse_scenario(block("slab_layers.msh"));
  const Lattice lat = build_imported_mesh(spec.geometry.mesh_file, slab_geometry(spec.geometry), make_materials(spec));
  ASSERT_EQ(lat.blocks.size(), 4u);  // bottom to top
  const char* names[] = {"muscle", "dense_1", "loose_1", "dense_2"};
  const int cells[] = {2, 2, 1, 2};
  for (int b = 0; b < 4; ++b) {
    EXPECT_EQ(lat.blocks[std::size_t(b)].name, names[b]);
    EXPECT_EQ(lat.blocks[std::size_t(b)].cells, cells[b]) << names[b];
  }
  // The generated slab's fibre rule: dense_1 along fiber_angle_deg, dense_2 crossed.
  EXPECT_EQ(lat.blocks[1].fiber_angle_deg, spec.geometry.fiber_angle_deg);
  EXPECT_EQ(lat.blocks[3].fiber_angle_deg, spec.geometry.fiber_angle_deg + spec.geometry.crossing_angle_deg);
  const auto& hex = std::get<Hex8Group>(lat.groups);
  EXPECT_GT(hex.materials.at(1).fiber_modulus, 0.0);
  EXPECT_EQ(hex.materials.at(2).fiber_modulus, 0.0);  // loose: ground substance only
  // Node ids: the top surface is dense layer 2, the base muscle, the plane between loose_1 and
  // dense_2 takes the upper tissue's id.
  for (Index n : lat.node_sets.at("top")) EXPECT_EQ(lat.layer_id[std::size_t(n)], 2);
  for (Index n : lat.node_sets.at("bottom")) EXPECT_EQ(lat.layer_id[std::size_t(n)], 0);
  int loose = 0;
  for (std::size_t n = 0; n < lat.num_nodes(); ++n) loose += lat.layer_id[n] == -1;
  EXPECT_EQ(loose, 13 * 13);  // the bottom plane of loose_1 (its top plane is dense_2's)
}

/// tests/data/slab_interfaces.geo as a scenario: the generated slab of the same keys (mesh = "")
/// or the gmsh mesh (the same elements, without the 0.043 mm gaps of the generated loose layers).
std::string stack(const std::string& mesh) {
  return "[material]\nmuscle_thickness_mm = 1.0\n[geometry]\nengine = \"fem\"\nkind = \"slab\"\nsize_mm = [6.0, 6.0]\n"
         "spacing_mm = 0.5\nlayers = 2\nlayer_thickness_mm = 0.28\nhypodermis_thickness_mm = 1.0\nskin_thickness_mm = 0.5\n" +
         (mesh.empty() ? "" : "mesh_file = \"" + data(mesh) + "\"\n") +
         "[adhesion]\ndensity_per_mm2 = 1.0\n"
         "[protocol.press]\nkind = \"static_pressure\"\npressure_kpa = 20.0\nradius_mm = 1.5\nramp_s = 0.2\n"
         "hold_s = 0.3\nrelease_s = 0.05\nrecover_s = 0.0\n";
}

/// The interface elements of `lat` ordered by the position of their lower node (z, then y, x).
std::vector<std::size_t> by_position(const Lattice& lat) {
  const auto& itf = std::get<InterfaceGroup>(lat.groups);
  std::vector<std::size_t> order(itf.size());
  std::iota(order.begin(), order.end(), 0);
  const auto key = [&](std::size_t e) {
    const Vec3 p = lat.rest(itf.connectivity[e][0]);
    return std::tuple(p.z(), p.y(), p.x());
  };
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return key(i) < key(j); });
  return order;
}

TEST(ImportedMesh, TissuesOnEachOtherSlideOnInterfacesAsInTheGeneratedSlab) {
  const ScenarioSpec imported = parse_scenario(stack("slab_interfaces.msh")), generated = parse_scenario(stack(""));
  const TissueMaterials mat = make_materials(generated);
  Lattice a = build_imported_mesh(imported.geometry.mesh_file, slab_geometry(imported.geometry), mat);
  Lattice b = build_slab_mesh(slab_geometry(generated.geometry), mat, slab_mesh_options(generated));
  // The generated slab's interfaces: dense_1 on the muscle, dense_2 on dense_1, the hypodermis on
  // dense_2 (the skin is bonded to the hypodermis): 3 planes of 13 x 13 node pairs, the split
  // nodes being the generated slab's second node planes.
  const auto &ia = std::get<InterfaceGroup>(a.groups), &ib = std::get<InterfaceGroup>(b.groups);
  ASSERT_EQ(ia.size(), 3u * 13u * 13u);
  ASSERT_EQ(ib.size(), ia.size());
  EXPECT_EQ(a.num_nodes(), b.num_nodes());
  const auto oa = by_position(a), ob = by_position(b);
  const std::int32_t lower_layer[] = {0, 1, 2}, upper_layer[] = {1, 2, kHypodermisLayer};
  for (std::size_t i = 0; i < oa.size(); ++i) {
    const std::size_t ea = oa[i], eb = ob[i];
    const auto [below, above] = ia.connectivity[ea];
    // Same column, same tributary area and law constants (shear G/h_int, contact over the cell
    // above, tension, HA viscosity): only the rounding of the element geometry differs.
    EXPECT_NEAR(a.rest(below).x(), b.rest(ib.connectivity[eb][0]).x(), 1e-15);
    EXPECT_NEAR(a.rest(below).y(), b.rest(ib.connectivity[eb][0]).y(), 1e-15);
    EXPECT_NEAR(ia.area[ea], ib.area[eb], 1e-12 * ib.area[eb]);
    EXPECT_NEAR(ia.shear_stiffness[ea], ib.shear_stiffness[eb], 1e-12 * ib.shear_stiffness[eb]);
    EXPECT_NEAR(ia.compression_stiffness[ea], ib.compression_stiffness[eb], 1e-9 * ib.compression_stiffness[eb]);
    EXPECT_NEAR(ia.tension_stiffness[ea], ib.tension_stiffness[eb], 1e-12 * ib.tension_stiffness[eb]);
    EXPECT_NEAR(ia.viscosity[ea], ib.viscosity[eb], 1e-12 * ib.viscosity[eb]);
    // Zero gap: the copy sits on the original, carrying the upper tissue's layer id; the law's
    // loose layer keeps its thickness.
    EXPECT_EQ(a.rest(below), a.rest(above));
    EXPECT_EQ(ia.thickness(Index(ea)), ib.thickness(Index(eb)));
    EXPECT_EQ(ia.rest_offset[ea], Vec3::Zero());
    EXPECT_EQ(ib.rest_offset[eb], Vec3(0.0, 0.0, generated.geometry.interface_thickness_mm * 1e-3));
    const std::size_t plane = i / (13 * 13);
    EXPECT_EQ(a.layer_id[std::size_t(below)], lower_layer[plane]) << i;
    EXPECT_EQ(a.layer_id[std::size_t(above)], upper_layer[plane]) << i;
  }
  // The split faces are not surfaces; the masses are the same tissue volumes.
  for (const char* set : {"top", "bottom", "lateral"}) EXPECT_EQ(a.node_sets.at(set).size(), b.node_sets.at(set).size()) << set;
  const auto sum = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); };
  EXPECT_NEAR(sum(a.masses), sum(b.masses), 1e-12 * sum(b.masses));
  // Adhesions are seeded on the interfaces as on the generated slab: 1 per mm^2 over 3 x 36 mm^2,
  // by unbiased stochastic rounding per element (507 Bernoulli draws: standard deviation < 12).
  add_adhesions(a, imported.adhesion, imported.geometry.seed);
  double bonds = 0.0;
  for (double n : std::get<AdhesionGroup>(a.groups).bonds_intact) bonds += n;
  EXPECT_NEAR(bonds, 108.0, 36.0);

  // Under the same press the two slabs indent alike: they differ only in the three empty gaps of
  // the generated loose layers (0.129 mm of 3.06 mm). Measured 0.03 % apart, while the same gmsh
  // mesh with its tissues bonded (no interfaces) indents 6.3 % less (docs/fem.md): within 1 %.
  const auto gen = run_metrics(stack(""), "stack_gen"), imp = run_metrics(stack("slab_interfaces.msh"), "stack_imp");
  const double d_gen = gen.at("peak_indentation_m"), d_imp = imp.at("peak_indentation_m");
  std::printf("indentation [um]: generated %.6f, imported with interfaces %.6f\n", 1e6 * d_gen, 1e6 * d_imp);  // docs/fem.md
  EXPECT_GT(d_gen, 1e-7);
  EXPECT_NEAR(d_imp / d_gen, 1.0, 0.01);
  // The extruded gmsh mesh has node columns as the generated slab has: the dense stack's
  // compression is measured on both.
  ASSERT_EQ(gen.count("peak_dense_compression"), 1u);
  ASSERT_EQ(imp.count("peak_dense_compression"), 1u);
  const double c_gen = gen.at("peak_dense_compression"), c_imp = imp.at("peak_dense_compression");
  std::printf("peak_dense_compression: generated %.6g, imported with interfaces %.6g\n", c_gen, c_imp);  // docs/fem.md
  // The generated column also spans the 0.043 mm loose gap between dense_1 and dense_2 (7 % of its
  // 0.603 mm), the imported one only the two dense layers (0.56 mm): measured 2.6 % apart; 5 %.
  EXPECT_GT(c_gen, 1e-3);
  EXPECT_NEAR(c_imp / c_gen, 1.0, 0.05);
}

// ---- bad input -------------------------------------------------------------------------------

/// A hand-written MSH 4.1 file: 12 nodes (two 1 mm cubes stacked), one volume entity per element
/// with its own physical volume `groups[e]`, each element given as "type node tags".
std::string msh(const std::vector<std::string>& groups, const std::vector<std::string>& elements,
                const std::string& format = "4.1 0 8") {
  std::string s = "$MeshFormat\n" + format + "\n$EndMeshFormat\n$PhysicalNames\n" + std::to_string(groups.size()) + "\n";
  for (std::size_t g = 0; g < groups.size(); ++g) s += "3 " + std::to_string(g + 1) + " \"" + groups[g] + "\"\n";
  s += "$EndPhysicalNames\n$Entities\n0 0 0 " + std::to_string(elements.size()) + "\n";
  for (std::size_t e = 0; e < elements.size(); ++e)
    s += std::to_string(e + 1) + " 0 0 0 1 1 2 " + (e < groups.size() ? "1 " + std::to_string(e + 1) : std::string("0")) + " 0\n";
  s += "$EndEntities\n$Nodes\n1 12 1 12\n3 1 0 12\n";
  for (int n = 1; n <= 12; ++n) s += std::to_string(n) + "\n";
  for (int k = 0; k < 3; ++k) s += "0 0 " + std::to_string(k) + "\n1 0 " + std::to_string(k) + "\n1 1 " + std::to_string(k) + "\n0 1 " + std::to_string(k) + "\n";
  s += "$EndNodes\n$Elements\n" + std::to_string(elements.size()) + " " + std::to_string(elements.size()) + " 1 " +
       std::to_string(elements.size()) + "\n";
  for (std::size_t e = 0; e < elements.size(); ++e) {
    const std::string type = elements[e].substr(0, elements[e].find(' '));
    s += "3 " + std::to_string(e + 1) + " " + type + " 1\n" + std::to_string(e + 1) + elements[e].substr(elements[e].find(' ')) + "\n";
  }
  return s + "$EndElements\n";
}
const std::string kLower = "5 1 2 3 4 5 6 7 8", kUpper = "5 5 6 7 8 9 10 11 12";

/// An $ElementData view `name` with `components` values per element, one "tag values..." per entry.
std::string element_data(const std::vector<std::string>& entries, const std::string& name = "fiber_direction",
                         int components = 3) {
  std::string s = "$ElementData\n1\n\"" + name + "\"\n1\n0.0\n3\n0\n" + std::to_string(components) + "\n" +
                  std::to_string(entries.size()) + "\n";
  for (const auto& e : entries) s += e + "\n";
  return s + "$EndElementData\n";
}

/// The one-line error of building the model of `text` (written to a file) with `extra` keys.
/// A scenario of the imported mesh at `path` (any protocol: the mesh is all these tests build).
std::string with_mesh(const std::string& path, const std::string& extra = "") {
  return "[geometry]\nengine = \"fem\"\nlayers = 0\nmesh_file = \"" + path + "\"\n" + extra +
         "[protocol.press]\nkind = \"static_pressure\"\n";
}

std::string import_error(const std::string& text, const std::string& extra = "", std::string* key = nullptr) {
  const std::string path = temp_path("bad.msh");
  std::ofstream(path) << text;
  try {
    const ScenarioSpec spec = parse_scenario(with_mesh(path, extra));
    build_imported_mesh(spec.geometry.mesh_file, slab_geometry(spec.geometry), make_materials(spec));
  } catch (const InputError& e) {
    std::filesystem::remove(path);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    if (key) *key = e.key();
    else EXPECT_EQ(e.key(), "geometry.mesh_file") << e.what();
    return e.what();
  }
  std::filesystem::remove(path);
  return "no error";
}

TEST(ImportedMesh, TheHandWrittenFileIsValid) {
  // The base of the bad inputs below builds: two 1 mm cubes of muscle, one on the other.
  const std::string path = temp_path("good.msh");
  std::ofstream(path) << msh({"muscle", "muscle"}, {kLower, kUpper});
  const ScenarioSpec spec = parse_scenario(with_mesh(path));
  const Lattice lat = build_imported_mesh(spec.geometry.mesh_file, slab_geometry(spec.geometry), make_materials(spec));
  std::filesystem::remove(path);
  EXPECT_EQ(lat.num_nodes(), 12u);
  EXPECT_EQ(lat.node_sets.at("top").size(), 4u);
  EXPECT_NEAR(lat.top_area[0], 0.25e-6, 1e-18);  // a quarter of the 1 mm^2 face
}

/// The model of the hand-written file `text` (two 1 mm cubes).
Lattice imported(const std::string& text, ScenarioSpec* spec_out = nullptr) {
  const std::string path = temp_path("fibres.msh");
  std::ofstream(path) << text;
  const ScenarioSpec spec = parse_scenario(with_mesh(path));
  Lattice lat = build_imported_mesh(spec.geometry.mesh_file, slab_geometry(spec.geometry), make_materials(spec));
  std::filesystem::remove(path);
  if (spec_out) *spec_out = spec;
  return lat;
}

/// Homogeneous stretch `s` along axis `axis` of the rest positions X.
std::vector<double> stretched(const std::vector<double>& X, int axis, double s) {
  std::vector<double> x = X;
  for (std::size_t i = std::size_t(axis); i < x.size(); i += 3) x[i] *= s;
  return x;
}

TEST(ImportedMesh, PerElementFibreDirections) {
  // Two 1 mm cubes of dense_1 (fibres along x by the tissue's rule). The lower cube's are given as
  // -2.5 y (any length, either sign: fibres are axial); a one-component view of another name is
  // skipped.
  ScenarioSpec spec;
  const Lattice lat = imported(msh({"dense_1", "dense_1"}, {kLower, kUpper}) + element_data({"9 0.5"}, "pressure", 1) +
                                   element_data({"1 0 -2.5 0"}),
                               &spec);
  const auto& hex = std::get<Hex8Group>(lat.groups);
  ASSERT_EQ(hex.size(), 2u);
  ASSERT_EQ(hex.fiber_rotation.size(), 2u);
  const HexMaterial& m = hex.materials.at(std::size_t(hex.material[0]));
  ASSERT_GT(m.fiber_modulus, 0.0);
  // The lower cube's family is the in-plane family at 90 degrees (each direction up to its sign,
  // to rounding: the rotation is a quaternion's); the upper keeps its material's.
  const FiberFamily along_y = von_mises_family(std::numbers::pi / 2, spec.geometry.dispersion_kappa);
  ASSERT_EQ(along_y.directions.size(), m.fibers.directions.size());
  for (std::size_t q = 0; q < along_y.directions.size(); ++q) {
    const Vec3 d = hex.fiber_direction(0, q, m), a = along_y.directions[q];
    EXPECT_LT(std::min((d - a).norm(), (d + a).norm()), 1e-12) << q;
    EXPECT_EQ(hex.fiber_direction(1, q, m), m.fibers.directions[q]) << q;
  }
  // Physics: stretching the lower cube along y stores what stretching the upper (fibres along x)
  // along x stores (the cubes are alike; the Prony history is at rest), and far more than
  // stretching the upper along y, across its fibres.
  const auto along_x = stretched(lat.rest_positions, 0, 1.03), along_y_stretch = stretched(lat.rest_positions, 1, 1.03);
  const double lower_y = hex.energy(0, view(along_y_stretch)), upper_x = hex.energy(1, view(along_x));
  EXPECT_NEAR(lower_y, upper_x, 1e-12 * upper_x);
  EXPECT_LT(hex.energy(1, view(along_y_stretch)), 0.5 * lower_y);
  std::size_t notes = 0;  // the run's notes count the turned hexahedra
  for (const std::string& note : lat.notes)
    if (note.find("fibre direction from the mesh") != std::string::npos) {
      ++notes;
      EXPECT_EQ(note.rfind("1 hexahedra", 0), 0u) << note;
    }
  EXPECT_EQ(notes, 1u);

  // Out of the plane: (1, 0, 1) tilts the family about y. Its heaviest direction is the given one,
  // and every direction lies in the tilted sheet (normal to the rotated z).
  const Lattice tilted = imported(msh({"dense_1", "dense_1"}, {kLower, kUpper}) + element_data({"2 1 0 1"}));
  const auto& th = std::get<Hex8Group>(tilted.groups);
  const HexMaterial& tm = th.materials.at(std::size_t(th.material[1]));
  const Vec3 axis = Vec3(1, 0, 1).normalized(), normal = th.fiber_rotation.at(1) * Vec3::UnitZ();
  std::size_t heaviest = 0;
  for (std::size_t q = 0; q < tm.fibers.weights.size(); ++q)
    if (tm.fibers.weights[q] > tm.fibers.weights[heaviest]) heaviest = q;
  EXPECT_LT((th.fiber_direction(1, heaviest, tm) - axis).norm(), 1e-12);
  EXPECT_NEAR(normal.dot(axis), 0.0, 1e-12);
  for (std::size_t q = 0; q < tm.fibers.directions.size(); ++q) EXPECT_NEAR(th.fiber_direction(1, q, tm).dot(normal), 0.0, 1e-12);
}

TEST(ImportedMesh, BadFilesAreOneLineErrorsNamingTheKeyAndTheLine) {
  const auto has = [](const std::string& message, const std::string& part) {
    return message.find(part) != std::string::npos ? ::testing::AssertionSuccess()
                                                    : ::testing::AssertionFailure() << message << "  lacks  " << part;
  };
  const std::string good = msh({"muscle", "muscle"}, {kLower, kUpper});
  // Missing, not a mesh, other versions, truncated, malformed numbers.
  {
    const ScenarioSpec spec = parse_scenario(with_mesh("/nonexistent/body.msh"));
    try {
      build_imported_mesh(spec.geometry.mesh_file, slab_geometry(spec.geometry), make_materials(spec));
      ADD_FAILURE() << "a missing file was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.key(), "geometry.mesh_file");
      EXPECT_TRUE(has(e.what(), "cannot be opened"));
    }
  }
  EXPECT_TRUE(has(import_error("solid cube\nfacet normal 0 0 1\n"), "not a gmsh mesh"));
  EXPECT_TRUE(has(import_error(""), "not a gmsh mesh"));
  EXPECT_TRUE(has(import_error(msh({"muscle", "muscle"}, {kLower, kUpper}, "4.1 1 8")), "binary MSH files are not supported"));
  EXPECT_TRUE(has(import_error(msh({"muscle", "muscle"}, {kLower, kUpper}, "2.2 0 8")), "MSH version 2.2 is not supported"));
  EXPECT_TRUE(has(import_error(good.substr(0, good.find("$EndNodes"))), "ends inside $Nodes"));
  std::string bad_number = good;
  bad_number.replace(bad_number.find("1 1 2\n"), 5, "1 1 x");  // node 11's coordinates: line 39
  EXPECT_TRUE(has(import_error(bad_number), "line 39: expected a finite number"));
  // Elements: unsupported type, undefined node, no physical volume, unknown tissue.
  EXPECT_TRUE(has(import_error(msh({"muscle"}, {"7 1 2 3 4 9"})), "5-node pyramid elements (volume 1) are not supported"));
  EXPECT_TRUE(has(import_error(msh({"muscle"}, {"5 1 2 3 4 5 6 7 99"})), "uses node tag 99, which $Nodes does not define"));
  EXPECT_TRUE(has(import_error(msh({"muscle"}, {kLower, kUpper})), "element 2 lies in volume 2, which is in no named physical volume"));
  EXPECT_TRUE(has(import_error(msh({"muscle", "fat"}, {kLower, kUpper})), "physical volume \"fat\" (element 2) names no known tissue"));
  EXPECT_TRUE(has(import_error(msh({"muscle", "dense_0"}, {kLower, kUpper})), "names no known tissue"));
  // Inverted (top face first), degenerate (a flat tetrahedron), too coarse (one element through dense_1).
  EXPECT_TRUE(has(import_error(msh({"muscle", "muscle"}, {kLower, "5 9 10 11 12 5 6 7 8"})), "element 2 (muscle) is inverted"));
  EXPECT_TRUE(has(import_error(msh({"muscle", "muscle"}, {kLower, "4 5 6 7 8"})), "element 2 (muscle) is degenerate"));
  EXPECT_TRUE(has(import_error(msh({"muscle", "dense_1"}, {kLower, kUpper})), "element 2 (dense_1) spans 1 mm of the 1 mm thick layer"));
  EXPECT_TRUE(has(import_error(msh({"muscle", "skin"}, {kLower, kUpper})), "too coarse to resolve the layer"));
  // The "fiber_direction" view: components, zero and non-finite directions, unknown and repeated
  // element tags, the view twice (the base file has 48 lines: the view's entries start at line 58).
  const std::string two = msh({"muscle", "dense_1"}, {kLower, kUpper});
  EXPECT_TRUE(has(import_error(two + element_data({"1 1 0"}, "fiber_direction", 2)), "has 2 components per element; allowed 3"));
  EXPECT_TRUE(has(import_error(two + element_data({"2 0 0 0"})), "line 58: element 2: the fibre direction is zero"));
  EXPECT_TRUE(has(import_error(two + element_data({"2 1 nan 0"})), "expected a finite number (y)"));
  EXPECT_TRUE(has(import_error(two + element_data({"2 1 0 0", "7 1 0 0"})), "line 59: the view \"fiber_direction\" names element 7, which is not a 3-D element"));
  EXPECT_TRUE(has(import_error(two + element_data({"2 1 0 0", "2 0 1 0"})), "element 2 has two fibre directions"));
  EXPECT_TRUE(has(import_error(two + element_data({"2 1 0 0"}) + element_data({"1 1 0 0"})), "is given twice"));
  // Keys that do not go with a mesh file.
  std::string key;
  EXPECT_TRUE(has(import_error(good, "[water]\nmodel = \"biot\"\n", &key), "not available with geometry.mesh_file"));
  EXPECT_EQ(key, "water.model");
  try {
    parse_scenario("[geometry]\nmesh_file = \"" + data("box_hex.msh") + "\"\n[protocol.press]\nkind = \"static_pressure\"\n");
    ADD_FAILURE() << "mesh_file with the lattice engine was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "geometry.mesh_file");
    EXPECT_TRUE(has(e.what(), "needs engine = \"fem\""));
  }
}

}  // namespace
}  // namespace fascia
