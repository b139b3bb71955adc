// SPDX-License-Identifier: MIT
// SIGTERM, SIGINT and SIGHUP stop a run within seconds at a consistent point (src/cli/stop_signals.hpp):
// exit 128 + N, one line saying so, status "interrupted" with a message, every counted frame whole,
// the file closed (a plain open and `fascia info` read it) and the XDMF sidecar written.
#include <csignal>
#include <regex>

#include "cli/cli_fixture.hpp"
#include "fascia/io/run_writer.hpp"

namespace {

using namespace fascia_cli_test;

TEST_F(Cli, SignalsStopARunCleanly) {
  // ripple_sheet made 100x longer: minutes of work, so the signal always lands mid-run.
  std::string text = read_all(fs::path(FASCIA_EXAMPLES_DIR) / "scenarios" / "ripple_sheet.toml");
  text = std::regex_replace(text, std::regex("end_s = 6e-5"), "end_s = 6e-3");
  const auto scenario = write("long.toml", text);
  for (const auto& [name, signo] : {std::pair{"TERM", SIGTERM}, std::pair{"INT", SIGINT}, std::pair{"HUP", SIGHUP}}) {
    SCOPED_TRACE(name);
    const fs::path out = dir_ / (std::string(name) + ".h5");
    const fs::path err = dir_ / (std::string(name) + ".err");
    // The run starts, writes frames for a second, gets the signal; `wait` reports its exit status and
    // SECONDS how long it took to stop.
    const auto r = run_shell(quote(FASCIA_CLI_PATH) + " --quiet run " + quote(scenario.string()) + " -o " +
                             quote(out.string()) + " >/dev/null 2>" + quote(err.string()) +
                             " & pid=$!; sleep 1.5; kill -" + name + " $pid; SECONDS=0; wait $pid; echo \"$? $SECONDS\"");
    int code = -1, seconds = -1;
    std::istringstream(r.out) >> code >> seconds;
    EXPECT_EQ(code, 128 + signo) << r.out;
    EXPECT_LE(seconds, 5) << "took " << seconds << " s to stop";
    const std::string message = read_all(err);
    EXPECT_EQ(lines(message), 1) << message;
    EXPECT_CONTAINS(message, std::string("interrupted by SIG") + name);

    const auto summary = fascia::io::read_summary(out.string());
    ASSERT_EQ(summary.runs.size(), 1u);
    EXPECT_EQ(summary.runs[0].status, "interrupted");
    EXPECT_CONTAINS(summary.runs[0].message, std::string("SIG") + name);
    EXPECT_GE(summary.runs[0].frames, 2u);  // the first frame and the state it stopped in
    EXPECT_LT(summary.runs[0].last_time, 6e-3);
    EXPECT_TRUE(fs::exists(fs::path(out).replace_extension(".xdmf")));
  }
}

}  // namespace
