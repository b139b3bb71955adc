// SPDX-License-Identifier: MIT
// geometry.engine = "fem" end to end: the scenario keys of SCENARIO.md ("Keys for the finite-element
// engine"), the graded slab through run_scenario with the project's protocols, metrics and HDF5
// output, bitwise identical at 1 and 2 threads, and the one-line errors for impossible meshes.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "fascia/scenario_geometry.hpp"
#include "fascia/core/error.hpp"
#include "fascia/mesh/slab_mesh.hpp"
#include "fascia/scenario.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/solve/assembly.hpp"
#include "io/hdf5_handle.hpp"

namespace fascia {
namespace {

std::string slab(const std::string& extra = "") {
  return "[material]\nmuscle_thickness_mm = 1.0\n"
         "[geometry]\nengine = \"fem\"\nkind = \"slab\"\nsize_mm = [6.0, 6.0]\nspacing_mm = 0.5\n"
         "coarsest_mm = 1.0\nlayers = 2\nseed = 3\n" + extra;
}

constexpr const char* kPress =
    "[protocol.press]\nkind = \"static_pressure\"\npressure_kpa = 50.0\nradius_mm = 1.0\nramp_s = 0.2\n"
    "hold_s = 0.3\nrelease_s = 0.2\nrecover_s = 0.3\n";
// Short: the explicit step of the undrained tissue is ~1e-8 s (the water's bulk modulus).
constexpr const char* kTap =
    "[protocol.tap]\nkind = \"impulse\"\nforce_n = 0.2\nradius_mm = 0.5\nduration_s = 1e-5\nend_s = 2e-5\n"
    "frame_interval_s = 1e-5\n";

std::string temp_output(const std::string& stem) {
  return (std::filesystem::path(::testing::TempDir()) /
          ("fascia_fem_" + std::to_string(::getpid()) + "_" + stem + ".h5")).string();
}

ScenarioResult run(const std::string& toml, int threads, const std::string& stem, bool keep = false) {
  RunOptions opt;
  opt.threads = threads;
  opt.output_file = temp_output(stem);
  ScenarioResult r = run_scenario(parse_scenario(toml), opt);
  if (!keep) {
    std::filesystem::remove(r.output_file);
    if (!r.xdmf_file.empty()) std::filesystem::remove(r.xdmf_file);
  }
  set_threads(0);
  return r;
}

TEST(FemEngine, StaticPressureAndTapRunOnTheGradedSlab) {
  // The compressor and the tap act on the mesh as on the lattice: both runs complete, indent the
  // slab downwards, and send a ripple out; the model in the file carries the hexahedra.
  const ScenarioResult r = run(slab() + kPress + kTap, 1, "runs", true);
  ASSERT_EQ(r.runs.size(), 2u);
  for (const auto& run : r.runs) ASSERT_EQ(run.status, "complete") << run.name << ": " << run.message;
  const auto& press = r.runs[0].metrics;
  ASSERT_TRUE(press.count("peak_indentation_m"));
  // 50 kPa on ~1.6 mm of tissue whose stiffest layer under compression is the drained/undrained
  // matrix: an indentation between 0.1 um and 0.5 mm (the guard is against zero or runaway).
  EXPECT_GT(press.at("peak_indentation_m"), 1e-7);
  EXPECT_LT(press.at("peak_indentation_m"), 5e-4);
  EXPECT_LT(press.at("energy_balance_error"), 0.02);
  EXPECT_GT(r.runs[1].metrics.at("work_input_j"), 0.0);
  {
    const auto f = io::h5::open_file_readonly(r.output_file);
    EXPECT_TRUE(io::h5::exists(f.get(), "/model/elements/hexahedra/connectivity"));
    EXPECT_TRUE(io::h5::exists(f.get(), "/model/elements/hexahedra/tissue_id"));
  }
  std::filesystem::remove(r.output_file);
  std::filesystem::remove(r.xdmf_file);
}

TEST(FemEngine, BitwiseIdenticalAtOneAndTwoThreads) {
  // A 16 x 16 mm graded muscle block (layers = 0): more than kParallelThreshold hexahedra, so the
  // assembly really runs on 2 threads (checked); explicit tap.
  const std::string toml = "[material]\nmuscle_thickness_mm = 1.0\n[geometry]\nengine = \"fem\"\nsize_mm = [16.0, 16.0]\n"
                           "spacing_mm = 0.25\ncoarsest_mm = 0.5\nlayers = 0\n" + std::string(kTap);
  {
    const ScenarioSpec spec = parse_scenario(toml);
    const Lattice lat = build_slab_mesh(slab_geometry(spec.geometry), make_materials(spec), slab_mesh_options(spec));
    ASSERT_GE(std::get<Hex8Group>(lat.groups).size(), kParallelThreshold);
  }
  const RunResult one = run(toml, 1, "t1").runs.at(0), two = run(toml, 2, "t2").runs.at(0);
  ASSERT_EQ(one.status, "complete") << one.message;
  for (const auto& [k, v] : one.metrics) EXPECT_EQ(v, two.metrics.at(k)) << k;
}

TEST(FemEngine, FineZoneCoversTheIndenterAndItsStroke) {
  // The finest elements reach 1.25 x the loaded half extents along x and y separately
  // (scenario_geometry.cpp): the outline of each indenter, widened along x by a sliding amplitude.
  const auto fine = [](const std::string& protocols) {
    const std::string toml = "[material]\nmuscle_thickness_mm = 2.0\n[geometry]\nengine = \"fem\"\n"
                             "size_mm = [300.0, 400.0]\nspacing_mm = 2.0\ncoarsest_mm = 8.0\nlayers = 0\n" + protocols;
    return slab_mesh_options(parse_scenario(toml)).fine_half_width;
  };
  const auto close = [](std::array<double, 2> got, double x_mm, double y_mm) {
    EXPECT_NEAR(got[0], 1.25e-3 * x_mm, 1e-15);  // closed form; only the mm -> m rounding
    EXPECT_NEAR(got[1], 1.25e-3 * y_mm, 1e-15);
  };
  const std::string press = "[protocol.p]\nkind = \"static_pressure\"\nforce_n = 100.0\n";
  close(fine(press + "indenter = \"ellipsoid\"\nsemi_axes_mm = [45.0, 120.0, 40.0]\n"), 45.0, 120.0);
  close(fine(press + "indenter = \"cylinder\"\nradius_mm = 37.5\nlength_mm = 100.0\n"), 37.5, 50.0);
  close(fine(press + "indenter = \"sphere\"\nradius_mm = 32.0\n"), 32.0, 32.0);
  const std::string ball = "force_n = 100.0\nindenter = \"sphere\"\nradius_mm = 32.0\namplitude_mm = 10.0\n";
  close(fine("[protocol.a]\nkind = \"compression_passive_shear\"\n" + ball), 42.0, 32.0);
  close(fine("[protocol.a]\nkind = \"compression_active_shear\"\n" + ball), 42.0, 32.0);
  // A contraction moves the muscle by what its stress gives: no stroke is added.
  close(fine("[protocol.a]\nkind = \"compression_active_shear\"\ndrive = \"contraction\"\n" + ball), 32.0, 32.0);
  // Several protocols: the largest extent along each axis; an impulse loads its radius.
  close(fine(press + "indenter = \"ellipsoid\"\nsemi_axes_mm = [20.0, 60.0, 40.0]\n" + std::string(kTap) +
             "[protocol.q]\nkind = \"static_pressure\"\nradius_mm = 30.0\n"),
        30.0, 60.0);

  // The built mesh: at most spacing_mm under the whole outline along each axis, coarser beyond the
  // zone. (graded_sizes scales every element down to fit the length, the fine zone with them: here
  // by 0.93 along y, so the zone's margin, not all of its 1.25 x, is fine.)
  const std::string toml = "[material]\nmuscle_thickness_mm = 2.0\n[geometry]\nengine = \"fem\"\n"
                           "size_mm = [60.0, 80.0]\nspacing_mm = 1.0\ncoarsest_mm = 4.0\nlayers = 0\n" + press +
                           "indenter = \"ellipsoid\"\nsemi_axes_mm = [8.0, 20.0, 10.0]\n";
  const ScenarioSpec spec = parse_scenario(toml);
  const Lattice lat = build_slab_mesh(slab_geometry(spec.geometry), make_materials(spec), slab_mesh_options(spec));
  const auto widest_within = [](const std::vector<double>& grid, double centre, double half) {
    double widest = 0.0;
    for (std::size_t i = 0; i + 1 < grid.size(); ++i)
      if (std::abs(grid[i] - centre) <= half && std::abs(grid[i + 1] - centre) <= half)
        widest = std::max(widest, grid[i + 1] - grid[i]);
    return widest;
  };
  EXPECT_LE(widest_within(lat.grid_x, 30e-3, 8e-3), 1e-3 * (1.0 + 1e-12));
  EXPECT_LE(widest_within(lat.grid_y, 40e-3, 20e-3), 1e-3 * (1.0 + 1e-12));
  EXPECT_GT(widest_within(lat.grid_x, 30e-3, 25e-3), 1.5e-3);  // graded beyond 10 mm along x
}

std::string error_key(const std::string& toml) {
  try {
    run(toml + kPress, 1, "bad");
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    return e.key();
  }
  return "";
}

TEST(FemEngine, BadMeshInputIsAOneLineErrorNamingTheKey) {
  EXPECT_EQ(error_key(slab("").replace(slab("").find("coarsest_mm = 1.0"), 17, "coarsest_mm = 0.2")), "geometry.coarsest_mm");
  EXPECT_EQ(error_key(slab("layer_thickness_mm = 0.01\n")), "geometry.layer_thickness_mm");
  EXPECT_EQ(error_key(slab("mesh_file = \"body.msh\"\n")), "geometry.mesh_file");
  EXPECT_EQ(error_key(slab().replace(slab().find("\"fem\""), 5, "\"fe\"")), "geometry.engine");
}

}  // namespace
}  // namespace fascia
