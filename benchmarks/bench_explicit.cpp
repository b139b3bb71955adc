// SPDX-License-Identifier: MIT
/// @file Explicit velocity-Verlet step on springs-only cubic lattices (simple-cubic + face-diagonal
/// springs, 18 neighbours per interior node, lexicographic node order), L = 14, 28, 50, 70 nodes a
/// side = 22 k, 186 k, 1.09 M and 3.0 M springs (the bond counts of the LAMMPS anchor at L = 40,
/// 70, 100 for the last three), 1 and 2 threads, against a STREAM triad measured by this binary
/// just before each case (docs/performance.md). Plus the full step of a realistic slab with all its element groups.
///
/// Counters:
///   spring_updates_per_s  springs x steps / s (each spring evaluated once per step, from both ends)
///   bandwidth_fraction    (compulsory bytes of one step x steps/s) / (triad bytes/s, same threads).
///                         Compulsory bytes (data that must cross the memory bus once per step):
///                         per node x, v, and the old/new force (read + write, 6 x 24 B), mass 8 B,
///                         fixed flags 3 B, external force 24 B, previous external force read +
///                         write 48 B = 227 B; plus the whole adjacency (neighbour int32 +
///                         parameter index uint16 per slot, padding included, chunk offsets, table).
///                         Triad bytes: 24 B per element (2 reads, 1 write; STREAM convention).
///   bytes_per_spring      memory the step touches (node arrays above + integrator scratch +
///                         adjacency) / springs
///   triad_GBps            the bound's denominator, measured in this case's setup
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "fascia/core/random.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/scenario_geometry.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/solve/explicit.hpp"
#include "fascia/solve/workspace.hpp"
#include "fascia/tissue/material.hpp"

namespace {
using namespace fascia;

// ---------------------------------------------------------------------------------------------
// STREAM triad a = b + s c over 3 x 8 M doubles (192 MiB, 6x the L3), static schedule, first touch
// by the same threads. Returns the best of `repeats` sweeps [bytes/s].

constexpr std::size_t kTriadN = std::size_t(1) << 23;

struct TriadArrays {
  std::vector<double> a, b, c;
  explicit TriadArrays(int threads) : a(kTriadN), b(kTriadN), c(kTriadN) {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (std::int64_t i = 0; i < std::int64_t(kTriadN); ++i) {
      a[i] = 0.0;
      b[i] = 1.0;
      c[i] = 2.0;
    }
  }
  void sweep(int threads, double s) {
    double* __restrict pa = a.data();
    const double* __restrict pb = b.data();
    const double* __restrict pc = c.data();
#pragma omp parallel for schedule(static) num_threads(threads)
    for (std::int64_t i = 0; i < std::int64_t(kTriadN); ++i) pa[i] = pb[i] + s * pc[i];
  }
};

double triad_bandwidth(int threads, int repeats = 10) {
  TriadArrays t(threads);
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    t.sweep(threads, 3.0);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
  }
  benchmark::DoNotOptimize(t.a.data());
  return 3.0 * sizeof(double) * kTriadN / best;
}

void BM_StreamTriad(benchmark::State& state) {
  const int threads = int(state.range(0));
  TriadArrays t(threads);
  for (auto _ : state) {
    t.sweep(threads, 3.0);
    benchmark::ClobberMemory();
  }
  state.counters["bytes_per_s"] =
      benchmark::Counter(3.0 * sizeof(double) * kTriadN, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_StreamTriad)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------------
// Springs-only cubic lattice, L^3 nodes, 0.5 mm spacing, matrix springs of a 10 kPa matrix with
// lambda = mu (springs alone represent it exactly: no bulk simplices).

LayerMaterial spring_matrix() {
  LayerMaterial m;
  m.name = "dense";
  m.density = 1000.0;
  m.shear_modulus = 10e3;
  m.drained_bulk = bulk_from_poisson(m.shear_modulus, 0.25);
  m.undrained_bulk = m.drained_bulk;
  return m;
}

System springs_system(Index L) {
  constexpr double h = 0.5e-3;
  Lattice lat = build_block(L, L, L, h, h, h, spring_matrix(), FiberLaw{}, 0.0, 0.0, MatrixModel::springs);
  SpringGroup springs = std::move(std::get<SpringGroup>(lat.groups));
  lat.groups = ElementGroups{};  // drop (empty or round-off) bulk simplices: springs only
  std::get<SpringGroup>(lat.groups) = std::move(springs);
  System sys(std::move(lat), 1);
  // A deformed, moving state (1 % of the spacing, small random velocities).
  for (std::size_t d = 0; d < sys.num_dofs(); ++d) {
    sys.positions[d] += 0.01 * h * (2.0 * random_uniform(11, Stream::lattice, d, 1) - 1.0);
    sys.velocities[d] = 1e-3 * (2.0 * random_uniform(11, Stream::lattice, d, 2) - 1.0);
  }
  return sys;
}

/// Stable step from Gershgorin's bound on M^-1 K: omega_max^2 <= max_i 4 sum_k k / m_i.
double gershgorin_dt(const System& sys) {
  const auto& g = std::get<SpringGroup>(sys.groups);
  std::vector<double> ksum(sys.num_nodes(), 0.0);
  for (std::size_t e = 0; e < g.size(); ++e) {
    ksum[g.connectivity[e][0]] += g.stiffness[e];
    ksum[g.connectivity[e][1]] += g.stiffness[e];
  }
  double w2 = 0.0;
  for (std::size_t i = 0; i < sys.num_nodes(); ++i) w2 = std::max(w2, 4.0 * ksum[i] / sys.masses[i]);
  return 0.5 * 2.0 / std::sqrt(w2);
}

/// Node-array bytes one step must move (see the file comment), per node.
constexpr double kNodeBytes = 6 * 24 + 8 + 3 + 24 + 48;

void BM_ExplicitSprings(benchmark::State& state) {
  const Index L = Index(state.range(0));
  const int threads = int(state.range(1));
  System sys = springs_system(L);
  const std::size_t springs = std::get<SpringGroup>(sys.groups).size();
  const std::size_t nodes = sys.num_nodes();
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  ExplicitIntegrator ex(sys, gershgorin_dt(sys));
  const LoadFunction load = [](double, System&) {};
  for (int i = 0; i < 3; ++i) ex.step(load);  // first-touch, caches
  const double triad = triad_bandwidth(threads);
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) ex.step(load);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  omp_set_num_threads(saved);
  const double steps_per_s = double(state.iterations()) / seconds;

  const SpringAdjacency& adj = assembly_workspace(sys).spring_adjacency;
  const double compulsory = kNodeBytes * double(nodes) + double(adj.bytes());
  // Touched memory: node arrays x, v, m, fixed, external, previous external, old and new force,
  // the prescribed-DOF displacement scratch (allocated, untouched when nothing is prescribed).
  const double touched = double(nodes) * (3 * 8 * 6 + 8 + 3 + 24) + double(adj.bytes());
  state.counters["springs"] = double(springs);
  state.counters["spring_updates_per_s"] =
      benchmark::Counter(double(springs), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bandwidth_fraction"] = compulsory * steps_per_s / triad;
  state.counters["bytes_per_spring"] = touched / double(springs);
  state.counters["compulsory_bytes_per_spring"] = compulsory / double(springs);
  state.counters["padding_fraction"] = double(adj.num_slots()) / (2.0 * double(springs)) - 1.0;
  state.counters["triad_GBps"] = triad * 1e-9;
  state.SetComplexityN(std::int64_t(springs));
}
BENCHMARK(BM_ExplicitSprings)
    ->ArgNames({"L", "threads"})
    ->ArgsProduct({{14, 28, 50, 70}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------------
// The full explicit step of the default slab (GeometrySpec{} / MaterialSpec{} / TissueSpec{}):
// matrix springs, Maxwell springs, fibres, interfaces, bulk simplices — what a scenario pays.

void BM_ExplicitSlab(benchmark::State& state) {
  const int threads = int(state.range(0));
  const GeometrySpec geometry;
  const MaterialSpec material;
  const TissueSpec tissue;
  const TissueMaterials mat = make_materials(tissue, material, slab_thickness(geometry, material));
  System sys(build_lattice(slab_geometry(geometry), mat), geometry.seed);
  for (std::size_t d = 0; d < sys.num_dofs(); ++d)
    if (!sys.fixed[d]) sys.velocities[d] = 1e-3 * (2.0 * random_uniform(12, Stream::lattice, d, 2) - 1.0);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  const double lambda = max_eigenvalue(sys, 30);
  ExplicitIntegrator ex(sys, 0.4 * 2.0 / std::sqrt(1.05 * lambda));
  const LoadFunction load = [](double, System&) {};
  for (int i = 0; i < 3; ++i) ex.step(load);
  for (auto _ : state) ex.step(load);
  omp_set_num_threads(saved);
  std::size_t elements = 0;
  for_each_group(sys.groups, [&](const auto& g) {
    state.counters[std::string(std::decay_t<decltype(g)>::kName)] = double(g.size());
    elements += g.size();
  });
  state.counters["nodes"] = double(sys.num_nodes());
  state.counters["steps_per_s"] = benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["element_updates_per_s"] =
      benchmark::Counter(double(elements), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["spring_updates_per_s"] = benchmark::Counter(
      double(std::get<SpringGroup>(sys.groups).size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ExplicitSlab)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
