// SPDX-License-Identifier: MIT
#include "fascia/solve/assembly.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <type_traits>

#include "fascia/solve/spring_kernel.hpp"

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

double internal_energy(System& sys, ConstNodes x) {
  double total = 0.0;
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(const auto& g) {
    auto& buf = sys.element_buffer[I];
    parallel_for(g.size(), [&](std::size_t e) { buf[e] = g.energy(Index(e), x); });
    for (std::size_t e = 0; e < g.size(); ++e) total += buf[e];
  });
  return total;
}

void internal_forces(System& sys, ConstNodes x, std::vector<double>& f) {
  f.assign(sys.num_dofs(), 0.0);
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(const auto& g) {
    using G = std::decay_t<decltype(g)>;
    if (g.size() == 0) return;
    if constexpr (std::is_same_v<G, SpringGroup>) {
      // Node-centric gather over the cached adjacency (solve/spring_kernel.hpp): same forces,
      // same per-node summation order, no per-element buffer.
      if (!sys.spring_adjacency.matches(g, sys.num_nodes())) sys.spring_adjacency.build(g, sys.num_nodes());
      add_spring_forces(sys.spring_adjacency, x.data, f.data(), g.size() >= kParallelThreshold);
      return;
    }
    auto& buf = sys.element_buffer[I];
    parallel_for(g.size(), [&](std::size_t e) {
      const ElementForces<G::kNodes> fe = g.forces(Index(e), x);
      std::copy(fe.data(), fe.data() + 3 * G::kNodes, &buf[3 * G::kNodes * e]);
    });
    gather(sys.incidence[I], buf, f);
  });
}

Eigen::SparseMatrix<double> internal_hessian(const System& sys, ConstNodes x, HessianMode mode) {
  std::size_t nnz = 0;
  for_each_group(sys.groups, [&](const auto& g) {
    using G = std::decay_t<decltype(g)>;
    nnz += g.size() * 9 * G::kNodes * G::kNodes;
  });
  // Reused between calls (Newton assembles many times): a fresh vector of tens of MB per call
  // made page faults a third of an implicit run's time.
  // (thread_local names the calling thread's buffer; the workers below must use this reference,
  // not the name, or each would see its own empty vector.)
  thread_local std::vector<Eigen::Triplet<double>> buffer;
  std::vector<Eigen::Triplet<double>>& triplets = buffer;
  triplets.resize(nnz);
  std::size_t offset = 0;
  for_each_group(sys.groups, [&](const auto& g) {
    using G = std::decay_t<decltype(g)>;
    constexpr int n = 3 * G::kNodes;
    parallel_for(g.size(), [&](std::size_t e) {
      const ElementHessian<G::kNodes> h = g.hessian(Index(e), x, mode);
      const auto nd = g.nodes(Index(e));
      std::size_t t = offset + e * n * n;
      for (int a = 0; a < n; ++a)
        for (int b = 0; b < n; ++b)
          triplets[t++] = Eigen::Triplet<double>(3 * nd[a / 3] + a % 3, 3 * nd[b / 3] + b % 3, h(a, b));
    });
    offset += g.size() * n * n;
  });
  Eigen::SparseMatrix<double> h(Eigen::Index(sys.num_dofs()), Eigen::Index(sys.num_dofs()));
  h.setFromTriplets(triplets.begin(), triplets.end());  // sums duplicates in a fixed order
  return h;
}

void hessian_product(System& sys, ConstNodes x, HessianMode mode, const std::vector<double>& dir,
                     std::vector<double>& y) {
  y.assign(sys.num_dofs(), 0.0);
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(const auto& g) {
    using G = std::decay_t<decltype(g)>;
    if (g.size() == 0) return;
    auto& buf = sys.element_buffer[I];
    parallel_for(g.size(), [&](std::size_t e) {
      const auto nd = g.nodes(Index(e));
      Eigen::Matrix<double, 3 * G::kNodes, 1> d;
      for (int a = 0; a < G::kNodes; ++a) d.template segment<3>(3 * a) = Eigen::Map<const Vec3>(&dir[3 * nd[a]]);
      const Eigen::Matrix<double, 3 * G::kNodes, 1> he = g.hessian(Index(e), x, mode) * d;
      std::copy(he.data(), he.data() + 3 * G::kNodes, &buf[3 * G::kNodes * e]);
    });
    gather(sys.incidence[I], buf, y);
  });
}

void begin_step(System& sys, const StepContext& ctx) {
  const ConstNodes x = view(sys.positions);
  for_each_group(sys.groups, [&](auto& g) {
    using G = std::decay_t<decltype(g)>;
    if constexpr (G::kHasState) {
      if constexpr (requires { g.begin_group_step(ctx); }) g.begin_group_step(ctx);
      parallel_for(g.size(), [&](std::size_t e) { g.begin_step(Index(e), x, ctx); });
    }
  });
}

double end_step(System& sys, const StepContext& ctx) {
  const ConstNodes x = view(sys.positions);
  double dissipated = 0.0;
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(auto& g) {
    using G = std::decay_t<decltype(g)>;
    if constexpr (G::kHasState) {
      auto& buf = sys.element_buffer[I];
      parallel_for(g.size(), [&](std::size_t e) { buf[e] = g.end_step(Index(e), x, ctx); });
      for (std::size_t e = 0; e < g.size(); ++e) dissipated += buf[e];
    }
  });
  return dissipated;
}

double stored_energy(System& sys) {
  const ConstNodes x = view(sys.positions);
  double total = 0.0;
  for_each_group_indexed(sys.groups, [&]<std::size_t I>(const auto& g) {
    auto& buf = sys.element_buffer[I];
    parallel_for(g.size(), [&](std::size_t e) {
      if constexpr (requires { g.stored_energy(Index(e)); })
        buf[e] = g.stored_energy(Index(e));
      else if constexpr (requires { g.stored_energy(Index(e), x); })
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
