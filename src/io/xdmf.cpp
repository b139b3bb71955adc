// SPDX-License-Identifier: MIT
/// @file write_xdmf: XDMF 3 sidecars that ParaView (Xdmf3 readers and the legacy one) and meshio open.
///
/// Layout (docs/hdf5-schema.md "XDMF sidecars"): `<stem>.xdmf` holds one uniform grid, the model's
/// cells at rest; `<stem>_<run>.xdmf` one temporal collection per run, one uniform grid per frame.
/// One grid (or one collection) per file because meshio reads no more. Every attribute is a direct
/// `Format="HDF"` reference to a whole dataset (per-frame datasets /runs/<run>/steps/<k>/<field>):
/// ParaView's Xdmf3 readers skip HyperSlab items and meshio's time-series reader cannot read them.
/// Cells are one "Mixed" topology (/model/cells/topology), so hexahedra, tetrahedra and interface
/// lines share a grid. The first grid of a collection spells out Topology and Geometry; the others
/// XInclude them (one shared item, read once).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <sstream>
#include <stdexcept>

#include <toml++/toml.h>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
#include "fascia/scenario_spec.hpp"
#include "io/hdf5_handle.hpp"

namespace fascia::io {

namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

/// Shortest text that reads back as the same double.
std::string number(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

/// A compressor run's indenter as a rigid triangulated surface (docs/hdf5-schema.md "XDMF
/// sidecars"): vertices relative to its reference point (the lowest point of a sphere, cylinder or
/// ellipsoid, the centre of a disc's face; docs/model.md §3.7–3.8), and per frame that point's
/// position and the contact force, linearly interpolated from the series at the frame's time.
struct IndenterLayout {
  std::vector<std::array<double, 3>> vertices;
  std::vector<std::array<int, 3>> triangles;
  std::vector<std::array<double, 3>> pose;  ///< per frame [m]
  std::vector<double> contact_force;        ///< per frame [N]
};

/// Surface of the indenter of protocol `name` in the scenario text (keys of docs/scenario.md), or
/// false when the run has no readable indenter. Longitude i around the axis, latitude j from the
/// lowest point up (a sphere or ellipsoid: the whole surface; a cylinder along y: its lateral
/// surface; a disc: its face, a fan of rings).
bool indenter_surface(const std::string& scenario_text, const std::string& name, IndenterLayout& out) {
  toml::table doc;
  try {
    doc = toml::parse(scenario_text);
  } catch (const std::exception&) {
    return false;
  }
  const auto proto = doc["protocol"][name];
  const ProtocolSpec defaults;
  const std::string shape = proto["indenter"].value_or(defaults.indenter);
  const double r = proto["radius_mm"].value_or(defaults.radius_mm) * 1e-3;
  const double length = proto["length_mm"].value_or(defaults.length_mm) * 1e-3;
  std::array<double, 3> axes{};
  for (std::size_t i = 0; i < 3; ++i) axes[i] = defaults.semi_axes_mm[i] * 1e-3;
  if (const auto* a = proto["semi_axes_mm"].as_array(); a && a->size() == 3)
    for (std::size_t i = 0; i < 3; ++i) axes[i] = (*a)[i].value_or(0.0) * 1e-3;
  constexpr int kAround = 32, kUp = 16;
  const double pi = std::numbers::pi;
  auto grid = [&](int rows, int cols, bool wrap, auto point) {  // (rows + 1) x cols vertices
    for (int j = 0; j <= rows; ++j)
      for (int i = 0; i < cols; ++i) out.vertices.push_back(point(i, j));
    const int last = wrap ? cols : cols - 1;
    for (int j = 0; j < rows; ++j)
      for (int i = 0; i < last; ++i) {
        const int a = j * cols + i, b = j * cols + (i + 1) % cols, c = a + cols, d = b + cols;
        out.triangles.push_back({a, b, d});
        out.triangles.push_back({a, d, c});
      }
  };
  if (shape == "sphere" || shape == "ellipsoid") {
    const std::array<double, 3> s = shape == "sphere" ? std::array<double, 3>{r, r, r} : axes;
    grid(kUp, kAround, true, [&](int i, int j) {
      const double theta = pi * j / kUp, phi = 2 * pi * i / kAround;
      return std::array<double, 3>{s[0] * std::sin(theta) * std::cos(phi), s[1] * std::sin(theta) * std::sin(phi),
                                   s[2] * (1.0 - std::cos(theta))};
    });
  } else if (shape == "cylinder") {
    grid(1, kAround, true, [&](int i, int j) {
      const double phi = 2 * pi * i / kAround;
      return std::array<double, 3>{r * std::sin(phi), (j - 0.5) * length, r * (1.0 - std::cos(phi))};
    });
  } else if (shape == "disc") {
    grid(4, kAround, true, [&](int i, int j) {
      const double phi = 2 * pi * i / kAround;
      return std::array<double, 3>{r * j / 4 * std::cos(phi), r * j / 4 * std::sin(phi), 0.0};
    });
  } else {
    return false;  // a shape this version cannot draw: none rather than a wrong one
  }
  return true;
}

/// Linear interpolation of the series (t, v) at `at` (clamped at the ends).
double interpolate(const std::vector<double>& t, const std::vector<double>& v, double at) {
  if (t.empty() || v.size() != t.size()) return 0.0;
  const auto it = std::lower_bound(t.begin(), t.end(), at);
  if (it == t.begin()) return v.front();
  if (it == t.end()) return v.back();
  const std::size_t i = std::size_t(it - t.begin());
  const double w = (at - t[i - 1]) / std::max(t[i] - t[i - 1], 1e-300);
  return v[i - 1] + w * (v[i] - v[i - 1]);
}

/// The indenter of run group `g` at the frame times, or false when the run has none.
bool read_indenter(hid_t g, const std::string& name, const std::vector<double>& frame_time, IndenterLayout& out) {
  for (const char* key : {"series/time", "series/indenter_x_m", "series/indenter_y_m", "series/indenter_z_m",
                          "series/contact_force_n"})
    if (h5::object_type(g, key) != H5I_DATASET) return false;
  if (!indenter_surface(h5::read_string_attr(g, "scenario").value_or(""), name, out)) return false;
  auto series = [&](const char* key) {
    h5::Handle d = h5::open_dataset(g, key);
    return h5::read_all<double>(d);
  };
  const auto t = series("series/time"), x = series("series/indenter_x_m"), y = series("series/indenter_y_m"),
             z = series("series/indenter_z_m"), f = series("series/contact_force_n");
  for (double at : frame_time) {
    out.pose.push_back({interpolate(t, x, at), interpolate(t, y, at), interpolate(t, z, at)});
    out.contact_force.push_back(interpolate(t, f, at));
  }
  return true;
}

struct RunLayout {
  std::string name;
  std::size_t frames = 0;
  std::vector<double> time;
  std::vector<std::string> node_fields;  ///< frames/<field> besides displacement and velocity
  std::vector<std::string> cell_fields;  ///< cell_frames/<field>
  bool has_indenter = false;
  IndenterLayout indenter;               ///< compressor runs
};

std::size_t leading(hid_t loc, const std::string& name) {
  if (h5::object_type(loc, name) != H5I_DATASET) return 0;
  h5::Handle d = h5::open_dataset(loc, name);
  const auto dims = h5::dims(d);
  return dims.empty() ? 0 : static_cast<std::size_t>(dims[0]);
}

/// Names of the datasets of `group` (under `loc`) with at least `frames` rows, except `skip`.
std::vector<std::string> stacked_fields(hid_t loc, const std::string& group, std::size_t frames) {
  std::vector<std::string> out;
  if (h5::object_type(loc, group) != H5I_GROUP) return out;
  h5::Handle g = h5::open_group(loc, group);
  for (const auto& field : h5::list_children(g)) {
    if (field == "displacement" || field == "velocity") continue;
    if (leading(g, field) >= frames) out.push_back(field);
  }
  return out;
}

/// What the model offers a viewer: its nodes and, when written, its cells.
struct ModelLayout {
  std::string h5;  ///< the .h5 file name, XML-escaped, as the sidecars refer to it
  std::size_t nodes = 0, cells = 0, topology_length = 0;
};

class XdmfBuilder {
public:
  explicit XdmfBuilder(const ModelLayout& model) : m_(model) {
    out_ << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
         << "<Xdmf Version=\"3.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
         << "  <Domain>\n";
  }

  std::string finish() {
    out_ << "  </Domain>\n</Xdmf>\n";
    return out_.str();
  }

  /// One uniform grid: the model's cells at rest with their layers and the nodes' masses.
  void model_grid() {
    const std::string ind = "    ";
    out_ << ind << "<Grid Name=\"model\" GridType=\"Uniform\">\n";
    topology(ind + "  ");
    geometry(ind + "  ");
    static_attributes(ind + "  ");
    hdf_attribute(ind + "  ", "mass", "Scalar", "Node", "/model/masses", std::to_string(m_.nodes), true);
    out_ << ind << "</Grid>\n";
  }

  /// One temporal collection: a uniform grid per frame with its time and direct references to
  /// that frame's datasets /runs/<run>/steps/<k>/<field>. The first grid spells out topology and
  /// geometry; the others XInclude them (one item, read once).
  void run_collection(const RunLayout& run) {
    const std::string name = xml_escape(run.name);
    out_ << "    <Grid Name=\"" << name << "\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
    const std::string ind = "        ";
    const std::string nodes = std::to_string(m_.nodes), cells = std::to_string(m_.cells);
    for (std::size_t f = 0; f < run.frames; ++f) {
      out_ << "      <Grid Name=\"" << name << "_" << f << "\" GridType=\"Uniform\">\n"
           << ind << "<Time Value=\"" << number(run.time[f]) << "\"/>\n";
      if (f == 0) {
        topology(ind);
        geometry(ind);
      } else {
        out_ << ind << "<xi:include xpointer=\"xpointer(/Xdmf/Domain/Grid[1]/Grid[1]/*[self::Topology or "
                       "self::Geometry])\"/>\n";
      }
      const std::string step = "/runs/" + name + "/steps/" + std::to_string(f) + "/";
      hdf_attribute(ind, "displacement", "Vector", "Node", step + "displacement", nodes + " 3", true);
      hdf_attribute(ind, "velocity", "Vector", "Node", step + "velocity", nodes + " 3", true);
      for (const auto& field : run.node_fields) {
        hdf_attribute(ind, xml_escape(field), "Scalar", "Node", step + xml_escape(field), nodes, true);
      }
      static_attributes(ind);
      for (const auto& field : run.cell_fields) {
        hdf_attribute(ind, xml_escape(field), "Scalar", "Cell", step + xml_escape(field), cells, true);
      }
      out_ << "      </Grid>\n";
    }
    out_ << "    </Grid>\n";
  }

  /// The indenter's temporal collection: per frame its surface placed at that frame's pose (inline
  /// XML: a few hundred vertices) with the contact force as a node attribute.
  void indenter_collection(const RunLayout& run, const IndenterLayout& ind) {
    const std::string name = xml_escape(run.name) + "_indenter";
    out_ << "    <Grid Name=\"" << name << "\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
    const std::string in = "        ";
    const std::size_t nv = ind.vertices.size();
    for (std::size_t f = 0; f < run.frames; ++f) {
      out_ << "      <Grid Name=\"" << name << "_" << f << "\" GridType=\"Uniform\">\n"
           << in << "<Time Value=\"" << number(run.time[f]) << "\"/>\n"
           << in << "<Topology TopologyType=\"Triangle\" NumberOfElements=\"" << ind.triangles.size() << "\">\n"
           << in << "  <DataItem Dimensions=\"" << ind.triangles.size() << " 3\" NumberType=\"Int\" Format=\"XML\">";
      for (const auto& tri : ind.triangles) out_ << "\n" << in << "    " << tri[0] << " " << tri[1] << " " << tri[2];
      out_ << "\n" << in << "  </DataItem>\n" << in << "</Topology>\n"
           << in << "<Geometry GeometryType=\"XYZ\">\n"
           << in << "  <DataItem Dimensions=\"" << nv << " 3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">";
      for (const auto& v : ind.vertices)
        out_ << "\n" << in << "    " << number(v[0] + ind.pose[f][0]) << " " << number(v[1] + ind.pose[f][1]) << " "
             << number(v[2] + ind.pose[f][2]);
      out_ << "\n" << in << "  </DataItem>\n" << in << "</Geometry>\n"
           << in << "<Attribute Name=\"contact_force_n\" AttributeType=\"Scalar\" Center=\"Node\">\n"
           << in << "  <DataItem Dimensions=\"" << nv << "\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">";
      for (std::size_t v = 0; v < nv; ++v) out_ << (v % 16 == 0 ? "\n" + in + "    " : " ") << number(ind.contact_force[f]);
      out_ << "\n" << in << "  </DataItem>\n" << in << "</Attribute>\n" << "      </Grid>\n";
    }
    out_ << "    </Grid>\n";
  }

private:
  void topology(const std::string& ind) {
    if (m_.cells > 0) {
      out_ << ind << "<Topology TopologyType=\"Mixed\" NumberOfElements=\"" << m_.cells << "\">\n"
           << ind << "  <DataItem Dimensions=\"" << m_.topology_length
           << "\" NumberType=\"Int\" Precision=\"4\" Format=\"HDF\">" << m_.h5 << ":/model/cells/topology</DataItem>\n"
           << ind << "</Topology>\n";
      return;
    }
    // No cells written: one vertex per node (Xdmf3 needs the connectivity even then: 0 1 ... n-1).
    out_ << ind << "<Topology TopologyType=\"Polyvertex\" NumberOfElements=\"" << m_.nodes
         << "\" NodesPerElement=\"1\">\n"
         << ind << "  <DataItem Dimensions=\"" << m_.nodes << "\" NumberType=\"Int\" Precision=\"4\" Format=\"XML\">";
    for (std::size_t i = 0; i < m_.nodes; ++i) out_ << (i % 20 == 0 ? "\n" + ind + "    " : " ") << i;
    out_ << "\n" << ind << "  </DataItem>\n" << ind << "</Topology>\n";
  }
  void geometry(const std::string& ind) {
    out_ << ind << "<Geometry GeometryType=\"XYZ\">\n"
         << ind << "  <DataItem Dimensions=\"" << m_.nodes
         << " 3\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << m_.h5
         << ":/model/rest_positions</DataItem>\n"
         << ind << "</Geometry>\n";
  }
  /// Layer of each cell (or of each node when there are no cells).
  void static_attributes(const std::string& ind) {
    if (m_.cells > 0) {
      hdf_attribute(ind, "layer_id", "Scalar", "Cell", "/model/cells/layer_id", std::to_string(m_.cells), false);
    } else {
      hdf_attribute(ind, "layer_id", "Scalar", "Node", "/model/layer_id", std::to_string(m_.nodes), false);
    }
  }
  void hdf_attribute(const std::string& ind, const std::string& name, const char* type, const char* center,
                     const std::string& dataset, const std::string& dims, bool is_float) {
    out_ << ind << "<Attribute Name=\"" << name << "\" AttributeType=\"" << type << "\" Center=\"" << center
         << "\">\n"
         << ind << "  <DataItem Dimensions=\"" << dims << "\" NumberType=\"" << (is_float ? "Float" : "Int")
         << "\" Precision=\"" << (is_float ? 8 : 4) << "\" Format=\"HDF\">" << m_.h5 << ":" << dataset
         << "</DataItem>\n"
         << ind << "</Attribute>\n";
  }

  const ModelLayout& m_;
  std::ostringstream out_;
};

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream os(path, std::ios::binary | std::ios::trunc);
  if (!os) throw std::runtime_error("cannot write '" + path.string() + "'");
  os << text;
  os.close();
  if (!os) throw std::runtime_error("error writing '" + path.string() + "'");
}

}  // namespace

std::vector<std::string> write_xdmf(const std::string& h5_path) {
  h5::ErrorSilencer quiet;
  h5::Handle file = h5::open_file_readonly(h5_path);  // InputError naming the path
  const auto format = h5::read_string_attr(file, "format");
  if (!format || *format != "fascia-output") {
    throw InputError(h5_path, "not a fascia output file (root attribute format = \"fascia-output\" missing)");
  }
  if (h5::object_type(file, "model/rest_positions") != H5I_DATASET) {
    throw InputError(h5_path, "has no /model/rest_positions: nothing to describe");
  }
  ModelLayout model;
  model.h5 = xml_escape(std::filesystem::path(h5_path).filename().string());
  model.nodes = leading(file, "model/rest_positions");
  model.cells = leading(file, "model/cells/layer_id");
  model.topology_length = leading(file, "model/cells/topology");

  std::vector<RunLayout> runs;
  if (h5::object_type(file, "runs") == H5I_GROUP) {
    h5::Handle rg = h5::open_group(file, "runs");
    for (const auto& name : h5::list_children(rg)) {
      if (h5::object_type(rg, name) != H5I_GROUP) continue;
      h5::Handle g = h5::open_group(rg, name);
      RunLayout run;
      run.name = name;
      // Same rule as read_summary: a frame exists once time, displacement and velocity hold it.
      run.frames = std::min({leading(g, "time"), leading(g, "frames/displacement"), leading(g, "frames/velocity")});
      if (run.frames == 0) continue;
      h5::Handle t = h5::open_dataset(g, "time");
      run.time = h5::read_all<double>(t);
      run.node_fields = stacked_fields(g, "frames", run.frames);
      if (model.cells > 0) run.cell_fields = stacked_fields(g, "cell_frames", run.frames);
      run.time.resize(run.frames);
      run.has_indenter = read_indenter(g, name, run.time, run.indenter);
      runs.push_back(std::move(run));
    }
  }

  const std::filesystem::path h5(h5_path);
  const std::filesystem::path dir = h5.parent_path();
  const std::string stem = h5.stem().string();
  std::vector<std::string> written;
  XdmfBuilder model_xml(model);
  model_xml.model_grid();
  written.push_back((dir / (stem + ".xdmf")).string());
  write_text(written.back(), model_xml.finish());
  for (const auto& run : runs) {
    XdmfBuilder xml(model);
    xml.run_collection(run);
    written.push_back((dir / (stem + "_" + run.name + ".xdmf")).string());
    write_text(written.back(), xml.finish());
    if (!run.has_indenter) continue;
    XdmfBuilder indenter_xml(model);
    indenter_xml.indenter_collection(run, run.indenter);
    written.push_back((dir / (stem + "_" + run.name + "_indenter.xdmf")).string());
    write_text(written.back(), indenter_xml.finish());
  }
  return written;
}

}  // namespace fascia::io
