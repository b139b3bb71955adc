// SPDX-License-Identifier: MIT
// Every protocol kind runs to the end, on two threads, on the smallest model that holds it: the short
// run of each protocol family that the sanitizer suite (tests/sanitizer_set.cmake, docs/testing.md)
// puts under AddressSanitizer and UndefinedBehaviorSanitizer. The material tests run on both engines;
// the slab protocols on the lattice (the finite-element slab takes ten times longer, its runs are in
// tests/mesh and the resume families); elastography is one of the resume families
// (tests/cli/test_resume_families.cpp). The physics of each kind is asserted by its own tests
// (tests/protocol, tests/mesh); here each run must end "complete" with no infinite metric, and what
// a loaded tissue must show does: a positive tangent modulus in each material test, a contact force
// under each compressor, an attenuation length for the tap.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "fascia/scenario.hpp"

namespace {

namespace fs = std::filesystem;

/// Runs `text` on two threads into a temporary file; every run must end complete with finite metrics.
fascia::ScenarioResult run_complete(const std::string& name, const std::string& text) {
  const fs::path out = fs::temp_directory_path() / ("fascia_every_kind_" + name + "_" + std::to_string(::getpid()) + ".h5");
  fascia::RunOptions options;
  options.threads = 2;
  options.output_file = out.string();
  const auto result = fascia::run_scenario(fascia::parse_scenario(text), options);
  for (const auto& run : result.runs) {
    EXPECT_EQ(run.status, "complete") << name << " " << run.name << ": " << run.message;
    for (const auto& [metric, value] : run.metrics)
      EXPECT_FALSE(std::isinf(value)) << name << " " << run.name << ": " << metric;
    // What its implicit phases cost (the attributes implicit_steps, newton_iterations, ...): with
    // full Newton (the default) each iteration solves at least once; without implicit phases
    // (no linear solver named) there is no implicit step.
    if (run.linear_solver.empty()) {
      EXPECT_EQ(run.newton.steps, 0) << name << " " << run.name;
    } else {
      EXPECT_GT(run.newton.steps, 0) << name << " " << run.name;
      EXPECT_GE(run.newton.factorisations, run.newton.newton_iterations) << name << " " << run.name;
    }
  }
  fs::remove(out);
  for (const auto& sidecar : result.xdmf_files) fs::remove(sidecar);
  return result;
}

double metric(const fascia::ScenarioResult& r, const std::string& run, const std::string& name) {
  for (const auto& x : r.runs)
    if (x.name == run && x.metrics.count(name)) return x.metrics.at(name);
  ADD_FAILURE() << run << " has no metric " << name;
  return std::nan("");
}

TEST(ShortRuns, EveryMaterialTestOnBothEngines) {
  for (const std::string engine : {"lattice", "fem"}) {
    SCOPED_TRACE(engine);
    const auto r = run_complete("sample_" + engine, R"(
[geometry]
engine = ")" + engine + R"("
kind = "sample"
sample_tissue = "dense"
size_mm = [2.0, 1.0]
sample_thickness_mm = 1.0
spacing_mm = 0.5
[protocol.pull]
kind = "uniaxial"
max_strain = 0.02
strain_rate_per_s = 0.2
hold_s = 0.1
release_s = 0.1
[protocol.bi]
kind = "biaxial"
max_strain = 0.02
strain_rate_per_s = 0.2
hold_s = 0.0
[protocol.shear]
kind = "simple_shear"
max_strain = 0.02
strain_rate_per_s = 0.2
hold_s = 0.0
[protocol.confined]
kind = "confined_compression"
max_strain = 0.02
strain_rate_per_s = 0.2
hold_s = 0.1
)");
    ASSERT_EQ(r.runs.size(), 4u);
    for (const char* run : {"pull", "bi", "shear", "confined"}) EXPECT_GT(metric(r, run, "tangent_modulus_pa"), 0.0) << run;
  }
}

TEST(ShortRuns, EverySlabProtocolOnTheLattice) {
  const auto r = run_complete("slab", R"(
[geometry]
kind = "slab"
size_mm = [2.0, 2.0]
layers = 2
spacing_mm = 0.5
[material]
muscle_thickness_mm = 1.0
[solver]
integrator = "auto"
[protocol.tap]
kind = "impulse"
force_n = 0.05
radius_mm = 0.5
duration_s = 2e-5
end_s = 1e-4
[protocol.static]
kind = "static_pressure"
pressure_kpa = 50.0
radius_mm = 0.6
ramp_s = 0.05
hold_s = 0.05
release_s = 0.05
recover_s = 0.05
[protocol.active]
kind = "compression_active_shear"
pressure_kpa = 50.0
radius_mm = 0.6
amplitude_mm = 0.1
frequency_hz = 10.0
cycles = 1
ramp_s = 0.05
release_s = 0.05
recover_s = 0.05
[protocol.passive]
kind = "compression_passive_shear"
indenter = "cylinder"
force_n = 0.02
radius_mm = 0.6
amplitude_mm = 0.1
frequency_hz = 10.0
cycles = 1
ramp_s = 0.05
release_s = 0.05
recover_s = 0.05
[output]
frame_interval_s = 0.05
)");
  ASSERT_EQ(r.runs.size(), 4u);
  EXPECT_GT(metric(r, "tap", "attenuation_length_m"), 0.0);
  for (const char* run : {"static", "active", "passive"}) EXPECT_GT(metric(r, run, "peak_contact_force_n"), 0.0) << run;
}

}  // namespace
