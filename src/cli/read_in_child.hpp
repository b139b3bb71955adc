// SPDX-License-Identifier: MIT
#pragma once
/// @file Reading a file in a child process, so that libhdf5 failing on a damaged file costs one line.
///
/// libhdf5 1.10.8 on some damaged files loops for ever, reads out of bounds (SIGSEGV) or asks for
/// gigabytes, all while reading a variable-length string (found by fuzz/fuzz_output_file;
/// docs/testing.md "Findings"). Nothing can be cleaned up from inside libhdf5, and a command that
/// only reads has nothing to clean up: `fascia info` forks before libhdf5 is touched, the child
/// reads and prints as usual, and the parent reports its exit status, or one line when a signal
/// ended it (exit 2) or it passed the deadline (killed; exit 2). The deadline is
/// FASCIA_READ_DEADLINE_S seconds (default 60: a summary of an intact file of many gigabytes takes
/// well under a second, it reads only the metadata).
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

namespace fascia::cli {

/// In the child (or where no child can be made): nullopt, go on reading. In the parent: the exit
/// code the command ends with.
inline std::optional<int> read_in_child(const std::string& path) {
  int seconds = 60;
  if (const char* s = std::getenv("FASCIA_READ_DEADLINE_S"); s && std::atoi(s) > 0) seconds = std::atoi(s);
  std::cout.flush();
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child <= 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  std::string failure;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0) return 1;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      failure = "reading it did not finish in " + std::to_string(seconds) + " s";
      break;
    }
    const timespec pause{0, 10'000'000};  // 10 ms
    ::nanosleep(&pause, nullptr);
  }
  if (failure.empty() && WIFSIGNALED(status))
    failure = "reading it crashed libhdf5 (signal " + std::to_string(WTERMSIG(status)) + ")";
  if (failure.empty()) return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  const std::string shown = path.size() > 200 ? path.substr(0, 200) + "..." : path;
  std::cerr << "fascia: error: " << shown << ": " << failure
            << ": a damaged HDF5 file (libhdf5 fails on some); the file was not changed" << std::endl;
  return 2;
}

}  // namespace fascia::cli
