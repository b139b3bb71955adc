// SPDX-License-Identifier: MIT
// The contract every force model obeys (STYLE.md, Tests): one typed suite over every group of
// fascia::ElementGroups. Each case is a tiny instance (two elements sharing nodes) at a random
// deformed configuration with non-trivial history, and checks
//   force = -dE/dx and Hessian(exact) = -d force/dx by central differences, Hessian symmetry,
//   projected Hessian positive semi-definite, zero force at rest, invariance under a rigid motion,
//   and a guard that every element actually produces a force (so nothing passes vacuously).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include <Eigen/Eigenvalues>

#include "fascia/elements/groups.hpp"
#include "fascia/elements/history.hpp"

namespace {

using namespace fascia;

/// Length scale of every case [m]: a lattice spacing of 0.25 mm, as in the default slab.
constexpr double kLength = 2.5e-4;
/// Central-difference step. The truncation error of a central difference is O(h^2 |W'''|), i.e.
/// relative (h/L)^2 ~ 1e-14 (the stiffest case, the fibre toe exp(60 e), adds (60 h/L)^2 ~ 4e-11);
/// the round-off error is ~ eps |W| / h, relative to |W'| ~ |W|/(strain L) that is
/// eps L / (h strain) ~ 2e-16 / (1e-7 * 0.02) = 1e-7 at the smallest strains used here. A relative
/// tolerance of 1e-5 on the infinity norm is therefore more than a decade above both, and still
/// far below any real error (a wrong factor or sign gives O(1)).
constexpr double kStep = 1e-7 * kLength;
constexpr double kFdTolerance = 1e-5;

template <class G>
struct Case {
  G group;
  std::vector<double> rest;      ///< reference positions, n x 3
  std::vector<double> deformed;  ///< random deformed positions, n x 3
  bool planar = false;           ///< 2-D group: rigid rotations about z only
  bool small_rotation = false;   ///< documented small-rotation model: translations only
};

std::mt19937_64& rng() {
  static std::mt19937_64 g(20240607);
  return g;
}
double uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng()); }
Vec3 random_vec(double s) { return Vec3(uniform(-s, s), uniform(-s, s), uniform(-s, s)); }
Vec3 random_unit() { return random_vec(1.0).normalized(); }

void set(std::vector<double>& x, Index i, const Vec3& p) {
  x[3 * i] = p.x();
  x[3 * i + 1] = p.y();
  x[3 * i + 2] = p.z();
}

/// Three nodes on a bent chain; elements (0,1) and (1,2). Deformed: each bond at the given
/// engineering strain, in a random direction, from a random origin.
std::pair<std::vector<double>, std::vector<double>> chain(double strain0, double strain1) {
  std::vector<double> rest(9), x(9);
  const Vec3 x0(0, 0, 0), x1(kLength, 0, 0), x2(kLength + 0.6 * kLength, 0.8 * kLength, 0);
  set(rest, 0, x0);
  set(rest, 1, x1);
  set(rest, 2, x2);
  const Vec3 y0 = random_vec(kLength);
  const Vec3 y1 = y0 + (1.0 + strain0) * kLength * random_unit();
  const Vec3 y2 = y1 + (1.0 + strain1) * kLength * random_unit();
  set(x, 0, y0);
  set(x, 1, y1);
  set(x, 2, y2);
  return {rest, x};
}

/// Simplex pair sharing a face (tets) or an edge (triangles), positively oriented at rest;
/// deformed by a random affine map plus a random perturbation of each node.
template <int D>
std::pair<std::vector<double>, std::vector<double>> simplices(std::vector<std::array<Index, D + 1>>& elems) {
  std::vector<double> rest, x;
  if constexpr (D == 3) {
    const std::vector<Vec3> p = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}};
    for (const auto& q : p) rest.insert(rest.end(), {q.x() * kLength, q.y() * kLength, q.z() * kLength});
    elems = {{0, 1, 2, 3}, {1, 2, 3, 4}};
  } else {
    const std::vector<Vec3> p = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1.2, 0.9, 0}};
    for (const auto& q : p) rest.insert(rest.end(), {q.x() * kLength, q.y() * kLength, 0.0});
    elems = {{0, 1, 2}, {1, 3, 2}};
  }
  for (auto& t : elems)
    if (detail::rest_det<D>(view(rest), t) < 0) std::swap(t[1], t[2]);
  Mat3 f = Mat3::Identity();
  for (int r = 0; r < D; ++r)
    for (int c = 0; c < D; ++c) f(r, c) += uniform(-0.08, 0.08);
  const Vec3 shift = random_vec(kLength);
  x = rest;
  for (std::size_t i = 0; i < rest.size() / 3; ++i) {
    const Vec3 p = f * Vec3(rest[3 * i], rest[3 * i + 1], rest[3 * i + 2]) + shift + random_vec(0.03 * kLength);
    set(x, Index(i), p);
  }
  return {rest, x};
}

/// Gives a Maxwell-type group a history: a step from `a` to `b` (updating the branch variables),
/// then freezes the parameters of the next step at `b`, so that frozen stiffness and rest
/// lengths differ from their initial values.
template <class G>
void with_history(G& g, const std::vector<double>& a, const std::vector<double>& b, double dt) {
  const StepContext ctx{dt, 0.0, 0, 1};
  if constexpr (requires { g.begin_group_step(ctx); }) g.begin_group_step(ctx);
  for (std::size_t e = 0; e < g.size(); ++e) g.begin_step(Index(e), view(a), ctx);
  for (std::size_t e = 0; e < g.size(); ++e) g.end_step(Index(e), view(b), ctx);
  const StepContext next{0.7 * dt, dt, 1, 1};
  if constexpr (requires { g.begin_group_step(next); }) g.begin_group_step(next);
  for (std::size_t e = 0; e < g.size(); ++e) g.begin_step(Index(e), view(b), next);
}

/// Builds the case for G. `history`: deformed configuration with history (false: fresh instance).
template <class G>
Case<G> make_case(bool history);

/// Water-type history: a step from the midpoint of rest and deformed to the deformed state.
template <class G>
void with_midpoint_history(Case<G>& c) {
  std::vector<double> mid = c.rest;
  for (std::size_t k = 0; k < mid.size(); ++k) mid[k] = 0.5 * (c.rest[k] + c.deformed[k]);
  with_history(c.group, mid, c.deformed, 0.25);
}

template <>
Case<SpringGroup> make_case(bool) {
  Case<SpringGroup> c;
  std::tie(c.rest, c.deformed) = chain(0.07, -0.05);  // one bond stretched, one compressed
  c.group.add(0, 1, 3.0e3, kLength);
  c.group.add(1, 2, 1.5e3, kLength);
  return c;
}

template <>
Case<MaxwellSpringGroup> make_case(bool history) {
  Case<MaxwellSpringGroup> c;
  std::tie(c.rest, c.deformed) = chain(0.06, -0.04);
  c.group.add(0, 1, 2.0e3, 0.5, kLength);
  c.group.add(1, 2, 1.0e3, 3.0, kLength);
  if (history) {
    const auto [unused, mid] = chain(0.03, -0.02);
    with_history(c.group, mid, c.deformed, 0.4);  // dt ~ tau: g and a far from 1
  }
  return c;
}

template <>
Case<FiberGroup> make_case(bool history) {
  Case<FiberGroup> c;
  // First fibre in the toe (e = 0.012 < e_toe = 0.02), second in the linear region. With
  // history, the second has been stretched past yield before, so its rest length has grown
  // (permanent set) and its strain is measured from the longer rest length. Relaxing (two terms):
  // the history step loads the first (its branches carry tension into the next step) and unloads
  // the second (they carry compression, so its stress begins above its strain's zero).
  std::tie(c.rest, c.deformed) = chain(0.012, 0.07);
  c.group.law.relaxation = {{0.3, 0.5}, {0.2, 5.0}};
  c.group.add(0, 1, 0.8, kLength, 0.14);
  c.group.add(1, 2, 1.2, kLength, 0.14);
  if (history) {
    c.group.max_strain[1] = 0.1;
    const auto [unused, start] = chain(0.005, 0.09);
    with_history(c.group, start, c.deformed, 0.4);  // dt ~ tau: a and gamma far from 1
  }
  return c;
}

template <>
Case<InterfaceGroup> make_case(bool history) {
  Case<InterfaceGroup> c;
  c.small_rotation = true;
  c.group.branches = {{0.3, 0.5}, {0.2, 5.0}};
  // Two node pairs a distance h apart along z; one opened (tension), one closed (contact).
  const double h = 0.2 * kLength;
  c.rest = {0, 0, 0, 0, 0, h, kLength, 0, 0, kLength, 0, h};
  c.group.add(0, 1, Vec3(0, 0, h), h, 50.0, 4000.0, 5.0);
  c.group.add(2, 3, Vec3(0, 0, h), h, 80.0, 6000.0, 8.0);
  c.deformed = c.rest;
  const Vec3 shift = random_vec(kLength);
  for (Index i = 0; i < 4; ++i) set(c.deformed, i, Vec3(c.rest[3 * i], c.rest[3 * i + 1], c.rest[3 * i + 2]) + shift);
  auto displace = [&](std::vector<double>& x, Index node, const Vec3& d) {
    for (int k = 0; k < 3; ++k) x[3 * node + k] += d[k];
  };
  displace(c.deformed, 1, Vec3(0.05 * h, -0.03 * h, 0.02 * h));   // slip + opening
  displace(c.deformed, 3, Vec3(-0.04 * h, 0.06 * h, -0.03 * h));  // slip + contact
  if (history) {
    std::vector<double> mid = c.rest;
    displace(mid, 1, Vec3(0.02 * h, 0.01 * h, 0.0));
    displace(mid, 3, Vec3(0.01 * h, -0.02 * h, 0.0));
    with_history(c.group, mid, c.deformed, 0.3);
  }
  return c;
}

template <>
Case<AdhesionGroup> make_case(bool history) {
  Case<AdhesionGroup> c;
  c.small_rotation = true;  // bonds act on the opening vector relative to the reference frame
  const double h = 0.2 * kLength;
  c.rest = {0, 0, 0, 0, 0, h, kLength, 0, 0, kLength, 0, h};
  c.group.bond_stiffness = 300.0;
  c.group.add(0, 1, Vec3(0, 0, h), 5);
  c.group.add(2, 3, Vec3(0, 0, h), 3);
  if (history) {
    // Some bonds broke, others healed at non-zero offsets s0_b: S0 = sum s0_b, Q = sum |s0_b|^2.
    const Vec3 s0(0.04 * h, -0.02 * h, 0.01 * h);
    c.group.bonds_intact = {4, 2};
    c.group.offset_sum = {2.0 * s0, -s0};
    c.group.offset_square = {2.0 * s0.squaredNorm(), s0.squaredNorm()};
  }
  c.deformed = c.rest;
  const Vec3 shift = random_vec(kLength);
  for (Index i = 0; i < 4; ++i)
    for (int k = 0; k < 3; ++k) c.deformed[3 * i + k] += shift[k];
  for (int k = 0; k < 3; ++k) {
    c.deformed[3 * 1 + k] += Vec3(0.06 * h, 0.03 * h, -0.02 * h)[k];
    c.deformed[3 * 3 + k] += Vec3(-0.05 * h, 0.02 * h, 0.04 * h)[k];
  }
  return c;
}

template <>
Case<ContactGroup> make_case(bool history) {
  Case<ContactGroup> c;
  c.small_rotation = true;  // the compressor is a flat plate normal to z
  // Surface nodes 0 and 2, compressor nodes 1 and 3 a distance h above them and offset sideways,
  // so that both surface nodes lie in the patch's edge band (r - eps, r + eps) = (0.2, 0.4) L at
  // horizontal distances 0.32 L and 0.33 L: the weight w(d) and its first and second derivatives
  // enter every check (w ~ 0.4 and 0.2; the band is 8e6 FD steps wide).
  const double h = 0.4 * kLength;
  c.rest = {0, 0, 0, -0.30 * kLength, 0.10 * kLength, h, kLength, 0, 0, 1.05 * kLength, -0.33 * kLength, h};
  c.group.friction.coefficient = 0.5;
  c.group.radius = 0.3 * kLength;
  c.group.edge = 0.1 * kLength;
  const double kn = 1e4, kt = 5e3;
  for (Index e = 0; e < 2; ++e) {
    const Index i = 2 * e, j = 2 * e + 1;
    const Vec3 offset(c.rest[3 * i] - c.rest[3 * j], c.rest[3 * i + 1] - c.rest[3 * j + 1], c.rest[3 * i + 2] - c.rest[3 * j + 2]);
    c.group.add(i, j, offset, kn, kt);
  }
  // Both pressed (penetration > 0); element 0 sticks, element 1 slips: with F_n = w k_n 2e-6 m,
  // delta = mu F_n / k_t = 2e-6 w m (0.8e-6 and 0.4e-6 m); the tangential offsets are 0.22e-6 and
  // 5.8e-6 m, far (in units of the FD step 2.5e-11 m) from the switch between the two.
  auto placed = [&](double p, const Eigen::Vector2d& d0, const Eigen::Vector2d& d1) {
    std::vector<double> x = c.rest;
    x[2] += p;
    x[8] += p;
    x[0] += d0.x();
    x[1] += d0.y();
    x[6] += d1.x();
    x[7] += d1.y();
    return x;
  };
  if (history) {
    const StepContext ctx{1e-3, 0, 0, 1};
    const auto start = placed(2e-6, Eigen::Vector2d::Zero(), Eigen::Vector2d::Zero());
    for (Index e = 0; e < 2; ++e) c.group.begin_step(e, view(start), ctx);  // frozen F_n
  }
  c.deformed = placed(3e-6, Eigen::Vector2d(0.2e-6, 0.1e-6), Eigen::Vector2d(5e-6, -3e-6));
  const Vec3 shift = random_vec(kLength);
  for (Index i = 0; i < 4; ++i)
    for (int k = 0; k < 3; ++k) c.deformed[3 * i + k] += shift[k];
  return c;
}

template <>
Case<CurvedContactGroup> make_case(bool history) {
  Case<CurvedContactGroup> c;
  c.small_rotation = true;  // the indenter translates; its axes stay those of the lattice
  // One shape that exercises every term: an ellipsoid (all three semi-axes different) with a
  // finite length along y, so that both surface nodes (0 and 2) lie in the end band
  // |q_y| in (0.3, 0.7) L where the weight w(q_y) and its derivatives enter. Indenter nodes 1, 3.
  c.group.friction.coefficient = 0.5;
  c.group.shape = CurvedShape{Vec3(0.8 * kLength, 1.2 * kLength, 0.6 * kLength), 1.0 * kLength, 0.2 * kLength};
  const double h = c.group.shape.centre_height();
  const Vec3 dir0 = Vec3(0.2, 0.45, -0.5), dir1 = Vec3(-0.3, -0.5, -0.45);  // q_y / L ~ 0.46, -0.52
  const Vec3 a2 = c.group.shape.inverse_square();
  // Node at radius factor f along dir (f < 1: inside, penetration s (1 - f)).
  auto at = [&](const Vec3& dir, double f) { return Vec3(dir * (f / std::sqrt(dir.dot(a2.cwiseProduct(dir))))); };
  auto tangent = [&](const Vec3& dir, const Vec3& v) {  // v without its part along the normal
    const Vec3 n = a2.cwiseProduct(dir).normalized();
    return Vec3(v - n * n.dot(v));
  };
  auto place = [&](double f, const Vec3& v0, const Vec3& v1) {
    const Vec3 t0 = tangent(dir0, v0), t1 = tangent(dir1, v1);
    std::vector<double> x(12, 0.0);
    set(x, 1, Vec3::Zero());
    set(x, 3, Vec3(2.0 * kLength, 0.0, 0.0));
    set(x, 0, at(dir0, f) + Vec3(0, 0, h) + t0);
    set(x, 2, Vec3(2.0 * kLength, 0.0, 0.0) + at(dir1, f) + Vec3(0, 0, h) + t1);
    return x;
  };
  c.rest = place(1.02, Vec3::Zero(), Vec3::Zero());  // just outside: no contact at rest
  for (Index e = 0; e < 2; ++e) c.group.add(2 * e, 2 * e + 1, 1e4, 5e3, 1e-8);
  if (history) {
    // Engaged at f = 0.98 (p ~ 3e-6 m): F_n ~ 1e-2 w N, delta = mu F_n / k_t ~ 1e-6 w m.
    // Element 0 then moves 2e-8 m tangentially (sticks), element 1 moves 2e-5 m (slips); both far
    // (in FD steps of 2.5e-11 m) from the switch.
    const StepContext ctx{1e-3, 0, 0, 1};
    const auto start = place(0.98, Vec3::Zero(), Vec3::Zero());
    for (Index e = 0; e < 2; ++e) c.group.begin_step(e, view(start), ctx);
  }
  c.deformed = place(0.97, Vec3(2e-8, -1e-8, 0.0), Vec3(-1.5e-5, 1e-5, 0.0));
  const Vec3 shift = random_vec(kLength);
  for (Index i = 0; i < 4; ++i)
    for (int k = 0; k < 3; ++k) c.deformed[3 * i + k] += shift[k];
  return c;
}

template <class G, int D>
Case<G> simplex_case(bool history) {
  Case<G> c;
  c.planar = D == 2;
  std::vector<std::array<Index, D + 1>> elems;
  std::tie(c.rest, c.deformed) = simplices<D>(elems);
  const double measure = D == 3 ? 1.0 / 6.0 : 0.5;  // V = det/6 (tet), A = det/2 (triangle)
  const double thickness = D == 3 ? 1.0 : 1e-3;     // sheet thickness in 2-D [m]
  for (std::size_t e = 0; e < elems.size(); ++e) {
    const double det = detail::rest_det<D>(view(c.rest), elems[e]);
    const double v = measure * det * thickness;
    if constexpr (std::is_same_v<G, BulkGroup<D>>) {
      c.group.add(elems[e], det, (e == 0 ? 1.0e6 : -0.3e6) * v);  // c may be negative (see header)
    } else if constexpr (std::is_same_v<G, BulkMaxwellGroup<D>>) {
      c.group.add(elems[e], det, (e == 0 ? 2.0e6 : 5.0e6) * v, e == 0 ? 0.2 : 2.0);
    } else {
      c.group.add(elems[e], view(c.rest), v, e == 0 ? 1.0e6 : 3.0e6, e == 0 ? 2.0e6 : 0.5e6);
    }
  }
  if constexpr (std::is_same_v<G, BulkMaxwellGroup<D>>)
    if (history) with_midpoint_history(c);
  return c;
}

template <>
Case<BulkGroup<3>> make_case(bool h) { return simplex_case<BulkGroup<3>, 3>(h); }
template <>
Case<BulkGroup<2>> make_case(bool h) { return simplex_case<BulkGroup<2>, 2>(h); }
template <>
Case<BulkMaxwellGroup<3>> make_case(bool h) { return simplex_case<BulkMaxwellGroup<3>, 3>(h); }
template <>
Case<BulkMaxwellGroup<2>> make_case(bool h) { return simplex_case<BulkMaxwellGroup<2>, 2>(h); }
template <>
Case<CellWaterGroup> make_case(bool history) {
  // Two unit-ish cells sharing a face, randomly deformed; Maxwell history as for the simplices.
  Case<CellWaterGroup> c;
  std::vector<double> rest;
  for (int k = 0; k < 2; ++k)
    for (int j = 0; j < 2; ++j)
      for (int i = 0; i < 3; ++i) {
        rest.push_back(i * kLength);
        rest.push_back(j * 0.8 * kLength);
        rest.push_back(k * 1.1 * kLength);
      }
  c.rest = rest;
  auto id = [](int i, int j, int k) { return Index((k * 2 + j) * 3 + i); };
  for (int e = 0; e < 2; ++e) {
    std::array<Index, 8> cell;
    for (int b = 0; b < 8; ++b) cell[b] = id(e + (b & 1), (b >> 1) & 1, (b >> 2) & 1);
    const double det = detail::hex_measure(view(c.rest), cell, false).det;
    c.group.add(cell, det, (e == 0 ? 2.0e6 : 5.0e6) * det / 6.0, e == 0 ? 0.2 : 2.0);
  }
  c.deformed = c.rest;
  for (double& q : c.deformed) q += 0.05 * kLength * (random_vec(1.0).x());
  if (history) with_midpoint_history(c);
  return c;
}

template <>
Case<PoroCellGroup> make_case(bool history) {
  // Two cells sharing a face, randomly deformed. "History" here is a fluid content (water gained
  // by one cell, lost by the other), which shifts the pore pressure at rest.
  Case<PoroCellGroup> c;
  std::vector<double> rest;
  for (int k = 0; k < 2; ++k)
    for (int j = 0; j < 2; ++j)
      for (int i = 0; i < 3; ++i) rest.insert(rest.end(), {i * kLength, j * 0.9 * kLength, k * 1.2 * kLength});
  c.rest = rest;
  auto id = [](int i, int j, int k) { return Index((k * 2 + j) * 3 + i); };
  for (int e = 0; e < 2; ++e) {
    std::array<Index, 8> cell;
    for (int b = 0; b < 8; ++b) cell[b] = id(e + (b & 1), (b >> 1) & 1, (b >> 2) & 1);
    c.group.add(cell, detail::hex_measure(view(c.rest), cell, false).det, e == 0 ? 3.0e6 : 1.0e6, 0.7, 1e5);
  }
  if (history) {
    c.group.fluid_content = {0.02, -0.03};
  }
  c.deformed = c.rest;
  for (double& q : c.deformed) q += 0.05 * kLength * (random_vec(1.0).x());
  return c;
}

template <>
Case<NeoHookeanGroup<3>> make_case(bool h) { return simplex_case<NeoHookeanGroup<3>, 3>(h); }
template <>
Case<NeoHookeanGroup<2>> make_case(bool h) { return simplex_case<NeoHookeanGroup<2>, 2>(h); }

template <>
Case<Hex8Group> make_case(bool history) {
  // Two hexahedra sharing a face, deformed by a random affine map (strains up to ~8 %, so some
  // fibre directions are in the toe, some in the linear region and some compressed) plus a random
  // perturbation of each node (so the Gauss points see different F). Material: matrix, nearly
  // incompressible drained bulk (K = 10 mu), a dispersed fibre family and two Prony branches.
  // History: a Prony step from the midpoint state, and permanent set on the second element's fibres.
  Case<Hex8Group> c;
  for (int k = 0; k < 2; ++k)
    for (int j = 0; j < 2; ++j)
      for (int i = 0; i < 3; ++i) c.rest.insert(c.rest.end(), {i * kLength, j * 0.8 * kLength, k * 0.6 * kLength});
  auto id = [](int i, int j, int k) { return Index((k * 2 + j) * 3 + i); };
  HexMaterial m;
  m.shear_modulus = 1.0e6;
  m.bulk_modulus = 1.0e7;
  m.fiber_modulus = 5.0e7;
  m.fibers = von_mises_family(0.5, 2.0, 8);
  m.prony_modulus = {0.4e6, 0.2e6};
  m.prony_tau = {0.3, 3.0};
  m.stiffening.exponent = 1.18;  // the fat's stiffening on top (both branches: the map stretches or compresses z)
  c.group.materials = {m};
  c.group.law.relaxation = {{0.3, 0.5}, {0.2, 5.0}};  // relaxing fibres: their history as well
  for (int e = 0; e < 2; ++e) {
    std::array<Index, 8> cell;
    for (int b = 0; b < 8; ++b) cell[b] = id(e + (b & 1), (b >> 1) & 1, (b >> 2) & 1);
    c.group.add(cell, view(c.rest), 0, 0.14);
  }
  Mat3 f = Mat3::Identity();
  for (int r = 0; r < 3; ++r)
    for (int q = 0; q < 3; ++q) f(r, q) += uniform(-0.08, 0.08);
  const Vec3 shift = random_vec(kLength);
  c.deformed = c.rest;
  for (std::size_t i = 0; i < c.rest.size() / 3; ++i)
    set(c.deformed, Index(i), f * Vec3(c.rest[3 * i], c.rest[3 * i + 1], c.rest[3 * i + 2]) + shift + random_vec(0.03 * kLength));
  if (history) {
    with_midpoint_history(c);
    for (std::size_t k = c.group.fiber_max_strain.size() / 2; k < c.group.fiber_max_strain.size(); ++k)
      c.group.fiber_max_strain[k] = 0.1;  // past e_yield = 0.08: rest stretch 1.01
  }
  return c;
}

template <>
Case<FatStiffeningGroup> make_case(bool) {
  // Two fat tetrahedra sharing a face (simplices<3>), with the through-thickness stretch
  // s = 0.6 + 1.6 x / L on top of the random map: the first is compressed along z (the power law,
  // F_zz ~ 0.6), the second stretched (the continuation, F_zz ~ 0.6 + 1.6 / 2),
  // asserted below so that both branches are checked.
  Case<FatStiffeningGroup> c;
  std::vector<std::array<Index, 4>> elems;
  std::tie(c.rest, c.deformed) = simplices<3>(elems);
  c.group.law.exponent = 1.18;
  for (const auto& t : elems) c.group.add(t, view(c.rest), 750.0);
  for (std::size_t i = 0; i < c.rest.size() / 3; ++i) c.deformed[3 * i + 2] *= 0.6 + 1.6 * c.rest[3 * i] / kLength;
  auto stretch_n = [&](Index e) {
    Mat3 f = Mat3::Zero();
    for (int a = 0; a < 4; ++a) f += view(c.deformed)[c.group.connectivity[e][a]] * c.group.gradients[e].col(a).transpose();
    return f.col(2).squaredNorm();
  };
  EXPECT_LT(stretch_n(0), 1.0);
  EXPECT_GT(stretch_n(1), 1.0);
  return c;
}

// ---- assembly of a tiny instance into dense vectors ------------------------------------------

template <class G>
double total_energy(const G& g, const std::vector<double>& x) {
  double w = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e) w += g.energy(Index(e), view(x));
  return w;
}
template <class G>
Eigen::VectorXd total_forces(const G& g, const std::vector<double>& x) {
  Eigen::VectorXd f = Eigen::VectorXd::Zero(Eigen::Index(x.size()));
  for (std::size_t e = 0; e < g.size(); ++e) {
    const auto fe = g.forces(Index(e), view(x));
    const auto nd = g.nodes(Index(e));
    for (int a = 0; a < G::kNodes; ++a) f.segment<3>(3 * nd[a]) += fe.col(a);
  }
  return f;
}
template <class G>
Eigen::MatrixXd total_hessian(const G& g, const std::vector<double>& x, HessianMode mode) {
  const Eigen::Index n = Eigen::Index(x.size());
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(n, n);
  for (std::size_t e = 0; e < g.size(); ++e) {
    const auto he = g.hessian(Index(e), view(x), mode);
    const auto nd = g.nodes(Index(e));
    for (int a = 0; a < G::kNodes; ++a)
      for (int b = 0; b < G::kNodes; ++b) h.block<3, 3>(3 * nd[a], 3 * nd[b]) += he.template block<3, 3>(3 * a, 3 * b);
  }
  return h;
}

template <class G>
class ElementContract : public ::testing::Test {};

template <class Tuple>
struct AsTypes;
template <class... T>
struct AsTypes<std::tuple<T...>> {
  using type = ::testing::Types<T...>;
};
using AllGroups = AsTypes<ElementGroups>::type;

struct GroupName {
  template <class G>
  static std::string GetName(int) {
    return std::string(G::kName);
  }
};
TYPED_TEST_SUITE(ElementContract, AllGroups, GroupName);

TYPED_TEST(ElementContract, ForceIsMinusEnergyGradient) {
  auto c = make_case<TypeParam>(true);
  const Eigen::VectorXd f = total_forces(c.group, c.deformed);
  Eigen::VectorXd fd(f.size());
  for (Eigen::Index d = 0; d < f.size(); ++d) {
    auto xp = c.deformed, xm = c.deformed;
    xp[d] += kStep;
    xm[d] -= kStep;
    fd[d] = -(total_energy(c.group, xp) - total_energy(c.group, xm)) / (2.0 * kStep);
  }
  ASSERT_GT(f.lpNorm<Eigen::Infinity>(), 0.0);
  EXPECT_LE((f - fd).lpNorm<Eigen::Infinity>(), kFdTolerance * f.lpNorm<Eigen::Infinity>())
      << "analytic:\n" << f.transpose() << "\nfinite differences:\n" << fd.transpose();
}

TYPED_TEST(ElementContract, ExactHessianIsMinusForceJacobian) {
  auto c = make_case<TypeParam>(true);
  const Eigen::MatrixXd h = total_hessian(c.group, c.deformed, HessianMode::exact);
  Eigen::MatrixXd fd(h.rows(), h.cols());
  for (Eigen::Index d = 0; d < h.cols(); ++d) {
    auto xp = c.deformed, xm = c.deformed;
    xp[d] += kStep;
    xm[d] -= kStep;
    fd.col(d) = -(total_forces(c.group, xp) - total_forces(c.group, xm)) / (2.0 * kStep);
  }
  ASSERT_GT(h.lpNorm<Eigen::Infinity>(), 0.0);
  EXPECT_LE((h - fd).lpNorm<Eigen::Infinity>(), kFdTolerance * h.lpNorm<Eigen::Infinity>())
      << "analytic:\n" << h << "\nfinite differences:\n" << fd;
}

TYPED_TEST(ElementContract, HessianIsSymmetric) {
  auto c = make_case<TypeParam>(true);
  for (auto mode : {HessianMode::exact, HessianMode::projected, HessianMode::stability}) {
    const Eigen::MatrixXd h = total_hessian(c.group, c.deformed, mode);
    // Each entry is a sum of a few products of O(1)-conditioned terms: round-off ~ 1e-15 |H|.
    EXPECT_LE((h - h.transpose()).lpNorm<Eigen::Infinity>(), 1e-12 * h.lpNorm<Eigen::Infinity>())
        << "mode " << int(mode);
  }
}

TYPED_TEST(ElementContract, ProjectedHessianIsPositiveSemiDefinite) {
  // Newton's matrix (HessianMode::projected) must not have negative eigenvalues, while the
  // exact one may (compressed springs, the det Hessian). Tolerance: eigenvalue round-off,
  // ~ 1e-15 |H| per entry times a dimension of at most 15.
  auto c = make_case<TypeParam>(true);
  for (auto mode : {HessianMode::projected, HessianMode::stability}) {
    const Eigen::MatrixXd h = total_hessian(c.group, c.deformed, mode);
    const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(h).eigenvalues();
    EXPECT_GE(ev.minCoeff(), -1e-12 * h.lpNorm<Eigen::Infinity>()) << "mode " << int(mode);
  }
}

TYPED_TEST(ElementContract, ZeroForceAtRest) {
  auto fresh = make_case<TypeParam>(false);  // reference configuration, no history
  auto loaded = make_case<TypeParam>(false);
  const double scale = total_forces(loaded.group, loaded.deformed).template lpNorm<Eigen::Infinity>();
  ASSERT_GT(scale, 0.0);
  // Forces at a strain of a few percent are ~ 0.05 k L; at rest only round-off of the rest
  // quantities remains (~ 1e-16 k L), so 1e-10 of the loaded force is a safe bound.
  EXPECT_LE(total_forces(fresh.group, fresh.rest).template lpNorm<Eigen::Infinity>(), 1e-10 * scale);
  EXPECT_LE(std::abs(total_energy(fresh.group, fresh.rest)), 1e-12 * std::abs(total_energy(loaded.group, loaded.deformed)));
}

TYPED_TEST(ElementContract, InvariantUnderRigidMotion) {
  auto c = make_case<TypeParam>(true);
  Mat3 r = Mat3::Identity();
  if (!c.small_rotation) {
    const double angle = uniform(0.3, 2.5);
    const Vec3 axis = c.planar ? Vec3::UnitZ() : random_unit();
    r = Eigen::AngleAxisd(angle, axis).toRotationMatrix();
  }
  const Vec3 t = random_vec(3.0 * kLength);
  auto moved = c.deformed;
  for (std::size_t i = 0; i < moved.size() / 3; ++i)
    set(moved, Index(i), r * Vec3(c.deformed[3 * i], c.deformed[3 * i + 1], c.deformed[3 * i + 2]) + t);
  const double w0 = total_energy(c.group, c.deformed), w1 = total_energy(c.group, moved);
  ASSERT_GT(std::abs(w0), 0.0);
  // Lengths and volumes are recomputed from coordinates of size ~ 4 L after the motion: relative
  // round-off in the strains ~ 1e-15 / strain, hence 1e-9 on the energy.
  EXPECT_NEAR(w1, w0, 1e-9 * std::abs(w0));
  // Forces rotate with the body: f(R x + t) = R f(x), node by node.
  const Eigen::VectorXd f0 = total_forces(c.group, c.deformed), f1 = total_forces(c.group, moved);
  double err = 0.0;
  for (Eigen::Index i = 0; i < f0.size() / 3; ++i)
    err = std::max(err, (f1.segment<3>(3 * i) - r * f0.segment<3>(3 * i)).lpNorm<Eigen::Infinity>());
  EXPECT_LE(err, 1e-8 * f0.lpNorm<Eigen::Infinity>());
}

TYPED_TEST(ElementContract, EveryElementIsActive) {
  // Guard against vacuous passes: every element of the case produces a non-negligible force and
  // the Hessian is not zero, so the checks above compare something.
  auto c = make_case<TypeParam>(true);
  const double scale = total_forces(c.group, c.deformed).template lpNorm<Eigen::Infinity>();
  ASSERT_GT(scale, 0.0);
  for (std::size_t e = 0; e < c.group.size(); ++e)
    EXPECT_GT(c.group.forces(Index(e), view(c.deformed)).norm(), 1e-3 * scale) << "element " << e;
  EXPECT_GT(total_hessian(c.group, c.deformed, HessianMode::exact).norm(), 0.0);
  EXPECT_EQ(c.group.size(), 2u);
}

/// One step of every element from x0 to x1 (begin_group_step, begin_step at x0, end_step at x1);
/// returns the dissipation of each element.
template <class G>
std::vector<double> take_step(G& g, const std::vector<double>& x0, const std::vector<double>& x1, const StepContext& ctx) {
  if constexpr (requires { g.begin_group_step(ctx); }) g.begin_group_step(ctx);
  for (std::size_t e = 0; e < g.size(); ++e) g.begin_step(Index(e), view(x0), ctx);
  std::vector<double> dissipated;
  for (std::size_t e = 0; e < g.size(); ++e) dissipated.push_back(g.end_step(Index(e), view(x1), ctx));
  return dissipated;
}

TYPED_TEST(ElementContract, RestoredHistoryUndoesAStep) {
  // The implicit integrator retries a failed step from save_history's copy: everything a step
  // writes must be in it. Two steps from the restored group must therefore equal, bit for bit,
  // the same steps from an untouched copy: energy, forces and dissipation (a member missing from
  // history() would carry the undone step's value into them).
  using G = TypeParam;
  if constexpr (!G::kHasState) {
    GTEST_SKIP() << "no history";
  } else {
    auto c = make_case<G>(true);
    const G untouched = c.group;
    SavedHistoryT<G> saved;
    save_history(c.group, saved);
    auto x1 = c.deformed;
    for (double& v : x1) v += uniform(-0.02, 0.02) * kLength;
    const StepContext undone{2e-3, 0.0, 3, 11, true};
    take_step(c.group, c.deformed, x1, undone);
    restore_history(c.group, saved);

    G reference = untouched;
    auto x2 = c.deformed;
    for (double& v : x2) v += uniform(-0.02, 0.02) * kLength;
    for (const StepContext& ctx : {StepContext{1e-3, 0.0, 3, 11, true}, StepContext{1e-3, 1e-3, 4, 11, true}}) {
      EXPECT_EQ(take_step(c.group, c.deformed, x2, ctx), take_step(reference, c.deformed, x2, ctx));
      EXPECT_EQ(total_energy(c.group, x2), total_energy(reference, x2));
      const Eigen::VectorXd f = total_forces(c.group, x1), f_ref = total_forces(reference, x1);
      EXPECT_EQ(f, f_ref);
      EXPECT_EQ(total_hessian(c.group, x1, HessianMode::exact), total_hessian(reference, x1, HessianMode::exact));
    }
  }
}

}  // namespace
