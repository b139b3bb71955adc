// SPDX-License-Identifier: MIT
#pragma once
/// @file Frames and series of one run on the grid k * frame_interval_s (docs/hdf5-schema.md "Frames"):
/// a step that crosses a frame time writes the frame interpolated linearly between the states at
/// its start and end, so frames fall on the same times whatever the step sizes; each batch of
/// frames is followed by one series row of the state reached.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fascia/io/run_writer.hpp"
#include "fascia/model/system.hpp"
#include "fascia/observe/cells.hpp"
#include "fascia/observe/frame_grid.hpp"
#include "fascia/observe/protocol_record.hpp"

namespace fascia {

class FrameRecorder {
public:
  /// Fills the protocol's columns of a series row (the energies are added here).
  using SeriesColumns = std::function<void(System&, Series&)>;

  /// Frames hold the tissue's nodes (System::num_tissue_nodes), never the apparatus.
  FrameRecorder(io::RunWriter& writer, const LatticeCells& cells, double interval, const System& sys,
                SeriesColumns columns);

  /// Writes every frame time the last step reached, then a series row if any; keeps this state
  /// when the next step may cross a frame time (`uniform_steps`: explicit steps, which are
  /// uniform, so twice the last step is a safe margin; implicit steps are few: always). False
  /// when the output refused a frame (failure() says why).
  bool after_step(System& sys, bool uniform_steps);
  /// Frames due at the current time (t = 0 before the first step).
  bool write_due(System& sys);
  /// The final state, unless it is the last grid frame already.
  void write_final(System& sys);

  /// Why the output refused a frame (a full disk, or HDF5 refused a write); empty while it did not.
  const std::string& failure() const { return failure_; }
  /// Wall time spent writing [s].
  double io_seconds() const { return io_seconds_; }
  /// Saves or restores where the frames are (a checkpoint, fascia/core/checkpoint.hpp): the frame
  /// times taken and the state kept to interpolate the next frame.
  void resume_state(CheckpointIO& io);

private:
  io::RunWriter& writer_;
  const LatticeCells& cells_;
  SeriesColumns columns_;
  FrameGrid grid_;
  std::vector<double> displacement_, velocity_, prev_positions_, prev_velocities_, interpolated_;
  double prev_time_ = 0.0, last_step_time_ = 0.0;
  std::optional<double> last_frame_time_;
  std::string failure_;
  double io_seconds_ = 0.0;

  void write_frame_now(System& sys, double t, double alpha);
  bool write_frame(System& sys, double t, double alpha);
  void write_series(System& sys);
};

}  // namespace fascia
