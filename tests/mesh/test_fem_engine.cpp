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
