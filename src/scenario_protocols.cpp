// SPDX-License-Identifier: MIT
/// @file [protocol.NAME] -> each protocol's SI settings; the protocol set up on a System
/// (fascia/scenario_protocols.hpp).
#include "fascia/scenario_protocols.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "fascia/lattice/sample.hpp"
#include "fascia/scenario_geometry.hpp"

namespace fascia {

IndenterShape indenter_shape(const ProtocolSpec& ps) {
  IndenterShape shape;
  shape.kind = schema::enum_named<IndenterShape::Kind>("protocol." + ps.name + ".indenter", ps.indenter, kIndenterNames);
  shape.radius = ps.radius_mm * 1e-3;
  shape.length = ps.length_mm * 1e-3;
  shape.semi_axes = Vec3(ps.semi_axes_mm[0], ps.semi_axes_mm[1], ps.semi_axes_mm[2]) * 1e-3;
  return shape;
}

double pressing_force_n(const ProtocolSpec& ps, const IndenterShape& shape) {
  if (ps.force_n) return *ps.force_n;
  const double pressure = ps.pressure_kpa.value_or(ProtocolSpec::kDefaultPressureKpa);
  // A disc keeps the original order of operations, P pi r r, so that its results stay bit for bit.
  if (shape.kind == IndenterShape::Kind::disc) return pressure * 1e3 * std::numbers::pi * shape.radius * shape.radius;
  return pressure * 1e3 * shape.projected_area();
}

std::array<double, 2> loaded_half_extents(const ProtocolSpec& ps) {
  const double radius = ps.radius_mm * 1e-3;
  if (ps.kind == "impulse" || is_material_test(ps.kind) || ps.kind == "elastography") return {radius, radius};
  const IndenterShape shape = indenter_shape(ps);
  // The outline: the footprint pressed in as deep as the indenter reaches.
  auto half = shape.footprint(std::numeric_limits<double>::infinity());
  if (shape.kind == IndenterShape::Kind::cylinder) half[1] = 0.5 * shape.length;
  // A sliding hold moves the compressor (passive) or the tissue under it (active, drive = "base")
  // along x; a contraction moves the muscle by what its stress gives, not by amplitude_mm.
  const bool slides = ps.kind == "compression_passive_shear" || (ps.kind == "compression_active_shear" && ps.drive == "base");
  if (slides) half[0] += ps.amplitude_mm * 1e-3;
  return half;
}

CompressorSettings compressor_settings(const ProtocolSpec& ps, const GeometrySpec& geometry) {
  CompressorSettings s;
  s.name = ps.name;
  s.motion = ps.kind == "compression_active_shear"    ? (ps.drive == "contraction" ? CompressorMotion::contraction
                                                                                   : CompressorMotion::base)
             : ps.kind == "compression_passive_shear" ? CompressorMotion::compressor
                                                      : CompressorMotion::none;
  s.shape = indenter_shape(ps);
  s.force = pressing_force_n(ps, s.shape);
  s.ramp = ps.ramp_s;
  s.hold = ps.kind != "static_pressure" ? ps.cycles / ps.frequency_hz : ps.hold_s;  // a moving hold: whole cycles
  s.release = ps.release_s;
  s.recover = ps.recover_s;
  s.amplitude = ps.amplitude_mm * 1e-3;
  s.frequency = ps.frequency_hz;
  s.active_stress = ps.active_stress_kpa * 1e3;
  s.friction = {ps.friction, ps.elastic_slip_mm * 1e-3};
  s.lateral_fixed = geometry.lateral_boundary == "fixed";
  return s;
}

ImpulseSettings impulse_settings(const ProtocolSpec& ps, const GeometrySpec& geometry) {
  return {ps.name,
          ps.force_n.value_or(ProtocolSpec::kDefaultImpulseForceN),
          ps.radius_mm * 1e-3,
          ps.duration_s,
          ps.end_s,
          Vec3(ps.direction[0], ps.direction[1], ps.direction[2]),
          geometry.lateral_boundary == "fixed"};
}

MaterialTestSettings material_test_settings(const ProtocolSpec& ps) {
  return {ps.name, schema::enum_named<MaterialTestMode>("protocol." + ps.name + ".kind", ps.kind, kMaterialTestNames),
          ps.max_strain, ps.strain_rate_per_s, ps.hold_s, ps.release_s};
}

ElastographySettings elastography_settings(const ProtocolSpec& ps) {
  return {ps.name, ps.push_depth_mm * 1e-3, ps.push_duration_s, ps.track_direction_deg, ps.pre_strain,
          ps.strain_rate_per_s};
}

namespace {
/// Elastography on the scenario's lattice: the shear modulus at the push is that of the tissue
/// whose nodes sit at that height (slab: muscle below the first dense layer, dense above; sample:
/// its tissue); the slowest shear speed is over the tissues with mass (loose layers are interfaces).
ElastographyProtocol make_elastography(const ProtocolSpec& ps, const ScenarioSpec& spec, const TissueMaterials& mat,
                                       System& sys) {
  const auto& info = sys.lattice_info;
  const double spacing = std::min(info.dx, info.dy);
  auto speed = [](const LayerMaterial& m) { return std::sqrt(m.shear_modulus / m.density); };
  if (spec.geometry.kind == "sample") {
    const LayerMaterial& m = sample_material(mat, sample_geometry(spec.geometry).tissue);
    return ElastographyProtocol::make(elastography_settings(ps), sys, spacing, [&](double) { return m.shear_modulus; },
                                      speed(m));
  }
  auto mu_at = [&](double z) {
    for (const auto& b : info.blocks)
      if (z >= b.z_bottom - 1e-12 && z <= b.z_bottom + b.thickness + 1e-12)
        return b.material == mat.dense.name ? mat.dense.shear_modulus : mat.muscle.shear_modulus;
    return mat.muscle.shear_modulus;
  };
  const double slowest = info.dim == 3 ? std::min(speed(mat.dense), speed(mat.muscle)) : speed(mat.dense);
  return ElastographyProtocol::make(elastography_settings(ps), sys, spacing, mu_at, slowest);
}
}  // namespace

Protocol make_protocol(const ProtocolSpec& ps, const ScenarioSpec& spec, const TissueMaterials& mat, System& sys) {
  if (ps.kind == "impulse") return ImpulseProtocol::make(impulse_settings(ps, spec.geometry), sys);
  if (is_material_test(ps.kind)) return MaterialTestProtocol::make(material_test_settings(ps), sys);
  if (ps.kind == "elastography") return make_elastography(ps, spec, mat, sys);
  return CompressorProtocol::make(compressor_settings(ps, spec.geometry), mat, sys);
}

}  // namespace fascia
