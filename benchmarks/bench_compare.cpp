// SPDX-License-Identifier: MIT
/// @file A full `compare` of the default comparison scenario (examples/scenarios/compare_protocols.toml):
/// wall time per simulated second for each phase type, and the share of time spent writing HDF5
/// (issue target: < 10 %). One iteration is one whole comparison; run with
///   ./build/benchmarks/bench_compare [--benchmark_repetitions=3]
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>

#include "fascia/scenario.hpp"

#ifndef FASCIA_EXAMPLES_DIR
#define FASCIA_EXAMPLES_DIR "examples"
#endif

namespace {

void BM_CompareDefaultScenario(benchmark::State& state) {
  const auto spec = fascia::load_scenario_file(std::string(FASCIA_EXAMPLES_DIR) + "/scenarios/compare_protocols.toml");
  fascia::RunOptions options;
  options.threads = int(state.range(0));
  options.output_file = (std::filesystem::temp_directory_path() / "fascia_bench_compare.h5").string();
  std::map<std::string, double> wall, simulated;
  double io = 0.0, total = 0.0;
  for (auto _ : state) {
    const auto result = fascia::run_scenario(spec, options);
    for (const auto& run : result.runs) {
      for (const auto& [key, value] : run.timings) {
        const auto dot = key.rfind('.');
        if (dot == std::string::npos) continue;
        const std::string phase = key.substr(0, dot), what = key.substr(dot + 1);
        if (what == "wall") wall[phase] += value;
        if (what == "simulated") simulated[phase] += value;
      }
      io += run.timings.at("hdf5");
      total += run.timings.at("total");
    }
  }
  for (const auto& [phase, w] : wall)
    if (simulated[phase] > 0) state.counters[phase + "_wall_per_sim_s"] = w / simulated[phase];
  state.counters["hdf5_fraction"] = total > 0 ? io / total : 0.0;
  std::filesystem::remove(options.output_file);
  std::filesystem::remove(std::filesystem::path(options.output_file).replace_extension(".xdmf"));
}
BENCHMARK(BM_CompareDefaultScenario)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
