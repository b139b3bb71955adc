// SPDX-License-Identifier: MIT
#include "fascia/mesh/gmsh_file.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "fascia/core/error.hpp"

namespace fascia {
namespace {

/// Names of the 3-D element types a user may meet, for the error that refuses them.
std::string gmsh_type_name(long long type) {
  switch (type) {
    case 6: return "6-node prism";
    case 7: return "5-node pyramid";
    case 11: return "10-node tetrahedron";
    case 12: return "27-node hexahedron";
    case 13: return "18-node prism";
    case 14: return "14-node pyramid";
    case 17: return "20-node hexahedron";
    default: return "type " + std::to_string(type);
  }
}

/// The file as lines, read record by record: the MSH 4.1 format writes each record (a header, a
/// node tag, a coordinate triple, an element) on its own line, so errors can name the line.
class MshLines {
public:
  MshLines(const std::string& path, const std::string& key) : key_(key) {
    std::string shown;
    for (char c : detail::shorten(path, 200)) shown += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    file_ = "file '" + shown + "'";
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(key_, file_ + " cannot be opened: " + std::strerror(errno));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines_.push_back(std::move(line));
    }
    if (in.bad()) throw InputError(key_, file_ + " cannot be read: " + std::strerror(errno));
  }

  bool done() const { return next_ >= lines_.size(); }
  /// 1-based number of the line returned last.
  std::size_t line() const { return next_; }

  [[noreturn]] void fail(const std::string& what) const { fail_at(next_, what); }
  [[noreturn]] void fail_at(std::size_t line, const std::string& what) const {
    throw InputError(key_, file_ + " line " + std::to_string(line) + ": " + what);
  }
  [[noreturn]] void fail_file(const std::string& what) const { throw InputError(key_, file_ + ": " + what); }

  /// The next line (skipping blank ones), as text; fails at the end of the file inside `section`.
  std::string_view text(const char* section) {
    while (next_ < lines_.size()) {
      const std::string& s = lines_[next_++];
      if (s.find_first_not_of(" \t") != std::string::npos) return s;
    }
    fail_file(std::string("ends inside ") + section + " (truncated file?)");
  }

  /// The whitespace-separated fields of the next line.
  std::vector<std::string_view> fields(const char* section) {
    const std::string_view s = text(section);
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
      const std::size_t start = i;
      while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
      if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
  }

  /// The next line's fields, exactly `n` of them (or at least `n` when `at_least`).
  std::vector<std::string_view> record(const char* section, std::size_t n, const char* what, bool at_least = false) {
    auto f = fields(section);
    if (f.size() < n || (!at_least && f.size() != n))
      fail(std::string("expected ") + what + " in " + section + " (" + std::to_string(n) + " numbers), found \"" +
           detail::shorten(std::string(join(f)), 80) + "\"");
    return f;
  }

  long long integer(std::string_view s, const char* what) const {
    long long v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
      fail(std::string("expected an integer (") + what + "), found \"" + detail::shorten(std::string(s), 40) + "\"");
    return v;
  }
  long long count(std::string_view s, const char* what) const {
    const long long v = integer(s, what);
    if (v < 0) fail(std::string(what) + " is negative (" + std::to_string(v) + ")");
    return v;
  }
  double real(std::string_view s, const char* what) const {
    double v = 0.0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v))
      fail(std::string("expected a finite number (") + what + "), found \"" + detail::shorten(std::string(s), 40) + "\"");
    return v;
  }

  /// Skips to the line "$End<name>".
  void skip_section(const std::string& name) {
    const std::string end = "$End" + name;
    while (!done())
      if (trimmed(lines_[next_++]) == end) return;
    fail_file("section $" + name + " has no " + end + " (truncated file?)");
  }
  /// Requires the next line to be "$End<name>".
  void end_section(const std::string& name) {
    const std::string end = "$End" + name;
    const std::string_view s = trimmed(text(("$" + name).c_str()));
    if (s != end) fail("expected " + end + ", found \"" + detail::shorten(std::string(s), 40) + "\" (more records than the counts announce?)");
  }

  static std::string_view trimmed(std::string_view s) {
    const auto a = s.find_first_not_of(" \t");
    if (a == std::string_view::npos) return {};
    return s.substr(a, s.find_last_not_of(" \t") - a + 1);
  }

private:
  static std::string join(const std::vector<std::string_view>& f) {
    std::string s;
    for (auto v : f) {
      if (!s.empty()) s += ' ';
      s.append(v);
    }
    return s;
  }

  std::string key_, file_;
  std::vector<std::string> lines_;
  std::size_t next_ = 0;
};

/// One `$ElementData` section (gmsh reference manual, "MSH file format": string tags, the first the
/// view's name; real tags, the first the time; integer tags: time step, number of components,
/// number of entries, [partition]; then "elementTag value ..." per entry). Adds the entries of the
/// "fiber_direction" view to `directions` (tag -> direction, line); other views are skipped.
void read_element_data(MshLines& in, std::map<long long, std::pair<Vec3, std::size_t>>& directions) {
  const char* section = "$ElementData";
  std::string view;
  const long long n_strings = in.count(in.record(section, 1, "the number of string tags")[0], "number of string tags");
  for (long long i = 0; i < n_strings; ++i) {
    std::string_view s = MshLines::trimmed(in.text(section));
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    if (i == 0) view = std::string(s);
  }
  const long long n_reals = in.count(in.record(section, 1, "the number of real tags")[0], "number of real tags");
  for (long long i = 0; i < n_reals; ++i) in.text(section);
  const long long n_integers = in.count(in.record(section, 1, "the number of integer tags")[0], "number of integer tags");
  if (n_integers < 3) in.fail("$ElementData has " + std::to_string(n_integers) + " integer tags; allowed at least 3 (time step, components, entries)");
  long long integers[3] = {0, 0, 0};
  for (long long i = 0; i < n_integers; ++i) {
    const long long v = in.integer(in.record(section, 1, "an integer tag")[0], "integer tag");
    if (i < 3) integers[i] = v;
  }
  if (view != kGmshFiberDirectionView) {
    in.skip_section("ElementData");
    return;
  }
  if (!directions.empty()) in.fail(std::string("the view \"") + kGmshFiberDirectionView + "\" is given twice; allowed once");
  const long long components = integers[1], entries = integers[2];
  if (components != 3)
    in.fail(std::string("the view \"") + kGmshFiberDirectionView + "\" has " + std::to_string(components) +
            " components per element; allowed 3 (a direction x y z)");
  if (entries < 0) in.fail("$ElementData announces " + std::to_string(entries) + " entries");
  for (long long i = 0; i < entries; ++i) {
    const auto f = in.record(section, 4, "an element tag and a direction x y z");
    const long long tag = in.integer(f[0], "element tag");
    const Vec3 d(in.real(f[1], "x"), in.real(f[2], "y"), in.real(f[3], "z"));
    if (!(d.norm() > 0.0)) in.fail("element " + std::to_string(tag) + ": the fibre direction is zero; allowed a nonzero vector");
    if (!directions.emplace(tag, std::make_pair(d, in.line())).second)
      in.fail("element " + std::to_string(tag) + " has two fibre directions; allowed one");
  }
  in.end_section("ElementData");
}

}  // namespace

namespace {

/// What reading one file accumulates, section by section (each section its own method).
struct GmshReader {
  MshLines in;
  GmshMesh mesh;
  bool format = false, nodes_read = false, elements_read = false;
  std::map<long long, std::string> volume_names;             // physical tag (dim 3) -> name
  std::map<long long, std::vector<long long>> volume_groups;  // volume entity -> physical tags
  std::unordered_map<long long, Index> node_index;            // node tag -> index
  std::set<std::size_t> element_tags;
  std::map<long long, std::pair<Vec3, std::size_t>> directions;  // "fiber_direction": tag -> direction, line

  void mesh_format() {
    const auto f = in.record("$MeshFormat", 3, "version file-type data-size");
    if (f[0] != "4.1")
      in.fail("MSH version " + std::string(f[0]) + " is not supported; allowed 4.1 (save with gmsh -format msh41, or Mesh.MshFileVersion = 4.1)");
    if (f[1] != "0")
      in.fail("binary MSH files are not supported; allowed ASCII (save with Mesh.Binary = 0)");
    in.end_section("MeshFormat");
    format = true;
  }

  void physical_names() {
    const long long n = in.count(in.record("$PhysicalNames", 1, "the number of names")[0], "number of names");
    for (long long i = 0; i < n; ++i) {
      const std::string_view s = in.text("$PhysicalNames");
      const auto q0 = s.find('"'), q1 = s.rfind('"');
      if (q0 == std::string_view::npos || q1 == q0) in.fail("expected: dimension tag \"name\" in $PhysicalNames");
      std::istringstream head{std::string(s.substr(0, q0))};
      long long dim = -1, tag = 0;
      if (!(head >> dim >> tag)) in.fail("expected: dimension tag \"name\" in $PhysicalNames");
      if (dim == 3) volume_names[tag] = std::string(s.substr(q0 + 1, q1 - q0 - 1));
    }
    in.end_section("PhysicalNames");
  }

  void entities() {
    const auto f = in.record("$Entities", 4, "numPoints numCurves numSurfaces numVolumes");
    long long counts[4];
    for (int d = 0; d < 4; ++d) counts[d] = in.count(f[std::size_t(d)], "number of entities");
    for (int d = 0; d < 4; ++d)
      for (long long i = 0; i < counts[d]; ++i) {
        // point: tag x y z nPhys phys...; others: tag minX minY minZ maxX maxY maxZ nPhys phys... nBound bound...
        const std::size_t at = d == 0 ? 4 : 7;
        const auto e = in.record("$Entities", at + 1, "an entity record", true);
        const long long n_phys = in.count(e[at], "number of physical tags");
        if (e.size() < at + 1 + std::size_t(n_phys)) in.fail("entity record shorter than its physical tags");
        if (d != 3) continue;
        auto& groups = volume_groups[in.integer(e[0], "volume tag")];
        for (long long p = 0; p < n_phys; ++p) groups.push_back(std::llabs(in.integer(e[at + 1 + std::size_t(p)], "physical tag")));
      }
    in.end_section("Entities");
  }

  void nodes() {
    const auto f = in.record("$Nodes", 4, "numEntityBlocks numNodes minNodeTag maxNodeTag");
    const long long blocks = in.count(f[0], "number of blocks");
    const long long total = in.count(f[1], "number of nodes");
    mesh.coordinates.reserve(std::size_t(total));
    for (long long b = 0; b < blocks; ++b) {
      const auto h = in.record("$Nodes", 4, "entityDim entityTag parametric numNodesInBlock");
      const long long dim = in.integer(h[0], "entity dimension");
      const bool parametric = in.integer(h[2], "parametric flag") != 0;
      const long long n = in.count(h[3], "number of nodes in the block");
      std::vector<std::pair<long long, std::size_t>> tags;  // tag, its line
      for (long long i = 0; i < n; ++i) {
        const long long tag = in.integer(in.record("$Nodes", 1, "a node tag")[0], "node tag");
        tags.emplace_back(tag, in.line());
      }
      const std::size_t coords = 3 + (parametric ? std::size_t(std::max(0LL, dim)) : 0);
      for (const auto& [tag, line] : tags) {
        const auto c = in.record("$Nodes", coords, parametric ? "x y z and parametric coordinates" : "x y z");
        if (!node_index.emplace(tag, Index(mesh.coordinates.size())).second)
          in.fail_at(line, "node tag " + std::to_string(tag) + " is defined twice");
        mesh.coordinates.emplace_back(in.real(c[0], "x"), in.real(c[1], "y"), in.real(c[2], "z"));
      }
    }
    if (mesh.coordinates.size() != std::size_t(total))
      in.fail("$Nodes announces " + std::to_string(total) + " nodes, its blocks hold " + std::to_string(mesh.coordinates.size()));
    in.end_section("Nodes");
    nodes_read = true;
  }

  /// The tissue of a volume entity: the name of the one physical volume it belongs to (checked per element).
  std::set<std::string> tissue_names(long long entity) const {
    std::set<std::string> names;
    if (auto it = volume_groups.find(entity); it != volume_groups.end())
      for (long long p : it->second)
        if (auto nm = volume_names.find(p); nm != volume_names.end()) names.insert(nm->second);
    return names;
  }

  void elements() {
    if (!nodes_read) in.fail("$Elements before $Nodes");
    const auto f = in.record("$Elements", 4, "numEntityBlocks numElements minElementTag maxElementTag");
    const long long blocks = in.count(f[0], "number of blocks");
    for (long long b = 0; b < blocks; ++b) {
      const auto h = in.record("$Elements", 4, "entityDim entityTag elementType numElementsInBlock");
      const long long dim = in.integer(h[0], "entity dimension");
      const long long entity = in.integer(h[1], "entity tag");
      const long long type = in.integer(h[2], "element type");
      const long long n = in.count(h[3], "number of elements in the block");
      if (dim != 3) {  // points, lines and surface elements: not needed (the surfaces are found from the volumes)
        for (long long i = 0; i < n; ++i) in.text("$Elements");
        continue;
      }
      if (type != kGmshTetrahedron4 && type != kGmshHexahedron8)
        in.fail(gmsh_type_name(type) + " elements (volume " + std::to_string(entity) +
                ") are not supported; allowed 4-node tetrahedra (type 4) and 8-node hexahedra (type 5)");
      const std::set<std::string> names = tissue_names(entity);
      for (long long i = 0; i < n; ++i) volume_element(int(type), entity, names);
    }
    in.end_section("Elements");
    elements_read = true;
  }

  /// One record of a block of 3-D elements of `type` in volume `entity` (whose tissues are `names`).
  void volume_element(int type, long long entity, const std::set<std::string>& names) {
    const std::size_t corners = type == kGmshHexahedron8 ? 8 : 4;
    const auto e = in.record("$Elements", corners + 1, type == kGmshHexahedron8 ? "a hexahedron: tag and 8 node tags" : "a tetrahedron: tag and 4 node tags");
    GmshElement el;
    el.type = type;
    const long long tag = in.integer(e[0], "element tag");
    el.tag = std::size_t(tag);
    el.line = in.line();
    if (tag <= 0 || !element_tags.insert(el.tag).second)
      in.fail("element tag " + std::to_string(tag) + " is not positive or is used twice");
    if (names.size() != 1)
      in.fail("element " + std::to_string(tag) + " lies in volume " + std::to_string(entity) + ", which is in " +
              (names.empty() ? "no named physical volume" : "several named physical volumes") +
              "; allowed exactly one, naming its tissue (\"muscle\", \"dense_1\", ...)");
    el.group = *names.begin();
    for (std::size_t a = 0; a < corners; ++a) {
      const long long t = in.integer(e[a + 1], "node tag");
      const auto it = node_index.find(t);
      if (it == node_index.end())
        in.fail("element " + std::to_string(tag) + " uses node tag " + std::to_string(t) + ", which $Nodes does not define");
      el.nodes.push_back(it->second);
    }
    mesh.volumes.push_back(std::move(el));
  }

  /// After the last section: the file held a mesh, and every per-element fibre direction names one of its elements.
  void finish() {
    if (!format) in.fail_file("not a gmsh mesh: empty, or no $MeshFormat section");
    if (!elements_read || mesh.volumes.empty())
      in.fail_file("holds no 3-D elements (4-node tetrahedra or 8-node hexahedra in named physical volumes)");
    for (GmshElement& e : mesh.volumes)
      if (auto it = directions.find((long long)e.tag); it != directions.end()) {
        e.fiber_direction = it->second.first;
        directions.erase(it);
      }
    if (!directions.empty()) {
      const auto& [tag, entry] = *directions.begin();
      in.fail_at(entry.second, std::string("the view \"") + kGmshFiberDirectionView + "\" names element " + std::to_string(tag) +
                                   ", which is not a 3-D element of the mesh");
    }
  }
};

}  // namespace

GmshMesh read_gmsh_mesh(const std::string& path, const std::string& key) {
  GmshReader r{MshLines(path, key)};
  while (!r.in.done()) {
    const std::string header(MshLines::trimmed(r.in.text("the file")));
    if (!r.format && header != "$MeshFormat") r.in.fail("not a gmsh mesh: the file must start with $MeshFormat");
    if (header.empty() || header[0] != '$') r.in.fail("expected a section header such as $Nodes, found \"" + detail::shorten(header, 40) + "\"");
    const std::string name = header.substr(1);
    if (name == "MeshFormat") r.mesh_format();
    else if (name == "PhysicalNames") r.physical_names();
    else if (name == "Entities") r.entities();
    else if (name == "Nodes") r.nodes();
    else if (name == "Elements") r.elements();
    else if (name == "ElementData") read_element_data(r.in, r.directions);
    else r.in.skip_section(name);  // $Periodic, $NodeData, $PartitionedEntities, comments, ...
  }
  r.finish();
  return std::move(r.mesh);
}

}  // namespace fascia
