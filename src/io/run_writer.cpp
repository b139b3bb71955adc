// SPDX-License-Identifier: MIT
/// @file RunWriter and read_summary: the HDF5 layout of docs/hdf5-schema.md.
#include "fascia/io/run_writer.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>

#include "fascia/core/error.hpp"
#include "fascia/io/units.hpp"
#include "io/frame_series.hpp"
#include "fascia/version.hpp"
#include "io/hdf5_handle.hpp"
#include "io/output_guard.hpp"

namespace fascia::io {

namespace {

constexpr const char* kFormat = "fascia-output";
constexpr int kFormatVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// Series samples between frames are flushed at most this often (frames are always flushed).
constexpr auto kSeriesFlushInterval = std::chrono::seconds(1);

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// HDF5 link names may not contain '/' and "." means the group itself.
void check_name(const std::string& name, const std::string& what) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    throw InputError(what, "invalid name '" + name + "' (must be non-empty, without '/')");
  }
}

/// /model/elements/NAME of one group: its connectivity (node indices below n) and per-element
/// parameters with their units.
void write_element_group(hid_t elements, const ElementGroupData& g, std::size_t n) {
  check_name(g.name, "model.elements");
  if (g.nodes_per_element < 1 || g.connectivity.size() % static_cast<std::size_t>(g.nodes_per_element) != 0) {
    throw std::invalid_argument("RunWriter::write_model: group '" + g.name +
                                "': connectivity size is not a multiple of nodes_per_element");
  }
  const std::size_t ne = g.connectivity.size() / static_cast<std::size_t>(g.nodes_per_element);
  for (std::int32_t id : g.connectivity) {
    if (id < 0 || static_cast<std::size_t>(id) >= n) {
      throw std::invalid_argument("RunWriter::write_model: group '" + g.name + "': node index " +
                                  std::to_string(id) + " out of range [0, " + std::to_string(n) + ")");
    }
  }
  h5::Handle group = h5::create_group(elements, g.name, /*track_order=*/true);
  h5::write_dataset<std::int32_t>(group, "connectivity",
                                  {ne, static_cast<hsize_t>(g.nodes_per_element)},
                                  g.connectivity.data(), "1");
  for (const auto& [key, values] : g.parameters) {
    check_name(key, "model.elements." + g.name);
    if (key == "connectivity") {
      throw std::invalid_argument("RunWriter::write_model: parameter name 'connectivity' is reserved");
    }
    if (values.size() != ne) {
      throw std::invalid_argument("RunWriter::write_model: group '" + g.name + "' parameter '" + key +
                                  "' has " + std::to_string(values.size()) + " values for " +
                                  std::to_string(ne) + " elements");
    }
    const auto unit = g.parameter_units.find(key);
    h5::write_dataset<double>(group, key, {ne}, values.data(),
                              unit != g.parameter_units.end() ? unit->second : ucum_unit(key));
  }
}

/// A frame's sizes: 3 n displacements and velocities, n values per node field and n_cells per cell
/// field, no reserved or clashing names (`is_node_field`: a node field of earlier frames).
template <class IsNodeField>
void check_frame_sizes(std::size_t displacement, std::size_t velocity, std::size_t n,
                       const std::map<std::string, std::vector<double>>& node_fields,
                       const std::map<std::string, std::vector<double>>& cell_fields, std::size_t n_cells,
                       IsNodeField is_node_field) {
  if (displacement != 3 * n || velocity != 3 * n) {
    throw std::invalid_argument("RunWriter::append_frame: displacement (" + std::to_string(displacement) +
                                ") and velocity (" + std::to_string(velocity) + ") must hold 3 x " +
                                std::to_string(n) + " values");
  }
  for (const auto& [key, values] : node_fields) {
    check_name(key, "frames");
    if (key == "displacement" || key == "velocity") {
      throw std::invalid_argument("RunWriter::append_frame: node field name '" + key + "' is reserved");
    }
    if (values.size() != n) {
      throw std::invalid_argument("RunWriter::append_frame: node field '" + key + "' has " +
                                  std::to_string(values.size()) + " values for " +
                                  std::to_string(n) + " nodes");
    }
  }
  for (const auto& [key, values] : cell_fields) {
    check_name(key, "cell_frames");
    if (key == "displacement" || key == "velocity" || node_fields.count(key) || is_node_field(key)) {
      throw std::invalid_argument("RunWriter::append_frame: cell field name '" + key +
                                  "' is reserved or already a node field");
    }
    if (values.size() != n_cells) {
      throw std::invalid_argument("RunWriter::append_frame: cell field '" + key + "' has " +
                                  std::to_string(values.size()) + " values for " +
                                  std::to_string(n_cells) + " cells");
    }
  }
}


constexpr const char* kCheckpoint = "checkpoint";
constexpr const char* kCheckpointNext = "checkpoint_next";

/// The name of the run's complete checkpoint group: `checkpoint`, or `checkpoint_next` when the
/// writer was killed between removing the old one and renaming the new one; "" when none.
std::string complete_checkpoint(hid_t run) {
  for (const char* name : {kCheckpoint, kCheckpointNext}) {
    if (h5::object_type(run, name) != H5I_GROUP) continue;
    h5::Handle g = h5::open_group(run, name);
    if (h5::read_number_attr<std::int32_t>(g, "complete").value_or(0) == 1) return name;
  }
  return "";
}

/// The items of the checkpoint group `g` (one byte dataset per item).
Checkpoint read_checkpoint_items(hid_t g) {
  Checkpoint cp;
  for (const auto& key : h5::list_children(g)) {
    h5::Handle d = h5::open_dataset(g, key);
    cp.items[key] = h5::read_all<std::uint8_t>(d);
  }
  return cp;
}

void delete_link_if_exists(hid_t loc, const std::string& name) {
  if (h5::exists(loc, name)) h5::check_status(H5Ldelete(loc, name.c_str(), H5P_DEFAULT), "remove '" + name + "'");
}

/// XDMF topology code and node count of a cell type (XdmfTopologyType.hpp; VTK node order).
struct CellType {
  std::string_view name;
  int xdmf_code, nodes;
};
constexpr std::array<CellType, 6> kCellTypes = {{{"hexahedron", 9, 8},
                                                 {"wedge", 8, 6},
                                                 {"tetrahedron", 6, 4},
                                                 {"quadrilateral", 5, 4},
                                                 {"triangle", 4, 3},
                                                 {"line", 2, 2}}};

/// /model/cells: every block flattened into one XDMF "Mixed" topology array (each cell is its type
/// code, for lines also its node count 2, then its nodes), so one grid holds cells of any types;
/// plus each cell's layer_id. Returns the number of cells.
std::size_t write_cells(hid_t model, const std::vector<CellBlockData>& blocks, std::size_t n_nodes) {
  std::vector<std::int32_t> topology, layer;
  for (const auto& b : blocks) {
    const auto type = std::find_if(kCellTypes.begin(), kCellTypes.end(),
                                   [&](const CellType& t) { return t.name == b.cell_type; });
    if (type == kCellTypes.end()) {
      throw std::invalid_argument("RunWriter::write_model: unknown cell type '" + b.cell_type + "'");
    }
    const std::size_t k = static_cast<std::size_t>(type->nodes);
    if (b.connectivity.size() % k != 0 || b.connectivity.size() / k != b.layer_id.size()) {
      throw std::invalid_argument("RunWriter::write_model: " + b.cell_type + " block has " +
                                  std::to_string(b.connectivity.size()) + " node indices for " +
                                  std::to_string(b.layer_id.size()) + " layer ids");
    }
    for (std::size_t c = 0; c < b.layer_id.size(); ++c) {
      topology.push_back(type->xdmf_code);
      if (type->xdmf_code == 2) topology.push_back(2);
      for (std::size_t i = 0; i < k; ++i) {
        const std::int32_t id = b.connectivity[c * k + i];
        if (id < 0 || static_cast<std::size_t>(id) >= n_nodes) {
          throw std::invalid_argument("RunWriter::write_model: cell node index " + std::to_string(id) +
                                      " out of range [0, " + std::to_string(n_nodes) + ")");
        }
        topology.push_back(id);
      }
      layer.push_back(b.layer_id[c]);
    }
  }
  if (layer.empty()) return 0;
  h5::Handle cells = h5::create_group(model, "cells");
  h5::write_dataset<std::int32_t>(cells, "topology", {topology.size()}, topology.data(), "1");
  h5::write_dataset<std::int32_t>(cells, "layer_id", {layer.size()}, layer.data(), "1");
  h5::write_attr(cells, "n_cells", static_cast<std::uint64_t>(layer.size()));
  return layer.size();
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct RunWriter::Impl {
  struct OpenRun {
    std::string name;
    h5::Handle group, frames, cell_frames, steps, series, metrics;
    h5::Appender time;
    h5::FrameSeries displacement, velocity;
    std::map<std::string, h5::FrameSeries> fields, cell_fields;
    h5::Appender series_time;
    std::map<std::string, h5::Appender> series_values;
    hsize_t n_frames = 0, n_samples = 0;
  };

  // Declaration order matters: members are destroyed bottom-up, so every dataset and group
  // handle is closed before the file handle.
  std::string path;
  std::optional<OutputClaim> claim;  ///< released after the file is closed
  h5::Handle file;
  h5::Handle runs_group;
  bool model_written = false;
  std::optional<std::size_t> n_nodes;  ///< from the model, or else from the first frame
  std::size_t n_cells = 0;             ///< ModelData::cells, all blocks
  std::optional<OpenRun> run;
  std::chrono::steady_clock::time_point last_flush = std::chrono::steady_clock::now();

  void flush() {
    // A flush can put the superblock, with the file's new end, on disk before the last blocks it
    // counts exist (CI met one such kill: "truncated file"). Blocks allocated past that end first
    // make a kill inside the flush leave a file that opens as it is. Best effort: on a full disk the
    // flush goes on as before, and readers open a short file anyway (h5::file_access).
    haddr_t eoa = 0;
    if (H5Fget_eoa(file, &eoa) >= 0) claim->try_reserve(std::uint64_t(eoa) + kOutputReserveBytes);
    h5::check_status(H5Fflush(file, H5F_SCOPE_LOCAL), "flush '" + path + "'");
    last_flush = std::chrono::steady_clock::now();
  }

  /// Disk blocks for `bytes` more past the file's end, and for closing the file (output_guard.hpp:
  /// HDF5 itself must never meet a full disk).
  void reserve(std::uint64_t bytes, const std::string& what) {
    haddr_t eoa = 0;
    h5::check_status(H5Fget_eoa(file, &eoa), "end of '" + path + "'");
    claim->reserve(std::uint64_t(eoa) + bytes + kOutputReserveBytes, what);
  }

  OpenRun& open_run(const char* what) {
    if (!run) throw std::logic_error(std::string("RunWriter::") + what + ": no run is open (call begin_run)");
    return *run;
  }

  void create_frame_datasets(OpenRun& r, std::size_t nodes) {
    const std::string steps = "/runs/" + r.name + "/steps";
    r.displacement = h5::FrameSeries(r.frames, steps, "displacement", {nodes, 3}, "m");
    r.velocity = h5::FrameSeries(r.frames, steps, "velocity", {nodes, 3}, "m/s");
    r.time = h5::Appender(r.group, "time", {}, {256, false, kNaN});
    h5::write_attr(r.time.dataset(), "units", "s");
  }

  void close_run() noexcept { run.reset(); }
};

RunWriter::RunWriter(const std::string& path, const std::string& scenario_text)
    : impl_(std::make_unique<Impl>()) {
  h5::ErrorSilencer quiet;
  impl_->path = path;
  const std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      throw std::runtime_error("cannot create folder '" + p.parent_path().string() + "' for '" +
                               path + "': " + ec.message());
    }
  }
  require_room(path, 0, "a new output file");  // before anything is created
  impl_->claim.emplace(path);  // refuses (touching nothing) when another process has the file
  impl_->file = h5::create_file(path);
  const hid_t root = impl_->file;
  h5::write_attr(root, "fascia_version", FASCIA_VERSION);
  h5::write_attr(root, "git_revision", FASCIA_GIT_REVISION);
  h5::write_attr(root, "created", utc_now_iso8601());
  h5::write_attr(root, "units", "SI");
  h5::write_attr(root, "scenario", scenario_text);
  h5::write_attr(root, "format", kFormat);
  h5::write_attr(root, "format_version", std::int32_t{kFormatVersion});
  impl_->runs_group = h5::create_group(root, "runs", /*track_order=*/true);
  impl_->flush();
}

RunWriter::~RunWriter() {
  if (!impl_) return;
  h5::ErrorSilencer quiet;
  try {
    impl_->close_run();  // an open run keeps status = "incomplete"
    if (impl_->file.valid()) H5Fflush(impl_->file, H5F_SCOPE_LOCAL);
    impl_->runs_group.reset();
    const bool closed = impl_->file.valid() && H5Fclose(impl_->file.get()) >= 0;
    if (closed) {
      impl_->file.release();
      if (impl_->claim) impl_->claim->trim_unused();  // the blocks reserved for frames that never came
    }
  } catch (...) {  // a destructor must not throw; the file is as complete as the last flush
  }
}

const std::string& RunWriter::path() const { return impl_->path; }

void skip_hdf5_exit_handler() { H5dont_atexit(); }

void RunWriter::write_model(const ModelData& m) {
  h5::ErrorSilencer quiet;
  if (impl_->model_written) throw std::logic_error("RunWriter::write_model: model already written");
  if (m.rest_positions.size() % 3 != 0) {
    throw std::invalid_argument("RunWriter::write_model: rest_positions size is not a multiple of 3");
  }
  const std::size_t n = m.rest_positions.size() / 3;
  if (impl_->n_nodes && *impl_->n_nodes != n) {
    throw std::invalid_argument("RunWriter::write_model: model has " + std::to_string(n) +
                                " nodes but frames already written have " +
                                std::to_string(*impl_->n_nodes));
  }
  if (m.masses.size() != n || m.layer_id.size() != n) {
    throw std::invalid_argument("RunWriter::write_model: masses (" + std::to_string(m.masses.size()) +
                                ") and layer_id (" + std::to_string(m.layer_id.size()) +
                                ") must have one entry per node (" + std::to_string(n) + ")");
  }
  impl_->reserve(model_bytes(m), "the model");
  h5::Handle model = h5::create_group(impl_->file, "model");
  h5::write_dataset<double>(model, "rest_positions", {n, 3}, m.rest_positions.data(), "m");
  h5::write_dataset<double>(model, "masses", {n}, m.masses.data(), "kg");
  h5::write_dataset<std::int32_t>(model, "layer_id", {n}, m.layer_id.data(), "1");
  h5::Handle elements = h5::create_group(model, "elements", /*track_order=*/true);
  for (const auto& g : m.groups) write_element_group(elements, g, n);
  impl_->n_cells = write_cells(model, m.cells, n);
  for (const auto& [key, text] : m.text_attributes) h5::write_attr(model, key, text);
  for (const auto& [key, value] : m.number_attributes) h5::write_attr(model, key, value);
  impl_->model_written = true;
  impl_->n_nodes = n;
  impl_->flush();
}

void RunWriter::begin_run(const RunInfo& info) {
  h5::ErrorSilencer quiet;
  check_name(info.name, "protocol");
  impl_->close_run();  // a run still open stays "incomplete"
  if (h5::exists(impl_->runs_group, info.name)) {
    throw InputError("protocol." + info.name,
                     "a run of this name already exists in '" + impl_->path + "'");
  }
  Impl::OpenRun r;
  r.name = info.name;
  r.group = h5::create_group(impl_->runs_group, info.name);
  h5::write_attr(r.group, "status", "incomplete");
  h5::write_attr(r.group, "message", "");
  h5::write_attr(r.group, "protocol", info.protocol);
  h5::write_attr(r.group, "seed", info.seed);
  h5::write_attr(r.group, "threads", std::int32_t{info.threads});
  h5::write_attr(r.group, "scenario", info.scenario_text);
  r.frames = h5::create_group(r.group, "frames", /*track_order=*/true);
  r.cell_frames = h5::create_group(r.group, "cell_frames", /*track_order=*/true);
  r.steps = h5::create_group(r.group, "steps", /*track_order=*/true);
  r.series = h5::create_group(r.group, "series", /*track_order=*/true);
  r.metrics = h5::create_group(r.group, "metrics", /*track_order=*/true);
  if (impl_->n_nodes) impl_->create_frame_datasets(r, *impl_->n_nodes);
  r.series_time = h5::Appender(r.series, "time", {}, {1024, false, kNaN});
  h5::write_attr(r.series_time.dataset(), "units", "s");
  impl_->run = std::move(r);
  impl_->flush();
}

void RunWriter::append_frame(double time, std::span<const double> displacement,
                             std::span<const double> velocity,
                             const std::map<std::string, std::vector<double>>& node_fields,
                             const std::map<std::string, std::vector<double>>& cell_fields) {
  h5::ErrorSilencer quiet;
  auto& r = impl_->open_run("append_frame");
  if (!impl_->n_nodes) {
    if (displacement.size() % 3 != 0) {
      throw std::invalid_argument("RunWriter::append_frame: displacement size is not a multiple of 3");
    }
    impl_->n_nodes = displacement.size() / 3;
  }
  const std::size_t n = *impl_->n_nodes;
  check_frame_sizes(displacement.size(), velocity.size(), n, node_fields, cell_fields, impl_->n_cells,
                    [&r](const std::string& key) { return r.fields.count(key) > 0; });
  // Room for this frame and three more, plus the closing attributes, or stop cleanly now: an HDF5
  // write that fails half-way leaves the file in a state no close can repair (output_guard.hpp).
  // Per frame: one group and one dataset per field (about 1 KiB of object headers each, uncompressed).
  const std::uint64_t fields = 2 + node_fields.size() + cell_fields.size();
  const std::uint64_t frame_bytes = 8 * (6 * n + n * node_fields.size() + impl_->n_cells * cell_fields.size()) +
                                    1024 * (1 + fields);
  impl_->reserve(4 * frame_bytes, "a frame (and three more)");
  if (!r.time.valid()) impl_->create_frame_datasets(r, n);
  // Order: the bulk datasets first and flushed, time last, so that a reader taking the shortest
  // of time/displacement/velocity never sees a frame whose data did not reach the disk (a failed
  // flush leaves the frame uncounted instead of counted with fill values).
  const std::string steps = "/runs/" + r.name + "/steps";
  h5::Handle step = h5::create_group(r.steps, std::to_string(r.n_frames), /*track_order=*/true);
  r.displacement.append(step, displacement.data());
  r.velocity.append(step, velocity.data());
  // A field that appears late reads NaN for the earlier frames; one a frame omits reads NaN there.
  auto append_fields = [&](const std::map<std::string, std::vector<double>>& given,
                           std::map<std::string, h5::FrameSeries>& series, hid_t stack, std::size_t size) {
    for (const auto& [key, values] : given) {
      if (series.count(key)) continue;
      auto& s = series.emplace(key, h5::FrameSeries(stack, steps, key, {size}, ucum_unit(key))).first->second;
      s.pad_to(r.group, r.n_frames);
    }
    for (auto& [key, s] : series) {
      const auto it = given.find(key);
      s.append(step, it == given.end() ? nullptr : it->second.data());
    }
  };
  append_fields(node_fields, r.fields, r.frames, n);
  append_fields(cell_fields, r.cell_fields, r.cell_frames, impl_->n_cells);
  impl_->flush();
  r.time.append(&time);
  ++r.n_frames;
  impl_->flush();
}

void RunWriter::append_series(double time, const std::map<std::string, double>& values) {
  h5::ErrorSilencer quiet;
  auto& r = impl_->open_run("append_series");
  for (const auto& [key, v] : values) {
    check_name(key, "series");
    if (key == "time") throw std::invalid_argument("RunWriter::append_series: key 'time' is reserved");
  }
  for (const auto& [key, v] : values) {
    auto it = r.series_values.find(key);
    if (it == r.series_values.end()) {
      it = r.series_values.emplace(key, h5::Appender(r.series, key, {}, {1024, false, kNaN})).first;
      h5::write_attr(it->second.dataset(), "units", ucum_unit(key));
      it->second.pad_to(r.n_samples);
    }
    it->second.append(&v);
  }
  for (auto& [key, appender] : r.series_values) {
    if (!values.count(key)) appender.append(nullptr);
  }
  r.series_time.append(&time);
  ++r.n_samples;
  if (std::chrono::steady_clock::now() - impl_->last_flush >= kSeriesFlushInterval) impl_->flush();
}

void RunWriter::write_metrics(const std::map<std::string, double>& metrics) {
  h5::ErrorSilencer quiet;
  auto& r = impl_->open_run("write_metrics");
  for (const auto& [key, value] : metrics) {
    check_name(key, "metrics");
    h5::write_scalar(r.metrics, key, value);
    h5::Handle d = h5::open_dataset(r.metrics, key);
    h5::write_attr(d, "units", ucum_unit(key));
  }
  impl_->flush();
}

void RunWriter::write_run_attributes(const std::map<std::string, std::string>& text,
                                     const std::map<std::string, double>& numbers) {
  h5::ErrorSilencer quiet;
  auto& r = impl_->open_run("write_run_attributes");
  for (const auto& [k, v] : text) h5::write_attr(r.group, k, v);
  for (const auto& [k, v] : numbers) h5::write_attr(r.group, k, v);
}

void RunWriter::end_run(const std::string& status, const std::string& message) {
  h5::ErrorSilencer quiet;
  auto& r = impl_->open_run("end_run");
  if (status != "complete" && status != "incomplete" && status != "diverged" && status != "interrupted") {
    throw std::invalid_argument("RunWriter::end_run: status '" + status +
                                "' is not one of complete, incomplete, diverged, interrupted");
  }
  h5::write_attr(r.group, "status", status);
  h5::write_attr(r.group, "message", message);
  if (status == "complete" || status == "diverged") {  // nothing to continue: the checkpoint goes
    delete_link_if_exists(r.group, kCheckpointNext);
    delete_link_if_exists(r.group, kCheckpoint);
  }
  impl_->close_run();
  impl_->flush();
}

void RunWriter::write_comparison(const std::vector<std::string>& runs,
                                 const std::vector<std::string>& metrics,
                                 const std::vector<double>& values_row_major) {
  h5::ErrorSilencer quiet;
  if (values_row_major.size() != runs.size() * metrics.size()) {
    throw std::invalid_argument("RunWriter::write_comparison: " + std::to_string(values_row_major.size()) +
                                " values for " + std::to_string(runs.size()) + " runs x " +
                                std::to_string(metrics.size()) + " metrics");
  }
  if (h5::exists(impl_->file, "comparison")) {  // written again: replace the previous table
    h5::check_status(H5Ldelete(impl_->file, "comparison", H5P_DEFAULT), "replace /comparison");
  }
  h5::Handle cmp = h5::create_group(impl_->file, "comparison");
  h5::write_strings(cmp, "runs", runs);
  h5::write_strings(cmp, "metrics", metrics);
  h5::write_dataset<double>(cmp, "table", {runs.size(), metrics.size()}, values_row_major.data(), "");
  std::vector<std::string> units;
  for (const auto& m : metrics) units.push_back(ucum_unit(m));
  h5::Handle table = h5::open_dataset(cmp, "table");
  h5::write_attr(table, "units", units);  // one per column
  impl_->flush();
}

// ---------------------------------------------------------------------------------------------

namespace {

std::size_t leading_extent(hid_t loc, const std::string& name) {
  if (h5::object_type(loc, name) != H5I_DATASET) return 0;
  h5::Handle d = h5::open_dataset(loc, name);
  const auto dims = h5::dims(d);
  return dims.empty() ? 0 : static_cast<std::size_t>(dims[0]);
}

RunSummary summarize_run(hid_t runs, const std::string& name) {
  RunSummary s;
  s.name = name;
  h5::Handle g = h5::open_group(runs, name);
  s.protocol = h5::read_string_attr(g, "protocol").value_or("");
  s.status = h5::read_string_attr(g, "status").value_or("incomplete");
  s.message = h5::read_string_attr(g, "message").value_or("");
  // A frame counts once time, displacement and velocity all hold it (a writer killed in the
  // middle of a frame may have extended some of them only).
  std::size_t frames = leading_extent(g, "time");
  frames = std::min(frames, leading_extent(g, "frames/displacement"));
  frames = std::min(frames, leading_extent(g, "frames/velocity"));
  // A frame whose time never reached the disk reads as the fill value, NaN: not written.
  while (frames > 0) {
    h5::Handle t = h5::open_dataset(g, "time");
    h5::Handle space(H5Dget_space(t), "time space");
    const hsize_t start = frames - 1, count = 1;
    h5::check_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nullptr, &count, nullptr),
                     "select last time");
    h5::Handle mem(H5Screate_simple(1, &count, nullptr), "memory space");
    h5::check_status(H5Dread(t, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &s.last_time), "read time");
    if (std::isfinite(s.last_time)) break;
    --frames;
    s.last_time = 0.0;
  }
  s.frames = frames;
  if (const std::string cp = complete_checkpoint(g); !cp.empty()) {
    h5::Handle c = h5::open_group(g, cp);
    s.checkpoint_time = h5::read_number_attr<double>(c, "time");
  }
  if (h5::object_type(g, "metrics") == H5I_GROUP) {
    h5::Handle m = h5::open_group(g, "metrics");
    for (const auto& key : h5::list_children(m)) {
      if (h5::object_type(m, key) != H5I_DATASET) continue;
      h5::Handle d = h5::open_dataset(m, key);
      const auto values = h5::read_all<double>(d);
      if (values.size() == 1) s.metrics[key] = values[0];
    }
  }
  return s;
}

}  // namespace

namespace {

FileSummary read_summary_once(const std::string& path) {
  h5::Handle file = h5::open_file_readonly(path);  // throws InputError naming the path
  std::optional<std::string> format;
  try {
    format = h5::read_string_attr(file, "format");
  } catch (const std::exception&) {
    format.reset();
  }
  if (!format || *format != kFormat) {
    throw InputError(path, "not a fascia output file (root attribute format = \"" +
                               std::string(kFormat) + "\" missing)");
  }
  try {
    FileSummary out;
    out.path = path;
    out.fascia_version = h5::read_string_attr(file, "fascia_version").value_or("");
    out.git_revision = h5::read_string_attr(file, "git_revision").value_or("");
    out.created = h5::read_string_attr(file, "created").value_or("");
    out.nodes = leading_extent(file, "model/rest_positions");
    if (h5::object_type(file, "runs") == H5I_GROUP) {
      h5::Handle runs = h5::open_group(file, "runs");
      for (const auto& name : h5::list_children(runs)) {
        if (h5::object_type(runs, name) != H5I_GROUP) continue;
        out.runs.push_back(summarize_run(runs, name));
      }
    }
    return out;
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path, std::string("damaged fascia output file: ") + e.what());
  }
}

}  // namespace

FileSummary read_summary(const std::string& path) {
  h5::ErrorSilencer quiet;
  // A run still writing the file can be met in the middle of a flush, when what is on disk is part
  // old, part new: a read that fails while a writer holds the file, or on a file that changed while
  // it was read (the writer has just finished), is tried again once the flush is over (milliseconds).
  // A damaged file nobody writes fails at once.
  auto state = [&path] {
    std::error_code ec;
    return std::make_pair(std::filesystem::file_size(path, ec), std::filesystem::last_write_time(path, ec));
  };
  constexpr int kAttempts = 20;
  for (int attempt = 1;; ++attempt) {
    const auto before = state();
    try {
      return read_summary_once(path);
    } catch (const InputError&) {
      if (attempt == kAttempts || (state() == before && !held_by_a_writer(path))) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
}

std::map<std::string, Checkpoint> read_checkpoints(const std::string& path) {
  h5::ErrorSilencer quiet;
  (void)read_summary(path);  // what the file is, with read_summary's errors
  try {
    std::map<std::string, Checkpoint> out;
    h5::Handle file = h5::open_file_readonly(path);
    if (h5::object_type(file, "runs") != H5I_GROUP) return out;
    h5::Handle runs = h5::open_group(file, "runs");
    for (const auto& name : h5::list_children(runs)) {
      if (h5::object_type(runs, name) != H5I_GROUP) continue;
      h5::Handle run = h5::open_group(runs, name);
      if (const std::string which = complete_checkpoint(run); !which.empty())
        out[name] = read_checkpoint_items(h5::open_group(run, which));
    }
    return out;
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path, std::string("damaged fascia output file: ") + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Resuming: checkpoints and reopening a run (docs/hdf5-schema.md "Checkpoints")

RunWriter::RunWriter(const std::string& path, const std::string& scenario_text, Resume)
    : impl_(std::make_unique<Impl>()) {
  h5::ErrorSilencer quiet;
  impl_->path = path;
  {  // what the file is, before claiming it: a missing or foreign file is the user's input
    h5::Handle probe = h5::open_file_readonly(path);
    if (h5::read_string_attr(probe, "format").value_or("") != kFormat)
      throw InputError(path, "not a fascia output file; --resume continues a file written by fascia run");
    if (h5::read_string_attr(probe, "scenario").value_or("") != scenario_text)
      throw InputError("--resume", "the scenario differs from the one '" + detail::shorten(path) +
                                       "' was written from; resume with that scenario, or run without --resume");
    const std::string revision = h5::read_string_attr(probe, "git_revision").value_or("");
    const std::string version = h5::read_string_attr(probe, "fascia_version").value_or("");
    if (revision != FASCIA_GIT_REVISION || version != FASCIA_VERSION)
      throw InputError("--resume", "'" + detail::shorten(path) + "' was written by fascia " + detail::shorten(version) +
                                       " (git " + detail::shorten(revision) + "), this is " + FASCIA_VERSION + " (git " +
                                       FASCIA_GIT_REVISION +
                                       "): a run continues bit for bit only in the build that started it; "
                                       "run without --resume");
  }
  impl_->claim.emplace(path);  // refuses (touching nothing) when another process has the file
  std::string why;
  const hid_t file = h5::open_written_file(path, H5F_ACC_RDWR, /*lock=*/true, why);
  if (file < 0) throw std::runtime_error("HDF5: open '" + path + "' to resume (" + why + ")");
  impl_->file = h5::Handle(file);
  impl_->runs_group = h5::open_group(impl_->file, "runs");
  impl_->model_written = h5::exists(impl_->file, "model/rest_positions");
  if (impl_->model_written) {
    h5::Handle rest = h5::open_dataset(impl_->file, "model/rest_positions");
    impl_->n_nodes = static_cast<std::size_t>(h5::dims(rest).at(0));
    if (h5::exists(impl_->file, "model/cells")) {
      h5::Handle cells = h5::open_group(impl_->file, "model/cells");
      impl_->n_cells = static_cast<std::size_t>(h5::read_number_attr<std::uint64_t>(cells, "n_cells").value_or(0));
    }
  }
}

std::map<std::string, StoredRun> RunWriter::stored_runs() const {
  h5::ErrorSilencer quiet;
  std::map<std::string, StoredRun> out;
  for (const auto& name : h5::list_children(impl_->runs_group)) {
    if (h5::object_type(impl_->runs_group, name) != H5I_GROUP) continue;
    const RunSummary s = summarize_run(impl_->runs_group, name);
    out[name] = {s.status, s.message, s.checkpoint_time.has_value(), s.metrics};
  }
  return out;
}

void RunWriter::remove_run(const std::string& name) {
  h5::ErrorSilencer quiet;
  impl_->close_run();
  delete_link_if_exists(impl_->runs_group, name);
  impl_->flush();
}

Checkpoint RunWriter::continue_run(const std::string& name) {
  h5::ErrorSilencer quiet;
  impl_->close_run();
  Impl::OpenRun r;
  r.name = name;
  r.group = h5::open_group(impl_->runs_group, name);
  const std::string which = complete_checkpoint(r.group);
  if (which.empty()) throw std::logic_error("RunWriter::continue_run: run '" + name + "' has no checkpoint");
  Checkpoint cp;
  hsize_t frames = 0, samples = 0;
  {
    h5::Handle g = h5::open_group(r.group, which);
    frames = h5::read_number_attr<std::uint64_t>(g, "frames").value_or(0);
    samples = h5::read_number_attr<std::uint64_t>(g, "samples").value_or(0);
    cp = read_checkpoint_items(g);
  }
  if (which != kCheckpoint) {  // a kill came between removing the old one and renaming this one
    delete_link_if_exists(r.group, kCheckpoint);
    h5::check_status(H5Lmove(r.group, kCheckpointNext, r.group, kCheckpoint, H5P_DEFAULT, H5P_DEFAULT),
                     "rename the checkpoint");
  }
  delete_link_if_exists(r.group, kCheckpointNext);  // a half-written newer one
  // Everything written after the checkpoint goes: frames, series samples, metrics.
  r.frames = h5::open_group(r.group, "frames");
  r.cell_frames = h5::open_group(r.group, "cell_frames");
  r.steps = h5::open_group(r.group, "steps");
  for (const auto& step : h5::list_children(r.steps))
    if (std::stoull(step) >= frames) delete_link_if_exists(r.steps, step);
  const std::string steps = "/runs/" + name + "/steps";
  if (h5::exists(r.group, "time")) {
    r.time = h5::Appender::reopen(r.group, "time", frames);
    r.displacement = h5::FrameSeries::reopen(r.frames, steps, "displacement", frames);
    r.velocity = h5::FrameSeries::reopen(r.frames, steps, "velocity", frames);
  }
  for (const auto& key : h5::list_children(r.frames))
    if (key != "displacement" && key != "velocity")
      r.fields.emplace(key, h5::FrameSeries::reopen(r.frames, steps, key, frames));
  for (const auto& key : h5::list_children(r.cell_frames))
    r.cell_fields.emplace(key, h5::FrameSeries::reopen(r.cell_frames, steps, key, frames));
  r.series = h5::open_group(r.group, "series");
  r.series_time = h5::Appender::reopen(r.series, "time", samples);
  for (const auto& key : h5::list_children(r.series))
    if (key != "time") r.series_values.emplace(key, h5::Appender::reopen(r.series, key, samples));
  delete_link_if_exists(r.group, "metrics");
  r.metrics = h5::create_group(r.group, "metrics", /*track_order=*/true);
  h5::write_attr(r.group, "status", "incomplete");
  h5::write_attr(r.group, "message", "");
  r.n_frames = frames;
  r.n_samples = samples;
  impl_->run = std::move(r);
  impl_->flush();
  return cp;
}

void RunWriter::write_checkpoint(const Checkpoint& checkpoint, double time) {
  h5::ErrorSilencer quiet;
  auto& r = impl_->open_run("write_checkpoint");
  std::uint64_t bytes = 0;
  for (const auto& [key, value] : checkpoint.items) bytes += value.size() + 1024;  // data + object header
  impl_->reserve(bytes, "a checkpoint");
  delete_link_if_exists(r.group, kCheckpointNext);
  {
    h5::Handle g = h5::create_group(r.group, kCheckpointNext);
    for (const auto& [key, value] : checkpoint.items)
      h5::write_dataset<std::uint8_t>(g, key, {value.size()}, value.data());
    h5::write_attr(g, "frames", static_cast<std::uint64_t>(r.n_frames));
    h5::write_attr(g, "samples", static_cast<std::uint64_t>(r.n_samples));
    h5::write_attr(g, "time", time);
    impl_->flush();  // the whole new checkpoint is on disk before it is marked complete
    h5::write_attr(g, "complete", std::int32_t{1});
  }
  impl_->flush();
  delete_link_if_exists(r.group, kCheckpoint);
  h5::check_status(H5Lmove(r.group, kCheckpointNext, r.group, kCheckpoint, H5P_DEFAULT, H5P_DEFAULT),
                   "rename the checkpoint");
  impl_->flush();
}

}  // namespace fascia::io
