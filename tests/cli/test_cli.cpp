// SPDX-License-Identifier: MIT
// The `fascia` binary: exit codes and one-line error messages for bad input. Running simulations
// is tested elsewhere; here only `validate`, `info`, `--version` and bad-input cases of `run`.
#include "cli/cli_fixture.hpp"
#include "fascia/version.hpp"

namespace {

using namespace fascia_cli_test;

TEST_F(Cli, VersionExitsZero) {
  const auto r = run("--version");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, FASCIA_VERSION);
  EXPECT_CONTAINS(r.out, FASCIA_GIT_REVISION);
}

TEST_F(Cli, HelpExitsZero) {
  const auto r = run("--help");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "validate");
}

TEST_F(Cli, ValidateEachExample) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(FASCIA_EXAMPLES_DIR) / "scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    const auto r = run("validate " + quote(entry.path().string()));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("ok", 0), 0u) << r.out;
    // The summary, the model's size, then one line per protocol (ValidateSaysWhatEachRunWillIntegrate).
    EXPECT_GE(lines(r.out), 3) << r.out;
    EXPECT_CONTAINS(r.out, "\n  model: ");
    EXPECT_TRUE(r.err.empty()) << r.err;
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST_F(Cli, ValidateSaysWhatEachRunWillIntegrate) {
  // A 2 x 1 x 0.5 mm sample at 0.25 mm: a 9 x 5 x 3 grid of nodes. Its uniaxial test: a ramp of
  // 0.01 / (1000 /s) = 1e-5 s, a 2e-5 s hold and a 1e-5 s release.
  const std::string sample =
      "[geometry]\nkind = \"sample\"\nsample_tissue = \"muscle\"\nsize_mm = [2.0, 1.0]\n"
      "sample_thickness_mm = 0.5\nspacing_mm = 0.25\n"
      "[protocol.pull]\nkind = \"uniaxial\"\nmax_strain = 0.01\nstrain_rate_per_s = 1000.0\nhold_s = 2e-5\n"
      "release_s = 1e-5\n";
  // Explicit with a fixed step: each phase in equal steps of at most dt_s that end on its end,
  // 100 + 200 + 100 of 1e-7 s.
  const auto r = run("validate " + quote(write("explicit.toml", sample + "[solver]\nintegrator = \"explicit\"\n"
                                                                           "dt_s = 1e-7\n").string()));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "\n  model: 135 nodes\n");
  EXPECT_CONTAINS(r.out, "\n  pull: explicit 4e-05 s in 400 steps of at most 1e-07 s\n");
  // A material test's phases are slow: "auto" integrates them implicitly, in adaptive steps.
  const auto a = run("validate " + quote(write("auto.toml", sample).string()));
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_CONTAINS(a.out, "\n  pull: implicit 4e-05 s (adaptive steps)\n");
  EXPECT_EQ(lines(a.out), 3) << a.out;
}

TEST_F(Cli, BadScenarioIsExitTwoWithOneLineNamingTheKey) {
  const auto p = write("bad.toml",
                       "[protocol.active]\nkind = \"compression_active_shear\"\nfrequency_hz = -1\n");
  const auto r = run("validate " + quote(p.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("fascia: error: ", 0), 0u) << r.err;
  EXPECT_CONTAINS(r.err, "protocol.active.frequency_hz");
  EXPECT_CONTAINS(r.err, "-1");
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(Cli, UnknownKeyIsExitTwo) {
  const auto p = write("typo.toml", "[geometry]\nspacing = 0.5\n[protocol.tap]\nkind = \"impulse\"\n");
  const auto r = run("validate " + quote(p.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_CONTAINS(r.err, "geometry.spacing");
}

TEST_F(Cli, SyntaxErrorIsExitTwo) {
  const auto p = write("syntax.toml", "[tissue\nwater = 0.7\n");
  const auto r = run("validate " + quote(p.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_CONTAINS(r.err, p.string() + ":1:");
}

TEST_F(Cli, MissingFileIsExitTwo) {
  const std::string missing = (dir_ / "no_such_scenario.toml").string();
  for (const std::string cmd : {"validate", "run", "compare"}) {
    SCOPED_TRACE(cmd);
    const auto r = run(cmd + " " + quote(missing));
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_CONTAINS(r.err, missing);
  }
}

TEST_F(Cli, RunWithBadInputIsExitTwoAndWritesNothing) {
  const fs::path out = dir_ / "out.h5";
  const auto p = write("bad_run.toml", "[material]\nfiber_modulus_mpa = -1\n[protocol.tap]\nkind = \"impulse\"\n");
  const auto r = run("--quiet run " + quote(p.string()) + " -o " + quote(out.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_CONTAINS(r.err, "material.fiber_modulus_mpa");
  EXPECT_FALSE(fs::exists(out));

  const auto example = fs::path(FASCIA_EXAMPLES_DIR) / "scenarios" / "ripple_sheet.toml";
  const auto r2 = run("run " + quote(example.string()) + " --only nosuchrun -o " + quote(out.string()));
  EXPECT_EQ(r2.code, 2);
  EXPECT_EQ(lines(r2.err), 1) << r2.err;
  EXPECT_CONTAINS(r2.err, "nosuchrun");
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Cli, InfoOnNonHdf5FileIsExitTwoNamingThePath) {
  const auto p = write("not_hdf5.h5", "this is not an HDF5 file\n");
  const auto r = run("info " + quote(p.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_CONTAINS(r.err, p.string());

  const std::string missing = (dir_ / "missing.h5").string();
  const auto r2 = run("info " + quote(missing));
  EXPECT_EQ(r2.code, 2);
  EXPECT_CONTAINS(r2.err, missing);
}

// Files found by fuzz_output_file on which libhdf5 1.10.8 loops for ever or dies with SIGSEGV
// (src/cli/read_in_child.hpp): `info` ends with exit 2 and one line saying so. Under the sanitizers
// the child's crash report comes first: there only the last line is checked.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

std::string last_line(const std::string& s) {
  const auto end = s.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  const auto start = s.rfind('\n', end);
  return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

TEST_F(Cli, ReadingFilesThatMakeLibhdf5LoopOrCrashIsOneLine) {
  const auto scenario = write("any.toml", "[geometry]\nkind = \"slab\"\n[protocol.tap]\nkind = \"impulse\"\n");
  for (const auto& [name, says] : {std::pair{"libhdf5_loops", "did not finish in 2 s"},
                                   std::pair{"libhdf5_segfaults", "crashed libhdf5 (signal"}}) {
    const fs::path file = dir_ / (std::string(name) + ".h5");
    ASSERT_EQ(run_shell("gzip -dc " + quote(std::string(FASCIA_TEST_DATA_DIR) + "/" + name + ".h5.gz") + " >" +
                        quote(file.string())).code, 0);
    const std::string before = read_all(file);
    // info reads in a child; run/compare --resume and view let a child read the summary first.
    for (const std::string& command : {"info " + quote(file.string()),
                                      "run " + quote(scenario.string()) + " -o " + quote(file.string()) + " --resume",
                                      "compare " + quote(scenario.string()) + " -o " + quote(file.string()) + " --resume",
                                      "view " + quote(file.string()) + " -o " + quote((dir_ / "page.html").string())}) {
      SCOPED_TRACE(std::string(name) + ": " + command);
      const auto r = run_shell("FASCIA_READ_DEADLINE_S=2 " + quote(FASCIA_CLI_PATH) + " " + command);
      EXPECT_EQ(r.code, 2) << r.err;
      if (!kSanitized) {
        EXPECT_EQ(lines(r.err), 1) << r.err;
      }
      EXPECT_CONTAINS(last_line(r.err), says);
      EXPECT_CONTAINS(last_line(r.err), file.string());
      EXPECT_TRUE(read_all(file) == before) << "the damaged file was changed";
    }
  }
}

// A file whose summary reads (info: exit 0) but on which libhdf5 crashes while `view` reads the
// model's attributes for its page (one byte of an attribute's name length; docs/testing.md): the page
// is made in a child, so the crash is one line and exit 2, and an earlier page of that name stays.
TEST_F(Cli, ViewingAFileThatCrashesLibhdf5PastItsSummaryIsOneLine) {
  const fs::path file = dir_ / "damaged_model.h5";
  ASSERT_EQ(run_shell("gzip -dc " + quote(std::string(FASCIA_TEST_DATA_DIR) + "/libhdf5_segfaults_in_view.h5.gz") +
                      " >" + quote(file.string())).code, 0);
  ASSERT_EQ(run("info " + quote(file.string())).code, 0) << "the premise: the summary reads";
  const fs::path page = write("page.html", "an earlier page\n");
  const std::string before = read_all(file);
  const auto r = run_shell("FASCIA_READ_DEADLINE_S=20 " + quote(FASCIA_CLI_PATH) + " view " + quote(file.string()) +
                           " -o " + quote(page.string()));
  EXPECT_EQ(r.code, 2) << r.err;
  if (!kSanitized) {
    EXPECT_EQ(lines(r.err), 1) << r.err;
  }
  EXPECT_CONTAINS(last_line(r.err), "crashed libhdf5 (signal");
  EXPECT_CONTAINS(last_line(r.err), file.string());
  EXPECT_EQ(read_all(page), "an earlier page\n");
  EXPECT_FALSE(fs::exists(page.string() + ".partial"));
  EXPECT_TRUE(read_all(file) == before) << "the damaged file was changed";
}

TEST_F(Cli, UsageErrorsAreExitTwo) {
  for (const std::string args : {"", "frobnicate", "validate", "--threads -1 validate x.toml",
                                 "--threads many validate x.toml", "run --nonsense x.toml"}) {
    SCOPED_TRACE(args);
    const auto r = run(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("fascia: error: ", 0), 0u) << r.err;
  }
}

}  // namespace
