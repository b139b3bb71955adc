// SPDX-License-Identifier: MIT
// Virtual shear-wave elastography (docs/model.md §6.6): on a homogeneous isotropic block the
// time-to-peak speed is the bulk shear speed sqrt(mu/rho); bad input names the key. The dense
// layers' readings (a thick dense block, the default slab's guided wave) are compared with
// published speeds on docs/validation.md (examples/validation/, checked by validation_page).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/lattice/sample.hpp"
#include "fascia/mesh/sample_mesh.hpp"
#include "fascia/protocol/elastography.hpp"
#include "fascia/protocol/wave_trajectory.hpp"
#include "fascia/scenario.hpp"
#include "fascia/solve/explicit.hpp"

namespace {

using namespace fascia;

/// Runs a two-protocol scenario through the CLI's path into a temporary file (removed after, with
/// its XDMF sidecars), asserting that both runs complete; `stem` names the file.
ScenarioResult run_two_protocols(const std::string& text, const std::string& stem) {
  const std::string out =
      (std::filesystem::temp_directory_path() / (stem + "_" + std::to_string(::getpid()) + ".h5")).string();
  RunOptions options;
  options.output_file = out;
  const ScenarioResult r = run_scenario(parse_scenario(text), options);
  std::filesystem::remove(out);
  for (const auto& sidecar : r.xdmf_files) std::filesystem::remove(sidecar);  // the model's and each run's
  EXPECT_EQ(r.runs.size(), 2u) << stem;
  for (const auto& run : r.runs) EXPECT_EQ(run.status, "complete") << stem << " " << run.name << ": " << run.message;
  return r;
}

/// Runs the protocol with the explicit integrator at 0.4 x the stable step; returns the speed.
std::optional<double> run_swe(System& sys, ElastographyProtocol& p) {
  const LoadFunction load = [&](double t, System& s) { p.apply(t, s); };
  const double dt = 0.4 * critical_time_step(sys);
  for (const Phase& ph : p.phases) {
    const auto steps = std::size_t(std::ceil((ph.end - sys.time) / dt));
    ExplicitIntegrator integrator(sys, (ph.end - sys.time) / double(steps));
    integrator.reset(load);
    for (std::size_t s = 0; s < steps; ++s) {
      integrator.step(load);
      p.observe(sys);
    }
  }
  return p.shear_wave_speed();
}

/// An isotropic, drained muscle block of L x W x T mm at 0.5 mm: shear modulus mu, Poisson nu,
/// rho = 1000 kg/m^3.
struct Block {
  TissueMaterials mat;
  SampleGeometry geometry;
};
Block isotropic_block(double mu, double nu, double length_mm, double width_mm, double thickness_mm) {
  Block b;
  b.mat.muscle.name = "muscle";
  b.mat.muscle.density = 1000.0;
  b.mat.muscle.shear_modulus = mu;
  b.mat.muscle.drained_bulk = bulk_from_poisson(mu, nu);
  b.mat.muscle.undrained_bulk = b.mat.muscle.drained_bulk;
  b.geometry.tissue = SampleTissue::muscle;
  b.geometry.length = length_mm * 1e-3;
  b.geometry.width = width_mm * 1e-3;
  b.geometry.thickness = thickness_mm * 1e-3;
  b.geometry.spacing = 0.5e-3;
  return b;
}

/// The block's reading on one engine: a 1 ms push at `depth` below the top, the slowest speed the
/// bulk one; prints it with the trajectory's start at the push centre.
std::optional<double> read_block(const Block& b, double mu, double depth, bool fem) {
  System sys(fem ? build_sample_mesh(b.geometry, b.mat) : build_sample(b.geometry, b.mat), 1);
  ElastographySettings s;
  s.push_depth = depth;
  s.push_duration_s = 1e-3;
  const double bulk = std::sqrt(mu / b.mat.muscle.density);
  auto p = ElastographyProtocol::make(s, sys, 0.5e-3, [&](double) { return mu; }, bulk);
  const auto c = run_swe(sys, p);
  if (c)
    std::printf("%s: read %.4g m/s (bulk %.4g), leaving the push at %.3g ms\n", fem ? "fem" : "lattice", *c, bulk,
                p.wave_trajectory()->start * 1e3);
  return c;
}

/// Synthetic traces along 10 points 2-6.5 mm from a source acting over [0, 1 ms]: a Gaussian lobe
/// (standard deviation 0.2 ms) travelling at `c` and leaving the source at 0.4 ms, plus what a
/// finite drained block adds (protocol/wave_trajectory.hpp): a stray lobe of 40 % arriving 0.6 ms
/// earlier at the two farthest points (a P wave reflected from the faces) and a late reverberation
/// of 1.2 times the wave's amplitude reaching every point at once at 5 ms.
struct SyntheticRecord {
  std::vector<double> times, traces, distance;
};
SyntheticRecord travelling_lobe(double c) {
  SyntheticRecord r;
  for (int q = 0; q < 10; ++q) r.distance.push_back(2e-3 + 0.5e-3 * q);
  auto lobe = [](double t, double at) { return std::exp(-0.5 * std::pow((t - at) / 0.2e-3, 2)); };
  for (int k = 0; k <= 6000; ++k) {
    const double t = 1e-6 * k;
    r.times.push_back(t);
    for (std::size_t q = 0; q < r.distance.size(); ++q) {
      const double arrival = 0.4e-3 + r.distance[q] / c;
      const double stray = q >= 8 ? 0.4 * lobe(t, arrival - 0.6e-3) : 0.0;
      r.traces.push_back(lobe(t, arrival) + stray + 1.2 * lobe(t, 5e-3));
    }
  }
  return r;
}

TEST(Elastography, TheScannersTrajectoryIgnoresStrayLobesAndReverberation) {
  // On these traces the per-point rules fail: the first local maximum reaching 30 % of each
  // point's largest picks the stray lobe at the two farthest points (a least-squares fit then
  // reads 4.52, 23.9 and -29.5 m/s for 3, 6.5 and 12.8 m/s), the largest maximum the
  // reverberation everywhere (no slope). The line through all the traces reads each speed within
  // 0.2 % (the stray lobes' tails pull it slightly; measured offline, scripts/
  // elastography_estimators.py's rule): tolerance 1 %, and the start within two grid samples
  // (T/100 = 10 us). At 1.5 m/s the wave reaches the farthest points with the reverberation and
  // the two interfere (-2.3 %), so the test stays at and above 3 m/s.
  for (const double c : {3.0, 6.5, 12.8}) {
    const SyntheticRecord r = travelling_lobe(c);
    const auto w = find_wave_trajectory(r.times, r.traces, r.distance, 0.5, 0.0, 1e-3);
    ASSERT_TRUE(w.has_value()) << c;
    EXPECT_NEAR(w->speed, c, 0.01 * c);
    EXPECT_NEAR(w->start, 0.4e-3, 0.02e-3) << c;
  }
  // A record with no positive signal has no wave.
  SyntheticRecord quiet = travelling_lobe(3.0);
  for (double& v : quiet.traces) v = -v;
  EXPECT_FALSE(find_wave_trajectory(quiet.times, quiet.traces, quiet.distance, 0.5, 0.0, 1e-3).has_value());
}

TEST(Elastography, HomogeneousBlockReadsTheBulkShearSpeed) {
  // Isotropic matrix, mu = 10 kPa, rho = 1000 kg/m^3, nu = 0.45 (P waves 3.3 x faster, so v_z on
  // the lateral line, where a vertical force radiates no far-field P motion, is the shear wave):
  // c_s = sqrt(mu/rho) = 3.162 m/s. Tolerance 5 %: a point push read in its near field is biased
  // high; Stokes's solution for a point force in an infinite solid (Aki & Richards 2002, eq. 4.23)
  // with this 1 ms Hann push, read the same way over a window of 0.55-1.8 wavelengths, gives up to
  // +3.5 %. On both engines: the hexahedra read +0.1 % (the former per-point leading-peak rule read
  // -24 %: it timed reflections from the faces). The lattice reads +7.0 % (tolerance 10 %): its
  // drained bulk term, one per Kuhn tetrahedron, begins to lock at nu = 0.45 (a punch indents it 17 %
  // less than the hexahedra, docs/engines.md), a stiffer solid than the continuum; with the bulk term
  // per cell (built, not landed) it read +0.7 %.
  const double mu = 10e3;
  const Block b = isotropic_block(mu, 0.45, 40.0, 8.0, 8.0);
  const double expected = std::sqrt(mu / 1000.0);
  for (const bool fem : {false, true}) {
    const auto c = read_block(b, mu, 4.0e-3, fem);
    ASSERT_TRUE(c.has_value()) << (fem ? "fem" : "lattice");
    EXPECT_NEAR(*c, expected, (fem ? 0.05 : 0.10) * expected) << (fem ? "fem" : "lattice");
  }
}

TEST(Elastography, BothEnginesReadTheBulkShearSpeedOnTheValidationBlock) {
  // The muscle block of examples/validation/muscle_elastography.toml (20 x 10 x 6 mm, spacing
  // 0.5 mm, push 1 ms at mid-depth), drained, mu = 10 kPa, nu = 0.3, rho = 1000 kg/m^3:
  // c_s = 3.162 m/s on the lattice and on the hexahedra (mesh/sample_mesh.hpp). Tolerance 5 %:
  // the near-field bias above (up to +3.5 %) and the side faces 5 mm away; measured +0.6 % and
  // -0.2 %. This pins the geometry the validation page uses; the test above another one.
  const double mu = 10e3;
  const Block b = isotropic_block(mu, 0.3, 20.0, 10.0, 6.0);
  const double expected = std::sqrt(mu / 1000.0);
  for (const bool fem : {false, true}) {
    const auto c = read_block(b, mu, 3.0e-3, fem);
    ASSERT_TRUE(c.has_value()) << (fem ? "fem" : "lattice");
    EXPECT_NEAR(*c, expected, 0.05 * expected) << (fem ? "fem" : "lattice");
  }
}

TEST(Elastography, APreStretchLoadsTheSampleAsTheUniaxialTestDoes) {
  // pre_strain pulls the sample with the uniaxial test's ramp and grips before the push, its base
  // held along z and moved with the stretch along x (protocol/elastography.hpp). Every holding
  // face is a symmetry plane of the homogeneous stretch, so the tension at the push must be the
  // uniaxial test's stress at the same strain, less what relaxes during the settling step (a
  // sixteenth of the 0.1 s ramp against the dense Prony time of 60 s: ~4e-5). Tolerance 2 %: on
  // the hexahedra the two agree to 4e-5 (the same affine state); the lattice's surface cells contract a
  // little unlike its interior, so holding the base shifts its state (measured 0.91 % on this 1 mm
  // sample, 0.45 % on a 2 mm one). The
  // dense tissue is pulled along its fibres into the toe, where the stress is far from linear in
  // the strain, so a wrong strain or a slack grip would show. On both engines (SCENARIO.md).
  for (const std::string engine : {"lattice", "fem"}) {
    const std::string text = R"(
[material]
water_bulk_modulus_mpa = 0.0
[geometry]
engine = ")" + engine + R"("
kind = "sample"
sample_tissue = "dense"
size_mm = [12.0, 6.0]
sample_thickness_mm = 1.0
spacing_mm = 0.5
[protocol.pull]
kind = "uniaxial"
max_strain = 0.004
strain_rate_per_s = 0.04
hold_s = 0.0
release_s = 0.0
[protocol.swe]
kind = "elastography"
push_depth_mm = 0.5
push_duration_s = 5e-4
pre_strain = 0.004
strain_rate_per_s = 0.04
)";
    const ScenarioResult r = run_two_protocols(text, "elastography_pre_stretch_" + engine);
    ASSERT_EQ(r.runs.size(), 2u) << engine;
    const double pulled = r.runs[0].metrics.at("peak_stress_pa");
    ASSERT_TRUE(r.runs[1].metrics.count("pre_stress_pa")) << engine;
    EXPECT_GT(pulled, 0.0) << engine;
    EXPECT_NEAR(r.runs[1].metrics.at("pre_stress_pa"), pulled, 0.02 * pulled) << engine;
    std::printf("%s: uniaxial %.6g Pa, pre-stretched elastography %.6g Pa\n", engine.c_str(), pulled,
                r.runs[1].metrics.at("pre_stress_pa"));
  }
}

TEST(Elastography, ATensionAlongTheTrackRaisesTheSpeedAsAStringWould) {
  // A shear wave along a tension sigma, polarised across it, in a fibre-reinforced solid:
  // rho c^2 = mu + sigma (the tensed fibres act as a string; Ogden & Singh 2011; the matrix's own
  // change at 5 % is of order mu e). A dense block with soft fibres, so that the tension is of the
  // order of mu and the explicit step stays long: dense_matrix_shear_kpa = 10 (mu = 10 kPa at the
  // default composition), fiber_modulus_mpa = 0.5, rho = 1080 kg/m^3, drained; the block of the
  // validation page (20 x 10 x 8 mm, 0.5 mm, 1 ms push at mid-depth), where the scanner reads the
  // bulk wave: unstretched (base held) it must read sqrt(mu/rho) = 3.04 m/s within 5 % (the
  // near-field bias above, up to +3.5 %; measured -3.7 %; at drained nu 0.25-0.45 it read -3.3 to
  // +4.3 %, docs/model.md §6.6), and stretched 5 % along the fibres, at 0.5/s, sqrt((mu + sigma)/rho)
  // with sigma its own pre_stress_pa (18.8 kPa: 5.17 m/s) within 8 % (measured -3.2 %: the stretched
  // block is gripped at its x faces, which the string formula ignores). The stretch
  // must end at rest: the grips' rate carried into the push once launched waves the scanner timed
  // instead (39.7 m/s). Slow (~100 s): 18 implicit steps of 44 k unknowns.
  const std::string text = R"(
[material]
water_bulk_modulus_mpa = 0.0
fiber_modulus_mpa = 0.5
dense_matrix_shear_kpa = 10.0
[geometry]
kind = "sample"
sample_tissue = "dense"
size_mm = [20.0, 10.0]
sample_thickness_mm = 8.0
spacing_mm = 0.5
[protocol.rest]
kind = "elastography"
push_depth_mm = 4.0
push_duration_s = 1e-3
[protocol.taut]
kind = "elastography"
push_depth_mm = 4.0
push_duration_s = 1e-3
pre_strain = 0.05
strain_rate_per_s = 0.5
)";
  const ScenarioResult r = run_two_protocols(text, "elastography_tension");
  ASSERT_EQ(r.runs.size(), 2u);
  const double mu = 10e3, rho = 1080.0;
  const double rest = r.runs[0].metrics.at("shear_wave_speed_m_s");
  const double sigma = r.runs[1].metrics.at("pre_stress_pa"), taut = r.runs[1].metrics.at("shear_wave_speed_m_s");
  const double string_speed = std::sqrt((mu + sigma) / rho);
  std::printf("rest %.4g m/s (bulk %.4g); stretched: sigma %.4g Pa, %.4g m/s (string formula %.4g)\n", rest,
              std::sqrt(mu / rho), sigma, taut, string_speed);
  EXPECT_NEAR(rest, std::sqrt(mu / rho), 0.05 * std::sqrt(mu / rho));
  EXPECT_GT(sigma, mu);  // the tension is of the order of mu: the test sees it
  EXPECT_NEAR(taut, string_speed, 0.08 * string_speed);
}

TEST(Elastography, BadInputNamesTheKey) {
  TissueMaterials mat;
  mat.muscle.shear_modulus = 10e3;
  mat.muscle.drained_bulk = bulk_from_poisson(10e3, 0.3);
  mat.muscle.undrained_bulk = mat.muscle.drained_bulk;
  SampleGeometry g;
  g.tissue = SampleTissue::muscle;
  g.length = 10e-3;
  g.width = 10e-3;
  g.thickness = 2e-3;
  g.spacing = 0.5e-3;
  auto message = [&](const ElastographySettings& s) -> std::string {
    try {
      System sys(build_sample(g, mat), 1);
      ElastographyProtocol::make(s, sys, 0.5e-3, [](double) { return 10e3; }, 3.0);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  ElastographySettings s;
  s.name = "swe";
  s.push_depth = 3.0e-3;  // below the 2 mm sample
  EXPECT_NE(message(s).find("protocol.swe.push_depth_mm"), std::string::npos);
  s.push_depth = 0.0e-3;
  EXPECT_NE(message(s).find("protocol.swe.push_depth_mm"), std::string::npos);
  s.push_depth = 1.0e-3;  // inside: accepted (push_duration_s is checked by the schema, see
  EXPECT_EQ(message(s), "");  // MaterialTests.ScenarioBadInputIsOneLineNamingTheKey)
}

}  // namespace
