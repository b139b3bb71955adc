// SPDX-License-Identifier: MIT
#include "run/frame_recorder.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "fascia/core/error.hpp"
#include "fascia/solve/assembly.hpp"

namespace fascia {
namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
}  // namespace

FrameRecorder::FrameRecorder(io::RunWriter& writer, const LatticeCells& cells, double interval, const System& sys,
                             SeriesColumns columns)
    : writer_(writer), cells_(cells), columns_(std::move(columns)), grid_(interval),
      displacement_(3 * sys.num_tissue_nodes()), velocity_(3 * sys.num_tissue_nodes()), prev_positions_(sys.positions),
      prev_velocities_(sys.velocities), prev_time_(sys.time), last_step_time_(sys.time) {}

// One frame at time t of the state prev + alpha (current - prev); alpha = 1 is the current state.
void FrameRecorder::write_frame_now(System& sys, double t, double alpha) {
  const auto t0 = Clock::now();
  const bool exact = alpha >= 1.0;
  if (!exact) {
    interpolated_.resize(sys.positions.size());
    for (std::size_t d = 0; d < interpolated_.size(); ++d)
      interpolated_[d] = prev_positions_[d] + alpha * (sys.positions[d] - prev_positions_[d]);
    std::swap(sys.positions, interpolated_);  // fields below see the interpolated positions
  }
  for (std::size_t d = 0; d < displacement_.size(); ++d) {
    displacement_[d] = sys.positions[d] - sys.rest_positions[d];
    velocity_[d] = exact ? sys.velocities[d] : prev_velocities_[d] + alpha * (sys.velocities[d] - prev_velocities_[d]);
  }
  auto fields = node_fields(sys);
  add_damage_field(sys, fields);
  writer_.append_frame(t, displacement_, velocity_, fields, cell_fields(cells_, sys));
  if (!exact) std::swap(sys.positions, interpolated_);
  last_frame_time_ = t;
  io_seconds_ += seconds_since(t0);
}

// A full disk stops the run between frames (RunWriter checks before each): the file keeps every
// frame before, and the run ends "incomplete" saying why.
bool FrameRecorder::write_frame(System& sys, double t, double alpha) {
  if (!failure_.empty()) return false;  // the output refused the last one
  try {
    write_frame_now(sys, t, alpha);
  } catch (const std::runtime_error& e) {  // io::OutputFull, or a write HDF5 refused
    failure_ = "stopped at t = " + detail::to_text(t) + " s: " + e.what() +
               "; the file holds the frames before; free space and run again";
    return false;
  }
  return true;
}

void FrameRecorder::write_series(System& sys) {
  const auto t0 = Clock::now();
  Series row = {{"kinetic_energy_j", kinetic_energy(sys)},
                {"stored_energy_j", stored_energy(sys)},
                {"work_input_j", sys.work_input},
                {"dissipated_j", sys.dissipated}};
  columns_(sys, row);
  writer_.append_series(sys.time, row);
  io_seconds_ += seconds_since(t0);
}

bool FrameRecorder::write_due(System& sys) {
  bool any = false;
  while (grid_.due(sys.time)) {
    const double t = grid_.take();
    const double span = sys.time - prev_time_;
    const double alpha = grid_.same_time(t, sys.time) || span <= 0.0 ? 1.0 : std::clamp((t - prev_time_) / span, 0.0, 1.0);
    if (!write_frame(sys, t, alpha)) return false;
    any = true;
  }
  if (any) write_series(sys);
  return true;
}

bool FrameRecorder::after_step(System& sys, bool uniform_steps) {
  if (!write_due(sys)) return false;
  const double last_dt = sys.time - last_step_time_;
  last_step_time_ = sys.time;
  if (!uniform_steps || sys.time + 2.0 * last_dt >= grid_.next()) {
    prev_positions_ = sys.positions;
    prev_velocities_ = sys.velocities;
    prev_time_ = sys.time;
  }
  return true;
}

void FrameRecorder::resume_state(CheckpointIO& io) {
  grid_.resume_state(io);
  io("frames.prev_positions", prev_positions_);
  io("frames.prev_velocities", prev_velocities_);
  io("frames.prev_time", prev_time_);
  io("frames.last_step_time", last_step_time_);
  io("frames.last_frame_time", last_frame_time_);
}

void FrameRecorder::write_final(System& sys) {
  if (last_frame_time_ && grid_.same_time(*last_frame_time_, sys.time)) return;
  if (write_frame(sys, sys.time, 1.0)) write_series(sys);
}

}  // namespace fascia
