// SPDX-License-Identifier: MIT
// A rigid flat punch on a thick, nearly incompressible block (docs/fem.md "Indentation"): the
// graded finite-element mesh against Sneddon's closed form, and plain Q1 on the same mesh, which
// locks. The punch is a set of top nodes held at a common depth d (bonded): for an incompressible
// solid on a rigid punch the bonded and frictionless problems have the same load-displacement law
// (the second Dundurs constant vanishes at nu = 1/2; Spence 1975), so Sneddon (1965) applies:
//   P = 4 G a d / (1 - nu)   (half-space).
#include <gtest/gtest.h>

#include <cmath>

#include "fascia/scenario_geometry.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/mesh/slab_mesh.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/tissue/material.hpp"
#include "mesh/punch_stiffness.hpp"

namespace fascia {
namespace {

constexpr double kShear = 10e3;  // muscle's default shear modulus [Pa]

/// Muscle block a x (2 half_width)^2 x depth, homogeneous (layers = 0), water off, Poisson `nu`,
/// graded from `fine` under the punch to `coarsest`.
Lattice block(double half_width, double depth, double fine, double coarsest, double punch_radius, double nu) {
  ScenarioSpec spec;
  spec.material.muscle_shear_modulus_kpa = kShear * 1e-3;
  spec.material.muscle_thickness_mm = depth * 1e3;
  spec.material.matrix_poisson = nu;
  spec.material.water_bulk_modulus_mpa = 0.0;  // drained: the matrix alone, a closed-form solid
  spec.geometry.engine = "fem";
  spec.geometry.layers = 0;
  spec.geometry.size_mm = {2e3 * half_width, 2e3 * half_width};
  spec.geometry.spacing_mm = fine * 1e3;
  spec.geometry.coarsest_mm = coarsest * 1e3;
  SlabMeshOptions opt;
  opt.coarsest = coarsest;
  opt.fine_half_width.fill(1.5 * punch_radius);
  return build_slab_mesh(slab_geometry(spec.geometry), make_materials(spec), opt);
}

TEST(FemIndentation, FlatPunchOnANearlyIncompressibleBlockMatchesSneddonWhereQ1Locks) {
  // nu = 0.499 (K/G = 500, above the tissue's undrained K_u/G ~ 300). Punch radius a = 1 mm, block
  // 40 x 40 x 20 mm (H/a = 20), graded 0.25 mm (a/4) under the punch to 4 mm. Errors against the
  // half-space, both stiffening, set the tolerance: the finite depth (a rigid base at H: the
  // half-space's own displacement at depth H is ~1.3 a/H = 6 % of d, Boussinesq on the axis) and
  // the punch edge (nodes held up to r = a, free from the next node at a + h: an effective radius
  // between a and a + h/2, up to +12 % at h = a/4). Hence Q1/P0 within [1.0, 1.2] of Sneddon; plain
  // Q1 on the same mesh locks: stiffer than Q1/P0 by more than a quarter.
  const double a = 1e-3, nu = 0.499;
  const Lattice mesh = block(20e-3, 20e-3, 0.25e-3, 4e-3, a, nu);
  const double sneddon = 4.0 * kShear * a / (1.0 - nu);
  const double q1p0 = punch_stiffness(mesh, a, true) / sneddon;
  const double q1 = punch_stiffness(mesh, a, false) / sneddon;
  RecordProperty("q1p0_over_sneddon", std::to_string(q1p0));
  RecordProperty("q1_over_sneddon", std::to_string(q1));
  RecordProperty("nodes", std::to_string(mesh.num_nodes()));
  EXPECT_GE(q1p0, 1.0);
  EXPECT_LE(q1p0, 1.2);
  EXPECT_GT(q1 / q1p0, 1.25) << "plain Q1 did not lock: " << q1 << " vs " << q1p0;
}

}  // namespace
}  // namespace fascia
