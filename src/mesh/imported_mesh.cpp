// SPDX-License-Identifier: MIT
#include "fascia/mesh/imported_mesh.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <tuple>

#include <Eigen/Geometry>

#include "fascia/core/error.hpp"
#include "fascia/lattice/interface_layer.hpp"
#include "fascia/mesh/gmsh_file.hpp"
#include "fascia/mesh/interface_split.hpp"
#include "fascia/mesh/slab_mesh.hpp"

namespace fascia {
namespace {

constexpr const char* kKey = "geometry.mesh_file";
constexpr int kMaxLayers = 20;  // as geometry.layers

/// The tissue a physical volume names.
struct Tissue {
  std::string group;                        ///< the physical volume's name
  const LayerMaterial* material = nullptr;
  std::int32_t layer = 0;                   ///< layer_id of its nodes (docs/hdf5-schema.md)
  double fiber_angle_deg = 0.0;
  bool two_through = false;                 ///< needs two elements through its thickness (as the generated mesh)
};

/// "dense_7" -> 7 when `name` is prefix + an integer in [1, kMaxLayers].
std::optional<int> numbered(const std::string& name, const std::string& prefix) {
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size() || name.size() > prefix.size() + 2) return std::nullopt;
  int l = 0;
  for (char c : name.substr(prefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    l = 10 * l + (c - '0');
  }
  if (l < 1 || l > kMaxLayers || name[prefix.size()] == '0') return std::nullopt;
  return l;
}

std::optional<Tissue> tissue_named(const std::string& name, const SlabGeometry& g, const TissueMaterials& mat) {
  if (name == "muscle") return Tissue{name, &mat.muscle, 0, 0.0, false};
  if (name == "hypodermis") return Tissue{name, &mat.hypodermis, kHypodermisLayer, 0.0, false};
  if (name == "skin") return Tissue{name, &mat.skin, kSkinLayer, 0.0, true};
  if (auto l = numbered(name, "dense_"))  // alternate layers cross (Stecco 2009), as slab_stack
    return Tissue{name, &mat.dense, *l, g.layer_angle_deg(*l - 1), true};
  if (auto l = numbered(name, "loose_")) return Tissue{name, &mat.loose, -*l, 0.0, false};
  return std::nullopt;
}

/// Whether `upper` lies on an interface over `lower` where they share a face: the generated slab's
/// rule (slab_stack), every tissue on an interface over the one below except the skin, bonded to the
/// hypodermis; a meshed loose_k volume is the loose layer itself, so it is bonded to both sides.
bool on_interface(const Tissue& lower, const Tissue& upper) {
  if (lower.layer < 0 || upper.layer < 0) return false;
  return !(upper.layer == kSkinLayer && lower.layer == kHypodermisLayer);
}

/// gmsh's hexahedron (bottom face counter-clockwise, then the top face) -> the bit order x + 2y + 4z.
constexpr int kGmshToBit[8] = {0, 1, 3, 2, 4, 5, 7, 6};

/// Corner orders (a; b, c, d) of a positively oriented tetrahedron 0123 that are positive too (the
/// even permutations starting at each corner).
constexpr int kCornerFrame[4][4] = {{0, 1, 2, 3}, {1, 0, 3, 2}, {2, 3, 0, 1}, {3, 2, 1, 0}};

class Importer {
public:
  Importer(const std::string& path, const SlabGeometry& g, const TissueMaterials& mat) : path_(path), g_(g), mat_(mat) {}

  Lattice build() {
    if (mat_.poro.enabled)
      throw InputError("water.model", "value \"biot\" is not available with geometry.mesh_file (its Darcy links are built "
                                      "on the generated slab's cells); allowed \"maxwell\"");
    mesh_ = read_gmsh_mesh(path_, kKey);
    file_ = "file '" + detail::shorten(path_, 200) + "'";
    name_tissues();
    check_elements();
    lat_.dim = 3;
    for (const Vec3& p : mesh_.coordinates)
      lat_.rest_positions.insert(lat_.rest_positions.end(), {1e-3 * p.x(), 1e-3 * p.y(), 1e-3 * p.z()});  // mm -> m
    hexahedra();
    split_ = split_interfaces(lat_.rest_positions, cells_, [&](std::int32_t lower, std::int32_t upper) {
      return on_interface(tissues_[std::size_t(lower)], tissues_[std::size_t(upper)]);
    });
    lat_.masses.assign(lat_.rest_positions.size() / 3, 0.0);
    add_cells();
    add_interfaces();
    surfaces();
    return std::move(lat_);
  }

private:
  [[noreturn]] void fail(const GmshElement& e, const std::string& what) const {
    throw InputError(kKey, file_ + " line " + std::to_string(e.line) + ": element " + std::to_string(e.tag) + " (" +
                               e.group + ") " + what);
  }

  /// Each physical volume's tissue; blocks (and Hex8Group materials) ordered bottom to top.
  void name_tissues() {
    std::map<std::string, std::pair<double, double>> extent;  // group -> lowest, highest z [mm]
    for (const GmshElement& e : mesh_.volumes) {
      auto [it, fresh] = extent.try_emplace(e.group, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity());
      if (fresh && !tissue_named(e.group, g_, mat_))
        throw InputError(kKey, file_ + " line " + std::to_string(e.line) + ": physical volume \"" + detail::shorten(e.group, 60) +
                                   "\" (element " + std::to_string(e.tag) + ") names no known tissue; allowed \"muscle\", "
                                   "\"dense_1\" ... \"dense_20\", \"loose_1\" ... \"loose_20\", \"hypodermis\", \"skin\"");
      for (Index n : e.nodes) {
        it->second.first = std::min(it->second.first, mesh_.coordinates[n].z());
        it->second.second = std::max(it->second.second, mesh_.coordinates[n].z());
      }
    }
    std::vector<std::pair<double, std::string>> order;
    for (const auto& [name, z] : extent) order.emplace_back(z.first, name);
    std::sort(order.begin(), order.end());
    for (const auto& [z0, name] : order) {
      const Tissue t = *tissue_named(name, g_, mat_);
      material_of_[name] = std::int32_t(tissues_.size());
      tissues_.push_back(t);
      const double thickness = extent[name].second - z0;
      lat_.blocks.push_back({name, t.material->name, 1e-3 * z0, 1e-3 * thickness, 0, BlockMatrix::hex8, 0, 0,
                             t.material->fiber_modulus > 0 ? t.fiber_angle_deg : 0.0, t.layer});
    }
  }

  /// Inverted, degenerate and too-coarse elements, before anything is built.
  void check_elements() const {
    std::map<std::string, double> thickness;
    for (const auto& b : lat_.blocks) thickness[b.name] = 1e3 * b.thickness;
    for (const GmshElement& e : mesh_.volumes) {
      double longest = 0.0, z0 = std::numeric_limits<double>::infinity(), z1 = -z0;
      for (Index a : e.nodes) {
        for (Index b : e.nodes) longest = std::max(longest, (mesh_.coordinates[a] - mesh_.coordinates[b]).norm());
        z0 = std::min(z0, mesh_.coordinates[a].z());
        z1 = std::max(z1, mesh_.coordinates[a].z());
      }
      // Volume measure against the element's own size: below 1e-6 of it the element is flat (a
      // degenerate element, not a small one).
      const double scale = 1e-6 * longest * longest * longest;
      if (e.type == kGmshHexahedron8) {
        HexCoordinates xe;
        for (int a = 0; a < 8; ++a) xe.col(kGmshToBit[a]) = mesh_.coordinates[e.nodes[std::size_t(a)]];
        const auto ref = detail::hex_reference(xe);
        double largest = -std::numeric_limits<double>::infinity();
        for (double w : ref.weights) largest = std::max(largest, w);
        if (largest < -scale) fail(e, "is inverted (negative volume: its nodes are in mirrored order)");
        if (!(ref.min_jacobian > scale / 8.0))
          fail(e, "is degenerate or twisted (Jacobian determinant " + detail::to_text(ref.min_jacobian) +
                      " mm^3 at a Gauss point); allowed > 0 everywhere");
      } else {
        const Vec3 &a = mesh_.coordinates[e.nodes[0]], &b = mesh_.coordinates[e.nodes[1]], &c = mesh_.coordinates[e.nodes[2]],
                   &d = mesh_.coordinates[e.nodes[3]];
        const double six_v = (b - a).dot((c - a).cross(d - a));
        if (six_v < -scale) fail(e, "is inverted (negative volume: its nodes are in mirrored order)");
        if (!(six_v > scale)) fail(e, "is degenerate (volume " + detail::to_text(six_v / 6.0) + " mm^3, flat); allowed > 0");
      }
      const Tissue& t = tissues_[std::size_t(material_of_.at(e.group))];
      const double layer = thickness.at(e.group);
      if (t.two_through && z1 - z0 > 0.5 * layer * (1.0 + 1e-9))
        fail(e, "spans " + detail::to_text(z1 - z0) + " mm of the " + detail::to_text(layer) +
                    " mm thick layer; allowed at most half of it (the mesh is too coarse to resolve the layer: at least "
                    "two elements through a dense layer or the skin, as the generated mesh)");
    }
  }

  /// Node of the midpoint / centroid of `corners` (created once, shared by the elements around it).
  template <std::size_t N>
  Index centroid(std::array<Index, N> corners) {
    std::sort(corners.begin(), corners.end());
    auto& table = std::get<N - 2>(made_);
    if (auto it = table.find(corners); it != table.end()) return it->second;
    Vec3 p = Vec3::Zero();
    for (Index c : corners) p += lat_.rest(c);
    p /= double(N);
    const Index id = Index(lat_.rest_positions.size() / 3);
    lat_.rest_positions.insert(lat_.rest_positions.end(), {p.x(), p.y(), p.z()});
    table.emplace(corners, id);
    return id;
  }

  /// The hexahedra in bit order (x + 2y + 4z) with their tissue: gmsh hexahedra reordered, each
  /// tetrahedron split into four (a corner, its three edge midpoints, three face centroids and
  /// the centroid: the hexahedron at corner a of a positive tetrahedron abcd has the axes a->b,
  /// a->c, a->d, so it is positive too).
  void hexahedra() {
    for (const GmshElement& e : mesh_.volumes) {
      const std::int32_t m = material_of_.at(e.group);
      const std::size_t source = std::size_t(&e - mesh_.volumes.data());
      if (e.type == kGmshHexahedron8) {
        std::array<Index, 8> c;
        for (int a = 0; a < 8; ++a) c[std::size_t(kGmshToBit[a])] = e.nodes[std::size_t(a)];
        cells_.push_back({c, m});
        cell_source_.push_back(source);
        continue;
      }
      ++split_tets_;
      const Index centre = Index(lat_.rest_positions.size() / 3);
      Vec3 p = Vec3::Zero();
      for (Index n : e.nodes) p += 0.25 * lat_.rest(n);
      lat_.rest_positions.insert(lat_.rest_positions.end(), {p.x(), p.y(), p.z()});
      for (const auto& f : kCornerFrame) {
        const Index a = e.nodes[std::size_t(f[0])], b = e.nodes[std::size_t(f[1])], c = e.nodes[std::size_t(f[2])],
                    d = e.nodes[std::size_t(f[3])];
        cells_.push_back({{a, centroid<2>({a, b}), centroid<2>({a, c}), centroid<3>({a, b, c}), centroid<2>({a, d}),
                           centroid<3>({a, b, d}), centroid<3>({a, c, d}), centre},
                          m});
        cell_source_.push_back(source);
      }
    }
  }

  void add_cells() {
    auto& hex = std::get<Hex8Group>(lat_.groups);
    hex.law = mat_.fiber;
    for (const Tissue& t : tissues_) hex.materials.push_back(hex_material(*t.material, t.fiber_angle_deg, g_.dispersion_kappa));
    const ConstNodes X = view(lat_.rest_positions);
    std::vector<double> top_z(lat_.masses.size(), -std::numeric_limits<double>::infinity());
    lat_.layer_id.assign(lat_.masses.size(), 0);
    for (std::size_t e = 0; e < cells_.size(); ++e) {
      const auto& [c, m] = cells_[e];
      HexCoordinates xe;
      for (int a = 0; a < 8; ++a) xe.col(a) = X[c[std::size_t(a)]];
      double volume = 0.0;
      for (double w : detail::hex_reference(xe).weights) volume += w;
      const Tissue& t = tissues_[std::size_t(m)];
      add_hex_cell(lat_, c, m, scattered_failure_strain(mat_, g_.seed, e), *t.material, volume);
      // A node between two tissues takes the upper one's id (as the slab's skin over hypodermis).
      const double zc = xe.row(2).mean();
      for (Index n : c)
        if (zc > top_z[std::size_t(n)]) {
          top_z[std::size_t(n)] = zc;
          lat_.layer_id[std::size_t(n)] = t.layer;
        }
    }
    fiber_directions(hex);
    for (std::size_t b = 0; b < lat_.blocks.size(); ++b) {  // elements through each block: thickness / mean element height
      double height = 0.0;
      std::size_t count = 0;
      for (const auto& [c, m] : cells_)
        if (std::size_t(m) == b) {
          height += lat_.rest(c[4]).z() - lat_.rest(c[0]).z() + lat_.rest(c[7]).z() - lat_.rest(c[3]).z();
          count += 2;
        }
      if (count > 0 && height > 0.0) lat_.blocks[b].cells = int(std::lround(lat_.blocks[b].thickness * double(count) / height));
    }
    lat_.notes.push_back("imported gmsh mesh " + file_ + ": " + std::to_string(cells_.size()) + " hexahedra (mean-dilatation Q1/P0)" +
                         (split_tets_ > 0 ? ", " + std::to_string(4 * split_tets_) + " of them from " + std::to_string(split_tets_) +
                                                " tetrahedra split into four"
                                          : std::string()) +
                         "; where two tissues meet, an interface as in the generated slab or bonded");
  }

  /// The interface elements of the split nodes: the loose layer's law with the thickness
  /// geometry.interface_thickness_mm, at zero rest gap (the mesh has no loose volume there).
  void add_interfaces() {
    if (split_.nodes.empty()) return;
    auto& itf = std::get<InterfaceGroup>(lat_.groups);
    configure_interfaces(itf, mat_);
    double area = 0.0;
    for (const SplitNode& s : split_.nodes) {
      add_interface(itf, mat_, s.below, s.above, g_.interface_thickness, s.area, s.height_above, 0.0);
      area += s.area;
    }
    lat_.notes.push_back(std::to_string(split_.nodes.size()) + " interface elements (" + detail::to_text(area * 1e6) +
                         " mm^2) where a tissue lies on another without a loose volume between them");
    lat_.notes.push_back(kInterfacePenaltyNote);
  }

  /// The file's per-element fibre directions ("fiber_direction" view): each hexahedron made from
  /// such an element turns its tissue's fibre family by the smallest rotation that carries the
  /// family's mean direction (the tissue's in-plane angle) to the given one. Fibres are axial, so
  /// the given direction is first flipped to within 90 degrees of the mean. In-plane directions give
  /// the in-plane family at their own angle; a direction out of the plane tilts the family about
  /// the axis perpendicular to both, so the dispersion lies in the plane of the given direction and
  /// that axis' normal (docs/fem.md "Imported meshes").
  void fiber_directions(Hex8Group& hex) {
    std::size_t turned = 0, ignored = 0;
    for (std::size_t e = 0; e < cells_.size(); ++e) {
      const GmshElement& source = mesh_.volumes[cell_source_[e]];
      if (!source.fiber_direction) continue;
      const Tissue& t = tissues_[std::size_t(cells_[e].second)];
      if (!(t.material->fiber_modulus > 0.0)) {
        ++ignored;
        continue;
      }
      const double angle = t.fiber_angle_deg * std::numbers::pi / 180.0;
      const Vec3 mean(std::cos(angle), std::sin(angle), 0.0);
      Vec3 axis = source.fiber_direction->normalized();
      if (axis.dot(mean) < 0.0) axis = -axis;
      hex.rotate_fibers(Index(e), Eigen::Quaterniond::FromTwoVectors(mean, axis).toRotationMatrix());
      ++turned;
    }
    if (turned > 0)
      lat_.notes.push_back(std::to_string(turned) + " hexahedra take their fibre direction from the mesh's \"" +
                           kGmshFiberDirectionView + "\" view");
    if (ignored > 0)
      lat_.notes.push_back(std::to_string(ignored) + " hexahedra of tissues without fibres "
                           "have a fibre direction in the mesh: ignored");
  }

  /// The boundary faces: those of one hexahedron only, but for the two sides of a split interface.
  std::vector<HexFace> boundary_faces() const {
    const std::vector<HexFace> faces = sorted_hex_faces(cells_);
    std::vector<HexFace> boundary;
    for (std::size_t i = 0; i < faces.size();) {
      std::size_t j = i + 1;
      while (j < faces.size() && faces[j].key == faces[i].key) ++j;
      if (j - i == 1 && !std::binary_search(split_.faces.begin(), split_.faces.end(), faces[i].key)) boundary.push_back(faces[i]);
      i = j;
    }
    return boundary;
  }

  /// Which surface each node is on, the top nodes' projected tributary areas, the finest in-plane
  /// edge and the thinnest cell under the top (surfaces()).
  struct SurfaceNodes {
    std::vector<double> area;
    std::vector<char> top, bottom, lateral;
    double finest = std::numeric_limits<double>::infinity(), top_height = finest;
  };

  /// Sorts boundary face f's nodes: outward normal up (n_z > 1/2) -> top, down -> bottom, else lateral.
  void classify_face(const HexFace& f, SurfaceNodes& out) const {
    const auto& c = cells_[f.cell].first;
    const int* side = kHexFaces[f.side];
    Vec3 x[4];
    for (int a = 0; a < 4; ++a) x[a] = lat_.rest(c[std::size_t(side[a])]);
    Vec3 normal = 0.5 * (x[2] - x[0]).cross(x[3] - x[1]);  // area vector of the quadrilateral
    Vec3 centre = Vec3::Zero(), face_centre = 0.25 * (x[0] + x[1] + x[2] + x[3]);
    for (Index node : c) centre += 0.125 * lat_.rest(node);
    if (normal.dot(face_centre - centre) < 0.0) normal = -normal;
    const double nz = normal.z() / normal.norm();
    for (int a = 0; a < 4; ++a) {
      const Index node = c[std::size_t(side[a])];
      if (nz > 0.5) {
        out.top[std::size_t(node)] = 1;
        out.area[std::size_t(node)] += 0.25 * normal.z();
        const Vec3 edge = x[(a + 1) % 4] - x[a];
        out.finest = std::min(out.finest, std::hypot(edge.x(), edge.y()));
      } else if (nz < -0.5) {
        out.bottom[std::size_t(node)] = 1;
      } else {
        out.lateral[std::size_t(node)] = 1;
      }
    }
    if (nz > 0.5) {
      double z0 = std::numeric_limits<double>::infinity(), z1 = -z0;
      for (Index node : c) z0 = std::min(z0, lat_.rest(node).z()), z1 = std::max(z1, lat_.rest(node).z());
      out.top_height = std::min(out.top_height, z1 - z0);
    }
  }

  /// Boundary faces (faces of one hexahedron only): facing up (n_z > 1/2) -> "top" with projected
  /// tributary areas, facing down -> "bottom", the others -> "lateral".
  void surfaces() {
    const std::size_t n = lat_.masses.size();
    SurfaceNodes s;
    s.area.assign(n, 0.0);
    s.top.assign(n, 0);
    s.bottom.assign(n, 0);
    s.lateral.assign(n, 0);
    for (const HexFace& f : boundary_faces()) classify_face(f, s);
    for (Index node = 0; node < Index(n); ++node) {
      if (s.top[std::size_t(node)]) {
        lat_.node_sets["top"].push_back(node);
        lat_.top_area.push_back(s.area[std::size_t(node)]);
      }
      if (s.bottom[std::size_t(node)]) lat_.node_sets["bottom"].push_back(node);
      if (s.lateral[std::size_t(node)]) lat_.node_sets["lateral"].push_back(node);
    }
    if (lat_.node_sets["top"].empty() || lat_.node_sets["bottom"].empty())
      throw InputError(kKey, file_ + ": the mesh has no surface facing " + (lat_.node_sets["top"].empty() ? "up (+z)" : "down (-z)") +
                                 "; allowed: a body with a top surface (loaded) and a base (fixed), z up");
    lat_.node_sets["lateral"];  // present, possibly empty
    lat_.top_cell_height = s.top_height;
    lat_.dx = lat_.dy = s.finest;  // finest_spacing(): the smallest in-plane element edge on the loaded surface
  }

  const std::string& path_;
  const SlabGeometry& g_;
  const TissueMaterials& mat_;
  GmshMesh mesh_;
  std::string file_;
  std::vector<Tissue> tissues_;
  std::map<std::string, std::int32_t> material_of_;
  Lattice lat_;
  std::vector<TissueHex> cells_;  ///< hexahedron (bit order), material
  std::vector<std::size_t> cell_source_;  ///< per hexahedron: the element of mesh_.volumes it was made from
  std::size_t split_tets_ = 0;
  InterfaceSplit split_;  ///< the nodes split at interfaces (their faces are not boundary faces)
  std::tuple<std::map<std::array<Index, 2>, Index>, std::map<std::array<Index, 3>, Index>> made_;
};

}  // namespace

Lattice build_imported_mesh(const std::string& mesh_file, const SlabGeometry& geometry, const TissueMaterials& mat) {
  return Importer(mesh_file, geometry, mat).build();
}

}  // namespace fascia
