// SPDX-License-Identifier: MIT
#pragma once
/// @file `fascia view RUN.h5 [B.h5] [--run NAME]... -o PAGE.html` (docs/view.md).
#include <CLI/CLI.hpp>
#include <memory>

namespace fascia::cli {

/// The `view` subcommand: registered on the app, run when parsed.
class ViewCommand {
public:
  explicit ViewCommand(CLI::App& app);
  bool parsed() const;
  /// Writes the page and prints its size; returns the exit code. Bad input throws InputError.
  int run() const;

private:
  struct Options;
  std::shared_ptr<Options> options_;
  CLI::App* command_ = nullptr;
};

}  // namespace fascia::cli
