// SPDX-License-Identifier: MIT
#pragma once
/// @file SIGTERM, SIGINT and SIGHUP end a run at a consistent point (docs/cli.md, "Signals").
///
/// The handler only records the signal (async-signal-safe); the run polls it between two steps,
/// writes a checkpoint of the state it reached (`--resume` continues it), sets status "interrupted", closes the file and
/// writes the XDMF sidecar; the CLI exits 128 + the signal number, as a shell reports a process the
/// signal killed. A second signal a second or more after the first kills at once (Ctrl-C twice);
/// one within that second is the same request: coreutils `timeout` signals the command and then its
/// whole process group, so the command receives the signal twice in a row, and a run stopped by
/// `timeout` must still stop cleanly.
#include <signal.h>
#include <time.h>

#include <string>

namespace fascia::cli {

inline volatile sig_atomic_t g_stop_signal = 0;
inline timespec g_first_stop_signal{};  ///< when g_stop_signal was set (written by the handler only)

/// Async-signal-safe: clock_gettime, signal and raise only (POSIX.1-2008, signal-safety(7)).
inline void record_stop_signal(int signo) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (g_stop_signal == 0) {
    g_first_stop_signal = now;
    g_stop_signal = signo;
    return;
  }
  const double since = double(now.tv_sec - g_first_stop_signal.tv_sec) + 1e-9 * double(now.tv_nsec - g_first_stop_signal.tv_nsec);
  if (since < 1.0) return;
  signal(signo, SIG_DFL);  // delivered when the handler returns (signo is blocked while it runs)
  raise(signo);
}

inline void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = record_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&sa.sa_mask, s);  // one handler at a time
  sa.sa_flags = 0;
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaction(s, &sa, nullptr);
}

/// Name of the signal received ("SIGTERM"), or empty while none was.
inline std::string stop_signal_name() {
  switch (g_stop_signal) {
    case 0: return "";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    default: return "signal " + std::to_string(int(g_stop_signal));
  }
}

}  // namespace fascia::cli
