// SPDX-License-Identifier: MIT
// SIGTERM, SIGINT and SIGHUP stop a run within seconds at a consistent point (src/cli/stop_signals.hpp):
// exit 128 + N, one line saying so, status "interrupted" with a message, every counted frame whole,
// the file closed (a plain open and `fascia info` read it) and the XDMF sidecar written.
#include <csignal>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_fixture.hpp"
#include "fascia/io/run_writer.hpp"

namespace {

using namespace fascia_cli_test;

/// What a terminal showed of the run's stderr, less the progress line: the pieces between carriage
/// returns and newlines that are neither blank nor a progress update ("tap: ripple   1.8%").
std::vector<std::string> messages_besides_progress(const std::string& tty) {
  static const std::regex progress(R"(^\S+: \S+ +[0-9.]+%$)");
  std::vector<std::string> out;
  std::string piece;
  std::istringstream in(std::regex_replace(tty, std::regex("\r"), "\n"));
  while (std::getline(in, piece)) {
    piece = std::regex_replace(piece, std::regex(R"(^\s+|\s+$)"), "");
    if (!piece.empty() && !std::regex_match(piece, progress)) out.push_back(piece);
  }
  return out;
}

TEST_F(Cli, SignalsStopARunCleanly) {
  // ripple_sheet made 100x longer: minutes of work, so the signal always lands mid-run.
  std::string text = read_all(fs::path(FASCIA_EXAMPLES_DIR) / "scenarios" / "ripple_sheet.toml");
  text = std::regex_replace(text, std::regex("end_s = 6e-5"), "end_s = 6e-3");
  const auto scenario = write("long.toml", text);
  for (const auto& [name, signo] : {std::pair{"TERM", SIGTERM}, std::pair{"INT", SIGINT}, std::pair{"HUP", SIGHUP}}) {
    SCOPED_TRACE(name);
    const fs::path out = dir_ / (std::string(name) + ".h5");
    const fs::path tty = dir_ / (std::string(name) + ".tty");
    const fs::path pid = dir_ / (std::string(name) + ".pid");
    // The signal must land after the run wrote its first frame, however busy the machine: the run's
    // stderr is a terminal (util-linux `script`), so it prints its progress line, which it first
    // does after its first steps (src/scenario_run.cpp, after_step), and the signal is sent when that
    // line appears (180 s at most: under the sanitizers on a busy machine a run takes tens of seconds
    // to get there). `wait` reports the exit status and SECONDS how long it took to stop.
    const std::string cli = "echo $$ >" + quote(pid.string()) + "; exec " + quote(FASCIA_CLI_PATH) + " run " +
                            quote(scenario.string()) + " -o " + quote(out.string()) + " 2>&1 >/dev/null";
    const auto r = run_shell("script -qfec " + quote(cli) + " /dev/null >" + quote(tty.string()) +
                             " & job=$!; started=0; for i in $(seq 1800); do grep -q '%' " + quote(tty.string()) +
                             " && started=1 && break; sleep 0.1; done; kill -" + name + " $(cat " +
                             quote(pid.string()) + "); SECONDS=0; wait $job; echo \"$? $SECONDS $started\"");
    int code = -1, seconds = -1, started = 0;
    std::istringstream(r.out) >> code >> seconds >> started;
    ASSERT_EQ(started, 1) << "no progress line within 180 s: " << read_all(tty) << r.err;
    EXPECT_EQ(code, 128 + signo) << r.out << r.err;
    EXPECT_LE(seconds, 5) << "took " << seconds << " s to stop";
    const auto messages = messages_besides_progress(read_all(tty));
    ASSERT_EQ(messages.size(), 1u) << read_all(tty);
    EXPECT_CONTAINS(messages[0], std::string("fascia: error: tap: interrupted by SIG") + name);

    const auto summary = fascia::io::read_summary(out.string());
    ASSERT_EQ(summary.runs.size(), 1u);
    EXPECT_EQ(summary.runs[0].status, "interrupted");
    EXPECT_CONTAINS(summary.runs[0].message, std::string("SIG") + name);
    EXPECT_GE(summary.runs[0].frames, 2u);  // the first frame and the state it stopped in
    EXPECT_LT(summary.runs[0].last_time, 6e-3);
    EXPECT_TRUE(fs::exists(fs::path(out).replace_extension(".xdmf")));
  }
}

TEST_F(Cli, ASignalSentTwiceInARowIsOneRequest) {
  // coreutils `timeout` signals the command and then its process group: the run gets SIGTERM twice
  // within microseconds. That must stop it cleanly (status "interrupted", a checkpoint), not kill it
  // as a second request would (status "incomplete"). Two kills back to back from the shell give the
  // same pair; measured with the previous handler (SA_RESETHAND): "incomplete" 3 times in 3.
  std::string text = read_all(fs::path(FASCIA_EXAMPLES_DIR) / "scenarios" / "ripple_sheet.toml");
  text = std::regex_replace(text, std::regex("end_s = 6e-5"), "end_s = 6e-3");
  const auto scenario = write("long.toml", text);
  const fs::path out = dir_ / "twice.h5", tty = dir_ / "twice.tty", pid = dir_ / "twice.pid";
  const std::string cli = "echo $$ >" + quote(pid.string()) + "; exec " + quote(FASCIA_CLI_PATH) + " run " +
                          quote(scenario.string()) + " -o " + quote(out.string()) + " 2>&1 >/dev/null";
  // As SignalsStopARunCleanly: the signals are sent once the progress line shows the run under way.
  const auto r = run_shell("script -qfec " + quote(cli) + " /dev/null >" + quote(tty.string()) +
                           " & job=$!; started=0; for i in $(seq 1800); do grep -q '%' " + quote(tty.string()) +
                           " && started=1 && break; sleep 0.1; done; p=$(cat " + quote(pid.string()) +
                           "); kill -TERM $p; kill -TERM $p; wait $job; echo \"$? $started\"");
  int code = -1, started = 0;
  std::istringstream(r.out) >> code >> started;
  ASSERT_EQ(started, 1) << "no progress line within 180 s: " << read_all(tty) << r.err;
  EXPECT_EQ(code, 128 + SIGTERM) << r.out << r.err;
  const auto summary = fascia::io::read_summary(out.string());
  ASSERT_EQ(summary.runs.size(), 1u);
  EXPECT_EQ(summary.runs[0].status, "interrupted") << read_all(tty);
  EXPECT_CONTAINS(summary.runs[0].message, "SIGTERM");
}

}  // namespace
