// SPDX-License-Identifier: MIT
#pragma once
/// @file Rigid indenters (docs/model.md "Indenters"): today's flat disc, a sphere (a ball), a
/// cylinder with its axis along y (a roller, any length) and an ellipsoid (a heel or a foot).
///
/// An indenter is apparatus, not tissue: its translation is one node appended to the System after
/// the tissue nodes (the lattice or mesh and the output's /model never contain it), and it meets
/// the tissue through contact elements with every node of the top surface — a flat ContactGroup
/// for the disc, a CurvedContactGroup for the others — so the contact set follows the indenter
/// wherever it moves. It acts on surface nodes and their tributary areas (a SurfacePatch), not on
/// lattice indices, so either discretisation can carry it.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "fascia/core/error.hpp"
#include "fascia/lattice/lattice.hpp"
#include "fascia/model/system.hpp"

namespace fascia {

/// The top surface an indenter can touch: its nodes with their tributary areas, and the patch.
struct SurfacePatch {
  std::vector<Index> nodes;
  std::vector<double> area;  ///< per node [m^2]
  Vec3 centre;               ///< centre of the patch, on the surface [m]
  double half_x = 0.0, half_y = 0.0;  ///< half extents of the patch [m]
  double top_cell_height = 0.0;       ///< height of the cells under the surface [m] (penalty scale)
  double depth_above_muscle = 0.0;    ///< tissue between the surface and the muscle [m]
};

/// The structured slab's top plane (both engines): each node's tributary area (Lattice::column_area:
/// dx dy halved on edges for the lattice, half of each neighbouring cell on a graded mesh).
/// An imported mesh (nx = 0, mesh/imported_mesh.hpp): the nodes on its surfaces facing up with
/// their projected areas (Lattice::top_area), the patch centred on their x-y bounding box at their
/// highest point.
inline SurfacePatch top_surface(const Lattice& info) {
  SurfacePatch s;
  s.nodes = info.node_sets.at("top");
  double z_top = info.rest(s.nodes.front()).z();
  if (info.nx == 0) {
    Vec3 lo = info.rest(s.nodes.front()), hi = lo;
    for (Index n : s.nodes) lo = lo.cwiseMin(info.rest(n)), hi = hi.cwiseMax(info.rest(n));
    z_top = hi.z();
    s.half_x = 0.5 * (hi.x() - lo.x());
    s.half_y = 0.5 * (hi.y() - lo.y());
    s.centre = Vec3(0.5 * (lo.x() + hi.x()), 0.5 * (lo.y() + hi.y()), z_top);
    s.area = info.top_area;
    s.top_cell_height = info.top_cell_height;
  } else {
    s.half_x = 0.5 * (info.nx - 1) * info.dx;
    s.half_y = 0.5 * (info.ny - 1) * info.dy;
    s.centre = Vec3(s.half_x, s.half_y, z_top);
    for (Index n : s.nodes) s.area.push_back(info.column_area(n % info.nx, (n / info.nx) % info.ny));
    s.top_cell_height = z_top - info.rest(Index((info.nz - 2) * info.ny * info.nx)).z();
  }
  double muscle_top = 0.0;
  for (const auto& b : info.blocks)
    if (b.layer == 0) muscle_top = b.z_bottom + b.thickness;
  s.depth_above_muscle = z_top - muscle_top;
  return s;
}

/// Names of IndenterShape::Kind's enumerators as protocol.NAME.indenter spells them.
inline constexpr std::array<std::string_view, 4> kIndenterNames = {"disc", "sphere", "cylinder", "ellipsoid"};

/// What the indenter is (SI units).
struct IndenterShape {
  enum class Kind { disc, sphere, cylinder, ellipsoid };
  Kind kind = Kind::disc;
  double radius = 0.0;             ///< disc, sphere, cylinder [m]
  double length = 0.0;             ///< cylinder, along y [m]
  Vec3 semi_axes = Vec3::Zero();   ///< ellipsoid (x, y, z) [m]

  static const char* name(Kind k) { return kIndenterNames[std::size_t(k)].data(); }  // literals: NUL-terminated
  /// Area of the indenter's outline seen from above [m^2]: pressure_kpa times it is the force.
  double projected_area() const {
    switch (kind) {
      case Kind::cylinder: return 2.0 * radius * length;
      case Kind::ellipsoid: return std::numbers::pi * semi_axes.x() * semi_axes.y();
      default: return std::numbers::pi * radius * radius;
    }
  }
  /// Half extents (x, y) of the region the indenter covers when pressed in by `depth` [m] (the
  /// disc: its radius at any depth; a roller: +inf along y, it may be longer than the patch).
  std::array<double, 2> footprint(double depth) const {
    auto cap = [&](double semi_z) {  // sqrt(1 - (1 - t)^2), t = depth / semi_z <= 1
      const double t = std::min(1.0, depth / semi_z);
      return std::sqrt(std::max(0.0, 1.0 - (1.0 - t) * (1.0 - t)));
    };
    switch (kind) {
      case Kind::sphere: return {radius * cap(radius), radius * cap(radius)};
      case Kind::cylinder: return {radius * cap(radius), std::numeric_limits<double>::infinity()};
      case Kind::ellipsoid: return {semi_axes.x() * cap(semi_axes.z()), semi_axes.y() * cap(semi_axes.z())};
      default: return {radius, radius};
    }
  }
};

/// Contact totals of an indenter at one instant (the metrics peak_contact_force_n and
/// contact_radius_m are built from them).
struct ContactState {
  double force = 0.0;  ///< total normal contact force along the pressing axis (-z on the tissue) [N]
  double area = 0.0;   ///< surface area in contact (nodes pressed, weighted by the patch weight) [m^2]
  double max_penetration = 0.0;  ///< deepest penalty penetration [m]
  double radius() const { return std::sqrt(area / std::numbers::pi); }
};

/// A rigid indenter attached to a System.
struct Indenter {
  IndenterShape shape;
  Index node = -1;        ///< the apparatus node carrying the indenter's translation
  Vec3 rest;              ///< its rest position (the lowest point, on the surface) [m]
  std::vector<double> area;  ///< tributary area of each contact element's surface node [m^2]
  /// Farthest the indenter may move into the tissue (-z) in one implicit step [m]: the height of
  /// the cells under the surface (step_resolved).
  double max_step_travel = std::numeric_limits<double>::infinity();
  static constexpr double kMass = 0.05;  ///< [kg] assumed (a hand-held tool's contact part)

  /// Places the indenter with its lowest point on the patch centre and adds a contact element
  /// with every surface node. Penalty stiffness per node: `penalty_modulus` A_i / top_cell_height
  /// (docs/model.md "Indenters"). The band where the disc's rim (or a roller's ends) lets go is
  /// eps = half the smaller node spacing, at most r/2.
  static Indenter attach(System& sys, const SurfacePatch& patch, const IndenterShape& shape, const Friction& friction,
                         double penalty_modulus, double spacing);

  /// Contact totals at the current positions.
  ContactState contact(const System& sys) const;

  /// Step control at first touch (docs/model.md "Indenters", ImplicitOptions::accept_step): true
  /// when the step from `start` to the positions `end` moved the indenter at most max_step_travel
  /// into the tissue. A force-controlled indenter that starts touching meets no contact stiffness
  /// (Hertz: dF/dd = 0 at d = 0), so Newton's first iterate is free flight, F h^2 / m, which can
  /// carry it past the surface nodes into a state the penalty no longer sees (the ball below the
  /// tissue: a minimum of the step's potential too). A step that travels further than the cells
  /// under the surface are tall is refused and retried at half the size; free flight shrinks as
  /// h^4 under a smooth ramp, so a few halvings catch the surface, and once the contact carries
  /// load the steps grow back. Moving away (-z reversed) is never limited.
  bool step_resolved(const System& start, const std::vector<double>& end) const {
    const std::size_t z = 3 * std::size_t(node) + 2;
    return start.positions[z] - end[z] <= max_step_travel;
  }
};

// ---------------------------------------------------------------------------------------------

inline Indenter Indenter::attach(System& sys, const SurfacePatch& patch, const IndenterShape& shape, const Friction& friction,
                                 double penalty_modulus, double spacing) {
  Indenter ind;
  ind.shape = shape;
  ind.rest = patch.centre;
  ind.node = sys.add_apparatus_node(patch.centre, kMass);
  ind.area = patch.area;
  ind.max_step_travel = patch.top_cell_height;
  const ConstNodes X = view(sys.rest_positions);
  if (shape.kind == IndenterShape::Kind::disc) {
    auto& contact = std::get<ContactGroup>(sys.groups);
    contact.friction = friction;
    // The contact set follows the compressor (contact.hpp): every top node is a candidate, weighted
    // by w(d) of its current distance d from the compressor centre, 1 inside r - eps, 0 outside
    // r + eps. eps = half a node spacing: the band spans one row of nodes, so the patch edge moves
    // smoothly from node to node as the compressor slides (a narrower band is a step function on
    // the grid: Newton would see nodes switch on and off); capped at r/2 so that the band never
    // reaches the centre (w stays flat there).
    contact.radius = shape.radius;
    contact.edge = 0.5 * std::min(spacing, shape.radius);
    for (std::size_t q = 0; q < patch.nodes.size(); ++q) {
      const double kn = penalty_modulus * patch.area[q] / patch.top_cell_height;
      contact.add(patch.nodes[q], ind.node, X[patch.nodes[q]] - patch.centre, kn, kn);
    }
  } else {
    auto& contact = std::get<CurvedContactGroup>(sys.groups);
    contact.friction = friction;
    contact.shape = shape.kind == IndenterShape::Kind::sphere ? CurvedShape::sphere(shape.radius)
                    : shape.kind == IndenterShape::Kind::cylinder
                        ? CurvedShape::cylinder(shape.radius, shape.length, 0.5 * std::min(spacing, shape.length))
                        : CurvedShape::ellipsoid(shape.semi_axes);
    for (std::size_t q = 0; q < patch.nodes.size(); ++q) {
      const double kn = penalty_modulus * patch.area[q] / patch.top_cell_height;
      contact.add(patch.nodes[q], ind.node, kn, kn, patch.area[q]);
    }
  }
  return ind;
}

inline ContactState Indenter::contact(const System& sys) const {
  ContactState s;
  const ConstNodes x = view(sys.positions);
  if (shape.kind == IndenterShape::Kind::disc) {
    const auto& g = std::get<ContactGroup>(sys.groups);
    for (std::size_t e = 0; e < g.size(); ++e) {
      const double p = g.penetration(Index(e), x);
      if (p <= 0.0) continue;
      const double w = g.weight(Index(e), x);
      s.force += g.normal_force(Index(e), x);
      s.area += w * area[e];
      // The overlap the penalty acts on, w p: in the band where the disc's edge is smoothed (0 < w < 1)
      // the node sits under the rounded rim, not under the flat face, so its distance below the face's
      // plane is not a penetration of the indenter (under a deep indentation it grows with the depth).
      s.max_penetration = std::max(s.max_penetration, w * p);
    }
  } else {
    const auto& g = std::get<CurvedContactGroup>(sys.groups);
    for (std::size_t e = 0; e < g.size(); ++e) {
      const Vec3 f = g.normal_force_vector(Index(e), x);
      if (f.squaredNorm() == 0.0) continue;
      s.force -= f.z();
      s.area += area[e];
      s.max_penetration = std::max(s.max_penetration, g.penetration(Index(e), x));
    }
  }
  return s;
}

}  // namespace fascia
