// SPDX-License-Identifier: MIT
// Node-centric spring kernel (solve/spring_kernel.hpp) against the generic element path
// (SpringGroup::forces per element, gathered per node through the CSR incidence) on randomly
// deformed lattices; bitwise determinism of the kernel and of the explicit step across thread
// counts; the cache being rebuilt when the group changes.
//
// Tolerance: both paths evaluate the same spring in double and sum a node's springs in the same
// (element) order; they differ only in how the force vector is rounded (t (d / l) per component
// in the element, (t / l) d in the kernel) and in the order of the three squares of the length:
// a few ulps (2.2e-16) per spring force. A node sums at most 18 such terms here, so the error is
// below ~1e-14 of the largest spring force; we test max|f_kernel - f_generic| / max|f_generic|
// < 1e-12 (a per-component relative error is meaningless at a node near equilibrium, where the
// sum cancels).
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "fascia/core/random.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/solve/explicit.hpp"
#include "fascia/solve/spring_kernel.hpp"
#include "fascia/solve/workspace.hpp"

namespace fascia {
namespace {

LayerMaterial spring_matrix() {
  LayerMaterial m;
  m.name = "dense";
  m.density = 1000.0;
  m.shear_modulus = 10e3;
  m.drained_bulk = bulk_from_poisson(m.shear_modulus, 0.25);  // lambda = mu: springs alone
  m.undrained_bulk = m.drained_bulk;
  return m;
}

/// Springs-only lattice of nx x ny x nz nodes (0.5 mm spacing), other groups dropped.
Lattice springs_block(Index nx, Index ny, Index nz) {
  Lattice lat = build_block(nx, ny, nz, 0.5e-3, 0.5e-3, 0.5e-3, spring_matrix(), FiberLaw{}, 0.0, 0.0, MatrixModel::springs);
  SpringGroup springs = std::move(std::get<SpringGroup>(lat.groups));
  lat.groups = ElementGroups{};
  std::get<SpringGroup>(lat.groups) = std::move(springs);
  return lat;
}

/// Positions perturbed by up to +-`amplitude` of the spacing, deterministic.
void deform(System& sys, double amplitude, std::uint64_t salt) {
  for (std::size_t d = 0; d < sys.num_dofs(); ++d)
    sys.positions[d] = sys.rest_positions[d] + amplitude * 0.5e-3 * (2.0 * random_uniform(7, Stream::lattice, d, salt) - 1.0);
}

/// The generic element path for the springs: per-element forces, gathered per node in slot order.
std::vector<double> generic_forces(const System& sys) {
  const auto& g = std::get<SpringGroup>(sys.groups);
  const ConstNodes x = view(sys.positions);
  std::vector<double> buf(6 * g.size());
  for (std::size_t e = 0; e < g.size(); ++e) {
    const ElementForces<2> fe = g.forces(Index(e), x);
    std::copy(fe.data(), fe.data() + 6, &buf[6 * e]);
  }
  const Incidence& inc = assembly_workspace(sys).incidence[0];
  std::vector<double> f(sys.num_dofs(), 0.0);
  for (std::size_t node = 0; node < sys.num_nodes(); ++node) {
    double fx = 0, fy = 0, fz = 0;
    for (auto s = inc.offsets[node]; s < inc.offsets[node + 1]; ++s) {
      fx += buf[3 * inc.slots[s]];
      fy += buf[3 * inc.slots[s] + 1];
      fz += buf[3 * inc.slots[s] + 2];
    }
    f[3 * node] += fx;
    f[3 * node + 1] += fy;
    f[3 * node + 2] += fz;
  }
  return f;
}

double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0.0, scale = 0.0;
  for (std::size_t d = 0; d < a.size(); ++d) {
    diff = std::max(diff, std::abs(a[d] - b[d]));
    scale = std::max(scale, std::abs(b[d]));
  }
  return scale > 0 ? diff / scale : diff;
}

std::vector<double> kernel_forces(System& sys, int threads) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  std::vector<double> f;
  internal_forces(sys, view(sys.positions), f);  // dispatches the SpringGroup to the kernel
  omp_set_num_threads(saved);
  return f;
}

TEST(SpringKernel, MatchesGenericPathOnDeformedLattice) {
  System sys(springs_block(17, 13, 11), 1);  // ~20 k springs: the parallel path
  ASSERT_GE(std::get<SpringGroup>(sys.groups).size(), kParallelThreshold);
  ASSERT_FALSE(assembly_workspace(sys).spring_adjacency.param16.empty());  // few distinct (k, L): 16-bit rows
  deform(sys, 0.2, 1);
  const auto f = kernel_forces(sys, 2);
  const double rel = relative_difference(f, generic_forces(sys));
  RecordProperty("max_relative_difference", std::to_string(rel));
  std::printf("max |f_kernel - f_generic| / max |f_generic| = %.3g\n", rel);
  EXPECT_LT(rel, 1e-12);
}

TEST(SpringKernel, VectorAndPortablePathsAgreeBitwise) {
  System sys(springs_block(17, 13, 11), 1);
  deform(sys, 0.3, 6);
  const auto fast = kernel_forces(sys, 2);
  assembly_workspace(sys).spring_adjacency.force_scalar = true;
  const auto portable = kernel_forces(sys, 2);
  EXPECT_EQ(0, std::memcmp(fast.data(), portable.data(), fast.size() * sizeof(double)));
}

TEST(SpringKernel, RestStateFeelsNoForce) {
  System sys(springs_block(9, 8, 7), 1);
  const auto f = kernel_forces(sys, 1);
  // Rest lengths are kept in double: only the round-off of |X_j - X_i| itself remains.
  double max_f = 0.0;
  for (double q : f) max_f = std::max(max_f, std::abs(q));
  const auto& g = std::get<SpringGroup>(sys.groups);
  const double k_max = *std::max_element(g.stiffness.begin(), g.stiffness.end());
  EXPECT_LT(max_f, 1e-14 * k_max * 0.5e-3);
}

TEST(SpringKernel, WideParameterIndexWhenRestLengthsAreAllDistinct) {
  Lattice lat = springs_block(21, 21, 21);
  auto& g = std::get<SpringGroup>(lat.groups);
  for (std::size_t e = 0; e < g.size(); ++e) g.rest_length[e] *= 1.0 + 0.01 * random_uniform(3, Stream::lattice, e);
  System sys(std::move(lat), 1);
  ASSERT_TRUE(assembly_workspace(sys).spring_adjacency.param16.empty());
  ASSERT_FALSE(assembly_workspace(sys).spring_adjacency.param32.empty());
  deform(sys, 0.1, 2);
  const auto f1 = kernel_forces(sys, 1);
  const auto f2 = kernel_forces(sys, 2);
  EXPECT_LT(relative_difference(f1, generic_forces(sys)), 1e-12);
  EXPECT_EQ(0, std::memcmp(f1.data(), f2.data(), f1.size() * sizeof(double)));
}

TEST(SpringKernel, BitwiseIdenticalForOneAndTwoThreads) {
  System sys(springs_block(24, 20, 16), 1);
  deform(sys, 0.3, 3);
  const auto f1 = kernel_forces(sys, 1);
  const auto f2 = kernel_forces(sys, 2);
  ASSERT_EQ(f1.size(), f2.size());
  EXPECT_EQ(0, std::memcmp(f1.data(), f2.data(), f1.size() * sizeof(double)));
}

TEST(SpringKernel, CoincidentNodesAndIsolatedNodesLikeTheElement) {
  Lattice lat;
  lat.dim = 3;
  lat.rest_positions = {0, 0, 0, 1, 0, 0, 1, 0, 0, 5, 5, 5};  // nodes 1 and 2 coincide, node 3 isolated
  lat.masses = {1, 1, 1, 1};
  auto& g = std::get<SpringGroup>(lat.groups);
  g.add(0, 1, 2.0, 1.5);
  g.add(1, 2, 3.0, 0.25);  // l = 0: the element pushes along x
  g.add(2, 0, 5.0, 0.5);
  System sys(std::move(lat), 1);
  const auto ref = generic_forces(sys);
  for (bool portable : {false, true}) {
    assembly_workspace(sys).spring_adjacency.force_scalar = portable;
    const auto f = kernel_forces(sys, 1);
    for (std::size_t d = 0; d < f.size(); ++d) EXPECT_NEAR(f[d], ref[d], 1e-15) << d << " portable " << portable;
  }
}

TEST(SpringKernel, CacheRebuiltWhenGroupChanges) {
  System sys(springs_block(5, 5, 5), 1);
  auto& g = std::get<SpringGroup>(sys.groups);
  g.add(0, 124, 1.0, 0.1);  // a new long spring across the block
  g.add(3, 77, 2.0, 0.1);
  deform(sys, 0.1, 4);
  const auto f = kernel_forces(sys, 1);
  std::vector<double> ref;
  sys.elements_changed();  // the generic reference needs the new incidence
  ref = generic_forces(sys);
  EXPECT_LT(relative_difference(f, ref), 1e-12);
}

TEST(SpringKernel, ExplicitStepBitwiseIdenticalForOneAndTwoThreads) {
  auto run = [](int threads) {
    System sys(springs_block(20, 18, 16), 1);
    deform(sys, 0.05, 5);
    sys.fix_nodes({0, 1, 2});
    sys.external_forces[3 * 100] = 1e-4;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    ExplicitIntegrator ex(sys, 0.5 * critical_time_step(sys), 10.0);
    const LoadFunction load = [](double t, System& s) { s.prescribed[0] = s.rest_positions[0] + 1e-6 * t; };
    for (int i = 0; i < 20; ++i) ex.step(load);
    omp_set_num_threads(saved);
    return sys;
  };
  const System a = run(1), b = run(2);
  EXPECT_EQ(0, std::memcmp(a.positions.data(), b.positions.data(), a.positions.size() * sizeof(double)));
  EXPECT_EQ(0, std::memcmp(a.velocities.data(), b.velocities.data(), a.velocities.size() * sizeof(double)));
  EXPECT_EQ(a.work_input, b.work_input);
  EXPECT_EQ(a.dissipated, b.dissipated);
  EXPECT_NE(a.work_input, 0.0);
  EXPECT_GT(a.dissipated, 0.0);
}

}  // namespace
}  // namespace fascia
