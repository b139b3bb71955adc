// SPDX-License-Identifier: MIT
// Material-test protocols on a sample (docs/model.md §6.5) against closed forms:
//   - compressible neo-Hookean uniaxial tension (tetrahedral matrix) and its lateral contraction,
//   - linear small-strain uniaxial and confined compression of the spring matrix (E, nu, H_A),
//   - simple shear of the spring matrix (mu) with Prony relaxation during the hold,
//   - the fibre law along its axis (nearly aligned fibres, soft matrix),
//   - Prony relaxation in tension (a matrix whose whole tensor relaxes in proportion),
//   - bad input naming the key;
// and the same protocols on the finite-element engine's sample (hexahedra, docs/model.md §11):
//   - the decoupled neo-Hookean law in uniaxial tension, Prony relaxation in simple shear, the
//     fibre law along its axis, every kind through the scenario keys.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/lattice/calibration.hpp"
#include "fascia/lattice/sample.hpp"
#include "fascia/mesh/sample_mesh.hpp"
#include "fascia/protocol/material_test.hpp"
#include "fascia/scenario.hpp"
#include "fascia/scenario_geometry.hpp"
#include "fascia/solve/implicit.hpp"

namespace {

using namespace fascia;

/// A matrix-only material (no water, no fibres): shear modulus mu, Poisson nu, Prony terms.
LayerMaterial matrix(double mu, double nu, std::vector<PronyTerm> prony = {}) {
  LayerMaterial m;
  m.name = "muscle";
  m.density = 1000.0;
  m.shear_modulus = mu;
  m.drained_bulk = bulk_from_poisson(mu, nu);
  m.undrained_bulk = m.drained_bulk;  // drained: the water carries nothing
  m.prony = std::move(prony);
  return m;
}

struct Curve {
  MaterialTestProtocol protocol;
  MaterialTestRecord record;
  std::vector<double> lateral;
  std::map<std::string, double> metrics;
};

/// Runs a material test quasi-statically (static equilibrium at every step) on the sample
/// `lattice` (either engine's), recording (t, strain, stress) after each step; `steps_per_phase`
/// bounds the step.
Curve run_on(Lattice lattice, const MaterialTestSettings& s, int steps_per_phase) {
  System sys(std::move(lattice), 1);
  Curve c;
  c.protocol = MaterialTestProtocol::make(s, sys);
  const LoadFunction load = [&](double t, System& q) { c.protocol.apply(t, q); };
  c.record.add(0.0, 0.0, c.protocol.stress(sys));
  c.lateral.push_back(0.0);
  for (const Phase& ph : c.protocol.phases) {
    ImplicitOptions opt;
    opt.quasi_static = true;
    opt.dt_max = ph.duration() / steps_per_phase;
    opt.dt_initial = opt.dt_max;
    opt.dt_min = 1e-9 * ph.duration();
    opt.tolerance = 1e-9;
    opt.max_newton_iterations = 60;
    ImplicitIntegrator integrator(sys, opt);
    integrator.reset(load);
    integrator.advance_to(ph.end, load, [&] {
      c.record.add(sys.time, c.protocol.strain(sys.time), c.protocol.stress(sys));
      c.lateral.push_back(c.protocol.lateral_strain(sys));
      return true;
    });
  }
  c.record.metrics(c.protocol, c.metrics);
  return c;
}

/// The test on the lattice's sample (lattice/sample.hpp).
Curve run_test(const SampleGeometry& g, const TissueMaterials& mat, const MaterialTestSettings& s,
               int steps_per_phase = 40) {
  return run_on(build_sample(g, mat), s, steps_per_phase);
}

/// The test on the finite-element engine's sample (mesh/sample_mesh.hpp).
Curve run_fem(const SampleGeometry& g, const TissueMaterials& mat, const MaterialTestSettings& s,
              int steps_per_phase = 40) {
  return run_on(build_sample_mesh(g, mat), s, steps_per_phase);
}

SampleGeometry block(SampleTissue tissue, double length_mm, double width_mm, double thickness_mm,
                     double spacing_mm, MatrixModel model = MatrixModel::automatic) {
  SampleGeometry g;
  g.tissue = tissue;
  g.length = length_mm * 1e-3;
  g.width = width_mm * 1e-3;
  g.thickness = thickness_mm * 1e-3;
  g.spacing = spacing_mm * 1e-3;
  g.matrix_model = model;
  return g;
}

double last_stress(const Curve& c) { return c.record.stress.back(); }

TEST(MaterialTests, NeoHookeanUniaxialTensionMatchesClosedForm) {
  // Compressible neo-Hookean W = mu/2 (I1 - 3) - mu ln J + lambda/2 (ln J)^2 (the "tets" matrix).
  // Uniaxial F = diag(l1, l2, l2): P22 = mu (l2 - 1/l2) + lambda ln J / l2 = 0 fixes l2, and the
  // nominal stress is P11 = mu (l1 - 1/l1) + lambda ln J / l1. At 30 % strain the linear estimate
  // E e is 8 % off, so agreement tests the finite-strain law, not just the modulus.
  const double mu = 10e3, nu = 0.3, lambda = 2.0 * mu * nu / (1.0 - 2.0 * nu);
  TissueMaterials mat;
  mat.muscle = matrix(mu, nu);
  MaterialTestSettings s;
  s.mode = MaterialTestMode::uniaxial;
  s.max_strain = 0.3;
  s.strain_rate_per_s = 0.1;
  s.hold_s = 0.0;
  const Curve c = run_test(block(SampleTissue::muscle, 4.0, 1.0, 1.0, 0.25, MatrixModel::tets), mat, s, 15);
  const double l1 = 1.3;
  double l2 = 1.0;
  for (int it = 0; it < 50; ++it) {  // Newton on P22(l2) = 0
    const double lj = std::log(l1 * l2 * l2);
    const double f = mu * (l2 - 1.0 / l2) + lambda * lj / l2;
    const double df = mu * (1.0 + 1.0 / (l2 * l2)) + lambda * (2.0 - lj) / (l2 * l2);
    l2 -= f / df;
  }
  const double p11 = mu * (l1 - 1.0 / l1) + lambda * std::log(l1 * l2 * l2) / l1;
  // Homogeneous deformation is an exact solution of the tetrahedral mesh (linear elements, free
  // lateral faces, grips that hold only x): 1e-6 covers the Newton tolerance (1e-9 relative).
  EXPECT_NEAR(last_stress(c), p11, 1e-6 * p11);
  EXPECT_NEAR(c.lateral.back(), l2 - 1.0, 1e-6);
  EXPECT_NEAR(c.metrics.at("peak_stress_pa"), p11, 1e-6 * p11);
}

TEST(MaterialTests, SpringMatrixSmallStrainGivesEAndNuAndAggregateModulus) {
  // Calibrated springs + volumetric simplices (docs/model.md §4) at 0.1 % strain: uniaxial
  // stress E e with lateral strain -nu e, and confined compression H_A e, H_A = K + 4 mu / 3.
  // The lattice is exact for homogeneous deformation; the 0.5 % tolerance covers the geometric
  // nonlinearity of the central springs at e = 1e-3 (relative size ~e).
  const double mu = 30e3, nu = 0.3;
  const LayerMaterial m = matrix(mu, nu);
  TissueMaterials mat;
  mat.muscle = m;
  MaterialTestSettings s;
  s.max_strain = 1e-3;
  s.strain_rate_per_s = 1e-3;
  s.hold_s = 0.0;
  s.mode = MaterialTestMode::uniaxial;
  const Curve u = run_test(block(SampleTissue::muscle, 3.0, 1.0, 1.0, 0.25), mat, s, 20);
  EXPECT_NEAR(last_stress(u) / 1e-3, m.young_modulus(), 5e-3 * m.young_modulus());
  EXPECT_NEAR(u.lateral.back() / 1e-3, -nu, 5e-3);
  EXPECT_NEAR(u.metrics.at("tangent_modulus_pa"), m.young_modulus(), 5e-3 * m.young_modulus());
  s.mode = MaterialTestMode::confined_compression;
  const Curve cc = run_test(block(SampleTissue::muscle, 2.0, 2.0, 1.0, 0.25), mat, s, 20);
  const double h_a = m.drained_bulk + 4.0 / 3.0 * mu;
  EXPECT_NEAR(last_stress(cc) / 1e-3, h_a, 5e-3 * h_a);
  EXPECT_GT(last_stress(cc), 0.0);  // positive in compression, as documented
}

/// Simple shear at constant rate r for t_r, then held, on the sample `run` builds: tau = mu_inf gamma_max +
/// sum_i g_i mu0 r tau_i (1 - exp(-t_r/tau_i)) exp(-s/tau_i), s the time into the hold.
/// The shear is volume preserving, so the volumetric (elastic) part does not enter; the Maxwell
/// update is exact for a linear ramp (docs/model.md §3.2). Tolerance 2 %: the free x faces of
/// the 20:1 sample carry no shear traction, a boundary layer ~T wide at each end (a 6:1 sample
/// read 3.6 % low). Two cells through the thickness suffice (the deformation is homogeneous away
/// from the ends), and backward Euler is exact for the Maxwell branches under a linear ramp.
using Runner = Curve (*)(const SampleGeometry&, const TissueMaterials&, const MaterialTestSettings&, int);

void expect_simple_shear_relaxes_like_prony(Runner run) {
  const double mu0 = 20e3, nu = 0.3;
  const std::vector<PronyTerm> prony = {{0.3, 2.0}, {0.2, 20.0}};
  TissueMaterials mat;
  mat.muscle = matrix(mu0, nu, prony);
  MaterialTestSettings s;
  s.mode = MaterialTestMode::simple_shear;
  s.max_strain = 0.01;
  s.strain_rate_per_s = 0.01;  // t_r = 1 s
  s.hold_s = 30.0;
  const Curve c = run(block(SampleTissue::muscle, 20.0, 2.0, 1.0, 0.5), mat, s, 30);
  const double t_r = 1.0, r = 0.01, mu_inf = mu0 * (1.0 - 0.5);
  auto tau_at = [&](double hold) {
    double v = mu_inf * s.max_strain;
    for (const auto& p : prony) v += p.g * mu0 * r * p.tau * (1.0 - std::exp(-t_r / p.tau)) * std::exp(-hold / p.tau);
    return v;
  };
  EXPECT_NEAR(c.metrics.at("peak_stress_pa"), tau_at(0.0), 0.02 * tau_at(0.0));
  const double expected = (tau_at(0.0) - tau_at(30.0)) / tau_at(0.0);
  EXPECT_NEAR(c.metrics.at("relaxation_fraction"), expected, 0.02 * expected);
}

TEST(MaterialTests, SimpleShearRelaxesLikeThePronySeries) { expect_simple_shear_relaxes_like_prony(run_test); }

TEST(MaterialTests, PronyRelaxationInTensionMatchesClosedForm) {
  // A spring matrix whose whole stiffness relaxes in proportion: with nu_d = (3 - 5g)/(12 - 10g)
  // the drained bulk equals the relaxed springs' own bulk (5/3) mu_inf, so no elastic volumetric
  // term is added (docs/model.md §4) and C(t) = C0 G(t)/G0: the lateral strain stays -e/4 and the
  // nominal stress is E(t) convolved with the strain ramp, E = 5 mu / 2 (Cauchy solid):
  //   sigma(t_r + s) = 5/2 [mu_inf e_max + g mu0 r tau (1 - exp(-t_r/tau)) exp(-s/tau)].
  // Tolerance 1 %: geometric nonlinearity of the central springs, relative size ~e (at e = 2 %
  // the peak read 1.4 % high; at 0.5 % it is below 0.5 %).
  const double mu0 = 20e3, g = 0.4, tau = 10.0;
  const double nu = (3.0 - 5.0 * g) / (12.0 - 10.0 * g);
  TissueMaterials mat;
  mat.muscle = matrix(mu0, nu, {{g, tau}});
  MaterialTestSettings s;
  s.mode = MaterialTestMode::uniaxial;
  s.max_strain = 0.005;
  s.strain_rate_per_s = 0.005;  // t_r = 1 s
  s.hold_s = 60.0;
  const Curve c = run_test(block(SampleTissue::muscle, 4.0, 1.0, 1.0, 0.25), mat, s, 60);
  const double t_r = 1.0, r = 0.005, mu_inf = mu0 * (1.0 - g);
  auto sigma = [&](double hold) {
    return 2.5 * (mu_inf * s.max_strain + g * mu0 * r * tau * (1.0 - std::exp(-t_r / tau)) * std::exp(-hold / tau));
  };
  EXPECT_NEAR(c.metrics.at("peak_stress_pa"), sigma(0.0), 0.01 * sigma(0.0));
  const double expected = (sigma(0.0) - sigma(60.0)) / sigma(0.0);
  EXPECT_NEAR(c.metrics.at("relaxation_fraction"), expected, 0.01 * expected);
}

/// The fibre law along its axis on the sample `run` builds, within `tolerance`:
/// Nearly aligned fibres (kappa = 200) along x in a matrix 1e4 x softer: the nominal stress is
/// E_f A s(e) + E_m e, A = <cos^4> of the fibre distribution (fiber_tensor's xxxx component)
/// and s the fibre law (docs/model.md §3.3), in the toe (e = 1 %) and the linear region (6 %).
/// On the lattice 3 %: fibre bonds whose stencil leaves the grid are dropped within two cells of the
/// grips (docs/model.md §10), a compliant end zone of 2 x 2 cells in 80 (measured 1.5 %).
void expect_fibre_law_along_axis(Runner run, double tolerance) {
  const double e_f = 100e6, mu = 3e3, nu = 0.3;
  TissueMaterials mat;
  mat.dense = matrix(mu, nu);
  mat.dense.name = "dense";
  mat.dense.fiber_modulus = e_f;
  SampleGeometry g = block(SampleTissue::dense, 20.0, 2.0, 0.5, 0.25);
  g.dispersion_kappa = 200.0;
  const double a = fiber_tensor(1.0, 0.0, g.dispersion_kappa)[0];
  const double e_m = mat.dense.young_modulus();
  for (double e : {0.01, 0.06}) {
    MaterialTestSettings s;
    s.mode = MaterialTestMode::uniaxial;
    s.max_strain = e;
    s.strain_rate_per_s = e;
    s.hold_s = 0.0;
    const Curve c = run(g, mat, s, 12);
    const double expected = e_f * a * mat.fiber.stress(e) + e_m * e;
    EXPECT_NEAR(last_stress(c), expected, tolerance * expected) << "e = " << e;
    if (e > 0.05) {  // linear region: the tangent is E_f A + E_m
      EXPECT_NEAR(c.metrics.at("tangent_modulus_pa"), e_f * a + e_m, tolerance * (e_f * a + e_m));
    }
  }
}

TEST(MaterialTests, FibreLawAlongItsAxis) { expect_fibre_law_along_axis(run_test, 0.03); }

TEST(MaterialTests, BadInputNamesTheKey) {
  TissueMaterials mat;
  mat.muscle = matrix(10e3, 0.3);
  auto message = [&](const SampleGeometry& g, const MaterialTestSettings& s) -> std::string {
    try {
      System sys(build_sample(g, mat), 1);
      MaterialTestProtocol::make(s, sys);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  MaterialTestSettings ok;
  ok.name = "pull";
  EXPECT_NE(message(block(SampleTissue::muscle, 4.0, 1.0, 0.1, 0.25), ok).find("geometry.sample_thickness_mm"), std::string::npos);
  EXPECT_NE(message(block(SampleTissue::muscle, 4.0, 0.2, 1.0, 0.25), ok).find("geometry.size_mm"), std::string::npos);
  // A tissue name is parsed once, where the scenario becomes SI settings: an unknown one (a spec
  // built by hand, past the schema's check) is refused there, naming the key and the choices.
  GeometrySpec bone;
  bone.kind = "sample";
  bone.sample_tissue = "bone";
  try {
    sample_geometry(bone);
    ADD_FAILURE() << "a sample of bone was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "geometry.sample_tissue");
    EXPECT_NE(std::string(e.what()).find("\"bone\""), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("\"hypodermis\""), std::string::npos);  // the allowed names
  }
  // One line each, no crash: every message is a single line.
  EXPECT_EQ(message(block(SampleTissue::muscle, 4.0, 1.0, 0.1, 0.25), ok).find('\n'), std::string::npos);
}

/// A per-process temporary output path (tests run in parallel under ctest).
std::string temp_h5(const std::string& stem) {
  return (std::filesystem::temp_directory_path() / (stem + "_" + std::to_string(::getpid()) + ".h5")).string();
}

TEST(MaterialTests, ScenarioKeysRunEveryKindAndReportTheMetrics) {
  // The TOML keys of docs/scenario.md ("Keys for material tests and virtual elastography") drive
  // the same protocols through run_scenario; each kind reports its metrics, and a uniaxial pull
  // of the default dense layer along its fibres is fibre-dominated: its tangent modulus at 4 %
  // lies between 0.75 and 1 x E_f <cos^4> = 150 MPa x 0.902 (the matrix adds 0.12 MPa, the toe is
  // left behind at 2 %). Below 1 because the lateral contraction is free: with a soft matrix the
  // dispersed fibres scissor towards the load (the fibre tensor's xxyy coupling, docs/model.md
  // §6.5), so the uniaxial modulus is C_xxxx - C_xxyy^2 / C_yyyy-like, not C_xxxx (measured
  // 112.5 MPa = 0.83 x here; an 8 x 4 mm strip read 109.5 MPa with a lateral strain of -0.27 at 8 %).
  // Both engines take the same keys (SCENARIO.md) and must land in the same band.
  for (const std::string engine : {"lattice", "fem"}) {
  const std::string text = R"(
[geometry]
engine = ")" + engine + R"("
kind = "sample"
sample_tissue = "dense"
size_mm = [6.0, 1.5]
sample_thickness_mm = 0.5
spacing_mm = 0.25
[protocol.pull]
kind = "uniaxial"
max_strain = 0.04
strain_rate_per_s = 0.04
hold_s = 10.0
release_s = 1.0
[protocol.bi]
kind = "biaxial"
max_strain = 0.02
strain_rate_per_s = 0.02
hold_s = 0.0
[protocol.shear]
kind = "simple_shear"
max_strain = 0.05
strain_rate_per_s = 0.05
hold_s = 0.0
[protocol.confined]
kind = "confined_compression"
max_strain = 0.02
strain_rate_per_s = 0.02
hold_s = 1.0
)";
  const std::string out = temp_h5("material_tests_" + engine);
  RunOptions options;
  options.output_file = out;
  const ScenarioResult r = run_scenario(parse_scenario(text), options);
  ASSERT_EQ(r.runs.size(), 4u);
  for (const auto& run : r.runs) {
    EXPECT_EQ(run.status, "complete") << engine << " " << run.name << ": " << run.message;
    EXPECT_TRUE(run.metrics.count("peak_stress_pa")) << run.name;
    EXPECT_TRUE(run.metrics.count("tangent_modulus_pa")) << run.name;
  }
  const auto& pull = r.runs[0].metrics;
  EXPECT_GT(pull.at("tangent_modulus_pa"), 0.75 * 150e6 * 0.902) << engine;
  EXPECT_LT(pull.at("tangent_modulus_pa"), 1.0 * 150e6 * 0.902) << engine;
  std::printf("%s: tangent modulus along the fibres %.4g Pa\n", engine.c_str(), pull.at("tangent_modulus_pa"));
  EXPECT_TRUE(pull.count("relaxation_fraction"));
  EXPECT_FALSE(r.runs[1].metrics.count("relaxation_fraction"));  // no hold: absent, not zero
  EXPECT_GT(r.runs[3].metrics.at("peak_stress_pa"), 0.0);        // compression reported positive
  std::filesystem::remove(out);
  for (const auto& sidecar : r.xdmf_files) std::filesystem::remove(sidecar);
  }
}

TEST(MaterialTests, ScenarioBadInputIsOneLineNamingTheKey) {
  auto error_of = [](const std::string& text) -> std::string {
    try {
      RunOptions options;
      options.output_file = temp_h5("material_bad");
      run_scenario(parse_scenario(text), options);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  const std::string sample = "[geometry]\nkind = \"sample\"\nsize_mm = [4.0, 1.0]\nsample_thickness_mm = 0.5\n";
  EXPECT_NE(error_of("[geometry]\nkind = \"sample\"\nsample_thickness_mm = 0.1\n[protocol.p]\nkind = \"uniaxial\"\n")
                .find("geometry.sample_thickness_mm"), std::string::npos);
  EXPECT_NE(error_of(sample + "[protocol.p]\nkind = \"uniaxial\"\nmax_strain = 1.5\n").find("protocol.p.max_strain"),
            std::string::npos);
  EXPECT_NE(error_of(sample + "[protocol.p]\nkind = \"elastography\"\npush_depth_mm = 0.8\n").find("protocol.p.push_depth_mm"),
            std::string::npos);
  EXPECT_NE(error_of(sample + "sample_tissue = \"bone\"\n[protocol.p]\nkind = \"uniaxial\"\n").find("geometry.sample_tissue"),
            std::string::npos);
  EXPECT_NE(error_of(sample + "[protocol.p]\nkind = \"uniaxial\"\npush_depth_mm = 0.1\n").find("protocol.p.push_depth_mm"),
            std::string::npos);  // an elastography key on a material test
  EXPECT_NE(error_of(sample + "[protocol.p]\nkind = \"confined_compression\"\nmax_strain = 0.8\n")
                .find("protocol.p.max_strain"), std::string::npos);  // beyond the kind's cap
  EXPECT_NE(error_of(sample + "[protocol.p]\nkind = \"uniaxial\"\nstrain_rate_per_s = 0.0\n")
                .find("protocol.p.strain_rate_per_s"), std::string::npos);
  EXPECT_NE(error_of(sample + "[protocol.p]\nkind = \"uniaxial\"\nhold_s = -1.0\n").find("protocol.p.hold_s"),
            std::string::npos);
  EXPECT_NE(error_of(sample + "[protocol.p]\nkind = \"static_pressure\"\n").find("protocol.p.kind"),
            std::string::npos);  // a compressor on a sample
  EXPECT_NE(error_of("[protocol.p]\nkind = \"uniaxial\"\n").find("protocol.p.kind"),
            std::string::npos);  // a material test on a slab
  EXPECT_NE(error_of(sample + "[protocol.p]\nkind = \"elastography\"\npush_duration_s = 0.5\n")
                .find("protocol.p.push_duration_s"), std::string::npos);
  EXPECT_NE(error_of(sample + "[protocol.p]\nkind = \"elastography\"\npre_strain = 1.5\n").find("protocol.p.pre_strain"),
            std::string::npos);
  EXPECT_NE(error_of("[protocol.p]\nkind = \"elastography\"\npre_strain = 0.01\n").find("protocol.p.pre_strain"),
            std::string::npos);  // a pre-stretch needs a sample
}

TEST(FemSample, NeoHookeanUniaxialTensionMatchesClosedForm) {
  // The hexahedra's matrix (elements/hexahedron.hpp): W = mu/2 (J^-2/3 I1 - 3) + K/2 ln^2 J.
  // Uniaxial F = diag(l1, l2, l2), J = l1 l2^2, I1 = l1^2 + 2 l2^2: the lateral Cauchy stress
  // sigma22 = mu J^-5/3 (l2^2 - I1/3) + K ln J / J = 0 fixes l2, and the nominal stress is
  // P11 = [mu J^-2/3 (l1^2 - I1/3) + K ln J] / l1. Homogeneous deformation is an exact solution of
  // the trilinear mesh (free lateral faces, grips that hold only x): 1e-6 covers the Newton
  // tolerance (1e-9 relative), as on the lattice.
  const double mu = 10e3, nu = 0.3, k = bulk_from_poisson(mu, nu);
  TissueMaterials mat;
  mat.muscle = matrix(mu, nu);
  MaterialTestSettings s;
  s.mode = MaterialTestMode::uniaxial;
  s.max_strain = 0.3;
  s.strain_rate_per_s = 0.1;
  s.hold_s = 0.0;
  const Curve c = run_fem(block(SampleTissue::muscle, 4.0, 1.0, 1.0, 0.25), mat, s, 15);
  const double l1 = 1.3;
  auto lateral = [&](double l2) {
    const double j = l1 * l2 * l2, i1 = l1 * l1 + 2.0 * l2 * l2;
    return mu * std::pow(j, -5.0 / 3.0) * (l2 * l2 - i1 / 3.0) + k * std::log(j) / j;
  };
  double lo = 0.5, hi = 1.0;  // sigma22 < 0 at lo, > 0 at 1 (the bar is stretched): bisection
  for (int it = 0; it < 200; ++it) (lateral(0.5 * (lo + hi)) < 0.0 ? lo : hi) = 0.5 * (lo + hi);
  const double l2 = 0.5 * (lo + hi), j = l1 * l2 * l2, i1 = l1 * l1 + 2.0 * l2 * l2;
  const double p11 = (mu * std::pow(j, -2.0 / 3.0) * (l1 * l1 - i1 / 3.0) + k * std::log(j)) / l1;
  EXPECT_NEAR(last_stress(c), p11, 1e-6 * p11);
  EXPECT_NEAR(c.lateral.back(), l2 - 1.0, 1e-6);
}

TEST(FemSample, SimpleShearRelaxesLikeThePronySeries) {
  // The closed form and tolerance of the lattice's test: the hexahedra's Prony branches act on the
  // deviatoric Green-Lagrange strain with the exact Maxwell update, so G(t) = mu_inf +
  // sum mu0 g_i exp(-t/tau_i) at small strain.
  expect_simple_shear_relaxes_like_prony(run_fem);
}

TEST(FemSample, FibreLawAlongItsAxis) {
  // In the continuum the fibres reach the grips (no stencil end zone) and the deformation is
  // homogeneous; what is left is that each direction q of the family stretches by e cos^2 th_q,
  // so the stress is E_f sum w_q s(e cos^2 th_q) cos^2 th_q rather than E_f A s(e): with the
  // spread of kappa = 200 (about 3 degrees) that differs by well under 1 %. Tolerance 1 %.
  expect_fibre_law_along_axis(run_fem, 0.01);
}

}  // namespace
