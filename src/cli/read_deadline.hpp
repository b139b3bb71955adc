// SPDX-License-Identifier: MIT
#pragma once
/// @file A deadline for commands that only read a file (`fascia info`).
///
/// A damaged file can make libhdf5 1.10.8 loop for ever: reading a variable-length string goes
/// through the global heap, whose parser does not terminate on some corrupted heap collections
/// (found by fuzz/fuzz_output_file; docs/testing.md "Findings"). Nothing can be cleaned up from
/// inside that loop, and a command that only reads has nothing to clean up: when the deadline
/// passes, the alarm handler writes one prepared line and ends the process (exit 2, bad input).
/// The deadline is FASCIA_READ_DEADLINE_S seconds (default 60: reading a summary takes well under a
/// second even for files of many gigabytes, which it reads only the metadata of).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

namespace fascia::cli {

inline char g_deadline_message[1024];
inline std::size_t g_deadline_length = 0;

inline void deadline_passed(int) {
  (void)!::write(STDERR_FILENO, g_deadline_message, g_deadline_length);
  ::_exit(2);
}

class ReadDeadline {
public:
  explicit ReadDeadline(const std::string& path) {
    unsigned seconds = 60;
    if (const char* s = std::getenv("FASCIA_READ_DEADLINE_S"); s && std::atoi(s) > 0) seconds = unsigned(std::atoi(s));
    const std::string shown = path.size() > 200 ? path.substr(0, 200) + "..." : path;
    const std::string line = "fascia: error: " + shown + ": reading it did not finish in " + std::to_string(seconds) +
                             " s: a damaged HDF5 file (libhdf5 loops on some); the file was not changed\n";
    g_deadline_length = std::min(line.size(), sizeof g_deadline_message);
    std::memcpy(g_deadline_message, line.data(), g_deadline_length);
    struct sigaction sa {};
    sa.sa_handler = deadline_passed;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGALRM, &sa, &previous_);
    ::alarm(seconds);
  }
  ~ReadDeadline() {
    ::alarm(0);
    ::sigaction(SIGALRM, &previous_, nullptr);
  }
  ReadDeadline(const ReadDeadline&) = delete;
  ReadDeadline& operator=(const ReadDeadline&) = delete;

private:
  struct sigaction previous_ {};
};

}  // namespace fascia::cli
