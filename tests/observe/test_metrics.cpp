// SPDX-License-Identifier: MIT
// Run metrics and the health check on a tiny slab lattice, without HDF5 or a protocol: zero at
// rest, the closed-form Green strain of a uniform stretch, invariance under a rigid translation,
// and each kind of unhealthy state named.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "fascia/scenario_geometry.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/observe/health.hpp"
#include "fascia/observe/metrics.hpp"
#include "fascia/scenario.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/tissue/material.hpp"

namespace {

using namespace fascia;

/// A 1 x 1 mm slab, two dense layers, 0.25 mm cubic cells (springs, Maxwell water, interfaces).
System tiny_slab() {
  const ScenarioSpec spec = parse_scenario(
      "[geometry]\nsize_mm = [1.0, 1.0]\nlayers = 2\nlayer_thickness_mm = 0.25\nspacing_mm = 0.25\n"
      "[material]\nmuscle_thickness_mm = 0.5\n[protocol.p]\nkind = \"static_pressure\"\n");
  return System(build_lattice(slab_geometry(spec.geometry), make_materials(spec)), 1);
}

TEST(Metrics, ZeroAtRest) {
  System sys = tiny_slab();
  ASSERT_GT(std::get<InterfaceGroup>(sys.groups).size(), 0u);
  ASSERT_GT(std::get<FiberGroup>(sys.groups).size(), 0u);
  // Rounding of F = ds dm^-1 at rest is ~1e-16; a real strain of the smallest load is > 1e-9.
  EXPECT_LT(max_dense_strain(sys), 1e-12);
  EXPECT_EQ(peak_fiber_stress_ratio(sys), 0.0);
  EXPECT_EQ(fiber_damage_fraction(sys), 0.0);
  EXPECT_LT(rms_interface_slip(sys), 1e-18);
  EXPECT_EQ(ha_synthesized(sys), 0.0);  // every element starts at c0
  EXPECT_GT(mean_interface_viscosity(sys), 0.0);
  EXPECT_FALSE(adhesion_broken_fraction(sys).has_value());  // no adhesions were added
  const auto lost = water_lost(sys);
  ASSERT_TRUE(lost.has_value());
  EXPECT_LT(std::abs(*lost), 1e-24);  // cells of 1.6e-11 m^3: rounding only
  const MuscleLoad load = muscle_load(sys, 0);
  EXPECT_TRUE(load.any);
  EXPECT_FALSE(load.spread_length.has_value());  // nothing has settled
  EXPECT_LT(load.peak_pressure, 1e-6);  // Pa: rounding of the rest offset only (a real load is > 1 Pa)
  EXPECT_FALSE(health_problem(sys).has_value());
}

TEST(Metrics, UniformStretchGivesTheGreenStrainAndLoadsTheFibres) {
  System sys = tiny_slab();
  const double e = 0.01;  // x -> (1 + e) X: E_xx = e + e^2 / 2, the other components zero
  for (std::size_t i = 0; i < sys.positions.size(); i += 3) sys.positions[i] = (1.0 + e) * sys.rest_positions[i];
  EXPECT_NEAR(max_dense_strain(sys), e + 0.5 * e * e, 1e-12);
  EXPECT_GT(peak_fiber_stress_ratio(sys), 0.0);  // the first layer's fibres run along x
}

TEST(Metrics, RigidTranslationIsStrainAndSlipFree) {
  System sys = tiny_slab();
  const double shift[3] = {1e-3, -2e-3, 5e-4};
  for (std::size_t i = 0; i < sys.positions.size(); ++i) sys.positions[i] = sys.rest_positions[i] + shift[i % 3];
  EXPECT_LT(max_dense_strain(sys), 1e-9);  // positions ~1e-3 m rounded at 1e-19 m over 2.5e-4 m cells
  EXPECT_LT(rms_interface_slip(sys), 1e-15);
}

TEST(Metrics, DenseCompressionIsThroughThicknessAndBlindToBending) {
  // Squeezing z -> (1 - c) Z shortens every column of the dense stack by c (the metric's closed
  // form); stretching along x does not compress it; a rigid rotation (the bending of a stack at a
  // compressor's rim, locally) leaves it at rounding, while max_dense_strain reads the stretch.
  System sys = tiny_slab();
  EXPECT_EQ(max_dense_compression(sys), 0.0);
  const double c = 0.05;
  for (std::size_t i = 2; i < sys.positions.size(); i += 3) sys.positions[i] = (1.0 - c) * sys.rest_positions[i];
  EXPECT_NEAR(max_dense_compression(sys), c, 1e-12);
  for (std::size_t i = 0; i < sys.positions.size(); ++i) sys.positions[i] = sys.rest_positions[i];
  for (std::size_t i = 0; i < sys.positions.size(); i += 3) sys.positions[i] = 1.01 * sys.rest_positions[i];
  EXPECT_LT(max_dense_compression(sys), 1e-12);
  const double a = 0.3;  // rotation about y by 0.3 rad
  for (std::size_t i = 0; i < sys.positions.size(); i += 3) {
    const double X = sys.rest_positions[i], Z = sys.rest_positions[i + 2];
    sys.positions[i] = std::cos(a) * X + std::sin(a) * Z;
    sys.positions[i + 2] = -std::sin(a) * X + std::cos(a) * Z;
  }
  EXPECT_LT(std::abs(max_dense_compression(sys)), 1e-12);
}

TEST(Metrics, ImportedMeshColumnsAreDenseNodesSharingTheirRestXY) {
  // An unstructured node list (nx = 0) as an imported mesh gives it, out of order: the dense nodes
  // at (0, 0) and at (1, 0) form columns from their lowest to their highest node; a lone dense node,
  // a dense node 1e-12 m off the line and a loose node (id -1) or a skin node on a line do not join.
  Lattice info;
  const std::vector<std::pair<Vec3, std::int32_t>> nodes = {
      {{0, 0, 2e-3}, 2},  {{1e-3, 0, 1e-3}, 1}, {{0, 0, 0}, 1},        {{2e-3, 0, 0}, 1},
      {{0, 0, 1e-3}, -1}, {{1e-3, 0, 3e-3}, 2}, {{0, 0, 5e-3}, kSkinLayer}, {{1e-12, 0, 4e-3}, 2},
      {{0, 0, 1e-3}, 2}};
  for (const auto& [x, id] : nodes) {
    info.rest_positions.insert(info.rest_positions.end(), {x.x(), x.y(), x.z()});
    info.layer_id.push_back(id);
  }
  const auto columns = dense_stack_columns(info);
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0], (std::array<Index, 2>{2, 0}));  // (0, 0): z = 0 to z = 2 mm
  EXPECT_EQ(columns[1], (std::array<Index, 2>{1, 5}));  // (1 mm, 0): z = 1 to 3 mm
  // Their compression: the (0, 0) column squeezed to 1.5 mm of its 2 mm, the other untouched.
  System sys(std::move(info), 1);
  sys.positions[3 * 0 + 2] = 1.5e-3;
  EXPECT_NEAR(max_dense_compression(sys, columns), 0.25, 1e-12);
  // No two dense nodes on one vertical line: no column (the metric is then absent).
  Lattice scattered;
  scattered.rest_positions = {0, 0, 0, 1e-3, 0, 1e-3, 0, 1e-3, 2e-3};
  scattered.layer_id = {1, 1, 2};
  EXPECT_TRUE(dense_stack_columns(scattered).empty());
}

TEST(Metrics, DenseCompressionLeavesSkinAndHypodermisOut) {
  // The dense stack under skin and fat: squeezing only what lies above it (the skin and the
  // hypodermis, layer ids 101 and 100, which are >= 1 too) must not read as compressed fascia;
  // squeezing the whole slab uniformly still gives the closed form c.
  const ScenarioSpec spec = parse_scenario(
      "[geometry]\nsize_mm = [1.0, 1.0]\nlayers = 2\nlayer_thickness_mm = 0.25\nspacing_mm = 0.25\n"
      "skin_thickness_mm = 0.5\nhypodermis_thickness_mm = 0.5\n"
      "[material]\nmuscle_thickness_mm = 0.5\n[protocol.p]\nkind = \"static_pressure\"\n");
  System sys(build_lattice(slab_geometry(spec.geometry), make_materials(spec)), 1);
  const auto& info = sys.lattice_info;
  double dense_top = -1.0;
  for (std::size_t n = 0; n < sys.num_tissue_nodes(); ++n)
    if (is_dense_layer(info.layer_id[n])) dense_top = std::max(dense_top, sys.rest_positions[3 * n + 2]);
  ASSERT_GT(dense_top, 0.0);
  const double c = 0.3;
  for (std::size_t i = 2; i < sys.positions.size(); i += 3)
    if (sys.rest_positions[i] > dense_top) sys.positions[i] = dense_top + (1.0 - c) * (sys.rest_positions[i] - dense_top);
  EXPECT_LT(std::abs(max_dense_compression(sys)), 1e-12);
  for (std::size_t i = 2; i < sys.positions.size(); i += 3) sys.positions[i] = (1.0 - 0.05) * sys.rest_positions[i];
  EXPECT_NEAR(max_dense_compression(sys), 0.05, 1e-12);
}

TEST(Health, NamesEachUnhealthyState) {
  {
    System sys = tiny_slab();
    sys.velocities[4] = std::numeric_limits<double>::quiet_NaN();
    const auto problem = health_problem(sys);
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("non-finite"), std::string::npos) << *problem;
  }
  {
    System sys = tiny_slab();  // mirrored through z = 0: every cell inverts
    for (std::size_t i = 2; i < sys.positions.size(); i += 3) sys.positions[i] = -sys.rest_positions[i];
    const auto problem = health_problem(sys);
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("inverted"), std::string::npos) << *problem;
  }
  {
    System sys = tiny_slab();  // at rest with energy but no work input: more than 10x the work
    for (double& v : sys.velocities) v = 1.0;
    const auto problem = health_problem(sys);
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("exceeds 10x the work input"), std::string::npos) << *problem;
  }
}

TEST(Health, InterfacesPassThroughEachOtherOnlyBeyondTheirLooseThickness) {
  // Two node pairs at zero rest gap (an imported mesh split at an interface) standing for a loose
  // layer h = 43 um: squeezed by h/2 the loose layer is thinner, not crossed; by 3h/2 it is.
  const double h = 43e-6;
  const auto squeezed = [&](double by) {
    Lattice lat;
    lat.dim = 3;
    lat.rest_positions = {0, 0, 0, 0, 0, 0};
    lat.masses = {1e-6, 1e-6};
    lat.layer_id = {1, 2};
    std::get<InterfaceGroup>(lat.groups).add(0, 1, Vec3::Zero(), h, 1.0, 1e3, 1.0, 1e-6);
    System sys(std::move(lat), 1);
    sys.positions[5] = -by;  // the upper node moves down by `by`
    return health_problem(sys).value_or("");
  };
  EXPECT_EQ(squeezed(0.5 * h).find("passed through each other"), std::string::npos) << squeezed(0.5 * h);
  EXPECT_NE(squeezed(1.5 * h).find("passed through each other"), std::string::npos) << squeezed(1.5 * h);
}

}  // namespace
