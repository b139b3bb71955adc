// SPDX-License-Identifier: MIT
/// @file write_xdmf: the XDMF 3 sidecar that lets ParaView / VisIt open a fascia .h5 directly.
///
/// Layout (see docs/hdf5-schema.md): per run with frames, a temporal collection "<run>" of uniform
/// grids on all nodes (Polyvertex), and, when the model has a "springs" element group, a second
/// temporal collection "<run>_springs" on the spring edges (Polyline, 2 nodes per element). Each
/// step's attributes are HyperSlab references into the frame datasets. The first grid of each
/// collection spells out Topology and Geometry; the others XInclude them (one shared item, read once).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
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

struct RunLayout {
  std::string name;
  std::size_t frames = 0;
  std::vector<double> time;
  std::vector<std::string> scalar_fields;  ///< frames/<field> of shape (n_frames, n_nodes)
  std::map<std::string, std::size_t> rows;  ///< actual leading extent of each frames/<dataset>
};

std::size_t leading(hid_t loc, const std::string& name) {
  if (h5::object_type(loc, name) != H5I_DATASET) return 0;
  h5::Handle d = h5::open_dataset(loc, name);
  const auto dims = h5::dims(d);
  return dims.empty() ? 0 : static_cast<std::size_t>(dims[0]);
}

class XdmfBuilder {
public:
  XdmfBuilder(std::string h5_name, std::size_t nodes, std::size_t springs)
      : h5_(xml_escape(h5_name)), nodes_(nodes), springs_(springs) {}

  std::string str() const { return out_.str(); }

  void begin() {
    out_ << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
         << "<Xdmf Version=\"3.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
         << "  <Domain>\n";
  }
  void end() { out_ << "  </Domain>\n</Xdmf>\n"; }

  /// A static grid of the model only (used when no run has frames).
  void model_grid() {
    ++grids_;
    out_ << "    <Grid Name=\"model\" GridType=\"Uniform\">\n";
    polyvertex_topology("      ");
    geometry("      ");
    out_ << "    </Grid>\n";
  }

  void run_collection(const RunLayout& run, bool on_springs) {
    const std::size_t collection = ++grids_;  // 1-based position among the Domain's Grids
    const std::string grid_name = xml_escape(run.name) + (on_springs ? "_springs" : "");
    const std::string base = "/runs/" + xml_escape(run.name) + "/frames/";
    out_ << "    <Grid Name=\"" << grid_name
         << "\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
    for (std::size_t f = 0; f < run.frames; ++f) {
      out_ << "      <Grid Name=\"" << grid_name << "_" << f << "\" GridType=\"Uniform\">\n"
           << "        <Time Value=\"" << number(run.time[f]) << "\"/>\n";
      if (f == 0) {
        if (on_springs) {
          polyline_topology("        ");
        } else {
          polyvertex_topology("        ");
        }
        geometry("        ");
      } else {
        out_ << "        <xi:include xpointer=\"xpointer(/Xdmf/Domain/Grid[" << collection
             << "]/Grid[1]/*[self::Topology or self::Geometry])\"/>\n";
      }
      attribute(base + "displacement", "displacement", f, run.rows.at("displacement"), true);
      attribute(base + "velocity", "velocity", f, run.rows.at("velocity"), true);
      for (const auto& field : run.scalar_fields) {
        attribute(base + xml_escape(field), xml_escape(field), f, run.rows.at(field), false);
      }
      out_ << "      </Grid>\n";
    }
    out_ << "    </Grid>\n";
  }

private:
  void polyvertex_topology(const std::string& ind) {
    // Xdmf3 needs explicit connectivity even for Polyvertex (one cell per node): 0 1 ... n-1.
    out_ << ind << "<Topology TopologyType=\"Polyvertex\" NumberOfElements=\"" << nodes_
         << "\" NodesPerElement=\"1\">\n"
         << ind << "  <DataItem Dimensions=\"" << nodes_
         << "\" NumberType=\"Int\" Precision=\"4\" Format=\"XML\">";
    for (std::size_t i = 0; i < nodes_; ++i) {
      out_ << (i % 20 == 0 ? "\n" + ind + "    " : " ") << i;
    }
    out_ << "\n" << ind << "  </DataItem>\n" << ind << "</Topology>\n";
  }
  void polyline_topology(const std::string& ind) {
    out_ << ind << "<Topology TopologyType=\"Polyline\" NumberOfElements=\"" << springs_
         << "\" NodesPerElement=\"2\">\n"
         << ind << "  <DataItem Dimensions=\"" << springs_
         << " 2\" NumberType=\"Int\" Precision=\"4\" Format=\"HDF\">" << h5_
         << ":/model/elements/springs/connectivity</DataItem>\n"
         << ind << "</Topology>\n";
  }
  void geometry(const std::string& ind) {
    out_ << ind << "<Geometry GeometryType=\"XYZ\">\n"
         << ind << "  <DataItem Dimensions=\"" << nodes_
         << " 3\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << h5_
         << ":/model/rest_positions</DataItem>\n"
         << ind << "</Geometry>\n";
  }
  /// One frame of frames/<name>: row f of a (rows, n_nodes[, 3]) dataset.
  void attribute(const std::string& dataset, const std::string& name, std::size_t f,
                 std::size_t rows, bool vector) {
    const std::string ind = "        ";
    out_ << ind << "<Attribute Name=\"" << name << "\" AttributeType=\""
         << (vector ? "Vector" : "Scalar") << "\" Center=\"Node\">\n";
    if (vector) {
      out_ << ind << "  <DataItem ItemType=\"HyperSlab\" Dimensions=\"1 " << nodes_ << " 3\">\n"
           << ind << "    <DataItem Dimensions=\"3 3\" NumberType=\"Int\" Format=\"XML\">" << f
           << " 0 0 1 1 1 1 " << nodes_ << " 3</DataItem>\n"
           << ind << "    <DataItem Dimensions=\"" << rows << " " << nodes_
           << " 3\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << h5_ << ":" << dataset
           << "</DataItem>\n";
    } else {
      out_ << ind << "  <DataItem ItemType=\"HyperSlab\" Dimensions=\"1 " << nodes_ << "\">\n"
           << ind << "    <DataItem Dimensions=\"3 2\" NumberType=\"Int\" Format=\"XML\">" << f
           << " 0 1 1 1 " << nodes_ << "</DataItem>\n"
           << ind << "    <DataItem Dimensions=\"" << rows << " " << nodes_
           << "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << h5_ << ":" << dataset
           << "</DataItem>\n";
    }
    out_ << ind << "  </DataItem>\n" << ind << "</Attribute>\n";
  }

  std::ostringstream out_;
  std::string h5_;
  std::size_t nodes_, springs_;
  std::size_t grids_ = 0;
};

}  // namespace

std::string write_xdmf(const std::string& h5_path) {
  h5::ErrorSilencer quiet;
  h5::Handle file = h5::open_file_readonly(h5_path);  // InputError naming the path
  const auto format = h5::read_string_attr(file, "format");
  if (!format || *format != "fascia-output") {
    throw InputError(h5_path, "not a fascia output file (root attribute format = \"fascia-output\" missing)");
  }
  if (h5::object_type(file, "model/rest_positions") != H5I_DATASET) {
    throw InputError(h5_path, "has no /model/rest_positions: nothing to describe");
  }
  const std::size_t nodes = leading(file, "model/rest_positions");
  std::size_t springs = 0;
  if (h5::object_type(file, "model/elements/springs/connectivity") == H5I_DATASET) {
    h5::Handle c = h5::open_dataset(file, "model/elements/springs/connectivity");
    const auto d = h5::dims(c);
    if (d.size() == 2 && d[1] == 2) springs = static_cast<std::size_t>(d[0]);
  }

  std::vector<RunLayout> runs;
  if (h5::object_type(file, "runs") == H5I_GROUP) {
    h5::Handle rg = h5::open_group(file, "runs");
    for (const auto& name : h5::list_children(rg)) {
      if (h5::object_type(rg, name) != H5I_GROUP) continue;
      h5::Handle g = h5::open_group(rg, name);
      RunLayout run;
      run.name = name;
      // Same rule as read_summary: a frame exists once time, displacement and velocity hold it.
      run.rows["displacement"] = leading(g, "frames/displacement");
      run.rows["velocity"] = leading(g, "frames/velocity");
      run.frames = std::min({leading(g, "time"), run.rows["displacement"], run.rows["velocity"]});
      if (run.frames == 0) continue;
      h5::Handle t = h5::open_dataset(g, "time");
      run.time = h5::read_all<double>(t);
      h5::Handle frames = h5::open_group(g, "frames");
      for (const auto& field : h5::list_children(frames)) {
        if (field == "displacement" || field == "velocity") continue;
        if (h5::object_type(frames, field) != H5I_DATASET) continue;
        h5::Handle d = h5::open_dataset(frames, field);
        const auto dims = h5::dims(d);
        if (dims.size() == 2 && dims[0] >= run.frames && dims[1] == nodes) {
          run.scalar_fields.push_back(field);
          run.rows[field] = static_cast<std::size_t>(dims[0]);
        }
      }
      runs.push_back(std::move(run));
    }
  }

  std::filesystem::path out_path(h5_path);
  out_path.replace_extension(".xdmf");
  XdmfBuilder xml(std::filesystem::path(h5_path).filename().string(), nodes, springs);
  xml.begin();
  if (runs.empty()) xml.model_grid();
  for (const auto& run : runs) {
    xml.run_collection(run, /*on_springs=*/false);
    if (springs > 0) xml.run_collection(run, /*on_springs=*/true);
  }
  xml.end();

  std::ofstream os(out_path, std::ios::binary | std::ios::trunc);
  if (!os) throw std::runtime_error("cannot write '" + out_path.string() + "'");
  os << xml.str();
  os.close();
  if (!os) throw std::runtime_error("error writing '" + out_path.string() + "'");
  return out_path.string();
}

}  // namespace fascia::io
