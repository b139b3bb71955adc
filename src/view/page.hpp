// SPDX-License-Identifier: MIT
#pragma once
/// @file `fascia view`: one self-contained HTML page (three.js inlined) that plays one or two runs
/// in 3-D on one shared clock (docs/view.md).
#include <cstddef>
#include <string>
#include <vector>

#include "view/run_reader.hpp"

namespace fascia::view {

struct ViewOptions {
  std::size_t max_frames = 200;  ///< frames per run in the page (evenly thinned, first and last kept)
  std::string title;             ///< page title; empty = from the runs
};

struct PageSummary {
  std::string path;
  std::size_t bytes = 0;          ///< size of the page written
  std::size_t data_bytes = 0;     ///< of which the runs' encoded data
  std::vector<std::string> panels;  ///< "FILE:RUN, F frames, N surface nodes" per panel
};

/// Two runs share a clock when their time spans differ by at most this factor (otherwise one
/// would sit still for most of the playback).
constexpr double kMaxClockRatio = 10.0;

/// Checks that the runs can be played on one clock; throws fascia::InputError (key "runs").
void check_shared_clock(const std::vector<RunRef>& refs, const std::vector<RunSpan>& spans);

/// Where write_view_page writes the page before renaming it to `out` (a sibling of `out`).
std::string partial_page_path(const std::string& out);

/// Writes the page (through partial_page_path, renamed to `out` when complete). Bad input (files, runs, clocks, output path) throws fascia::InputError with
/// one line, before anything is written.
PageSummary write_view_page(const std::vector<RunRef>& runs, const std::string& out, const ViewOptions& options);

}  // namespace fascia::view
