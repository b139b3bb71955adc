// SPDX-License-Identifier: MIT
// One truth for validity: every scenario `fascia run` refuses, `fascia validate` refuses with the
// same one-line error naming a scenario key, and `run` refuses it before creating the output file.
#include "cli/cli_fixture.hpp"

namespace {

using namespace fascia_cli_test;

struct Refused {
  const char* name;
  const char* toml;
  const char* key;  ///< the user-facing key the error must name
};

// A 12 x 12 mm slab at 1 mm spacing: the default 5 mm radius fits, and building its lattice (what
// validate now does) takes milliseconds. Each case is valid key by key; only a check across keys,
// or against the built lattice, refuses it.
constexpr const char* kSlab =
    "[geometry]\nkind = \"slab\"\nsize_mm = [12.0, 12.0]\nlayers = 1\nspacing_mm = 1.0\n";

const Refused kRefused[] = {
    {"radius_larger_than_slab",
     "[protocol.press]\nkind = \"static_pressure\"\nradius_mm = 50.0\n", "protocol.press.radius_mm"},
    {"dt_above_stability_limit",
     "[solver]\nintegrator = \"explicit\"\ndt_s = 0.5\n[protocol.tap]\nkind = \"impulse\"\n", "solver.dt_s"},
    {"explicit_step_budget",
     "[solver]\nintegrator = \"explicit\"\n[protocol.press]\nkind = \"static_pressure\"\nhold_s = 100000.0\n",
     "solver.integrator"},
    {"newton_tolerance_above_documented_range",
     "[solver]\nintegrator = \"implicit\"\nnewton_tolerance = 0.9\n[protocol.press]\nkind = \"static_pressure\"\n",
     "solver.newton_tolerance"},
};

TEST_F(Cli, ValidateRefusesWhatRunRefusesAndRunWritesNothing) {
  for (const auto& c : kRefused) {
    SCOPED_TRACE(c.name);
    const auto p = write(std::string(c.name) + ".toml", std::string(kSlab) + c.toml);
    const auto v = run("validate " + quote(p.string()));
    EXPECT_EQ(v.code, 2) << v.out;
    EXPECT_EQ(lines(v.err), 1) << v.err;
    EXPECT_CONTAINS(v.err, std::string("fascia: error: ") + c.key + ":");
    EXPECT_EQ(v.err.find("implicit."), std::string::npos) << "internal key name in: " << v.err;

    const fs::path out = dir_ / (std::string(c.name) + ".h5");
    const auto r = run("--quiet run " + quote(p.string()) + " -o " + quote(out.string()));
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err, v.err);  // the same check, the same line
    EXPECT_FALSE(fs::exists(out)) << "run created its output before refusing the scenario";
  }
}

TEST_F(Cli, DocumentedNewtonToleranceRangeIsEnforced) {
  // docs/scenario.md: newton_tolerance in [1e-14, 0.5]; both ends accepted, just outside refused.
  for (const auto& [value, ok] : {std::pair{"1e-14", true}, std::pair{"0.5", true}, std::pair{"0.51", false},
                                  std::pair{"1e-15", false}}) {
    SCOPED_TRACE(value);
    const auto p = write("tol.toml", std::string(kSlab) + "[solver]\nnewton_tolerance = " + value +
                                         "\n[protocol.press]\nkind = \"static_pressure\"\n");
    const auto v = run("validate " + quote(p.string()));
    EXPECT_EQ(v.code, ok ? 0 : 2) << v.err;
  }
}

TEST_F(Cli, LongValuesAreShortenedInErrors) {
  const std::string huge(100000, 'x');
  const auto p = write("long.toml", "[geometry]\nkind = \"" + huge + "\"\n[protocol.tap]\nkind = \"impulse\"\n");
  const auto r = run("validate " + quote(p.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1);
  EXPECT_CONTAINS(r.err, "geometry.kind");
  EXPECT_CONTAINS(r.err, "(100000 bytes)");
  EXPECT_LT(r.err.size(), 400u) << r.err.substr(0, 400);

  const auto k = write("longkey.toml", "[geometry]\n" + huge + " = 1\n[protocol.tap]\nkind = \"impulse\"\n");
  const auto rk = run("validate " + quote(k.string()));
  EXPECT_EQ(rk.code, 2);
  EXPECT_LT(rk.err.size(), 1200u) << rk.err.substr(0, 400);
}

TEST_F(Cli, NonAsciiAfterAValueIsOneLineNotUndefinedBehaviour) {
  // The libFuzzer finding (toml_screen.hpp): toml++ 3.3.0 reached __builtin_unreachable here.
  const auto p = write("ub.toml", "[protocol.tap]\nkind = \"impulse\"\nforce_n = 0.5\xC9\x8B\n");
  const auto r = run("validate " + quote(p.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_CONTAINS(r.err, p.string() + ":3:14");
  EXPECT_CONTAINS(r.err, "U+024B");
}

}  // namespace
