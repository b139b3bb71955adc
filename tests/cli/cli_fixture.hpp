// SPDX-License-Identifier: MIT
#pragma once
/// @file Test fixture running the `fascia` binary in a per-test temporary folder.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#ifndef FASCIA_CLI_PATH
#define FASCIA_CLI_PATH "fascia"
#endif
#ifndef FASCIA_EXAMPLES_DIR
#define FASCIA_EXAMPLES_DIR "examples"
#endif

namespace fascia_cli_test {

namespace fs = std::filesystem;

struct CliResult {
  int code = -1;
  std::string out, err;
};

inline std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class Cli : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("fascia_test_cli_" + std::string(info->name()) + "_" +
                                        std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// Runs `fascia ARGS` (ARGS already shell-quoted) with stdout and stderr captured separately.
  CliResult run(const std::string& args) const { return run_shell(quote(FASCIA_CLI_PATH) + " " + args); }

  /// Runs a shell command line (bash) with stdout and stderr captured separately.
  CliResult run_shell(const std::string& command) const {
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string cmd = "bash -c " + quote(command) + " </dev/null >" + quote(out.string()) + " 2>" +
                            quote(err.string());
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_all(out);
    r.err = read_all(err);
    return r;
  }

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

public:
  static int lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += (c == '\n');
    if (!s.empty() && s.back() != '\n') ++n;
    return n;
  }

protected:
  fs::path dir_;
};

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "text: " << (haystack)

}  // namespace fascia_cli_test
