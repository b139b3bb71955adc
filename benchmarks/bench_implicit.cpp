// SPDX-License-Identifier: MIT
// One backward-Euler step (Newton iterations, Hessian assembly, sparse factorisation) on a
// sheared block, against the number of unknowns, for each linear solver.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "fascia/lattice/builder.hpp"
#include "fascia/solve/implicit.hpp"

namespace {

using namespace fascia;

LinearSolver solver_kind(std::int64_t i) {
  static const LinearSolver kinds[] = {LinearSolver::ldlt, LinearSolver::cholmod, LinearSolver::cg};
  return kinds[i];
}

void BM_ImplicitStep(benchmark::State& state) {
  const Index n = Index(state.range(0));
  const LinearSolver solver = solver_kind(state.range(1));
  const auto available = available_linear_solvers();
  if (std::find(available.begin(), available.end(), solver) == available.end()) {
    state.SkipWithError("solver not available in this build");
    return;
  }
  LayerMaterial mat;
  mat.name = "dense";
  mat.shear_modulus = 10e3;
  mat.drained_bulk = bulk_from_poisson(mat.shear_modulus, 0.3);
  mat.undrained_bulk = mat.drained_bulk;
  Lattice lat = build_block(n, n, n, 1e-3, 1e-3, 1e-3, mat, FiberLaw{}, 0.0, 0.0, MatrixModel::automatic);
  const auto bottom = lat.node_sets.at("bottom");
  const auto top = lat.node_sets.at("top");
  System sys(std::move(lat), 1);
  sys.fix_nodes(bottom);
  // Shear ramp on the top face reaching ~1 % strain after 1 s; steps of 10 ms.
  const double total = 0.01 * mat.shear_modulus * std::pow((n - 1) * 1e-3, 2);
  const LoadFunction load = [&](double t, System& s) {
    for (Index q : top) s.external_forces[3 * q] = total * std::min(t, 1.0) / double(top.size());
  };
  ImplicitOptions opt;
  opt.linear_solver = solver;
  opt.dt_initial = 1e-2;
  ImplicitIntegrator integ(sys, opt);
  integ.step(load, 1e-2);  // pattern analysis and first factorisation outside the timed loop
  std::int64_t newton = 0;
  for (auto _ : state) newton += integ.step(load, 1e-2).newton_iterations;
  std::int64_t unknowns = 0;
  for (auto f : sys.fixed) unknowns += f ? 0 : 1;
  state.counters["unknowns"] = double(unknowns);
  state.counters["newton_per_step"] = benchmark::Counter(double(newton), benchmark::Counter::kAvgIterations);
  state.SetLabel(std::string(linear_solver_name(solver)));
}

// n^3 nodes, bottom face fixed: 540 to 41k unknowns. SimplicialLDLT's fill grows fast in 3-D
// (~5 s per factorisation at 11k unknowns), so it stops at n = 16.
void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t solver : {0, 1, 2})
    for (std::int64_t n : {6, 10, 16, 24})
      if (solver != 0 || n <= 16) b->Args({n, solver});
}

BENCHMARK(BM_ImplicitStep)
    ->Apply(sizes)
    ->ArgNames({"n", "solver"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
