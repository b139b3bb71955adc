// SPDX-License-Identifier: MIT
// Runs a scenario built in code through fascia's public API: a 4 x 4 mm sheet tapped once.
// Usage: fascia_consumer OUTPUT.h5   (prints the run's status and metrics; exit 1 unless complete)
#include <cstdio>
#include <exception>

#include "fascia/fascia.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.h5\n", argv[0]);
    return 2;
  }
  try {
    fascia::ScenarioSpec spec;
    spec.geometry.kind = "sheet";
    spec.geometry.size_mm = {4.0, 4.0};
    spec.geometry.spacing_mm = 0.5;
    spec.solver.integrator = "explicit";
    fascia::ProtocolSpec tap;
    tap.name = "tap";
    tap.kind = "impulse";
    tap.radius_mm = 1.0;
    tap.duration_s = 2e-5;
    tap.end_s = 4e-5;
    spec.protocols.push_back(tap);
    spec.source_text = fascia::to_toml(spec);  // recorded in the output file
    spec.validate();

    fascia::RunOptions options;
    options.threads = 1;
    options.output_file = argv[1];
    const fascia::ScenarioResult result = fascia::run_scenario(spec, options);
    std::printf("fascia %s (git %s)\n", fascia::version, fascia::git_revision);
    for (const auto& run : result.runs) {
      std::printf("run %s: status %s\n", run.name.c_str(), run.status.c_str());
      for (const auto& [name, value] : run.metrics) std::printf("  %s = %.6g\n", name.c_str(), value);
      if (run.status != "complete") return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fascia_consumer: %s\n", e.what());
    return 1;
  }
}
