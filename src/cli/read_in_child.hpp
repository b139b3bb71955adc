// SPDX-License-Identifier: MIT
#pragma once
/// @file Reading a file in a child process, so that libhdf5 failing on a damaged file costs one line.
///
/// libhdf5 1.10.8 on some damaged files loops for ever, reads out of bounds (SIGSEGV) or asks for
/// gigabytes, all while reading a variable-length string (found by fuzz/fuzz_output_file;
/// docs/testing.md "Findings"). Nothing can be cleaned up from inside libhdf5, and a command that
/// only reads has nothing to clean up: `fascia info` forks before libhdf5 is touched, the child
/// reads and prints as usual, and the parent reports its exit status, or one line when a signal
/// ended it (exit 2) or it passed the deadline (killed; exit 2). `run --resume`, `compare --resume`
/// and `view` first let a child read the file's summary (probe_in_child) and stop the same way; the
/// resume's probe also reads the checkpoints, and `view` then makes its page in a child
/// (finish_in_child), so a crash on frame data is one line too. The deadline is
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

namespace detail {

/// Waits for `child` (reading `path`) until FASCIA_READ_DEADLINE_S (or for as long as it takes, when
/// not `with_deadline`); returns its exit code, or 2 after printing one line when a signal ended it
/// or it passed the deadline (then it is killed).
inline int wait_for_reader(pid_t child, const std::string& path, bool with_deadline = true) {
  int seconds = 60;
  if (const char* s = std::getenv("FASCIA_READ_DEADLINE_S"); s && std::atoi(s) > 0) seconds = std::atoi(s);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  std::string failure;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0) return 1;
    if (with_deadline && std::chrono::steady_clock::now() > deadline) {
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

inline pid_t fork_flushed() {
  std::cout.flush();
  std::fflush(nullptr);
  return ::fork();
}

}  // namespace detail

/// The whole command in a child (`fascia info`). In the child (or where no child can be made):
/// nullopt, go on reading. In the parent: the exit code the command ends with.
inline std::optional<int> read_in_child(const std::string& path) {
  const pid_t child = detail::fork_flushed();
  if (child <= 0) return std::nullopt;
  return detail::wait_for_reader(child, path);
}

/// The rest of a command that only reads files and writes its own output (`view`, after its probes)
/// in a child without a deadline: the probes have read the metadata that makes libhdf5 loop, and the
/// data read now (a run's frames) can take minutes on a large file, but a crash there still ends the
/// command with one line (exit 2); `after_crash` then removes what the child left half written. In
/// the child (or where no child can be made): nullopt, go on. In the parent: the exit code.
template <class AfterCrash>
std::optional<int> finish_in_child(const std::string& path, AfterCrash after_crash) {
  const pid_t child = detail::fork_flushed();
  if (child <= 0) return std::nullopt;
  const int code = detail::wait_for_reader(child, path, /*with_deadline=*/false);
  if (code == 2) after_crash();  // also after the child's own one-line error: nothing was left then
  return code;
}

/// A probe before a command that reads `path` in-process and goes on to write (`run --resume`, the
/// resume's own reads are those of `read`) or to read for longer than a deadline allows (`view`):
/// a child does `read` and exits. nullopt: go on (the child read it, or its error is one the command
/// meets again and reports itself, or no child could be made). Otherwise the exit code (2), the
/// line printed.
template <class Read>
std::optional<int> probe_in_child(const std::string& path, Read read) {
  const pid_t child = detail::fork_flushed();
  if (child < 0) return std::nullopt;
  if (child == 0) {
    try {
      read();
    } catch (...) {  // an error the parent meets again, in-process, and reports as usual
    }
    std::_Exit(0);  // no exit handlers: libhdf5's would run in a copy of the parent's state
  }
  const int code = detail::wait_for_reader(child, path);
  return code == 0 ? std::nullopt : std::optional<int>(code);
}

}  // namespace fascia::cli
