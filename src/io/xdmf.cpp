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
  std::vector<std::string> node_fields;  ///< frames/<field> besides displacement and velocity
  std::vector<std::string> cell_fields;  ///< cell_frames/<field>
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
  }
  return written;
}

}  // namespace fascia::io
