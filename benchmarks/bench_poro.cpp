// SPDX-License-Identifier: MIT
// Cost of a poroelastic step relative to a dry step on the same lattice (issue 5): the same block
// of cells, once with the volumetric Maxwell water ("dry" of flow: a local element per cell) and
// once with discrete Biot water (fluid content per cell, Darcy flow between cells), advanced by
// the explicit integrator (flow by forward Euler or backward Euler, as the step requires) and by
// the implicit one (fixed-stress flow step: a conjugate-gradient solve per step). Read the ratio
// of the two times in one run: `bench_poro --benchmark_filter=Explicit` etc.
#include <benchmark/benchmark.h>

#include <algorithm>

#include "fascia/lattice/builder.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/solve/implicit.hpp"

namespace {

using namespace fascia;

/// A 24 x 24 x 12-cell block of the dense material (0.25 mm cells), bottom fixed, top pressed.
System make_system(bool biot, double permeability) {
  TissueSpec tissue;
  MaterialSpec material;
  material.permeability = permeability;
  TissueMaterials mat = make_materials(tissue, material, 3e-3);
  PoroSettings poro = mat.poro;
  poro.enabled = biot;
  poro.permeability_ref = permeability;
  const double a = 0.25e-3;
  Lattice lat = build_block(25, 25, 13, a, a, a, mat.dense, mat.fiber, 0.0, 5.0, MatrixModel::automatic, 1, poro, mat.water);
  System sys(std::move(lat), 1);
  sys.fix_nodes(sys.lattice_info.node_sets.at("bottom"));
  return sys;
}

LoadFunction press(const System& sys) {
  const auto top = sys.lattice_info.node_sets.at("top");
  return [top](double, System& s) {
    for (Index n : top) s.external_forces[3 * n + 2] = -1e-4;
  };
}

void BM_ExplicitStep(benchmark::State& state) {
  System sys = make_system(state.range(0) == 1, 1e-15);
  const LoadFunction load = press(sys);
  ExplicitIntegrator integrator(sys, 0.4 * critical_time_step(sys));
  integrator.reset(load);
  for (auto _ : state) integrator.step(load);
  state.SetLabel(state.range(0) == 1 ? "biot" : "maxwell");
  state.counters["cells"] = double(24 * 24 * 12);
}
BENCHMARK(BM_ExplicitStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_ImplicitStep(benchmark::State& state) {
  // Permeability high enough that water moves noticeably within each 1 ms step.
  System sys = make_system(state.range(0) == 1, 1e-12);
  const LoadFunction load = press(sys);
  ImplicitOptions opt;
  opt.quasi_static = true;
  opt.dt_initial = opt.dt_max = 1e-3;
  ImplicitIntegrator integrator(sys, opt);
  integrator.reset(load);
  integrator.step(load, 1e-3);  // pattern analysis and first factorisation outside the timing
  double newton = 0.0, steps = 0.0;
  for (auto _ : state) {
    const StepReport r = integrator.step(load, 1e-3);
    newton += r.newton_iterations;
    steps += r.substeps;
  }
  state.SetLabel(state.range(0) == 1 ? "biot" : "maxwell");
  state.counters["newton_per_step"] = newton / std::max(steps, 1.0);
  state.counters["substeps"] = steps / double(state.iterations());
}
BENCHMARK(BM_ImplicitStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
