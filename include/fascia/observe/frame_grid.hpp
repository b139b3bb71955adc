// SPDX-License-Identifier: MIT
#pragma once
/// @file FrameGrid: frames at exactly t_k = k * frame_interval_s (docs/hdf5-schema.md "Frame times").
///
/// Why: a run's time steps depend on its material (the stable explicit step scales with the wave
/// speed) and on the adaptive implicit step, so frames written "at the first step past the next frame
/// time" fall at different times in every run of a sweep. On a fixed grid, frame k is the same time
/// in every run with the same interval; the state at t_k is interpolated linearly between the two
/// steps around it (exact when a step ends on t_k).
#include <cstddef>
#include <cstdio>
#include <cstdlib>

#include "fascia/core/checkpoint.hpp"

namespace fascia {

class FrameGrid {
public:
  explicit FrameGrid(double interval) : interval_(interval), tolerance_(1e-9 * interval) {}

  /// Time of the next frame, k * interval rounded to 15 significant digits (so 5 x 2e-6 is the
  /// double nearest 1e-05, as a user types it, not 9.999999999999999e-06; the same in every run).
  double next() const {
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", double(k_) * interval_);
    return std::strtod(text, nullptr);
  }
  /// True when a step that ended at `t` reached the next frame time (within 1e-9 of an interval,
  /// so that round-off in the accumulated step times neither skips nor repeats a frame).
  bool due(double t) const { return t >= next() - tolerance_; }
  /// Returns the next frame time and moves to the one after.
  double take() {
    const double t = next();
    ++k_;
    return t;
  }
  /// True when `a` and `b` are the same frame time (within the tolerance).
  bool same_time(double a, double b) const { return a - b <= tolerance_ && b - a <= tolerance_; }
  /// Saves or restores how many frame times were taken (a checkpoint).
  void resume_state(CheckpointIO& io) { io("frames.taken", k_); }

private:
  double interval_, tolerance_;
  std::size_t k_ = 0;
};

}  // namespace fascia
