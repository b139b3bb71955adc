// SPDX-License-Identifier: MIT
/// @file [geometry] and [adhesion] -> the builders' SI settings; the model of a scenario
/// (fascia/scenario_geometry.hpp).
#include "fascia/scenario_geometry.hpp"

#include <algorithm>

#include "fascia/lattice/builder.hpp"
#include "fascia/mesh/imported_mesh.hpp"
#include "fascia/mesh/sample_mesh.hpp"
#include "fascia/scenario_protocols.hpp"

namespace fascia {

namespace {
MatrixModel matrix_model_of(const GeometrySpec& g) {
  return schema::enum_named<MatrixModel>("geometry.matrix_model", g.matrix_model, kMatrixModelNames);
}
}  // namespace

// Each length is `value_mm * 1e-3`, the one conversion the builders made before they took SI.
SlabGeometry slab_geometry(const GeometrySpec& g) {
  return {g.kind == "sheet" ? 2 : 3,
          {g.size_mm[0] * 1e-3, g.size_mm[1] * 1e-3},
          g.layers,
          g.layer_thickness_mm * 1e-3,
          g.interface_thickness_mm * 1e-3,
          g.fiber_angle_deg,
          g.crossing_angle_deg,
          g.dispersion_kappa,
          g.spacing_mm * 1e-3,
          matrix_model_of(g),
          g.seed};
}

SampleGeometry sample_geometry(const GeometrySpec& g) {
  SampleGeometry s;
  s.tissue = schema::enum_named<SampleTissue>("geometry.sample_tissue", g.sample_tissue, kSampleTissueNames);
  s.length = g.size_mm[0] * 1e-3;
  s.width = g.size_mm[1] * 1e-3;
  s.thickness = g.sample_thickness_mm * 1e-3;
  s.spacing = g.spacing_mm * 1e-3;
  s.fiber_angle_deg = g.fiber_angle_deg;
  s.dispersion_kappa = g.dispersion_kappa;
  s.plies = g.sample_plies;
  s.crossing_angle_deg = g.crossing_angle_deg;
  s.matrix_model = matrix_model_of(g);
  s.seed = g.seed;
  return s;
}

SlabMeshOptions slab_mesh_options(const ScenarioSpec& spec) {
  SlabMeshOptions o;
  const GeometrySpec& g = spec.geometry;
  o.coarsest = (g.coarsest_mm > 0.0 ? g.coarsest_mm : g.spacing_mm) * 1e-3;
  // The finest elements cover what any protocol loads, a quarter wider for the stress gradient at
  // its edge (assumed: the rule the slab had for a disc, 1.25 x its radius).
  for (const auto& p : spec.protocols) {
    const auto loaded = loaded_half_extents(p);
    for (std::size_t i = 0; i < 2; ++i) o.fine_half_width[i] = std::max(o.fine_half_width[i], 1.25 * loaded[i]);
  }
  return o;
}

void add_adhesions(Lattice& lattice, const AdhesionSpec& spec, std::uint64_t seed) {
  auto& adh = std::get<AdhesionGroup>(lattice.groups);
  adh = AdhesionGroup{};
  adh.law = schema::enum_named<RuptureLaw>("adhesion.rupture", spec.rupture, kRuptureLawNames);
  adh.bond_stiffness = spec.stiffness_n_per_m;
  adh.bell_rate = spec.bell_rate_per_s;
  adh.bell_force = spec.bell_force_n;
  adh.threshold_force = spec.threshold_force_n;
  adh.heal_rate = spec.heal_rate_per_s;
  adh.rest_speed = spec.rest_speed_mm_s * 1e-3;
  add_adhesions(lattice, spec.density_per_mm2 * 1e6, seed);
}

Lattice build_model(const ScenarioSpec& spec, const TissueMaterials& mat) {
  const GeometrySpec& g = spec.geometry;
  const bool fem = g.engine == "fem";
  if (g.kind == "sample") return fem ? build_sample_mesh(sample_geometry(g), mat) : build_sample(sample_geometry(g), mat);
  Lattice lattice = !fem                 ? build_lattice(slab_geometry(g), mat)
                    : g.mesh_file.empty() ? build_slab_mesh(slab_geometry(g), mat, slab_mesh_options(spec))
                                          : build_imported_mesh(g.mesh_file, slab_geometry(g), mat);
  if (g.kind == "slab") add_adhesions(lattice, spec.adhesion, g.seed);
  return lattice;
}

}  // namespace fascia
