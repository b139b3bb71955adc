// SPDX-License-Identifier: MIT
#include "fascia/solve/assembly.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <utility>
#include <type_traits>

#include "fascia/solve/pore_flow.hpp"
#include "fascia/solve/spring_kernel.hpp"
#include "fascia/solve/workspace.hpp"

namespace fascia {
namespace {

template <class Fn>
void parallel_for(std::size_t n, Fn&& fn) {
  if (n < kParallelThreshold) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < std::int64_t(n); ++i) fn(std::size_t(i));
}

/// Gathers per-slot 3-vectors of a buffer into node vectors: out[node] += sum over its slots.
void gather(const Incidence& inc, const std::vector<double>& buf, std::vector<double>& out) {
  const std::size_t n = inc.offsets.size() - 1;
  parallel_for(n, [&](std::size_t node) {
    double fx = 0, fy = 0, fz = 0;
    for (auto s = inc.offsets[node]; s < inc.offsets[node + 1]; ++s) {
      const double* p = &buf[3 * inc.slots[s]];
      fx += p[0];
      fy += p[1];
      fz += p[2];
    }
    out[3 * node] += fx;
    out[3 * node + 1] += fy;
    out[3 * node + 2] += fz;
  });
}

}  // namespace

AssemblyWorkspace::AssemblyWorkspace(const System& sys) {
  const std::size_t n = sys.num_nodes();
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(const auto& g) {
    using G = std::decay_t<decltype(g)>;
    Incidence& inc = incidence[I];
    inc.offsets.assign(n + 1, 0);
    for (std::size_t e = 0; e < g.size(); ++e)
      for (Index node : g.nodes(Index(e))) ++inc.offsets[node + 1];
    for (std::size_t i = 0; i < n; ++i) inc.offsets[i + 1] += inc.offsets[i];
    inc.slots.assign(inc.offsets[n], 0);
    std::vector<std::int64_t> cursor(inc.offsets.begin(), inc.offsets.end() - 1);
    for (std::size_t e = 0; e < g.size(); ++e) {
      const auto nd = g.nodes(Index(e));
      for (int a = 0; a < G::kNodes; ++a) inc.slots[cursor[nd[a]]++] = std::int64_t(e) * G::kNodes + a;
    }
    element_buffer[I].assign(3 * g.size() * G::kNodes, 0.0);
  });
  spring_adjacency.build(std::get<SpringGroup>(sys.groups), n);
}

AssemblyWorkspace& assembly_workspace(const System& sys) {
  auto& held = sys.solver_cache.held;
  if (!held) held = std::make_shared<AssemblyWorkspace>(sys);
  return *static_cast<AssemblyWorkspace*>(held.get());
}

double internal_energy(System& sys, ConstNodes x) {
  AssemblyWorkspace& ws = assembly_workspace(sys);
  double total = 0.0;
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(const auto& g) {
    auto& buf = ws.element_buffer[I];
    parallel_for(g.size(), [&](std::size_t e) { buf[e] = g.energy(Index(e), x); });
    for (std::size_t e = 0; e < g.size(); ++e) total += buf[e];
  });
  return total;
}

void internal_forces(System& sys, ConstNodes x, std::vector<double>& f) {
  AssemblyWorkspace& ws = assembly_workspace(sys);
  f.assign(sys.num_dofs(), 0.0);
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(const auto& g) {
    using G = std::decay_t<decltype(g)>;
    if (g.size() == 0) return;
    if constexpr (std::is_same_v<G, SpringGroup>) {
      // Node-centric gather over the cached adjacency (solve/spring_kernel.hpp): same forces,
      // same per-node summation order, no per-element buffer.
      if (!ws.spring_adjacency.matches(g, sys.num_nodes())) ws.spring_adjacency.build(g, sys.num_nodes());
      add_spring_forces(ws.spring_adjacency, x.data, f.data(), g.size() >= kParallelThreshold);
      return;
    }
    auto& buf = ws.element_buffer[I];
    parallel_for(g.size(), [&](std::size_t e) {
      const ElementForces<G::kNodes> fe = g.forces(Index(e), x);
      std::copy(fe.data(), fe.data() + 3 * G::kNodes, &buf[3 * G::kNodes * e]);
    });
    gather(ws.incidence[I], buf, f);
  });
}

namespace {

/// The assembled Hessian's CSC pattern and each element-matrix entry's slot in it. Element
/// matrices are full 3k x 3k blocks, so the pattern is node by node: DOF (r, c) is a nonzero when
/// the nodes of r and c share an element. The nodes' neighbour lists (sorted) give the pattern
/// column by column (3 rows per neighbour, in node order: the CSC order), and an entry's slot is
/// its column's start plus three times its row node's place in the column node's list. Node pairs
/// instead of DOF pairs: 9 times fewer keys to sort (the 40^3 block's were 37 M, 0.6 GB).
void build_hessian_pattern(const System& sys, std::size_t entries, HessianPatternCache& cache) {
  const std::size_t n_nodes = sys.num_nodes();
  // Neighbour lists (CSR over nodes): counts with repeats, fill, then sort and unique per node.
  std::vector<std::int64_t> start(n_nodes + 1, 0);
  for_each_group(sys.groups, [&](const auto& g) {
    using G = std::decay_t<decltype(g)>;
    for (std::size_t e = 0; e < g.size(); ++e)
      for (const Index a : g.nodes(Index(e))) start[std::size_t(a) + 1] += G::kNodes;
  });
  for (std::size_t i = 0; i < n_nodes; ++i) start[i + 1] += start[i];
  std::vector<Index> neighbour(static_cast<std::size_t>(start[n_nodes]));
  std::vector<std::int64_t> fill(start.begin(), start.end() - 1);
  for_each_group(sys.groups, [&](const auto& g) {
    for (std::size_t e = 0; e < g.size(); ++e) {
      const auto nd = g.nodes(Index(e));
      for (const Index a : nd)
        for (const Index b : nd) neighbour[std::size_t(fill[std::size_t(a)]++)] = b;
    }
  });
  std::vector<std::int64_t> degree(n_nodes, 0);
  for (std::size_t i = 0; i < n_nodes; ++i) {
    const auto first = neighbour.begin() + start[i], last = neighbour.begin() + start[i + 1];
    std::sort(first, last);
    degree[i] = std::unique(first, last) - first;
  }
  // Columns 3 i + c: rows 3 j + r for the neighbours j of i, r = 0, 1, 2.
  cache.outer.assign(3 * n_nodes + 1, 0);
  for (std::size_t col = 0; col < 3 * n_nodes; ++col) cache.outer[col + 1] = cache.outer[col] + int(3 * degree[col / 3]);
  cache.inner.resize(std::size_t(cache.outer.back()));
  for (std::size_t col = 0; col < 3 * n_nodes; ++col) {
    int k = cache.outer[col];
    const std::size_t i = col / 3;
    for (std::int64_t q = 0; q < degree[i]; ++q)
      for (int r = 0; r < 3; ++r) cache.inner[std::size_t(k++)] = int(3 * neighbour[std::size_t(start[i] + q)] + r);
  }
  // Slots, in the element matrices' order (column-major 3k x 3k per element).
  cache.slot.resize(entries);
  std::size_t t = 0;
  for_each_group(sys.groups, [&](const auto& g) {
    using G = std::decay_t<decltype(g)>;
    constexpr int n = 3 * G::kNodes;
    std::array<int, G::kNodes * G::kNodes> place;  // node ia's place in node ib's list
    for (std::size_t e = 0; e < g.size(); ++e) {
      const auto nd = g.nodes(Index(e));
      for (int ib = 0; ib < G::kNodes; ++ib) {
        const auto first = neighbour.begin() + start[std::size_t(nd[ib])], last = first + degree[std::size_t(nd[ib])];
        for (int ia = 0; ia < G::kNodes; ++ia) place[ib * G::kNodes + ia] = int(std::lower_bound(first, last, nd[ia]) - first);
      }
      for (int b = 0; b < n; ++b) {
        const int column_start = cache.outer[3 * std::size_t(nd[b / 3]) + std::size_t(b % 3)];
        for (int a = 0; a < n; ++a, ++t) cache.slot[t] = column_start + 3 * place[(b / 3) * G::kNodes + a / 3] + a % 3;
      }
    }
  });
  cache.entries = entries;
}

}  // namespace

Eigen::SparseMatrix<double> internal_hessian(const System& sys, ConstNodes x, HessianMode mode) {
  HessianPatternCache& cache = assembly_workspace(sys).hessian_cache;
  std::size_t entries = 0;
  for_each_group(sys.groups, [&](const auto& g) {
    using G = std::decay_t<decltype(g)>;
    entries += g.size() * 9 * G::kNodes * G::kNodes;
  });
  const Eigen::Index n_dofs = Eigen::Index(sys.num_dofs());
  const bool rebuild = cache.entries != entries || cache.outer.size() != std::size_t(n_dofs) + 1;
  std::vector<double>& values = cache.entry_values;
  values.resize(entries);
  // Element matrices, in parallel, each into its own slots (deterministic).
  std::size_t offset = 0;
  for_each_group(sys.groups, [&](const auto& g) {
    using G = std::decay_t<decltype(g)>;
    constexpr int n = 3 * G::kNodes;
    parallel_for(g.size(), [&](std::size_t e) {
      const ElementHessian<G::kNodes> h = g.hessian(Index(e), x, mode);
      std::copy(h.data(), h.data() + n * n, &values[offset + e * n * n]);  // column-major
    });
    offset += g.size() * n * n;
  });
  if (rebuild) build_hessian_pattern(sys, entries, cache);
  Eigen::SparseMatrix<double> h(n_dofs, n_dofs);
  h.resizeNonZeros(Eigen::Index(cache.inner.size()));
  std::copy(cache.outer.begin(), cache.outer.end(), h.outerIndexPtr());
  std::copy(cache.inner.begin(), cache.inner.end(), h.innerIndexPtr());
  double* v = h.valuePtr();
  std::fill(v, v + cache.inner.size(), 0.0);
  for (std::size_t e = 0; e < entries; ++e) v[cache.slot[e]] += values[e];  // fixed order: deterministic
  return h;
}

void hessian_product(System& sys, ConstNodes x, HessianMode mode, const std::vector<double>& dir,
                     std::vector<double>& y) {
  AssemblyWorkspace& ws = assembly_workspace(sys);
  y.assign(sys.num_dofs(), 0.0);
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(const auto& g) {
    using G = std::decay_t<decltype(g)>;
    if (g.size() == 0) return;
    auto& buf = ws.element_buffer[I];
    parallel_for(g.size(), [&](std::size_t e) {
      const auto nd = g.nodes(Index(e));
      Eigen::Matrix<double, 3 * G::kNodes, 1> d;
      for (int a = 0; a < G::kNodes; ++a) d.template segment<3>(3 * a) = Eigen::Map<const Vec3>(&dir[3 * nd[a]]);
      const Eigen::Matrix<double, 3 * G::kNodes, 1> he = g.hessian(Index(e), x, mode) * d;
      std::copy(he.data(), he.data() + 3 * G::kNodes, &buf[3 * G::kNodes * e]);
    });
    gather(ws.incidence[I], buf, y);
  });
}

void begin_step(System& sys, const StepContext& ctx) {
  const ConstNodes x = view(sys.positions);
  // Biot water moves first, from the equilibrium state at the start of the step (fixed-stress
  // split, fascia/solve/pore_flow.hpp); the mechanics of the step then answers the moved water.
  auto& poro = std::get<PoroCellGroup>(sys.groups);
  if (poro.size() > 0)
    poro.flow_dissipation = advance_pore_flow(poro, x, ctx.dt, ctx.equilibrium_step, assembly_workspace(sys).pore_flow);
  for_each_group(sys.groups, [&](auto& g) {
    using G = std::decay_t<decltype(g)>;
    if constexpr (G::kHasState) {
      if constexpr (HasGroupStep<G>) g.begin_group_step(ctx);
      parallel_for(g.size(), [&](std::size_t e) { g.begin_step(Index(e), x, ctx); });
    }
  });
}

double end_step(System& sys, const StepContext& ctx) {
  AssemblyWorkspace& ws = assembly_workspace(sys);
  const ConstNodes x = view(sys.positions);
  double dissipated = 0.0;
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(auto& g) {
    using G = std::decay_t<decltype(g)>;
    if constexpr (G::kHasState) {
      auto& buf = ws.element_buffer[I];
      parallel_for(g.size(), [&](std::size_t e) { buf[e] = g.end_step(Index(e), x, ctx); });
      for (std::size_t e = 0; e < g.size(); ++e) dissipated += buf[e];
    }
  });
  // The Biot water moved at the start of the step; its dissipation is booked with the step's.
  dissipated += std::exchange(std::get<PoroCellGroup>(sys.groups).flow_dissipation, 0.0);
  return dissipated;
}

double stored_energy(System& sys) {
  AssemblyWorkspace& ws = assembly_workspace(sys);
  const ConstNodes x = view(sys.positions);
  double total = 0.0;
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(const auto& g) {
    auto& buf = ws.element_buffer[I];
    using G = std::decay_t<decltype(g)>;
    parallel_for(g.size(), [&](std::size_t e) {
      if constexpr (StoresHistoryEnergy<G>)
        buf[e] = g.stored_energy(Index(e));
      else if constexpr (StoresEnergyAtPositions<G>)
        buf[e] = g.stored_energy(Index(e), x);
      else
        buf[e] = g.energy(Index(e), x);
    });
    for (std::size_t e = 0; e < g.size(); ++e) total += buf[e];
  });
  return total;
}

double kinetic_energy(const System& sys) {
  // Prescribed DOFs belong to the apparatus (a moving base, a lifted compressor): their motion is
  // imposed, so their kinetic energy is not the tissue's and their reaction work excludes inertia.
  double k = 0.0;
  for (std::size_t d = 0; d < sys.num_dofs(); ++d)
    if (!sys.fixed[d]) k += 0.5 * sys.masses[d / 3] * sys.velocities[d] * sys.velocities[d];
  return k;
}

}  // namespace fascia

namespace fascia {

void set_threads(int threads) {
  omp_set_num_threads(threads > 0 ? threads : omp_get_num_procs());
  // Libraries that ask for more threads than there are cores (CHOLMOD asks for 4) get fewer: on a
  // 2-core machine oversubscription made futex calls 99 % of the system time. Our own results do
  // not depend on the thread count, so letting the runtime adjust it is safe.
  omp_set_dynamic(1);
  // OpenBLAS (behind CHOLMOD's supernodal factorisation) runs its own thread pool that spins in
  // sched_yield and competes with our OpenMP threads on 2 cores; keep it to one thread. Looked up
  // at run time so the library works with any BLAS.
  using SetThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) fn(1);
}

}  // namespace fascia
