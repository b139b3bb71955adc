// SPDX-License-Identifier: MIT
// What the runner's records and per-node fields report, on a tiny slab without HDF5 or a run
// (observe/protocol_record.hpp, observe/cells.hpp): the energy ledger against its definition, the
// water a uniform squeeze drives out, the indenter checks that stop a run, the compressor's peaks,
// and the interface slip field.
#include <gtest/gtest.h>

#include <cmath>

#include "fascia/scenario_protocols.hpp"
#include "fascia/scenario_geometry.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/observe/cells.hpp"
#include "fascia/observe/metrics.hpp"
#include "fascia/observe/protocol_record.hpp"
#include "fascia/scenario.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/tissue/material.hpp"

namespace {

using namespace fascia;

/// A 2 x 2 mm slab, two dense layers on 0.5 mm of muscle, 0.25 mm cubic cells (springs, Maxwell
/// water, interfaces), and a 0.5 mm disc pressing with 50 kPa.
ScenarioSpec tiny_spec() {
  return parse_scenario(
      "[geometry]\nsize_mm = [2.0, 2.0]\nlayers = 2\nlayer_thickness_mm = 0.25\nspacing_mm = 0.25\n"
      "[material]\nmuscle_thickness_mm = 0.5\n[protocol.p]\nkind = \"static_pressure\"\nradius_mm = 0.5\n");
}

System tiny_slab(const ScenarioSpec& spec) { return System(build_lattice(slab_geometry(spec.geometry), make_materials(spec)), 1); }

TEST(Records, LedgerErrorIsTheUnaccountedEnergyOverThePeakWork) {
  const ScenarioSpec spec = tiny_spec();
  System sys = tiny_slab(spec);  // at rest: stored and kinetic energy are zero
  RunRecord record;
  sys.work_input = 2.0;
  record.sample(sys);  // the peak work
  sys.work_input = 1.0;  // a load-unload cycle gave some of it back
  sys.dissipated = 0.25;
  record.add_numerical_dissipation(0.25);
  Metrics out;
  record.metrics(sys, 1.0, 1.0, out);
  EXPECT_EQ(out.at("work_input_j"), 1.0);
  EXPECT_EQ(out.at("energy_dissipated_j"), 0.25);
  EXPECT_EQ(out.at("numerical_dissipation_j"), 0.25);
  EXPECT_LT(std::abs(out.at("energy_stored_j")), 1e-18);  // rounding of the rest state only
  // |W - E - D - D_num| / max(W, peak W) = |1 - 0 - 0.25 - 0.25| / 2.
  EXPECT_NEAR(out.at("energy_balance_error"), 0.25, 1e-15);
  // The viscosity is the hold's where a phase ended one, else the end state's (equal here).
  EXPECT_EQ(out.at("mean_interface_viscosity_pa_s"), mean_interface_viscosity(sys));
  EXPECT_EQ(out.count("peak_interface_shear_pa"), 1u);  // the slab has interfaces
}

TEST(Records, WaterLostIsTheVolumeAUniformSqueezeDrivesOut) {
  // Maxwell water, no relaxation yet (q = 0): z -> (1 - c) Z changes every cell's volume by
  // J - 1 = -c exactly, so the water lost is c times the cells' rest volume; a stretch gains water.
  const ScenarioSpec spec = tiny_spec();
  System sys = tiny_slab(spec);
  const auto& cells = std::get<CellWaterGroup>(sys.groups);
  ASSERT_GT(cells.size(), 0u);
  double volume = 0.0;
  for (std::size_t e = 0; e < cells.size(); ++e) volume += cells.rest_measure[e] * HexStencil::kVolumePerDet;
  const double c = 0.02;
  for (std::size_t i = 2; i < sys.positions.size(); i += 3) sys.positions[i] = (1.0 - c) * sys.rest_positions[i];
  EXPECT_NEAR(*water_lost(sys), c * volume, 1e-12 * volume);
  for (std::size_t i = 2; i < sys.positions.size(); i += 3) sys.positions[i] = (1.0 + c) * sys.rest_positions[i];
  EXPECT_NEAR(*water_lost(sys), -c * volume, 1e-12 * volume);
}

/// The static_pressure protocol of tiny_spec() on `sys`, and the compressor's record.
struct PressedSlab {
  ScenarioSpec spec = tiny_spec();
  System sys = tiny_slab(spec);
  CompressorProtocol protocol = CompressorProtocol::make(compressor_settings(spec.protocols[0], spec.geometry), make_materials(spec), sys);
  CompressorRecord record{protocol, sys.lattice_info};
  /// Moves the indenter down by `depth` [m], the tissue staying at rest.
  void press(double depth) { sys.positions[3 * protocol.indenter.node + 2] = sys.rest_positions[3 * protocol.indenter.node + 2] - depth; }
};

TEST(Records, CompressorRecordStopsAnIndenterThatSinksOrTunnels) {
  PressedSlab s;
  const double cell = top_surface(s.sys.lattice_info).top_cell_height;
  ASSERT_GT(cell, 0.0);
  s.record.sample(s.sys);
  EXPECT_FALSE(s.record.problem(s.sys).has_value());
  // The tissue held at rest: the disc's penetration is its travel. Less than half the top cell is
  // a load the mesh carries; more is refused, naming the keys to change.
  s.press(0.4 * cell);
  s.record.sample(s.sys);
  EXPECT_FALSE(s.record.problem(s.sys).has_value());
  s.press(0.6 * cell);
  s.record.sample(s.sys);
  auto problem = s.record.problem(s.sys);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("into the surface"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("geometry.spacing_mm"), std::string::npos) << *problem;
  // Below the bottom of the tissue: the contact no longer sees the surface nodes (tunnelling).
  const double depth = s.sys.rest_positions[3 * s.protocol.indenter.node + 2] -
                       s.sys.lattice_info.rest(s.sys.lattice_info.node_sets.at("bottom").front()).z();
  s.press(depth * 1.01);
  problem = s.record.problem(s.sys);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("passed through the tissue"), std::string::npos) << *problem;
}

TEST(Records, CompressorPeaksAreTheLargestSampled) {
  PressedSlab s;
  const double cell = top_surface(s.sys.lattice_info).top_cell_height;
  s.press(0.3 * cell);
  s.record.sample(s.sys);
  const ContactState deepest = s.protocol.indenter.contact(s.sys);
  ASSERT_GT(deepest.force, 0.0);
  s.press(0.1 * cell);  // lifting: the peaks stay
  s.record.sample(s.sys);
  Metrics out;
  s.record.metrics(s.sys, true, out);
  EXPECT_DOUBLE_EQ(out.at("peak_indentation_m"), 0.3 * cell);
  EXPECT_EQ(out.at("peak_contact_force_n"), deepest.force);
  EXPECT_EQ(out.at("contact_radius_m"), deepest.radius());
  EXPECT_LT(out.at("residual_strain"), 1e-12);  // the tissue never moved
  EXPECT_FALSE(out.count("adhesions_broken_fraction_hold"));  // no hold was reached
}

TEST(Records, SlipFieldIsTheUpperLayersShiftOnEachInterfacesUpperNode) {
  // Shift the top dense layer by d along x: the interface under it slips d, every other 0; the
  // field holds |s_t| on each interface's upper node and 0 elsewhere.
  const ScenarioSpec spec = tiny_spec();
  System sys = tiny_slab(spec);
  const auto& layer = sys.lattice_info.layer_id;
  const int top = *std::max_element(layer.begin(), layer.end());
  const double d = 3e-6;
  for (std::size_t n = 0; n < layer.size(); ++n)
    if (layer[n] == top) sys.positions[3 * n] += d;
  const auto fields = node_fields(sys);
  const auto& slip = fields.at("interface_slip_m");
  ASSERT_EQ(slip.size(), sys.num_nodes());
  EXPECT_FALSE(fields.count("pore_pressure_pa"));  // Maxwell water has no pore pressure
  const auto& g = std::get<InterfaceGroup>(sys.groups);
  std::size_t slipping = 0;
  for (std::size_t e = 0; e < g.size(); ++e) {
    const Index lower = g.connectivity[e][0], upper = g.connectivity[e][1];
    const bool across = layer[upper] == top && layer[lower] != top;
    EXPECT_NEAR(slip[upper], across ? d : 0.0, 1e-15) << "interface element " << e;  // rounding of 1e-3 m positions
    slipping += across;
  }
  EXPECT_GT(slipping, 0u);
  for (std::size_t n = 0; n < slip.size(); ++n) {
    if (layer[n] == top) continue;
    EXPECT_LT(slip[n], 1e-15) << "node " << n;
  }
}

TEST(Records, ApparatusNodesStayOutOfTheTissuesFields) {
  // A rigid tool's node follows the tissue's nodes: the System counts it apart, and the per-node
  // fields (frames) keep the tissue's length whatever apparatus a protocol adds.
  const ScenarioSpec spec = tiny_spec();
  System sys = tiny_slab(spec);
  const std::size_t tissue = sys.num_nodes();
  ASSERT_EQ(sys.num_tissue_nodes(), tissue);
  const Index tool = sys.add_apparatus_node(Vec3(0.0, 0.0, 1.0), 1.0);
  EXPECT_EQ(std::size_t(tool), tissue);
  EXPECT_EQ(sys.num_nodes(), tissue + 1);
  EXPECT_EQ(sys.num_tissue_nodes(), tissue);
  EXPECT_TRUE(sys.is_apparatus(tool));
  EXPECT_FALSE(sys.is_apparatus(Index(tissue) - 1));
  auto fields = node_fields(sys);
  add_damage_field(sys, fields);
  ASSERT_FALSE(fields.empty());  // the slab has interfaces and fibres
  for (const auto& [name, values] : fields) EXPECT_EQ(values.size(), tissue) << name;
}

}  // namespace
