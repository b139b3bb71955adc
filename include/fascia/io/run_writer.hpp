// SPDX-License-Identifier: MIT
#pragma once
/// @file HDF5 output of runs (schema: docs/hdf5-schema.md). Declarations only: the HDF5 C API is
/// kept in src/io/ behind a pimpl so that no public header includes hdf5.h.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "fascia/core/checkpoint.hpp"

namespace fascia::io {

/// One element group of the model, as written to /model/elements/<name>.
struct ElementGroupData {
  std::string name;                 ///< e.g. "springs", "fibers", "tets"
  int nodes_per_element = 2;
  std::vector<std::int32_t> connectivity;  ///< n_elements x nodes_per_element, row-major
  std::map<std::string, std::vector<double>> parameters;  ///< per-element parameters, SI units
  /// UCUM unit of each parameter (written as its `units` attribute); a parameter not listed here
  /// takes the unit of its name's suffix (ucum_unit, fascia/io/units.hpp).
  std::map<std::string, std::string> parameter_units;
};

/// A block of cells of one type that viewers draw (the XDMF sidecar's mesh): any element group's
/// connectivity can be given here, in VTK/XDMF node order. Types: "hexahedron" (8 nodes),
/// "wedge" (6), "tetrahedron" (4), "quadrilateral" (4), "triangle" (3), "line" (2).
struct CellBlockData {
  std::string cell_type;
  std::vector<std::int32_t> connectivity;  ///< n_cells x nodes of the type, row-major
  std::vector<std::int32_t> layer_id;      ///< n_cells: the tissue layer of each cell (as node layer_id)
};

/// The model written once per file under /model.
struct ModelData {
  std::vector<double> rest_positions;  ///< n_nodes x 3 [m]
  std::vector<double> masses;          ///< n_nodes [kg]
  std::vector<std::int32_t> layer_id;  ///< n_nodes; 0 = muscle, 1.. = dense layers, -k = loose layer k
  std::vector<ElementGroupData> groups;
  /// Cells drawn by viewers, in this order (their per-frame cell fields follow the same order).
  std::vector<CellBlockData> cells;
  std::map<std::string, std::string> text_attributes;  ///< e.g. assumed-parameter notes
  std::map<std::string, double> number_attributes;     ///< e.g. calibrated moduli
};

/// Attributes of one run group /runs/<name>.
struct RunInfo {
  std::string name;      ///< protocol name (the NAME of [protocol.NAME])
  std::string protocol;  ///< protocol kind
  std::uint64_t seed = 0;
  int threads = 1;
  std::string scenario_text;
};

/// The output's file system has no room left for another frame (RunWriter::append_frame checks
/// before writing one, so the file stays readable up to the last frame and can still be closed).
class OutputFull : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A run found in a file opened to resume (RunWriter::stored_runs).
struct StoredRun {
  std::string status, message;
  bool has_checkpoint = false;  ///< can continue from where it stopped
  std::map<std::string, double> metrics;
};

/// Streams one file: model, then one or more runs with frames appended as they come.
/// Frames are flushed to disk as they are written, so a killed process leaves a readable file.
class RunWriter {
public:
  /// Creates (truncates) `path`, creating parent folders. Root attributes: fascia_version,
  /// git_revision, created (ISO 8601 UTC), units = "SI", scenario (TOML text).
  RunWriter(const std::string& path, const std::string& scenario_text);
  /// Opens `path` to continue its runs (`fascia run --resume`): the file is claimed as a new one
  /// would be, and left as it is until a run is continued or removed. Throws InputError naming the
  /// path (missing, not a fascia output) or "--resume" (written from another scenario text, or by
  /// another build: a run continues bit for bit only in the build that started it).
  struct Resume {};
  RunWriter(const std::string& path, const std::string& scenario_text, Resume);
  ~RunWriter();
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  void write_model(const ModelData& model);
  /// Opens /runs/<name> with status = "incomplete".
  void begin_run(const RunInfo& info);
  /// Appends one frame to the open run: time [s], displacement and velocity (n_nodes x 3 each),
  /// named per-node scalar fields (each n_nodes long) and per-cell scalar fields (one value per
  /// cell of ModelData::cells, in order). Field units follow their names (ucum_unit). Flushes.
  void append_frame(double time, std::span<const double> displacement,
                    std::span<const double> velocity,
                    const std::map<std::string, std::vector<double>>& node_fields = {},
                    const std::map<std::string, std::vector<double>>& cell_fields = {});
  /// Appends one sample of scalar time series (energies, forces) to /runs/<name>/series/<key>.
  void append_series(double time, const std::map<std::string, double>& values);
  /// Writes /runs/<name>/metrics/<metric> scalars (a metric that does not apply is simply absent).
  void write_metrics(const std::map<std::string, double>& metrics);
  /// Sets text and number attributes of the open run (e.g. the linear solver used and its iterations).
  void write_run_attributes(const std::map<std::string, std::string>& text, const std::map<std::string, double>& numbers);
  /// Sets the status attribute ("complete", "incomplete", "diverged", "interrupted") and a message;
  /// closes the run.
  void end_run(const std::string& status, const std::string& message = "");
  /// Writes /comparison: rows = run names, columns = metric names, NaN where absent.
  void write_comparison(const std::vector<std::string>& runs, const std::vector<std::string>& metrics,
                        const std::vector<double>& values_row_major);
  /// Path of the file being written.
  const std::string& path() const;

  // ---- checkpoints and resuming (docs/hdf5-schema.md "Checkpoints") ----
  /// Writes the open run's checkpoint at simulated time `time` [s], with the number of frames and
  /// series samples written so far; the previous checkpoint is replaced only once this one is
  /// complete on disk, so a kill at any moment leaves one to continue from. Throws OutputFull when
  /// the disk has no room for it.
  void write_checkpoint(const Checkpoint& checkpoint, double time);
  /// The runs in the file, by name.
  std::map<std::string, StoredRun> stored_runs() const;
  /// Reopens run `name` at its checkpoint and returns it: frames and series samples written after
  /// it are removed, its metrics too, status is "incomplete" again. The run is then open as after
  /// begin_run, its frames and samples continuing from the checkpoint's.
  Checkpoint continue_run(const std::string& name);
  /// Removes run `name` (one that stopped before its first checkpoint starts again).
  void remove_run(const std::string& name);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// For a program that closes every HDF5 file it opens (the CLI); call before any other HDF5 use.
/// Keeps libhdf5's exit handler from running: after a close that failed (disk full), libhdf5
/// 1.10.8's handler dereferences NULL (SIGSEGV after the error was reported).
void skip_hdf5_exit_handler();

/// What `fascia info` shows for one run.
struct RunSummary {
  std::string name, protocol, status, message;
  std::size_t frames = 0;
  double last_time = 0.0;
  std::optional<double> checkpoint_time;  ///< simulated time [s] `--resume` continues from, if any
  std::map<std::string, double> metrics;
};

struct FileSummary {
  std::string path, fascia_version, git_revision, created;
  std::size_t nodes = 0;
  std::vector<RunSummary> runs;
};

/// Reads a file written by RunWriter (also one whose writer was killed). Throws fascia::InputError
/// naming the path when it is missing, not HDF5, or not a fascia file.
FileSummary read_summary(const std::string& path);

/// The complete checkpoints of the runs in `path`, by run name (runs without one are absent): what
/// `fascia run --resume` continues from, read without changing the file. `--resume` lets a child
/// process read them first, so that a damaged checkpoint that crashes libhdf5 costs one line
/// (src/cli/read_in_child.hpp). Throws fascia::InputError naming the path, as read_summary does.
std::map<std::string, Checkpoint> read_checkpoints(const std::string& path);

/// True while a fascia run writes `path` (it holds the writer's claim, src/io/output_guard.hpp): a
/// read of the file can then meet the writer in the middle of a flush and is worth trying again
/// (read_summary does; so does fascia.io).
bool held_by_a_writer(const std::string& path) noexcept;

/// Writes the XDMF sidecars next to `<dir>/<stem>.h5` (docs/hdf5-schema.md "XDMF sidecars"):
/// `<stem>.xdmf`, the model's cells and layers (one grid), and for every run with frames
/// `<stem>_<run>.xdmf`, its frames as one temporal collection on those cells. ParaView's Xdmf3
/// readers and meshio open each. Returns their paths, the model's first.
std::vector<std::string> write_xdmf(const std::string& h5_path);

}  // namespace fascia::io
