// SPDX-License-Identifier: MIT
/// @file Reading one run for `fascia view` (see run_reader.hpp).
#include "view/run_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
#include "fascia/scenario_spec.hpp"
#include "io/hdf5_handle.hpp"

#include <toml++/toml.h>

namespace fascia::view {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

/// Reads row `row` of a dataset shaped (rows, n) or (rows, n, 3) as doubles.
std::vector<double> read_row(hid_t dset, std::size_t row) {
  const auto dims = io::h5::dims(dset);
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = row;
  count[0] = 1;
  hsize_t n = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) n *= dims[i];
  std::vector<double> out(n);
  io::h5::Handle space(H5Dget_space(dset), "dataset space");
  io::h5::check_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                       "select frame");
  io::h5::Handle mem(H5Screate_simple(1, &n, nullptr), "memory space");
  io::h5::check_status(H5Dread(dset, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, out.data()), "read frame");
  return out;
}

/// Rows 0, ..., total-1 thinned to at most `max_rows`, evenly, keeping the first and the last.
std::vector<std::size_t> pick_rows(std::size_t total, std::size_t max_rows) {
  std::vector<std::size_t> rows;
  if (total <= max_rows) {
    for (std::size_t i = 0; i < total; ++i) rows.push_back(i);
    return rows;
  }
  if (max_rows < 2) return {total - 1};
  for (std::size_t k = 0; k < max_rows; ++k)
    rows.push_back(static_cast<std::size_t>(std::llround(double(k) * double(total - 1) / double(max_rows - 1))));
  return rows;
}

/// Volume cells of the model, one kind at a time in this order of preference: /model/cells if a
/// writer provides it, the 8-node groups (hexahedra), the 4-node groups named like tetrahedra.
/// build_surface uses the first kind that covers every node.
std::vector<std::vector<CellBlock>> read_cells(hid_t file) {
  std::vector<CellBlock> given, hexahedra, tetrahedra;
  auto take = [&](hid_t group, const std::string& name, std::vector<CellBlock>* any) {
    if (io::h5::object_type(group, "connectivity") != H5I_DATASET) return;
    io::h5::Handle d = io::h5::open_dataset(group, "connectivity");
    const auto dims = io::h5::dims(d);
    if (dims.size() != 2 || (dims[1] != 8 && dims[1] != 4)) return;
    auto* to = any ? any : dims[1] == 8 ? &hexahedra : name.find("tet") != std::string::npos ? &tetrahedra : nullptr;
    if (to) to->push_back({static_cast<int>(dims[1]), io::h5::read_all<std::int32_t>(d)});
  };
  if (io::h5::object_type(file, "model/cells") == H5I_GROUP) {
    io::h5::Handle g = io::h5::open_group(file, "model/cells");
    take(g, "cells", &given);
  }
  if (io::h5::object_type(file, "model/elements") == H5I_GROUP) {
    io::h5::Handle groups = io::h5::open_group(file, "model/elements");
    for (const auto& name : io::h5::list_children(groups)) {
      if (io::h5::object_type(groups, name) != H5I_GROUP) continue;
      io::h5::Handle g = io::h5::open_group(groups, name);
      take(g, name, nullptr);
    }
  }
  std::vector<std::vector<CellBlock>> kinds;
  for (auto* k : {&given, &hexahedra, &tetrahedra})
    if (!k->empty()) kinds.push_back(std::move(*k));
  return kinds;
}

double interpolate(const std::vector<double>& t, const std::vector<double>& v, double at) {
  if (t.empty()) return 0.0;
  auto it = std::lower_bound(t.begin(), t.end(), at);
  if (it == t.begin()) return v.front();
  if (it == t.end()) return v.back();
  const std::size_t i = static_cast<std::size_t>(it - t.begin());
  const double w = (at - t[i - 1]) / std::max(t[i] - t[i - 1], 1e-300);
  const double a = v[i - 1], b = v[i];
  return std::isfinite(a) && std::isfinite(b) ? a + w * (b - a) : (std::isfinite(a) ? a : b);
}

/// The shape of run `name`'s indenter from its scenario text (toml++; keys of docs/scenario.md), or
/// nullopt when the text cannot be read.
std::optional<Indenter> indenter_shape(const std::string& text, const std::string& name) {
  toml::table doc;
  try {
    doc = toml::parse(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const auto proto = doc["protocol"][name];
  Indenter ind;
  ind.shape = proto["indenter"].value_or(std::string("disc"));
  ind.radius = proto["radius_mm"].value_or(ProtocolSpec{}.radius_mm) * 1e-3;
  ind.length = proto["length_mm"].value_or(0.0) * 1e-3;
  if (const auto* axes = proto["semi_axes_mm"].as_array(); axes && axes->size() == 3)
    for (std::size_t i = 0; i < 3; ++i) ind.semi_axes[i] = (*axes)[i].value_or(0.0) * 1e-3;
  if (ind.shape != "disc" && ind.shape != "sphere" && ind.shape != "cylinder" && ind.shape != "ellipsoid")
    return std::nullopt;  // a shape this version cannot draw: none rather than a wrong one
  return ind;
}

/// The indenter of a compressor run, or nullopt for runs without one. Its position: the series
/// indenter_x_m/_y_m/_z_m where written, else its rest point above the middle of the top surface
/// (fascia/protocol/compressor.hpp) moved by compressor_x_m / compressor_z_m.
std::optional<Indenter> read_indenter(hid_t run, const std::string& name, const std::vector<double>& model_rest,
                                      const std::vector<double>& frame_time) {
  const bool absolute = io::h5::object_type(run, "series/indenter_z_m") == H5I_DATASET;
  if ((!absolute && io::h5::object_type(run, "series/compressor_z_m") != H5I_DATASET) ||
      io::h5::object_type(run, "series/time") != H5I_DATASET)
    return std::nullopt;
  auto ind = indenter_shape(io::h5::read_string_attr(run, "scenario").value_or(""), name);
  if (!ind || !(ind->radius > 0)) return std::nullopt;
  io::h5::Handle ts = io::h5::open_dataset(run, "series/time");
  const auto t = io::h5::read_all<double>(ts);
  auto series = [&](const std::string& key) {
    std::vector<double> v(t.size(), 0.0);
    if (io::h5::object_type(run, "series/" + key) == H5I_DATASET) {
      io::h5::Handle d = io::h5::open_dataset(run, "series/" + key);
      v = io::h5::read_all<double>(d);
    }
    v.resize(t.size(), kNaN);
    return v;
  };
  double rest[3] = {0, 0, 0};
  if (!absolute) {
    double lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300};
    for (std::size_t i = 0; i + 2 < model_rest.size(); i += 3)
      for (int c = 0; c < 3; ++c) {
        lo[c] = std::min(lo[c], model_rest[i + c]);
        hi[c] = std::max(hi[c], model_rest[i + c]);
      }
    rest[0] = 0.5 * (lo[0] + hi[0]);
    rest[1] = 0.5 * (lo[1] + hi[1]);
    rest[2] = hi[2];
  }
  const auto x = series(absolute ? "indenter_x_m" : "compressor_x_m");
  const auto y = absolute ? series("indenter_y_m") : std::vector<double>(t.size(), 0.0);
  const auto z = series(absolute ? "indenter_z_m" : "compressor_z_m");
  for (double at : frame_time) {
    ind->x.push_back(rest[0] + interpolate(t, x, at));
    ind->y.push_back(rest[1] + interpolate(t, y, at));
    ind->z.push_back(rest[2] + interpolate(t, z, at));
  }
  return ind;
}

}  // namespace

std::string unit_of(const std::string& name) {
  static const std::pair<const char*, const char*> suffixes[] = {
      {"_pa_s", "Pa s"}, {"_m_s", "m/s"}, {"_m3", "m³"}, {"_pa", "Pa"}, {"_j", "J"}, {"_kg", "kg"},
      {"_hz", "Hz"},     {"_n", "N"},     {"_m", "m"},   {"_s", "s"}};
  for (const auto& [suffix, unit] : suffixes) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) return unit;
  }
  return "";
}

RunSpan check_run(const RunRef& ref) {
  const auto summary = io::read_summary(ref.file);  // not HDF5 / not fascia: InputError naming the file
  std::vector<std::string> names;
  for (const auto& r : summary.runs) names.push_back(r.name);
  if (names.empty()) throw InputError(ref.file, "the file holds no runs");
  const std::string name = ref.run.empty() ? names.front() : ref.run;
  const auto it = std::find_if(summary.runs.begin(), summary.runs.end(), [&](auto& r) { return r.name == name; });
  if (it == summary.runs.end())
    throw InputError("--run", "no run named \"" + name + "\" in " + ref.file + "; it has: " + join(names));
  if (it->frames == 0) throw InputError(ref.file, "run \"" + name + "\" has no frames to show");
  RunSpan span{name, it->frames, 0.0, it->last_time};
  io::h5::ErrorSilencer quiet;
  io::h5::Handle file = io::h5::open_file_readonly(ref.file);
  io::h5::Handle t = io::h5::open_dataset(file, "runs/" + name + "/time");
  span.first = read_row(t, 0).at(0);
  return span;
}

namespace {

/// The drawn surface, its rest positions and the numeric /model attributes; returns all rest positions.
std::vector<double> read_panel_model(hid_t file, const std::string& path, PanelData& p, std::size_t& n_nodes) {
  io::h5::Handle rest_d = io::h5::open_dataset(file, "model/rest_positions");
  io::h5::Handle layer_d = io::h5::open_dataset(file, "model/layer_id");
  auto rest = io::h5::read_all<double>(rest_d);
  const auto layer = io::h5::read_all<std::int32_t>(layer_d);
  p.surface = build_surface(rest, layer, read_cells(file), path);
  n_nodes = layer.size();
  for (auto v : p.surface.nodes)
    for (int c = 0; c < 3; ++c) p.rest.push_back(rest[3 * std::size_t(v) + c]);
  io::h5::Handle model = io::h5::open_group(file, "model");
  for (int i = 0, n = H5Aget_num_attrs(model); i < n; ++i) {
    char buf[256];
    io::h5::Handle a(H5Aopen_idx(model, static_cast<unsigned>(i)), "model attribute");
    H5Aget_name(a, sizeof buf, buf);
    if (auto v = io::h5::read_number_attr<double>(model, buf)) p.model_numbers[buf] = *v;
  }
  return rest;
}

/// Displacements of the surface nodes and every per-node scalar field at the picked frames.
void read_panel_frames(hid_t run, const std::string& path, std::size_t n_nodes, PanelData& p) {
  const std::size_t n_surf = p.surface.nodes.size();
  io::h5::Handle disp = io::h5::open_dataset(run, "frames/displacement");
  p.displacement.reserve(p.frame_index.size() * n_surf * 3);
  for (auto f : p.frame_index) {
    const auto row = read_row(disp, f);
    if (row.size() != 3 * n_nodes) throw InputError(path, "frames/displacement does not match the model's nodes");
    for (auto v : p.surface.nodes)
      for (int c = 0; c < 3; ++c) p.displacement.push_back(row[3 * std::size_t(v) + c]);
  }
  io::h5::Handle frames = io::h5::open_group(run, "frames");
  for (const auto& name : io::h5::list_children(frames)) {
    if (name == "displacement" || name == "velocity" || io::h5::object_type(frames, name) != H5I_DATASET) continue;
    io::h5::Handle d = io::h5::open_dataset(frames, name);
    const auto dims = io::h5::dims(d);
    if (dims.size() != 2 || dims[1] != n_nodes) continue;  // only per-node scalar fields are drawn
    FieldFrames ff{name, unit_of(name), {}};
    for (auto f : p.frame_index) {
      const auto row = f < dims[0] ? read_row(d, f) : std::vector<double>(n_nodes, kNaN);
      for (auto v : p.surface.nodes) ff.values.push_back(row[std::size_t(v)]);
    }
    p.fields.push_back(std::move(ff));
  }
}

/// The run's scalar metrics (one-element datasets under metrics/), if any.
void read_panel_metrics(hid_t run, PanelData& p) {
  if (io::h5::object_type(run, "metrics") != H5I_GROUP) return;
  io::h5::Handle m = io::h5::open_group(run, "metrics");
  for (const auto& key : io::h5::list_children(m)) {
    io::h5::Handle d = io::h5::open_dataset(m, key);
    const auto v = io::h5::read_all<double>(d);
    if (v.size() == 1) p.metrics[key] = v[0];
  }
}

}  // namespace

PanelData read_panel(const RunRef& ref, std::size_t max_frames) {
  const RunSpan span = check_run(ref);
  io::h5::ErrorSilencer quiet;
  io::h5::Handle file = io::h5::open_file_readonly(ref.file);
  PanelData p;
  p.file = ref.file;
  p.run = span.run;
  try {
    std::size_t n_nodes = 0;
    const std::vector<double> rest = read_panel_model(file, ref.file, p, n_nodes);
    io::h5::Handle run = io::h5::open_group(file, "runs/" + span.run);
    p.protocol = io::h5::read_string_attr(run, "protocol").value_or("");
    p.status = io::h5::read_string_attr(run, "status").value_or("incomplete");
    p.frames_in_file = span.frames;
    p.frame_index = pick_rows(span.frames, max_frames);
    io::h5::Handle time_d = io::h5::open_dataset(run, "time");
    const auto all_time = io::h5::read_all<double>(time_d);
    for (auto f : p.frame_index) p.time.push_back(all_time.at(f));
    read_panel_frames(run, ref.file, n_nodes, p);
    p.indenter = read_indenter(run, span.run, rest, p.time);
    read_panel_metrics(run, p);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(ref.file, std::string("damaged fascia output file: ") + e.what());
  }
  return p;
}

}  // namespace fascia::view
