// SPDX-License-Identifier: MIT
#pragma once
/// @file SIGTERM, SIGINT and SIGHUP end a run at a consistent point (docs/cli.md, "Signals").
///
/// The handler only records the signal (async-signal-safe); the run polls it between two steps,
/// writes a checkpoint of the state it reached (`--resume` continues it), sets status "interrupted", closes the file and
/// writes the XDMF sidecar; the CLI exits 128 + the signal number, as a shell reports a process the
/// signal killed. The handler is installed with SA_RESETHAND: a second signal kills at once.
#include <signal.h>

#include <string>

namespace fascia::cli {

inline volatile sig_atomic_t g_stop_signal = 0;

inline void record_stop_signal(int signo) { g_stop_signal = signo; }

inline void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = record_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
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
