// SPDX-License-Identifier: MIT
// Compressor protocols end to end, through the factory users call (parse_scenario + run_scenario):
// energy balance per protocol, bitwise identity at 1 and 2 threads, "no special cases" (a shear
// protocol with a vanishing amplitude is the static protocol), the indentation against a simple
// estimate, and bad input for every key the protocols and adhesions added.
//
// Size: a 3 x 3 mm slab (spacing 0.5 mm, 2 dense layers, 1 mm of muscle; the compressor radius
// 1.5 mm is the largest the slab allows) and short phases (ramp 0.2 s, hold 0.4 s = 1 cycle at
// 2.5 Hz, release 0.2 s, recover 1 s) keep the file at ~35 s in Release on 2 cores. Adhesions
// rupture fast (k0 = 1/s) and heal (k_heal = 0.5/s) so that the adhesion metrics are not all zero.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numbers>
#include <string>

#include <unistd.h>

#include "fascia/scenario_protocols.hpp"
#include "fascia/scenario_geometry.hpp"
#include "fascia/core/error.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/protocol/compressor.hpp"
#include "fascia/scenario.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/solve/assembly.hpp"
#include "fascia/solve/implicit.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {
namespace {

std::string geometry(double size_mm = 3.0, const std::string& material = "",
                     const std::string& adhesion = "bell_rate_per_s = 1.0\nheal_rate_per_s = 0.5\n") {
  return "[geometry]\nkind = \"slab\"\nsize_mm = [" + std::to_string(size_mm) + ", " + std::to_string(size_mm) +
         "]\nspacing_mm = 0.5\nlayers = 2\nseed = 3\n"
         "[material]\nmuscle_thickness_mm = 1.0\n" + material + "[adhesion]\n" + adhesion;
}

constexpr const char* kPhases = "radius_mm = 1.5\nramp_s = 0.2\nrelease_s = 0.2\nrecover_s = 1.0\n";

std::string static_pressure(const std::string& name = "static") {
  return "[protocol." + name + "]\nkind = \"static_pressure\"\nhold_s = 0.4\n" + kPhases;
}
/// A shear protocol with hold = cycles / frequency = 0.4 s, as the static hold.
std::string shear(const std::string& name, const std::string& kind, const std::string& extra) {
  return "[protocol." + name + "]\nkind = \"" + kind + "\"\nfrequency_hz = 2.5\ncycles = 1\n" + extra + kPhases;
}

std::string sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6e", v);
  return buf;
}

std::string temp_output(const std::string& stem) {
  // ctest runs each test in its own process, in parallel: the pid keeps their files apart.
  return (std::filesystem::path(::testing::TempDir()) /
          ("fascia_protocols_" + std::to_string(::getpid()) + "_" + stem + ".h5")).string();
}

/// Runs the scenario; results are cached by (text, threads) so that tests share runs.
const ScenarioResult& run(const std::string& toml, int threads = 1) {
  static std::map<std::pair<std::string, int>, ScenarioResult> cache;
  const auto key = std::make_pair(toml, threads);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  RunOptions opt;
  opt.threads = threads;
  opt.output_file = temp_output(std::to_string(cache.size()));
  ScenarioResult r = run_scenario(parse_scenario(toml), opt);
  std::filesystem::remove(r.output_file);
  for (const auto& x : r.xdmf_files) std::filesystem::remove(x);
  set_threads(0);
  return cache.emplace(key, std::move(r)).first->second;
}

const RunResult& find(const ScenarioResult& r, const std::string& name) {
  for (const auto& run : r.runs)
    if (run.name == name) return run;
  throw std::runtime_error("no run " + name);
}

/// The four protocols of issue 3 on the same tissue (amplitude 0.05 mm, contraction 5 kPa).
std::string four_protocols() {
  return geometry() + static_pressure() +
         shear("active_base", "compression_active_shear", "amplitude_mm = 0.05\n") +
         shear("active_contraction", "compression_active_shear", "drive = \"contraction\"\nactive_stress_kpa = 5.0\n") +
         shear("passive", "compression_passive_shear", "amplitude_mm = 0.05\n");
}

// (a) --------------------------------------------------------------------------------------

TEST(CompressorProtocols, EnergyBalanceClosesWithinOnePercent) {
  // energy_balance_error = |W - E_stored - E_kin - D - D_num| / max(W, peak W) (scenario_run.cpp),
  // D_num = backward Euler's damping from its own discrete energy identity (implicit.cpp; checked
  // against the closed form in test_implicit.cpp), not the ledger residual. What remains is each
  // element's energy bookkeeping against the trapezoid work of its forces, the time discretisation
  // of that work (friction switching between stick and slip within a step is first order) and the
  // Newton tolerance. Measured (Release, this lattice, ruptures at k0 = 1/s): static 1.4e-3,
  // active/base 2.5e-3, active/contraction 1.1e-4, passive 2.7e-3 (before D_num was measured
  // this way the same runs gave 1.6 %: the spring-back of the tissue after a bond ruptures, which
  // backward Euler damps out, was unaccounted for). Bound: issue 3's 1 %.
  const ScenarioResult& r = run(four_protocols());
  ASSERT_EQ(r.runs.size(), 4u);
  for (const auto& run : r.runs) {
    SCOPED_TRACE(run.name);
    ASSERT_EQ(run.status, "complete") << run.message;
    ASSERT_TRUE(run.metrics.count("energy_balance_error"));
    for (const char* m : {"energy_balance_error", "work_input_j", "energy_dissipated_j", "numerical_dissipation_j"})
      if (run.metrics.count(m)) RecordProperty(run.name + "_" + m, sci(run.metrics.at(m)));
    EXPECT_LT(run.metrics.at("energy_balance_error"), 0.01);
    // Guard: energy actually went through the ledger, and some of it was dissipated.
    EXPECT_GT(run.metrics.at("work_input_j"), 0.0);
    EXPECT_GT(run.metrics.at("energy_dissipated_j"), 0.0);
  }
  // The runs differ (the drives are real), so the balance is checked on four different histories.
  const double d_static = find(r, "static").metrics.at("energy_dissipated_j");
  for (const char* name : {"active_base", "active_contraction", "passive"})
    EXPECT_NE(find(r, name).metrics.at("energy_dissipated_j"), d_static) << name;
}

// (b) --------------------------------------------------------------------------------------

TEST(CompressorProtocols, BitwiseIdenticalAtOneAndTwoThreads) {
  // A 7 x 7 mm slab so that the springs (4566) and water tetrahedra (4704) exceed the assembly's
  // parallel threshold and really run on 2 threads; short phases keep it quick.
  const std::string toml = geometry(7.0) +
                           "[protocol.static]\nkind = \"static_pressure\"\nradius_mm = 1.5\nramp_s = 0.05\n"
                           "hold_s = 0.05\nrelease_s = 0.05\nrecover_s = 0.05\n";
  {
    const ScenarioSpec spec = parse_scenario(toml);
    const TissueMaterials mat = make_materials(spec.tissue, spec.material, slab_thickness(spec.geometry, spec.material));
    const Lattice lat = build_lattice(slab_geometry(spec.geometry), mat);
    std::size_t largest = 0;
    for_each_group(lat.groups, [&](const auto& g) { largest = std::max(largest, g.size()); });
    ASSERT_GE(largest, kParallelThreshold) << "the lattice is too small to exercise the parallel assembly";
  }
  const RunResult& one = run(toml, 1).runs.at(0);
  const RunResult& two = run(toml, 2).runs.at(0);
  ASSERT_EQ(one.status, "complete") << one.message;
  EXPECT_GT(one.metrics.at("adhesions_broken_fraction_final"), 0.0);  // guard: rupture happened
  EXPECT_EQ(one.metrics, two.metrics);  // exact: map<string, double> compares with ==
}

// (c) --------------------------------------------------------------------------------------

TEST(CompressorProtocols, ShearWithVanishingAmplitudeIsStaticPressure) {
  // Amplitude 1e-6 mm (1 nm) against the static protocol with hold_s = cycles / frequency: the
  // same mechanics and the same loading except a 1 nm motion, so slip, shear, indentation and
  // strain agree. Adhesions are kept but made unbreakable (no spontaneous rupture, no healing):
  // stochastic rupture draws are keyed by step number, and adaptive stepping may number the
  // steps of two runs differently, which would compare random noise instead of mechanics.
  // Bound 0.1 %: a 1 nm drive should change nothing measurable; the 0.05 mm drive below moves the
  // dissipated energy by 0.46 % (measured), so the bound discriminates.
  const std::string adhesion = "bell_rate_per_s = 0.0\nheal_rate_per_s = 0.0\n";
  const std::string toml = geometry(3.0, "", adhesion) + static_pressure() +
                           shear("active0", "compression_active_shear", "amplitude_mm = 1e-6\n") +
                           shear("passive0", "compression_passive_shear", "amplitude_mm = 1e-6\n");
  const ScenarioResult& r = run(toml);
  const RunResult& ref = find(r, "static");
  ASSERT_EQ(ref.status, "complete");
  ASSERT_GT(ref.metrics.at("peak_interface_shear_pa"), 0.0);  // guard: something to compare
  for (const char* name : {"active0", "passive0"}) {
    SCOPED_TRACE(name);
    const RunResult& run = find(r, name);
    ASSERT_EQ(run.status, "complete") << run.message;
    for (const char* m : {"residual_slip_m", "peak_interface_shear_pa", "peak_indentation_m", "residual_strain",
                          "peak_dense_strain", "energy_dissipated_j"}) {
      RecordProperty(std::string(name) + "_" + m, sci(run.metrics.at(m)) + " vs " + sci(ref.metrics.at(m)));
      EXPECT_NEAR(run.metrics.at(m), ref.metrics.at(m), 1e-3 * ref.metrics.at(m)) << m;
    }
  }
  // The drive is real: with 0.05 mm (the energy test's runs) the dissipated energy moves by more
  // than these bounds allow (the peak shear happens during the ramp, common to all runs).
  const ScenarioResult& big = run(four_protocols());
  const double d_static = find(big, "static").metrics.at("energy_dissipated_j");
  EXPECT_GT(std::abs(find(big, "passive").metrics.at("energy_dissipated_j") - d_static), 2e-3 * d_static);
}

// (d) --------------------------------------------------------------------------------------

TEST(CompressorProtocols, IndentationMatchesSimpleEstimate) {
  // Estimate (drained tissue, water_bulk_modulus_mpa = 0, P = 1 kPa so strains stay ~1 %):
  // the two dense layers (E >= 10 MPa, 0.6 mm) form a plate whose bending length over the muscle
  // foundation, (D / (M/h))^(1/4) = (2e-4 N m / 3.5e7 N/m^3)^(1/4) ~ 1.5 mm, is of the order of
  // the slab's half-width, so the compressor force F = P pi r^2 = 7.1 mN spreads over the slab
  // (4 x 4 mm here): mean pressure p = F / L^2 = 442 Pa on h = 1 mm of muscle (G = 10 kPa,
  // nu = 0.3: E = 26 kPa, confined modulus M = 2G(1-nu)/(1-2nu) = 35 kPa). A slab bonded to a
  // rigid base sits between confined and uniaxial compression: p h / M = 12.6 um <= delta <=
  // p h / E = 17 um. The dense layers (MPa), the loose layer (stiff in compression) and the
  // penalty (10x the dense modulus) add < 1 %; the plate's finite stiffness concentrates load
  // under the patch and can only add indentation. Bounds: [0.8 x 12.6, 1.5 x 17] um. Measured 14.2 um.
  //
  // Undrained (the default, water_bulk_modulus_mpa = 2200): the muscle is then nearly
  // incompressible (K/G ~ 3e5) and the same slab should follow the bonded-layer estimate
  // p h / (E (1 + 2 S^2)) with E = 3G and shape factor S = L / (4 h) = 1: ~4.9 um at 1 kPa. The
  // lattice gives 0.06 um (80x stiffer; 3 um at 50 kPa on 3 x 3 mm), consistent with volumetric
  // locking of constant-strain tetrahedra; reported, not asserted here.
  const std::string text = geometry(4.0, "water_bulk_modulus_mpa = 0.0\n") +
                           "[protocol.press]\nkind = \"static_pressure\"\npressure_kpa = 1.0\nradius_mm = 1.5\n"
                           "ramp_s = 0.2\nhold_s = 0.1\nrelease_s = 0.1\nrecover_s = 0.0\n";
  const RunResult& r = run(text).runs.at(0);
  ASSERT_EQ(r.status, "complete") << r.message;
  const double p = 1e3 * std::numbers::pi * 1.5e-3 * 1.5e-3 / (4e-3 * 4e-3), h = 1e-3;
  const double g = 10e3, nu = 0.3, e = 2 * g * (1 + nu), m = 2 * g * (1 - nu) / (1 - 2 * nu);
  const double lo = 0.8 * p * h / m, hi = 1.5 * p * h / e;
  const double delta = r.metrics.at("peak_indentation_m");
  RecordProperty("indentation_um", std::to_string(delta * 1e6) + " in [" + std::to_string(lo * 1e6) + ", " +
                                       std::to_string(hi * 1e6) + "]");
  EXPECT_GT(delta, lo);
  EXPECT_LT(delta, hi);
}

// (e) --------------------------------------------------------------------------------------

TEST(CompressorProtocols, SlidingCompressorTakesItsContactSetAlong) {
  // compression_passive_shear with an amplitude A = 2.5 mm, 2.5 times the radius r = 1 mm, on a
  // 7 x 7 mm slab (eps = 0.25 mm, half the spacing), default friction mu = 0.5. At the drive's peak
  // (a quarter cycle into the hold) the compressor centre is 2.5 mm from where it started; the
  // friction drags the top (the stiff dense layers slide on the soft muscle as a plate: measured
  // ~0.2 mm), so the compressor has slid ~2.3 mm over the surface. Then
  //  - the 9 nodes that were fully under it at rest (start distance < r - eps) are >= 1.8 mm
  //    > r + eps away: no normal force, and, their stick history dropped, no friction force
  //    either: exactly zero (the old fixed contact set kept pressing and dragging them);
  //  - every node that carries normal force is under the compressor now (current distance
  //    < r + eps) and none of them was fully under it at rest; a large share of the load is on
  //    nodes that were outside the patch at rest (w = 0 then: they engaged while it slid).
  // Not every node under the patch is pressed: the dense layers act as a plate on a soft
  // foundation, which a rigid flat punch touches along its rim only (receding contact; the
  // interior sags ~5 um below the punch even in the static ramp), and the friction's shear tilts
  // the surface (Cerruti: down ahead of the load, up behind), so the translating compressor rests
  // on its trailing rim.
  // Vertical equilibrium of the compressor: backward Euler gives m (v_z,n+1 - v_z,n) / h =
  // sum F_n - F exactly up to the Newton tolerance (checked to 1e-4 F at every step). What
  // separates sum F_n from the pressing force F is then the inertia m a_z of the 0.05 kg
  // compressor riding over the lattice: its height follows the rim nodes it rests on, which differ
  // by delta ~ 20 um from node to node (the surface rises behind it), passed at up to
  // v = 2 pi f A = 16 mm/s every a = 0.5 mm: a_z ~ delta (v / a)^2 ~ 0.02 m/s^2, m a_z ~ 1e-3 N,
  // 0.6 % of F = 157 mN. Bound 7 %: measured 1.0 % while sliding and 0.9 % in the ramp with the
  // old 3.85 MPa dense matrix, 4.2 % and 5.0 % with the soft hydrated matrix of issue 11 (45.6 kPa):
  // the surface under the compressor now sags and tilts several times more, so delta and the
  // compressor's own height changes (its inertia) grow in proportion.
  const std::string toml = geometry(7.0, "", "bell_rate_per_s = 0.0\nheal_rate_per_s = 0.0\n") +
                           "[protocol.slide]\nkind = \"compression_passive_shear\"\nradius_mm = 1.0\n"
                           "amplitude_mm = 2.5\nfrequency_hz = 1.0\ncycles = 1\nramp_s = 0.2\nrelease_s = 0.2\n"
                           "recover_s = 0.2\n";
  const ScenarioSpec spec = parse_scenario(toml);
  const TissueMaterials mat = make_materials(spec);
  Lattice lattice = build_lattice(slab_geometry(spec.geometry), mat);
  add_adhesions(lattice, spec.adhesion, spec.geometry.seed);
  System sys(lattice, spec.geometry.seed);
  const CompressorProtocol proto = CompressorProtocol::make(compressor_settings(spec.protocols.at(0), spec.geometry), mat, sys);
  const auto& contact = std::get<ContactGroup>(sys.groups);
  const auto& top = sys.lattice_info.node_sets.at("top");
  ASSERT_EQ(contact.size(), top.size());  // every top node is a candidate
  const double r = 1e-3, eps = contact.edge, amplitude = 2.5e-3;
  ASSERT_DOUBLE_EQ(eps, 0.25e-3);

  const LoadFunction load = [&](double t, System& s) { proto.apply(t, s); };
  ImplicitOptions opt;
  opt.dt_max = 1.0 / (64.0 * proto.frequency);  // as run_scenario does for a driven hold
  opt.dt_initial = opt.dt_max;
  opt.tolerance = spec.solver.newton_tolerance;
  ImplicitIntegrator integ(sys, opt);
  integ.reset(load);
  const Index c = proto.indenter.node;
  double worst_balance = 0.0, worst_ramp = 0.0, worst_equilibrium = 0.0, t_prev = 0.0, vz_prev = 0.0;
  auto total_normal = [&] {
    double sum = 0.0;
    for (std::size_t e = 0; e < contact.size(); ++e) sum += contact.normal_force(Index(e), view(sys.positions));
    return sum;
  };
  const auto on_step = [&] {
    const double f = proto.pressing_force(sys.time), vz = sys.velocities[3 * c + 2];
    const double inertia = CompressorProtocol::kCompressorMass * (vz - vz_prev) / (sys.time - t_prev);
    if (f > 0.1 * proto.force) {
      double& worst = sys.time > proto.t_hold ? worst_balance : worst_ramp;
      worst = std::max(worst, std::abs(total_normal() - f) / f);
      worst_equilibrium = std::max(worst_equilibrium, std::abs(total_normal() - f - inertia) / f);
    }
    t_prev = sys.time;
    vz_prev = vz;
    return true;
  };
  integ.advance_to(proto.t_hold + 0.25 / proto.frequency, load, on_step);
  const ConstNodes x = view(sys.positions);
  ASSERT_NEAR(x[c].x() - proto.indenter.rest.x(), amplitude, 1e-9);  // guard: the drive is at its peak

  int loaded = 0, left_behind = 0;
  double newly_engaged = 0.0, drag = 0.0;
  for (std::size_t e = 0; e < contact.size(); ++e) {
    const Index n = contact.connectivity[e][0];
    const Vec3 rest = sys.lattice_info.rest(n);
    const double d_now = std::hypot(x[n].x() - x[c].x(), x[n].y() - x[c].y());
    const double d_start = std::hypot(rest.x() - proto.indenter.rest.x(), rest.y() - proto.indenter.rest.y());
    const double fn = contact.normal_force(Index(e), x);
    if (d_start < r - eps) {
      ++left_behind;
      drag = std::max(drag, x[n].x() - rest.x());
      EXPECT_GT(d_now, r + eps) << "node " << n;
      EXPECT_EQ(fn, 0.0) << "node " << n << " left behind is still pressed";
      EXPECT_EQ(contact.tangential_force(Index(e), x), 0.0) << "node " << n << " left behind still holds friction";
    }
    if (fn > 0.0) {
      ++loaded;
      EXPECT_LT(d_now, r + eps) << "node " << n;
      EXPECT_GE(d_start, r - eps) << "node " << n << " was under the compressor at rest";
      if (d_start >= r + eps) newly_engaged += fn;
    }
  }
  const double share = newly_engaged / total_normal();
  RecordProperty("loaded_nodes", loaded);
  RecordProperty("surface_drag_m", sci(drag));
  RecordProperty("load_share_on_nodes_outside_the_patch_at_rest", sci(share));
  RecordProperty("normal_force_vs_pressing_force_ramp", sci(worst_ramp));
  RecordProperty("normal_force_vs_pressing_force_sliding", sci(worst_balance));
  RecordProperty("vertical_equilibrium_residual", sci(worst_equilibrium));
  ASSERT_EQ(left_behind, 9);  // guards: both sets are populated
  ASSERT_GE(loaded, 4);
  EXPECT_GT(share, 0.25);
  EXPECT_LT(worst_equilibrium, 1e-4);
  EXPECT_LT(worst_balance, 7e-2);
  EXPECT_LT(worst_ramp, 7e-2);
}

// (f) --------------------------------------------------------------------------------------

/// Expects `fn` to throw InputError whose message names `key`.
template <class Fn>
void expect_input_error(Fn&& fn, const std::string& key) {
  try {
    fn();
    ADD_FAILURE() << "no InputError for " << key;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << "message does not name " << key << ": " << e.what();
  }
}

TEST(CompressorProtocols, BadInputNamesTheKey) {
  const std::string slab = "[geometry]\nkind = \"slab\"\nsize_mm = [3.0, 3.0]\nspacing_mm = 0.5\nlayers = 2\n";
  const std::string good = static_pressure("x");
  const std::string shear_x = shear("x", "compression_active_shear", "amplitude_mm = 0.05\n");
  auto parse = [](const std::string& text) { return [text] { (void)parse_scenario(text); }; };
  // Sanity: the unmodified scenario parses.
  EXPECT_NO_THROW((void)parse_scenario(slab + good));

  const std::pair<std::string, std::string> adhesion_cases[] = {
      {"density_per_mm2 = -1.0", "adhesion.density_per_mm2"},
      {"rupture = \"foo\"", "adhesion.rupture"},
      {"bell_force_n = 0.0", "adhesion.bell_force_n"},
      {"heal_rate_per_s = -1.0", "adhesion.heal_rate_per_s"},
  };
  for (const auto& [line, key] : adhesion_cases) expect_input_error(parse(slab + "[adhesion]\n" + line + "\n" + good), key);

  expect_input_error(parse(slab + shear("x", "compression_active_shear", "amplitude_mm = 0.05\ndrive = \"bar\"\n")),
                     "protocol.x.drive");
  expect_input_error(parse(slab + shear("x", "compression_active_shear", "drive = \"contraction\"\nactive_stress_kpa = 0.0\n")),
                     "protocol.x.active_stress_kpa");
  expect_input_error(parse(slab + shear_x + "hold_s = 1.0\n"), "protocol.x.hold_s");
  expect_input_error(parse(slab + shear("x", "compression_passive_shear", "amplitude_mm = 0.05\nhold_s = 1.0\n")),
                     "protocol.x.hold_s");
  expect_input_error(parse(slab + good + "amplitude_mm = 1.0\n"), "protocol.x.amplitude_mm");
  expect_input_error(parse("[material]\nha_viscosity_pa_s = -1.0\n" + slab + good), "material.ha_viscosity_pa_s");
  expect_input_error(parse("[material]\nfailure_strain_spread = 0.9\n" + slab + good), "material.failure_strain_spread");

  // Rejected when the protocol meets the lattice: before any output is written, and quickly.
  auto run_it = [](const std::string& text, const std::string& stem) {
    return [text, stem] {
      RunOptions opt;
      opt.output_file = temp_output(stem);
      std::filesystem::remove(opt.output_file);
      try {
        (void)run_scenario(parse_scenario(text), opt);
      } catch (...) {
        EXPECT_FALSE(std::filesystem::exists(opt.output_file)) << "output written before the input was rejected";
        throw;
      }
    };
  };
  // Radius 2 mm on a 3 x 3 mm slab (at most 1.5 mm fits).
  std::string wide = good;
  wide.replace(wide.find("radius_mm = 1.5"), 15, "radius_mm = 2.0");
  expect_input_error(run_it(slab + wide, "wide"), "protocol.x.radius_mm");
  // A compressor on a 2-D sheet.
  expect_input_error(run_it("[geometry]\nkind = \"sheet\"\nsize_mm = [3.0, 3.0]\nspacing_mm = 0.5\n" + good, "sheet"),
                     "protocol.x.kind");
  // Explicit integration of a 600 s recovery: billions of steps, rejected instead of run.
  std::string long_recovery = good;
  long_recovery.replace(long_recovery.find("recover_s = 1.0"), 15, "recover_s = 600.0");
  const auto t0 = std::chrono::steady_clock::now();
  expect_input_error(run_it(slab + "[solver]\nintegrator = \"explicit\"\n" + long_recovery, "explicit"), "solver.integrator");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
}

}  // namespace
}  // namespace fascia
