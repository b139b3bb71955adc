// SPDX-License-Identifier: MIT
// Bad input for the body-scale keys (docs/scenario.md, docs/model.md §6): each is one line that
// names the key, raised before any output is written. And the keys reach the model: the tissue
// stack's /model attributes and an indenter run's contact metrics.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <hdf5.h>
#include <unistd.h>

#include "fascia/scenario_protocols.hpp"
#include "fascia/core/error.hpp"
#include "fascia/protocol/compressor.hpp"
#include "fascia/scenario.hpp"
#include "fascia/solve/assembly.hpp"

namespace fascia {
namespace {

const std::string kSlab =
    "[geometry]\nkind = \"slab\"\nsize_mm = [20.0, 20.0]\nspacing_mm = 2.0\nlayers = 2\n"
    "skin_thickness_mm = 2.0\nhypodermis_thickness_mm = 4.0\n[material]\nmuscle_thickness_mm = 4.0\n"
    "[adhesion]\ndensity_per_mm2 = 0.0\n";
const std::string kPhases = "ramp_s = 0.5\nhold_s = 0.5\nrelease_s = 0.5\nrecover_s = 0.0\n";

std::string press(const std::string& indenter_lines) {
  return "[protocol.p]\nkind = \"static_pressure\"\n" + indenter_lines + kPhases;
}

std::string temp_output(const std::string& stem) {
  return (std::filesystem::path(::testing::TempDir()) /
          ("fascia_indenter_input_" + std::to_string(::getpid()) + "_" + stem + ".h5")).string();
}

ScenarioResult run(const std::string& toml, const std::string& stem) {
  RunOptions opt;
  opt.threads = 1;
  opt.output_file = temp_output(stem);
  ScenarioResult r = run_scenario(parse_scenario(toml), opt);
  set_threads(0);
  return r;
}

void expect_error(const std::string& toml, const std::string& key) {
  const std::string file = temp_output("bad");
  std::filesystem::remove(file);
  try {
    RunOptions opt;
    opt.threads = 1;
    opt.output_file = file;
    (void)run_scenario(parse_scenario(toml), opt);
    ADD_FAILURE() << "no InputError for " << key;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(key), std::string::npos) << "message does not name " << key << ": " << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "not one line: " << what;
  }
  EXPECT_FALSE(std::filesystem::exists(file)) << "output written before the error";
  set_threads(0);
}

TEST(IndenterInput, BadInputNamesTheKey) {
  // Both, and (a curved indenter) neither, of force_n and pressure_kpa.
  expect_error(kSlab + press("indenter = \"sphere\"\nradius_mm = 5.0\nforce_n = 1.0\npressure_kpa = 10.0\n"),
               "protocol.p.force_n");
  expect_error(kSlab + press("indenter = \"sphere\"\nradius_mm = 5.0\n"), "protocol.p.force_n");
  expect_error(kSlab + press("indenter = \"cylinder\"\nradius_mm = 5.0\nlength_mm = 10.0\n"), "protocol.p.force_n");
  expect_error(kSlab + press("indenter = \"ellipsoid\"\nsemi_axes_mm = [4.0, 6.0, 4.0]\n"), "protocol.p.force_n");
  expect_error(kSlab + press("indenter = \"ball\"\nradius_mm = 5.0\nforce_n = 1.0\n"), "protocol.p.indenter");
  expect_error(kSlab + press("indenter = \"sphere\"\nradius_mm = 5.0\nforce_n = -1.0\n"), "protocol.p.force_n");
  // An indenter larger than the patch: a 40 mm ball pressed through 6 mm of skin and fat covers
  // +-21 mm, more than the +-10 mm patch; a foot on a 20 mm patch.
  expect_error(kSlab + press("indenter = \"sphere\"\nradius_mm = 40.0\nforce_n = 1.0\n"), "protocol.p.radius_mm");
  expect_error(kSlab + press("indenter = \"ellipsoid\"\nsemi_axes_mm = [45.0, 120.0, 40.0]\nforce_n = 100.0\n"),
               "protocol.p.semi_axes_mm");
  expect_error(kSlab + press("indenter = \"disc\"\nradius_mm = 12.0\n"), "protocol.p.radius_mm");
  // A movement that drives the indenter off the tissue.
  expect_error(kSlab + "[protocol.p]\nkind = \"compression_passive_shear\"\nindenter = \"sphere\"\nradius_mm = 5.0\n"
                       "force_n = 1.0\namplitude_mm = 12.0\nfrequency_hz = 1.0\ncycles = 1\n"
                       "ramp_s = 0.5\nrelease_s = 0.5\nrecover_s = 0.0\n",
               "protocol.p.amplitude_mm");
  // Thickness keys.
  expect_error("[geometry]\nkind = \"slab\"\nskin_thickness_mm = -1.0\n" + press("radius_mm = 1.0\n"),
               "geometry.skin_thickness_mm");
  expect_error("[geometry]\nkind = \"sheet\"\nhypodermis_thickness_mm = 2.0\n[protocol.t]\nkind = \"impulse\"\n",
               "geometry.hypodermis_thickness_mm");
}

TEST(IndenterInput, DiscWithoutForceOrPressureTakesTheDocumentedFiftyKilopascals) {
  // The flat compressor's pressure_kpa defaulted to 50 kPa before force_n and the indenters
  // existed (docs/scenario.md); SCENARIO.md keeps every existing scenario's meaning, so a disc with
  // neither key still presses with 50 kPa x pi r^2, and only a disc: the curved indenters, which
  // are new, need exactly one (BadInputNamesTheKey).
  const ScenarioSpec spec = parse_scenario(kSlab + press("radius_mm = 3.0\n"));
  const ProtocolSpec& p = spec.protocols.front();
  const IndenterShape shape = indenter_shape(p);
  ASSERT_EQ(shape.kind, IndenterShape::Kind::disc);
  EXPECT_DOUBLE_EQ(pressing_force_n(p, shape), 50e3 * std::numbers::pi * 3e-3 * 3e-3);
  // Either key alone replaces it.
  const ScenarioSpec given = parse_scenario(kSlab + press("radius_mm = 3.0\nforce_n = 0.2\n"));
  EXPECT_DOUBLE_EQ(pressing_force_n(given.protocols.front(), shape), 0.2);
}

TEST(IndenterInput, KeysReachTheModelAndTheMetrics) {
  // A frictionless ball with force control on the tissue stack: the run reports the contact
  // metrics, and the normal contact force carries the force asked (equilibrium at the end of the
  // hold; with friction its vertical part on the curved surface carries a share: 3 % measured at
  // mu = 0.5 with a / R = 0.7).
  const double force = 2.0;
  const ScenarioResult r =
      run(kSlab + press("indenter = \"sphere\"\nradius_mm = 5.0\nfriction = 0.0\nforce_n = " + std::to_string(force) + "\n"), "ball");
  ASSERT_EQ(r.runs.size(), 1u);
  const RunResult& run = r.runs.front();
  ASSERT_EQ(run.status, "complete") << run.message;
  // Backward Euler in equilibrium at the hold: the contact carries the pressing force up to the
  // indenter's inertia and the Newton tolerance (1e-6): 1 %.
  EXPECT_NEAR(run.metrics.at("peak_contact_force_n"), force, 0.01 * force);
  EXPECT_GT(run.metrics.at("contact_radius_m"), 2e-3);   // wider than one node spacing
  EXPECT_LT(run.metrics.at("contact_radius_m"), 10e-3);  // inside the patch
  // /model carries every tissue's shear and drained bulk moduli; the superficial ones are the
  // documented defaults (docs/model.md "Skin and hypodermis").
  const hid_t file = H5Fopen(r.output_file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  auto attribute = [&](const std::string& name) {
    double v = std::nan("");
    if (H5Aexists_by_name(file, "/model", name.c_str(), H5P_DEFAULT) > 0) {
      const hid_t a = H5Aopen_by_name(file, "/model", name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
      H5Aread(a, H5T_NATIVE_DOUBLE, &v);
      H5Aclose(a);
    }
    return v;
  };
  for (const char* tissue : {"skin", "hypodermis", "dense", "loose", "muscle"}) {
    SCOPED_TRACE(tissue);
    EXPECT_GT(attribute(std::string(tissue) + "_shear_modulus_pa"), 0.0);
    EXPECT_GT(attribute(std::string(tissue) + "_drained_bulk_pa"), 0.0);
  }
  EXPECT_DOUBLE_EQ(attribute("skin_shear_modulus_pa"), 0.32e6);
  EXPECT_DOUBLE_EQ(attribute("hypodermis_shear_modulus_pa"), 752.0);
  H5Fclose(file);

  // The indenter's sidecar (docs/hdf5-schema.md "XDMF sidecars"): one grid per frame, the ball's
  // surface at that frame's pose. At the end of the hold (frame t = 1 s) its lowest vertex is the
  // pressed-in reference point: below the rest surface by the run's indentation.
  const auto sidecar = std::find_if(r.xdmf_files.begin(), r.xdmf_files.end(),
                                    [](const std::string& f) { return f.ends_with("_p_indenter.xdmf"); });
  ASSERT_NE(sidecar, r.xdmf_files.end());
  std::ifstream in(*sidecar);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t grids = 0, at = 0, hold_end = std::string::npos;
  while ((at = xml.find("<Time Value=\"", at)) != std::string::npos) {
    at += 13;
    if (std::stod(xml.substr(at, 20)) == 1.0) hold_end = at;
    ++grids;
  }
  EXPECT_EQ(grids, 16u);  // frames every output.frame_interval_s = 0.1 s (default) from 0 to 1.5 s
  ASSERT_NE(hold_end, std::string::npos);
  const std::size_t geometry = xml.find("<Geometry", hold_end);
  const std::size_t begin = xml.find('>', xml.find("<DataItem", geometry)) + 1;
  std::istringstream numbers(xml.substr(begin, xml.find("</DataItem>", begin) - begin));
  double x, y, z, lowest = 1e9;
  while (numbers >> x >> y >> z) lowest = std::min(lowest, z);
  // Lowest vertex = rest top surface - indentation at that frame: within 1 % of the run's peak
  // indentation (the hold is in equilibrium; frames interpolate the series linearly).
  const double rest_top = [&] {
    const hid_t f = H5Fopen(r.output_file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, "/runs/p/series/indenter_z_m", H5P_DEFAULT);
    double first = 0.0;
    const hid_t space = H5Dget_space(d);
    hsize_t one = 1, start = 0;
    H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nullptr, &one, nullptr);
    const hid_t mem = H5Screate_simple(1, &one, nullptr);
    H5Dread(d, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &first);
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
    return first;
  }();
  EXPECT_NEAR(rest_top - lowest, run.metrics.at("peak_indentation_m"), 0.01 * run.metrics.at("peak_indentation_m"));
  EXPECT_GT(rest_top - lowest, 0.0);
  std::filesystem::remove(r.output_file);
  for (const auto& f : r.xdmf_files) std::filesystem::remove(f);
}

std::vector<double> read_series(const std::string& file, const std::string& path) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  std::vector<double> v(std::size_t(H5Sget_simple_extent_npoints(space)));
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

TEST(IndenterInput, TheIndenterIsLiftedOffForTheRecoveryAndStaysThere) {
  // After the release the hand lifts the indenter off (docs/model.md §6): through the recovery it
  // is held one top cell above the undeformed surface, touching nothing. Before, no force held the
  // free indenter and it flew off with the rebound's momentum.
  std::string toml = kSlab + press("indenter = \"sphere\"\nradius_mm = 8.0\nforce_n = 1.0\n");
  toml.replace(toml.find("recover_s = 0.0"), 15, "recover_s = 0.5");
  const ScenarioResult r = run(toml, "lift");
  ASSERT_EQ(r.runs.at(0).status, "complete") << r.runs.at(0).message;
  const std::vector<double> t = read_series(r.output_file, "/runs/p/series/time");
  const std::vector<double> z = read_series(r.output_file, "/runs/p/series/indenter_z_m");
  const std::vector<double> force = read_series(r.output_file, "/runs/p/series/contact_force_n");
  ASSERT_EQ(t.size(), z.size());
  const double rest = z.front(), t_recover = 1.5;  // ramp + hold + release
  std::size_t in_recovery = 0;
  double held = 0.0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!(t[i] > t_recover + 1e-9)) continue;
    if (in_recovery++ == 0) held = z[i];
    // Above the undeformed surface by a top cell (0.5 to 5 mm in this slab), the same prescribed
    // height at every sample (a free indenter would drift), and out of contact.
    EXPECT_GT(z[i] - rest, 0.5e-3) << "t = " << t[i];
    EXPECT_LT(z[i] - rest, 5e-3) << "t = " << t[i];
    EXPECT_EQ(z[i], held) << "t = " << t[i];
    EXPECT_EQ(force[i], 0.0) << "t = " << t[i];
  }
  EXPECT_GE(in_recovery, 4u);  // frames every 0.1 s through the 0.5 s recovery
  std::filesystem::remove(r.output_file);
  for (const auto& f : r.xdmf_files) std::filesystem::remove(f);
}

}  // namespace
}  // namespace fascia
