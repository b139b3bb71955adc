// SPDX-License-Identifier: MIT
// The sham control (docs/model.md §6): a movement of zero amplitude is allowed, and it is the
// static protocol — nothing moves, so with hold_s = cycles / frequency_hz every metric of the sham
// runs (active base sliding and passive compressor sliding, amplitude_mm = 0) equals the static
// run's bit for bit. The stepping rule for driven cycles applies only where something is driven,
// so the runs take the same steps; stochastic adhesion rupture is keyed by step, so even it agrees.
// A 0.05 mm movement is the control that the comparison is not vacuous: it changes the metrics.
// 3 x 3 mm slab, spacing 0.5 mm, short phases: a few seconds in Release.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "fascia/scenario.hpp"
#include "fascia/solve/assembly.hpp"

namespace fascia {
namespace {

constexpr const char* kSlab =
    "[geometry]\nkind = \"slab\"\nsize_mm = [3.0, 3.0]\nspacing_mm = 0.5\nlayers = 2\nseed = 3\n"
    "[material]\nmuscle_thickness_mm = 1.0\n[adhesion]\nbell_rate_per_s = 1.0\nheal_rate_per_s = 0.5\n";
constexpr const char* kPhases = "radius_mm = 1.2\nramp_s = 0.2\nrelease_s = 0.2\nrecover_s = 0.5\n";

std::string shear(const std::string& name, const std::string& kind, double amplitude_mm) {
  return "[protocol." + name + "]\nkind = \"" + kind + "\"\nfrequency_hz = 2.5\ncycles = 1\namplitude_mm = " +
         std::to_string(amplitude_mm) + "\n" + kPhases;
}

const RunResult& find(const ScenarioResult& r, const std::string& name) {
  for (const auto& run : r.runs)
    if (run.name == name) return run;
  throw std::runtime_error("no run " + name);
}

TEST(ShamMovement, ZeroAmplitudeReproducesTheStaticProtocolExactly) {
  const std::string toml = std::string(kSlab) + "[protocol.static]\nkind = \"static_pressure\"\nhold_s = 0.4\n" + kPhases +
                           shear("sham_active", "compression_active_shear", 0.0) +
                           shear("sham_passive", "compression_passive_shear", 0.0) +
                           shear("moved", "compression_active_shear", 0.05);
  RunOptions opt;
  opt.threads = 1;
  opt.output_file = (std::filesystem::path(::testing::TempDir()) / ("fascia_sham_" + std::to_string(::getpid()) + ".h5")).string();
  const ScenarioResult r = run_scenario(parse_scenario(toml), opt);
  std::filesystem::remove(r.output_file);
  for (const auto& x : r.xdmf_files) std::filesystem::remove(x);
  set_threads(0);

  const RunResult& ref = find(r, "static");
  ASSERT_EQ(ref.status, "complete") << ref.message;
  ASSERT_GT(ref.metrics.at("peak_indentation_m"), 0.0);  // guard: something happened
  ASSERT_GT(ref.metrics.at("peak_contact_force_n"), 0.0);
  for (const char* name : {"sham_active", "sham_passive"}) {
    SCOPED_TRACE(name);
    const RunResult& sham = find(r, name);
    ASSERT_EQ(sham.status, "complete") << sham.message;
    ASSERT_EQ(sham.metrics.size(), ref.metrics.size());
    for (const auto& [metric, value] : ref.metrics) EXPECT_EQ(sham.metrics.at(metric), value) << metric;
  }
  // The control: a real movement changes what the sham leaves unchanged.
  const RunResult& moved = find(r, "moved");
  ASSERT_EQ(moved.status, "complete") << moved.message;
  EXPECT_NE(moved.metrics.at("residual_slip_m"), ref.metrics.at("residual_slip_m"));
  EXPECT_NE(moved.metrics.at("energy_dissipated_j"), ref.metrics.at("energy_dissipated_j"));
}

}  // namespace
}  // namespace fascia
