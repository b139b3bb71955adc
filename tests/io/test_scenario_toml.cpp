// SPDX-License-Identifier: MIT
// Scenario TOML parsing and validation: the examples parse, and every class of bad input is an
// InputError whose message names the key path (and the value).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "fascia/core/error.hpp"
#include "fascia/scenario.hpp"

namespace {

using fascia::InputError;
using fascia::parse_scenario;
using fascia::ScenarioSpec;
using fascia::TissueSpec;

#ifndef FASCIA_EXAMPLES_DIR
#define FASCIA_EXAMPLES_DIR "examples"
#endif

const std::string kProtocol = "\n[protocol.tap]\nkind = \"impulse\"\n";

/// Parses `text` and returns the InputError message (fails the test when nothing is thrown).
std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "test.toml");
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << "message is not one line: " << m;
    return m;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not an InputError: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return "";
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

// ---------------------------------------------------------------------------------------------
// good input

TEST(ScenarioToml, ExamplesParseAndValidate) {
  const std::filesystem::path dir = std::filesystem::path(FASCIA_EXAMPLES_DIR) / "scenarios";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    ScenarioSpec spec;
    ASSERT_NO_THROW(spec = fascia::load_scenario_file(entry.path().string()));
    EXPECT_FALSE(spec.protocols.empty());
    EXPECT_FALSE(spec.source_text.empty());
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(ScenarioToml, ExampleValues) {
  const std::string dir = std::string(FASCIA_EXAMPLES_DIR) + "/scenarios/";
  const auto sheet = fascia::load_scenario_file(dir + "ripple_sheet.toml");
  EXPECT_EQ(sheet.geometry.kind, "sheet");
  EXPECT_EQ(sheet.geometry.size_mm[0], 10.0);
  EXPECT_EQ(sheet.geometry.spacing_mm, 0.25);
  ASSERT_EQ(sheet.protocols.size(), 1u);
  EXPECT_EQ(sheet.protocols[0].name, "tap");
  EXPECT_EQ(sheet.protocols[0].kind, "impulse");
  EXPECT_EQ(sheet.protocols[0].end_s, 6e-5);
  EXPECT_EQ(sheet.protocols[0].frame_interval_s, 2e-6);

  const auto cmp = fascia::load_scenario_file(dir + "compare_protocols.toml");
  ASSERT_EQ(cmp.protocols.size(), 3u);
  EXPECT_EQ(cmp.protocols[0].name, "static");  // file order
  EXPECT_EQ(cmp.protocols[1].name, "active");
  EXPECT_EQ(cmp.protocols[2].name, "passive");
  EXPECT_EQ(cmp.protocols[0].kind, "static_pressure");
  EXPECT_EQ(cmp.protocols[0].hold_s, 4.0);
  EXPECT_EQ(cmp.protocols[1].kind, "compression_active_shear");
  EXPECT_EQ(cmp.protocols[1].cycles, 2);
  EXPECT_EQ(cmp.protocols[2].kind, "compression_passive_shear");
  EXPECT_EQ(cmp.protocols[2].recover_s, 20.0);
}

TEST(ScenarioToml, ScenarioMdExampleParses) {
  const std::string text = R"(
[tissue]
water = 0.70
collagen = 0.20
temperature_c = 37.0
[geometry]
kind = "slab"
size_mm = [20.0, 20.0]
layers = 3
layer_thickness_mm = 0.28
interface_thickness_mm = 0.043
fiber_angle_deg = 0.0
crossing_angle_deg = 78.0
dispersion_kappa = 5.0
spacing_mm = 0.25
seed = 1
[solver]
integrator = "auto"
threads = 0
[protocol.static]
kind = "static_pressure"
pressure_kpa = 50.0
radius_mm = 5.0
ramp_s = 1.0
hold_s = 20.0
release_s = 1.0
recover_s = 600.0
[protocol.active]
kind = "compression_active_shear"
pressure_kpa = 50.0
radius_mm = 5.0
amplitude_mm = 5.0
frequency_hz = 0.5
cycles = 10
ramp_s = 1.0
release_s = 1.0
recover_s = 600.0
[protocol.tap]
kind = "impulse"
force_n = 0.5
radius_mm = 1.0
duration_s = 1e-4
end_s = 0.02
[output]
file = "out/demo.h5"
frame_interval_s = 0.1
)";
  const auto spec = parse_scenario(text);
  ASSERT_EQ(spec.protocols.size(), 3u);
  EXPECT_EQ(spec.source_text, text);
  EXPECT_EQ(spec.output.file, "out/demo.h5");
  EXPECT_EQ(spec.geometry.seed, 1u);
}

TEST(ScenarioToml, IntegersAcceptedForFloatsAndIntegralFloatsForInts) {
  const auto spec = parse_scenario(
      "[geometry]\nsize_mm = [8, 9]\nlayers = 2.0\nspacing_mm = 1\n[material]\ndense_prony_g = [0]\n"
      "dense_prony_tau_s = [10]\n" +
      kProtocol + "force_n = 2\ndirection = [0, 1, 0]\n");
  EXPECT_EQ(spec.geometry.size_mm[0], 8.0);
  EXPECT_EQ(spec.geometry.size_mm[1], 9.0);
  EXPECT_EQ(spec.geometry.layers, 2);
  EXPECT_EQ(spec.protocols[0].force_n, 2.0);
  EXPECT_EQ(spec.protocols[0].direction[1], 1.0);
}

TEST(ScenarioToml, DefaultsWhenSectionsOmitted) {
  const auto spec = parse_scenario(kProtocol);
  EXPECT_EQ(spec.geometry.kind, "slab");
  EXPECT_EQ(spec.solver.integrator, "auto");
  const auto f = spec.tissue.fractions();
  EXPECT_EQ(f[0], 0.70);
  EXPECT_EQ(f[1], 0.20);
  EXPECT_EQ(f[2], 0.10);
}

// ---------------------------------------------------------------------------------------------
// fractions

TEST(TissueFractions, TwoGivenThirdDerivedExactly) {
  TissueSpec t;
  t.water = 0.6;
  t.collagen = 0.3;
  auto f = t.fractions();
  EXPECT_EQ(f[0], 0.6);
  EXPECT_EQ(f[1], 0.3);
  EXPECT_EQ(f[2], 1.0 - (0.6 + 0.3));

  TissueSpec u;
  u.collagen = 0.25;
  u.ground = 0.15;
  f = u.fractions();
  EXPECT_EQ(f[0], 1.0 - (0.25 + 0.15));
  EXPECT_EQ(f[1], 0.25);
  EXPECT_EQ(f[2], 0.15);

  TissueSpec v;
  v.water = 0.5;
  v.ground = 0.5;
  f = v.fractions();
  EXPECT_EQ(f[1], 0.0);
}

TEST(TissueFractions, OneGivenSplitsRemainderInProportionToDefaults) {
  TissueSpec t;
  t.water = 0.4;  // remainder 0.6 shared 2:1 by collagen and ground
  auto f = t.fractions();
  EXPECT_EQ(f[0], 0.4);
  EXPECT_NEAR(f[1], 0.6 * 0.2 / 0.3, 1e-15);
  EXPECT_NEAR(f[2], 0.6 * 0.1 / 0.3, 1e-15);
  EXPECT_NEAR(f[0] + f[1] + f[2], 1.0, 1e-15);

  TissueSpec c;
  c.collagen = 0.5;  // remainder 0.5 shared 7:1 by water and ground
  f = c.fractions();
  EXPECT_NEAR(f[0], 0.5 * 0.7 / 0.8, 1e-15);
  EXPECT_EQ(f[1], 0.5);
  EXPECT_NEAR(f[2], 0.5 * 0.1 / 0.8, 1e-15);

  TissueSpec g;
  g.ground = 1.0;
  f = g.fractions();
  EXPECT_EQ(f[0], 0.0);
  EXPECT_EQ(f[1], 0.0);
  EXPECT_EQ(f[2], 1.0);
}

TEST(TissueFractions, AllThreeSumToleranceBoundary) {
  TissueSpec t;
  t.water = 0.7;
  t.collagen = 0.2;
  t.ground = 0.1 + 0.5e-9;  // inside 1e-9
  EXPECT_NO_THROW(t.fractions());
  t.ground = 0.1 - 0.5e-9;
  EXPECT_NO_THROW(t.fractions());
  t.ground = 0.1 + 2e-9;  // outside
  EXPECT_THROW(t.fractions(), InputError);
  t.ground = 0.1 - 2e-9;
  EXPECT_THROW(t.fractions(), InputError);
}

TEST(TissueFractions, DerivedThirdToleranceBoundary) {
  TissueSpec t;
  t.water = 0.8;
  t.collagen = 0.2 + 0.5e-9;  // third = -5e-10: within tolerance, clamped to 0
  auto f = t.fractions();
  EXPECT_EQ(f[2], 0.0);
  t.collagen = 0.2 + 2e-9;
  EXPECT_THROW(t.fractions(), InputError);
}

TEST(TissueFractions, ErrorsNameTheKey) {
  std::string m = error_of("[tissue]\nwater = 0.7\ncollagen = 0.2\nground = 0.2\n" + kProtocol);
  EXPECT_CONTAINS(m, "tissue.ground");
  EXPECT_CONTAINS(m, "1.1");  // the actual sum
  m = error_of("[tissue]\nwater = -0.1\n" + kProtocol);
  EXPECT_CONTAINS(m, "tissue.water");
  EXPECT_CONTAINS(m, "-0.1");
  m = error_of("[tissue]\ncollagen = 1.5\n" + kProtocol);
  EXPECT_CONTAINS(m, "tissue.collagen");
  EXPECT_CONTAINS(m, "1.5");
  m = error_of("[tissue]\nwater = 0.8\ncollagen = 0.3\n" + kProtocol);  // derived ground = -0.1
  EXPECT_CONTAINS(m, "tissue.ground");
  EXPECT_CONTAINS(m, "negative");
}

// ---------------------------------------------------------------------------------------------
// unknown keys

TEST(ScenarioToml, UnknownTopLevelTable) {
  std::string m = error_of("[geometri]\nkind = \"slab\"\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometri");
  EXPECT_CONTAINS(m, "geometry");  // suggestion / allowed list
  m = error_of("verbose = true\n" + kProtocol);
  EXPECT_CONTAINS(m, "verbose");
}

TEST(ScenarioToml, UnknownKeyInEachSection) {
  for (const std::string section : {"tissue", "material", "geometry", "solver", "output"}) {
    SCOPED_TRACE(section);
    const std::string m = error_of("[" + section + "]\nbogus_key = 1\n" + kProtocol);
    EXPECT_CONTAINS(m, section + ".bogus_key");
    EXPECT_CONTAINS(m, "unknown key");
    EXPECT_CONTAINS(m, "test.toml:2:1");
  }
}

TEST(ScenarioToml, TypoInProtocolKeySuggestsTheKey) {
  const std::string m = error_of(kProtocol + "forse_n = 1.0\n");
  EXPECT_CONTAINS(m, "protocol.tap.forse_n");
  EXPECT_CONTAINS(m, "did you mean 'force_n'");
  const std::string m2 = error_of("[geometry]\nspacing = 0.5\n" + kProtocol);
  EXPECT_CONTAINS(m2, "geometry.spacing");
  EXPECT_CONTAINS(m2, "spacing_mm");
}

TEST(ScenarioToml, KeyOfAnotherKindIsRejected) {
  std::string m = error_of("[protocol.s]\nkind = \"static_pressure\"\namplitude_mm = 2.0\n");
  EXPECT_CONTAINS(m, "protocol.s.amplitude_mm");
  EXPECT_CONTAINS(m, "static_pressure");
  m = error_of("[protocol.a]\nkind = \"compression_active_shear\"\nduration_s = 2.0\n");
  EXPECT_CONTAINS(m, "protocol.a.duration_s");
  m = error_of(kProtocol + "pressure_kpa = 10\n");
  EXPECT_CONTAINS(m, "protocol.tap.pressure_kpa");
  m = error_of("[protocol.p]\nkind = \"compression_passive_shear\"\nhold_s = 3\n");
  EXPECT_CONTAINS(m, "protocol.p.hold_s");
}

TEST(ScenarioToml, ProtocolKindMissingOrUnknown) {
  std::string m = error_of("[protocol.x]\nforce_n = 1.0\n");
  EXPECT_CONTAINS(m, "protocol.x.kind");
  m = error_of("[protocol.x]\nkind = \"impuls\"\n");
  EXPECT_CONTAINS(m, "protocol.x.kind");
  EXPECT_CONTAINS(m, "impuls");
  EXPECT_CONTAINS(m, "\"static_pressure\"");  // lists the choices
}

TEST(ScenarioToml, ProtocolNotATable) {
  std::string m = error_of("[protocol]\nfoo = 3\n");
  EXPECT_CONTAINS(m, "protocol.foo");
  m = error_of("protocol = 3\n");
  EXPECT_CONTAINS(m, "protocol");
}

TEST(ScenarioToml, NoProtocol) {
  const std::string m = error_of("[tissue]\nwater = 0.7\n");
  EXPECT_CONTAINS(m, "protocol");
}

// ---------------------------------------------------------------------------------------------
// wrong types

TEST(ScenarioToml, WrongTypes) {
  std::string m = error_of("[geometry]\nspacing_mm = \"0.5\"\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometry.spacing_mm");
  EXPECT_CONTAINS(m, "expected a number");
  EXPECT_CONTAINS(m, "string \"0.5\"");

  m = error_of("[geometry]\nlayers = 2.5\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometry.layers");
  EXPECT_CONTAINS(m, "expected an integer");
  EXPECT_CONTAINS(m, "2.5");

  m = error_of("[solver]\nthreads = \"all\"\n" + kProtocol);
  EXPECT_CONTAINS(m, "solver.threads");

  m = error_of("[geometry]\nkind = 3\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometry.kind");
  EXPECT_CONTAINS(m, "expected a string");

  m = error_of("[geometry]\nsize_mm = [1.0, 2.0, 3.0]\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometry.size_mm");
  EXPECT_CONTAINS(m, "2 numbers");

  m = error_of("[geometry]\nsize_mm = 5.0\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometry.size_mm");

  m = error_of("[geometry]\nsize_mm = [5.0, \"x\"]\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometry.size_mm[1]");

  m = error_of(kProtocol + "direction = [1, 0]\n");
  EXPECT_CONTAINS(m, "protocol.tap.direction");

  m = error_of("[tissue]\nwater = true\n" + kProtocol);
  EXPECT_CONTAINS(m, "tissue.water");
  EXPECT_CONTAINS(m, "boolean");

  m = error_of("tissue = 0.7\n" + kProtocol);
  EXPECT_CONTAINS(m, "tissue");
  EXPECT_CONTAINS(m, "expected a table");

  m = error_of("[geometry]\nseed = -1\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometry.seed");
  EXPECT_CONTAINS(m, "-1");

  m = error_of("[material]\ndense_prony_g = 0.4\n" + kProtocol);
  EXPECT_CONTAINS(m, "material.dense_prony_g");
}

TEST(ScenarioToml, StringValueWithNewlineStaysOneLine) {
  const std::string m = error_of("[geometry]\nkind = \"\"\"sl\nab\"\"\"\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometry.kind");
}

// ---------------------------------------------------------------------------------------------
// out of range

TEST(ScenarioToml, OutOfRangeValues) {
  struct Case {
    std::string text, key, value;
  };
  const std::string active = "[protocol.active]\nkind = \"compression_active_shear\"\n";
  const Case cases[] = {
      {active + "frequency_hz = -1\n", "protocol.active.frequency_hz", "-1"},
      {active + "frequency_hz = 0\n", "protocol.active.frequency_hz", "0"},
      {active + "cycles = 0\n", "protocol.active.cycles", "0"},
      {active + "pressure_kpa = 20000\n", "protocol.active.pressure_kpa", "20000"},
      {active + "ramp_s = 0\n", "protocol.active.ramp_s", "0"},
      {active + "friction = -0.1\n", "protocol.active.friction", "-0.1"},
      {active + "elastic_slip_mm = -0.01\n", "protocol.active.elastic_slip_mm", "-0.01"},
      {active + "elastic_slip_mm = 11\n", "protocol.active.elastic_slip_mm", "11"},
      {active + "recover_s = nan\n", "protocol.active.recover_s", "nan"},
      {kProtocol + "radius_mm = 0\n", "protocol.tap.radius_mm", "0"},
      {kProtocol + "force_n = -0.5\n", "protocol.tap.force_n", "-0.5"},
      {kProtocol + "end_s = 0.00005\n", "protocol.tap.end_s", "5e-05"},
      {kProtocol + "direction = [0, inf, 0]\n", "protocol.tap.direction[1]", "inf"},
      {"[material]\nfiber_modulus_mpa = -1\n" + kProtocol, "material.fiber_modulus_mpa", "-1"},
      {"[material]\nmatrix_poisson = 0.5\n" + kProtocol, "material.matrix_poisson", "0.5"},
      {"[material]\nfailure_strain = 0.01\n" + kProtocol, "material.failure_strain", "0.01"},
      {"[tissue]\ntemperature_c = 80\n" + kProtocol, "tissue.temperature_c", "80"},
      {"[geometry]\nlayers = 21\n" + kProtocol, "geometry.layers", "21"},
      {"[geometry]\nsize_mm = [10, -2]\n" + kProtocol, "geometry.size_mm[1]", "-2"},
      {"[geometry]\ncrossing_angle_deg = 200\n" + kProtocol, "geometry.crossing_angle_deg", "200"},
      {"[geometry]\nspacing_mm = 6\nsize_mm = [10, 10]\n" + kProtocol, "geometry.spacing_mm", "6"},
      {"[solver]\nthreads = -2\n" + kProtocol, "solver.threads", "-2"},
      {"[solver]\nintegrator = \"rk4\"\n" + kProtocol, "solver.integrator", "rk4"},
      {"[output]\nframe_interval_s = 0\n" + kProtocol, "output.frame_interval_s", "0"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key);
    const std::string m = error_of(c.text);
    EXPECT_CONTAINS(m, c.key);
    EXPECT_CONTAINS(m, c.value);
    EXPECT_CONTAINS(m, "allowed");
  }
}

TEST(ScenarioToml, OutOfRangeMessageFormatAndPosition) {
  const std::string m =
      error_of("[protocol.active]\nkind = \"compression_active_shear\"\nfrequency_hz = -1\n");
  EXPECT_CONTAINS(m, "protocol.active.frequency_hz: value -1 is out of range; allowed (0, 1000] Hz");
  EXPECT_CONTAINS(m, "test.toml:3:");
}

TEST(ScenarioToml, SpacingLargerThanSize) {
  const std::string m = error_of("[geometry]\nsize_mm = [2, 10]\nspacing_mm = 1.5\n" + kProtocol);
  EXPECT_CONTAINS(m, "geometry.spacing_mm");
  EXPECT_CONTAINS(m, "1.5");
}

TEST(ScenarioToml, PronySeries) {
  std::string m = error_of("[material]\nloose_prony_g = [0.2]\n" + kProtocol);  // tau has 2 terms
  EXPECT_CONTAINS(m, "material.loose_prony_g");
  EXPECT_CONTAINS(m, "same length");
  m = error_of("[material]\ndense_prony_g = [0.6, 0.5]\ndense_prony_tau_s = [1, 10]\n" + kProtocol);
  EXPECT_CONTAINS(m, "material.dense_prony_g");
  EXPECT_CONTAINS(m, "1.1");
  m = error_of("[material]\ndense_prony_g = [0.2]\ndense_prony_tau_s = [-1]\n" + kProtocol);
  EXPECT_CONTAINS(m, "material.dense_prony_tau_s[0]");
  m = error_of("[material]\ndense_prony_g = [1.0]\ndense_prony_tau_s = [1]\n" + kProtocol);
  EXPECT_CONTAINS(m, "material.dense_prony_g[0]");
}

// ---------------------------------------------------------------------------------------------
// files and syntax

TEST(ScenarioToml, MissingFileNamesThePath) {
  try {
    fascia::load_scenario_file("/nonexistent/dir/scenario.toml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "/nonexistent/dir/scenario.toml");
  }
  try {
    fascia::load_scenario_file(FASCIA_EXAMPLES_DIR);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "directory");
  }
}

TEST(ScenarioToml, SyntaxErrorHasPosition) {
  const std::string m = error_of("[tissue]\nwater = 0.7\ncollagen = = 0.2\n");
  EXPECT_CONTAINS(m, "test.toml:3:");
  EXPECT_CONTAINS(m, "syntax");
}

TEST(ScenarioToml, DuplicateKeyAndTable) {
  std::string m = error_of("[tissue]\nwater = 0.7\nwater = 0.6\n" + kProtocol);
  EXPECT_CONTAINS(m, "test.toml:3:");
  EXPECT_CONTAINS(m, "water");
  m = error_of(kProtocol + "[protocol.tap]\nkind = \"impulse\"\n");
  EXPECT_CONTAINS(m, "tap");
}

TEST(ScenarioToml, FileErrorsCarryThePath) {
  const auto dir = std::filesystem::temp_directory_path() / "fascia_test_scenario_toml";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "bad.toml").string();
  {
    std::ofstream(path) << "[protocol.tap]\nkind = \"impulse\"\nend_s = -1\n";
  }
  try {
    fascia::load_scenario_file(path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "protocol.tap.end_s");
    EXPECT_CONTAINS(e.what(), path + ":3:");
  }
  std::filesystem::remove_all(dir);
}

TEST(ScenarioSpec, ProgrammaticValidation) {
  ScenarioSpec spec;
  fascia::ProtocolSpec p;
  p.name = "a";
  p.kind = "impulse";
  spec.protocols = {p, p};
  try {
    spec.validate();
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "protocol.a");
    EXPECT_CONTAINS(e.what(), "unique");
  }
  spec.protocols = {p};
  spec.protocols[0].name = "bad name";
  EXPECT_THROW(spec.validate(), InputError);
  spec.protocols[0].name = "a";
  spec.protocols[0].kind = "tickle";
  EXPECT_THROW(spec.validate(), InputError);
  spec.protocols[0].kind = "impulse";
  EXPECT_NO_THROW(spec.validate());
}

// ---------------------------------------------------------------------------------------------
// [ha]: HA viscosity law and fasciacyte rule

TEST(HAScenarioToml, DefaultsAndGivenValues) {
  const ScenarioSpec d = parse_scenario(kProtocol, "test.toml");
  EXPECT_EQ(d.ha.rule, "compression_and_shear");
  EXPECT_DOUBLE_EQ(d.ha.concentration_exponent, 3.3);
  EXPECT_DOUBLE_EQ(d.ha.carreau_index, 0.25);
  EXPECT_DOUBLE_EQ(d.ha.carreau_time_s, 4.5);
  EXPECT_DOUBLE_EQ(d.ha.activation_energy_kj_mol, 16.0);
  const ScenarioSpec s = parse_scenario(
      "[ha]\nrule = \"shear_only\"\nconcentration_mg_ml = 3\nreference_concentration_mg_ml = 2.0\n"
      "concentration_exponent = 3.0\nactivation_energy_kj_mol = 20\ncarreau_time_s = 2\ncarreau_index = 0.5\n"
      "infinite_shear_viscosity_pa_s = 0.001\nsecretion_mg_ml_per_strain = 0.5\nshear_rate_threshold_per_s = 0.1\n"
      "reference_stress_kpa = 20\nturnover_time_s = 3600\nwater_binding_kg_per_kg = 1.0\n" +
          kProtocol,
      "test.toml");
  EXPECT_EQ(s.ha.rule, "shear_only");
  EXPECT_DOUBLE_EQ(s.ha.concentration_mg_ml, 3.0);
  EXPECT_DOUBLE_EQ(s.ha.reference_concentration_mg_ml, 2.0);
  EXPECT_DOUBLE_EQ(s.ha.concentration_exponent, 3.0);
  EXPECT_DOUBLE_EQ(s.ha.activation_energy_kj_mol, 20.0);
  EXPECT_DOUBLE_EQ(s.ha.carreau_time_s, 2.0);
  EXPECT_DOUBLE_EQ(s.ha.carreau_index, 0.5);
  EXPECT_DOUBLE_EQ(s.ha.infinite_shear_viscosity_pa_s, 0.001);
  EXPECT_DOUBLE_EQ(s.ha.secretion_mg_ml_per_strain, 0.5);
  EXPECT_DOUBLE_EQ(s.ha.shear_rate_threshold_per_s, 0.1);
  EXPECT_DOUBLE_EQ(s.ha.reference_stress_kpa, 20.0);
  EXPECT_DOUBLE_EQ(s.ha.turnover_time_s, 3600.0);
  EXPECT_DOUBLE_EQ(s.ha.water_binding_kg_per_kg, 1.0);
}

TEST(HAScenarioToml, EveryKeyRejectsOutOfRangeValues) {
  struct Case {
    std::string line, key, value, range;
  };
  const Case cases[] = {
      {"concentration_mg_ml = 0", "ha.concentration_mg_ml", "0", "(0, 100] mg/ml"},
      {"concentration_mg_ml = 101", "ha.concentration_mg_ml", "101", "(0, 100] mg/ml"},
      {"reference_concentration_mg_ml = -1", "ha.reference_concentration_mg_ml", "-1", "(0, 100] mg/ml"},
      {"concentration_exponent = 11", "ha.concentration_exponent", "11", "[0, 10]"},
      {"concentration_exponent = -0.1", "ha.concentration_exponent", "-0.1", "[0, 10]"},
      {"activation_energy_kj_mol = -1", "ha.activation_energy_kj_mol", "-1", "[0, 200] kJ/mol"},
      {"activation_energy_kj_mol = 250", "ha.activation_energy_kj_mol", "250", "[0, 200] kJ/mol"},
      {"carreau_time_s = -4.5", "ha.carreau_time_s", "-4.5", "[0, 10000] s"},
      {"carreau_index = 0", "ha.carreau_index", "0", "(0, 1]"},
      {"carreau_index = 1.5", "ha.carreau_index", "1.5", "(0, 1]"},
      {"infinite_shear_viscosity_pa_s = -0.001", "ha.infinite_shear_viscosity_pa_s", "-0.001", "[0, 1000000] Pa s"},
      {"secretion_mg_ml_per_strain = -1", "ha.secretion_mg_ml_per_strain", "-1", "[0, 1000000] mg/ml"},
      {"secretion_mg_ml_per_strain = nan", "ha.secretion_mg_ml_per_strain", "nan", "[0, 1000000] mg/ml"},
      {"shear_rate_threshold_per_s = -0.5", "ha.shear_rate_threshold_per_s", "-0.5", "[0, 1000000] 1/s"},
      {"reference_stress_kpa = 0", "ha.reference_stress_kpa", "0", "(0, 1000000] kPa"},
      {"turnover_time_s = 0", "ha.turnover_time_s", "0", "(0, 1000000000] s"},
      {"turnover_time_s = inf", "ha.turnover_time_s", "inf", "(0, 1000000000] s"},
      {"water_binding_kg_per_kg = -1", "ha.water_binding_kg_per_kg", "-1", "[0, 100000] kg/kg"},
      {"rule = \"always\"", "ha.rule", "\"always\" is not allowed;", "\"compression_and_shear\", \"shear_only\", \"off\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    const std::string m = error_of("[ha]\n" + c.line + "\n" + kProtocol);
    EXPECT_CONTAINS(m, c.key + ": value " + c.value);
    EXPECT_CONTAINS(m, "allowed " + c.range);
    EXPECT_CONTAINS(m, "test.toml:2:");
  }
}

TEST(HAScenarioToml, UnknownKeyAndWrongTypes) {
  std::string m = error_of("[ha]\nconcentration_mg_mll = 2\n" + kProtocol);
  EXPECT_CONTAINS(m, "ha.concentration_mg_mll");
  EXPECT_CONTAINS(m, "did you mean 'concentration_mg_ml'");
  m = error_of("[ha]\nrule = 1\n" + kProtocol);
  EXPECT_CONTAINS(m, "ha.rule");
  EXPECT_CONTAINS(m, "expected a string");
  m = error_of("[ha]\nturnover_time_s = \"a day\"\n" + kProtocol);
  EXPECT_CONTAINS(m, "ha.turnover_time_s");
  EXPECT_CONTAINS(m, "expected a number");
  m = error_of("ha = 3\n" + kProtocol);
  EXPECT_CONTAINS(m, "ha");
  EXPECT_CONTAINS(m, "expected a table");
}


TEST(WaterScenarioToml, DefaultsAndGivenValues) {
  const ScenarioSpec d = parse_scenario(kProtocol, "test.toml");
  EXPECT_EQ(d.water.model, "maxwell");
  EXPECT_EQ(d.water.flow, "darcy");
  EXPECT_EQ(d.water.top, "drained");
  EXPECT_EQ(d.water.bottom, "sealed");
  EXPECT_EQ(d.water.sides, "drained");
  const ScenarioSpec s = parse_scenario(
      "[water]\nmodel = \"biot\"\nflow = \"undrained\"\ntop = \"sealed\"\nbottom = \"drained\"\nsides = \"sealed\"\n" +
          kProtocol,
      "test.toml");
  EXPECT_EQ(s.water.model, "biot");
  EXPECT_EQ(s.water.flow, "undrained");
  EXPECT_EQ(s.water.top, "sealed");
  EXPECT_EQ(s.water.bottom, "drained");
  EXPECT_EQ(s.water.sides, "sealed");
}

TEST(WaterScenarioToml, EveryKeyRejectsUnknownValues) {
  struct Case {
    std::string line, key, allowed;
  };
  const Case cases[] = {
      {"model = \"darcy\"", "water.model", "\"maxwell\", \"biot\""},
      {"flow = \"fast\"", "water.flow", "\"darcy\", \"undrained\", \"drained\""},
      {"top = \"open\"", "water.top", "\"drained\", \"sealed\""},
      {"bottom = \"undrained\"", "water.bottom", "\"drained\", \"sealed\""},
      {"sides = \"\"", "water.sides", "\"drained\", \"sealed\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    const std::string m = error_of("[water]\n" + c.line + "\n" + kProtocol);
    EXPECT_CONTAINS(m, c.key + ": value ");
    EXPECT_CONTAINS(m, c.allowed);
  }
  std::string m = error_of("[water]\nmodle = \"biot\"\n" + kProtocol);
  EXPECT_CONTAINS(m, "water.modle");
  EXPECT_CONTAINS(m, "did you mean 'model'");
  m = error_of("[water]\nmodel = 1\n" + kProtocol);
  EXPECT_CONTAINS(m, "expected a string");
  // The Biot model needs through-thickness cells: a 2-D sheet is refused, naming the key.
  m = error_of("[geometry]\nkind = \"sheet\"\n[water]\nmodel = \"biot\"\n" + kProtocol);
  EXPECT_CONTAINS(m, "water.model");
  EXPECT_CONTAINS(m, "geometry.kind");
}

}  // namespace
