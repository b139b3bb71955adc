// SPDX-License-Identifier: MIT
// The finite-element engine's hexahedra (elements/hexahedron.hpp):
// - BM_HexForces: element updates per second (forces of every element, gathered per node) on an
//   n^3 block, matrix only and with a dispersed fibre family; BM_LatticeSpringForces: the lattice's
//   spring updates per second on a block with the same nodes, in the same run (docs/performance.md
//   compares them as ratios within one run);
// - BM_HexExplicitStep: element steps per second of an explicit step's element work (begin_step,
//   forces, end_step) with fibres that relax (fiber_relaxation = "tissue", the default), the
//   work of a finite-element elastography or ripple run;
// - BM_HexCompression: the static compression of an n^3 hex8 neo-Hookean block by 20 % (bottom
//   fixed, top face moved down, sides free) in `steps` load steps (1 or 10) of the quasi-static
//   implicit Newton to a relative residual of 1e-8, with CHOLMOD (solver:0) or hypre's AMG-CG
//   (solver:1): unknowns, Newton iterations, AMG setups, time per iteration, total time, peak
//   memory, and the answer (the force on the top face) so that runs compare in accuracy as well
//   as time. Run one case per process (--benchmark_filter) for its own peak memory
//   (docs/performance.md "Implicit solves at scale").
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "fascia/lattice/builder.hpp"
#include "fascia/mesh/slab_mesh.hpp"
#include "fascia/solve/assembly.hpp"
#include "fascia/solve/implicit.hpp"

namespace {

using namespace fascia;

constexpr double kMu = 10e3, kNu = 0.3, kDensity = 1000.0;

/// A drained neo-Hookean tissue (no water, no Prony); with fibres, a dispersed family.
LayerMaterial tissue(bool fibres) {
  LayerMaterial m;
  m.name = "block";
  m.density = kDensity;
  m.shear_modulus = kMu;
  m.drained_bulk = m.undrained_bulk = bulk_from_poisson(kMu, kNu);
  m.fiber_modulus = fibres ? 100 * kMu : 0.0;
  return m;
}

Lattice hex_block(Index n, bool fibres, const FiberLaw& law = FiberLaw{}) {
  return build_hex_block(n, n, n, 1e-3 / n, tissue(fibres), law, 17.0, 5.0);
}

/// A deformed state (1 % random-free affine stretch) so that every term is evaluated.
void stretch(System& sys) {
  for (std::size_t d = 0; d < sys.num_dofs(); ++d) sys.positions[d] = sys.rest_positions[d] * (d % 3 == 0 ? 1.03 : 0.99);
}

void BM_HexForces(benchmark::State& state) {
  const Index n = Index(state.range(0));
  System sys(hex_block(n, state.range(1) != 0), 1);
  stretch(sys);
  std::vector<double> f;
  for (auto _ : state) {
    internal_forces(sys, view(sys.positions), f);
    benchmark::DoNotOptimize(f.data());
  }
  const double elements = double(std::get<Hex8Group>(sys.groups).size());
  state.counters["element_updates_per_s"] = benchmark::Counter(elements, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(state.range(1) ? "neo-Hookean + fibres" : "neo-Hookean");
}

void BM_HexExplicitStep(benchmark::State& state) {
  const Index n = Index(state.range(0));
  FiberLaw law;
  law.relaxation = {{0.4, 60.0}};  // the dense layers' Prony term (docs/model.md §3.3)
  System sys(hex_block(n, true, law), 1);
  stretch(sys);
  std::vector<double> f;
  StepContext ctx{1e-7, 0.0, 0, 1, false};
  for (auto _ : state) {
    begin_step(sys, ctx);
    internal_forces(sys, view(sys.positions), f);
    benchmark::DoNotOptimize(end_step(sys, ctx));
    ++ctx.step;
  }
  const double elements = double(std::get<Hex8Group>(sys.groups).size());
  state.counters["element_steps_per_s"] = benchmark::Counter(elements, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_LatticeSpringForces(benchmark::State& state) {
  const Index n = Index(state.range(0));
  System sys(build_block(n + 1, n + 1, n + 1, 1e-3 / n, 1e-3 / n, 1e-3 / n, tissue(false), FiberLaw{}, 0.0, 0.0, MatrixModel::springs), 1);
  stretch(sys);
  std::vector<double> f;
  for (auto _ : state) {
    internal_forces(sys, view(sys.positions), f);
    benchmark::DoNotOptimize(f.data());
  }
  const double springs = double(std::get<SpringGroup>(sys.groups).size());
  state.counters["spring_updates_per_s"] = benchmark::Counter(springs, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_HexCompression(benchmark::State& state) {
  const Index n = Index(state.range(0));
  const LinearSolver solver = state.range(1) ? LinearSolver::amg : LinearSolver::cholmod;
  const int steps = int(state.range(2));
  const auto available = available_linear_solvers();
  if (std::find(available.begin(), available.end(), solver) == available.end()) {
    state.SkipWithError("solver not available in this build");
    return;
  }
  const Lattice block = hex_block(n, false);
  std::int64_t newton = 0, linear = 0, setups = 0;
  double solve_seconds = 0.0, top_force = 0.0;
  std::int64_t unknowns = 0;
  for (auto _ : state) {
    System sys(block, 1);
    const auto& top = block.node_sets.at("top");
    sys.fix_nodes(block.node_sets.at("bottom"));
    for (Index q : top) sys.fixed[3 * q + 2] = 1;
    const LoadFunction load = [&](double t, System& s) {
      for (Index q : top) s.prescribed[3 * q + 2] = 1e-3 * (1.0 - 0.2 * std::min(t, 1.0));
    };
    ImplicitOptions opt;
    opt.linear_solver = solver;
    opt.quasi_static = true;
    opt.dt_initial = opt.dt_max = 1.0 / steps;
    opt.tolerance = 1e-8;
    ImplicitIntegrator integ(sys, opt);
    const auto t0 = std::chrono::steady_clock::now();
    for (int s = 0; s < steps; ++s) newton += integ.step(load, 1.0 / steps).newton_iterations;
    solve_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<double> f;
    internal_forces(sys, view(sys.positions), f);
    top_force = 0.0;  // the block pushes its top face up with this force [N] (f = -dE/dx)
    for (Index q : top) top_force += f[3 * q + 2];
    linear += integ.linear_iterations();
    setups += integ.preconditioner_setups();
    unknowns = 0;
    for (auto f : sys.fixed) unknowns += f ? 0 : 1;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["unknowns"] = double(unknowns);
  state.counters["newton_iterations"] = benchmark::Counter(double(newton), benchmark::Counter::kAvgIterations);
  state.counters["s_per_newton_iteration"] = newton > 0 ? solve_seconds / double(newton) : 0.0;
  state.counters["solve_s"] = benchmark::Counter(solve_seconds, benchmark::Counter::kAvgIterations);
  state.counters["cg_iterations"] = benchmark::Counter(double(linear), benchmark::Counter::kAvgIterations);
  state.counters["amg_setups"] = benchmark::Counter(double(setups), benchmark::Counter::kAvgIterations);
  state.counters["top_force_n"] = top_force;
  state.SetLabel(std::string(linear_solver_name(solver)));
  state.counters["peak_rss_mb"] = double(usage.ru_maxrss) / 1024.0;
}

BENCHMARK(BM_HexForces)->ArgsProduct({{16, 32}, {0, 1}})->ArgNames({"n", "fibres"})->UseRealTime();
BENCHMARK(BM_HexExplicitStep)->Arg(16)->ArgName("n")->UseRealTime();
BENCHMARK(BM_LatticeSpringForces)->Arg(16)->Arg(32)->ArgName("n")->UseRealTime();
BENCHMARK(BM_HexCompression)
    ->ArgsProduct({{8, 16, 24, 32, 40, 48}, {0, 1}, {1, 10}})
    ->ArgNames({"n", "solver", "steps"})
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
