// SPDX-License-Identifier: MIT
#include "fascia/observe/protocol_record.hpp"

#include <algorithm>
#include <cmath>

#include "fascia/core/error.hpp"
#include "fascia/observe/metrics.hpp"
#include "fascia/solve/assembly.hpp"

namespace fascia {

// ---------------------------------------------------------------------------------------------
// Every run

void RunRecord::sample(const System& sys) {
  peak_work_ = std::max(peak_work_, sys.work_input);
  if (auto lost = water_lost(sys)) peak_water_lost_ = std::max(peak_water_lost_.value_or(0.0), *lost);
  peak_fiber_ = std::max(peak_fiber_, peak_fiber_stress_ratio(sys));
  peak_shear_ = std::max(peak_shear_, peak_interface_shear(sys));
}

void RunRecord::at_hold(const System& sys) { viscosity_at_hold_ = mean_interface_viscosity(sys); }

void RunRecord::resume_state(CheckpointIO& io) {
  io("record.peak_work", peak_work_);
  io("record.peak_fiber", peak_fiber_);
  io("record.peak_shear", peak_shear_);
  io("record.numerical_dissipation", numerical_dissipation_);
  io("record.peak_water_lost", peak_water_lost_);
  io("record.viscosity_at_hold", viscosity_at_hold_);
}

void RunRecord::metrics(System& sys, double fiber_modulus, double ha_water_binding, Metrics& out) const {
  const bool interfaces = std::get<InterfaceGroup>(sys.groups).size() > 0;
  if (interfaces) out["peak_interface_shear_pa"] = peak_shear_;
  out["peak_fiber_stress_pa"] = peak_fiber_ * fiber_modulus;
  out["fiber_damage_fraction"] = fiber_damage_fraction(sys);
  if (auto lost = water_lost(sys)) {
    // Expelled: the most water the tissue had lost at any sample; re-imbibed: how much of it came
    // back by the end (docs/model.md "Water").
    const double peak = std::max(peak_water_lost_.value_or(0.0), *lost);
    out["fluid_expelled_m3"] = peak;
    out["fluid_reimbibed_m3"] = peak - *lost;
  }
  if (interfaces) {  // HA: fasciacyte rule and viscosity law
    const double made = ha_synthesized(sys);
    out["ha_synthesized_kg"] = made;
    out["ha_bound_water_kg"] = made * ha_water_binding;
    // At the end of the hold (the loaded state) where the protocol has one, else at the end.
    out["mean_interface_viscosity_pa_s"] = viscosity_at_hold_ ? *viscosity_at_hold_ : mean_interface_viscosity(sys);
  }
  // Energy ledger: energy_balance_error = |W - E_stored - E_kin - D_physical - D_numerical| / max(W, peak W).
  // D_numerical is backward Euler's damping computed from its own discrete energy identity
  // (ImplicitIntegrator::numerical_dissipation, docs/solvers.md), not the ledger residual, so the
  // error measures the elements' energy bookkeeping and the time discretisation of the work. It is
  // relative to the largest work input reached during the run: the net work of a load-unload
  // cycle can be near zero while the energy that went through is not.
  const double stored = stored_energy(sys) + kinetic_energy(sys);
  out["work_input_j"] = sys.work_input;
  out["energy_stored_j"] = stored;
  out["energy_dissipated_j"] = sys.dissipated;
  if (numerical_dissipation_ != 0.0) out["numerical_dissipation_j"] = numerical_dissipation_;
  const double scale = std::max(std::abs(sys.work_input), peak_work_);
  if (scale > 0.0)
    out["energy_balance_error"] = std::abs(sys.work_input - stored - sys.dissipated - numerical_dissipation_) / scale;
}

// ---------------------------------------------------------------------------------------------
// impulse

namespace {
std::vector<Index> ripple_nodes(const System& sys) {
  const auto& info = sys.lattice_info;
  if (info.dim == 3) return info.node_sets.at("top");
  std::vector<Index> all(sys.num_tissue_nodes());
  for (std::size_t n = 0; n < all.size(); ++n) all[n] = Index(n);
  return all;
}
std::vector<Vec3> rest_of(const Lattice& info, const std::vector<Index>& nodes) {
  std::vector<Vec3> rest;
  rest.reserve(nodes.size());
  for (Index n : nodes) rest.push_back(info.rest(n));
  return rest;
}
}  // namespace

RippleRecord::RippleRecord(const ImpulseProtocol& protocol, const System& sys, double exclude_radius,
                           double fiber_axis_rad)
    : protocol_(&protocol),
      observer_(ripple_nodes(sys), rest_of(sys.lattice_info, ripple_nodes(sys)),
                protocol.centre, exclude_radius, sys.lattice_info.finest_spacing(), fiber_axis_rad) {}

void RippleRecord::metrics(const System&, bool complete, Metrics& out) const {
  if (!complete) return;
  for (const auto& [name, v] : observer_.speeds()) out[name] = v;
  if (auto l = observer_.attenuation_length()) out["attenuation_length_m"] = *l;
}

// ---------------------------------------------------------------------------------------------
// compressor protocols

CompressorRecord::CompressorRecord(const CompressorProtocol& protocol, const Lattice& info)
    : protocol_(&protocol), dense_columns_(dense_stack_columns(info)) {
  const SurfacePatch top = top_surface(info);
  penetration_limit_ = 0.5 * top.top_cell_height;
  tissue_depth_ = top.centre.z() - info.rest(info.node_sets.at("bottom").front()).z();
}

double CompressorRecord::indentation(const System& sys) const {
  const Index c = protocol_->indenter.node;
  return sys.rest_positions[3 * c + 2] - sys.positions[3 * c + 2];
}

void CompressorRecord::sample(const System& sys) {
  peak_strain_ = std::max(peak_strain_, max_dense_strain(sys));
  peak_compression_ = std::max(peak_compression_, max_dense_compression(sys, dense_columns_));
  const double depth = indentation(sys);
  const MuscleLoad load = muscle_load(sys, protocol_->indenter.node);  // H3: sampled with the indentation
  if (load.any) {
    peak_muscle_pressure_ = std::max(peak_muscle_pressure_.value_or(0.0), load.peak_pressure);
    if (load.spread_length && (!spread_at_peak_ || depth >= peak_indentation_)) spread_at_peak_ = load.spread_length;
  }
  peak_indentation_ = std::max(peak_indentation_, depth);
  // Contact metrics: the largest total normal force, and the contact radius at that load.
  const ContactState contact = protocol_->indenter.contact(sys);
  if (contact.force >= peak_contact_force_) {
    peak_contact_force_ = contact.force;
    contact_radius_at_peak_ = contact.radius();
  }
  max_penetration_ = contact.max_penetration;
}

void CompressorRecord::resume_state(CheckpointIO& io) {
  io("compressor.peak_strain", peak_strain_);
  io("compressor.peak_compression", peak_compression_);
  io("compressor.peak_indentation", peak_indentation_);
  io("compressor.peak_contact_force", peak_contact_force_);
  io("compressor.contact_radius_at_peak", contact_radius_at_peak_);
  io("compressor.max_penetration", max_penetration_);
  io("compressor.spread_at_peak", spread_at_peak_);
  io("compressor.peak_muscle_pressure", peak_muscle_pressure_);
  io("compressor.broken_at_hold", broken_at_hold_);
}

std::optional<std::string> CompressorRecord::problem(const System& sys) const {
  // The indenter passed through the tissue: a force-controlled indenter that starts just touching
  // meets no contact stiffness in its first Newton iterations, and a long first step can carry it
  // past the surface nodes, where the penalty contact no longer sees them (tunnelling). Never a
  // result: the run stops and says what to shorten.
  const double depth = indentation(sys);
  if (!(depth < tissue_depth_))
    return "the indenter passed through the tissue at t = " + detail::to_text(sys.time) + " s (moved " +
           detail::to_text(depth * 1e3) + " mm down, the tissue is " + detail::to_text(tissue_depth_ * 1e3) +
           " mm thick): its step was longer than the contact can catch; set solver.implicit_dt_s to a small "
           "fraction of ramp_s (e.g. ramp_s / 200)";
  // The indenter pushed through the surface: a penalty penetration beyond half the top cell
  // means the load is more than the surface mesh can carry (the tissue would fold around it).
  if (max_penetration_ > penetration_limit_)
    return "the indenter pushed " + detail::to_text(max_penetration_ * 1e3) + " mm into the surface at t = " +
           detail::to_text(sys.time) + " s (more than half the top cell, " + detail::to_text(penetration_limit_ * 1e3) +
           " mm): the load is beyond what this mesh can carry; reduce force_n or pressure_kpa, or refine "
           "geometry.spacing_mm";
  return std::nullopt;
}

void CompressorRecord::series(const System& sys, Series& row) const {
  const Index c = protocol_->indenter.node;
  row["compressor_force_n"] = protocol_->pressing_force(sys.time);
  row["compressor_z_m"] = sys.positions[3 * c + 2] - sys.rest_positions[3 * c + 2];
  row["compressor_x_m"] = sys.positions[3 * c] - sys.rest_positions[3 * c];
  row["drive_m"] = protocol_->drive(sys.time);
  // The indenter's pose (its lowest point at rest, carried rigidly) and its contact.
  row["indenter_x_m"] = sys.positions[3 * c];
  row["indenter_y_m"] = sys.positions[3 * c + 1];
  row["indenter_z_m"] = sys.positions[3 * c + 2];
  const ContactState contact = protocol_->indenter.contact(sys);
  row["contact_force_n"] = contact.force;
  row["contact_area_m2"] = contact.area;
  row["interface_slip_rms_m"] = rms_interface_slip(sys);
  if (auto f = adhesion_broken_fraction(sys)) row["adhesions_broken_fraction"] = *f;
}

void CompressorRecord::metrics(const System& sys, bool complete, Metrics& out) const {
  if (broken_at_hold_) out["adhesions_broken_fraction_hold"] = *broken_at_hold_;
  if (complete) {
    if (auto f = adhesion_broken_fraction(sys)) out["adhesions_broken_fraction_final"] = *f;
    if (std::get<InterfaceGroup>(sys.groups).size() > 0) out["residual_slip_m"] = rms_interface_slip(sys);
    out["residual_strain"] = max_dense_strain(sys);
  }
  out["peak_dense_strain"] = peak_strain_;
  // Absent where the dense stack has no node columns (a sheet, an unstructured imported mesh), not
  // a zero that would read as "not squeezed".
  if (!dense_columns_.empty()) out["peak_dense_compression"] = peak_compression_;
  out["peak_indentation_m"] = peak_indentation_;
  out["peak_contact_force_n"] = peak_contact_force_;
  out["contact_radius_m"] = contact_radius_at_peak_;
  if (spread_at_peak_) out["load_spread_length_m"] = *spread_at_peak_;
  if (peak_muscle_pressure_) out["peak_muscle_pressure_pa"] = *peak_muscle_pressure_;
}

// ---------------------------------------------------------------------------------------------
// elastography

void ShearWaveRecord::metrics(const System&, bool complete, Metrics& out) const {
  if (!complete) return;
  if (auto c = protocol_->shear_wave_speed()) out["shear_wave_speed_m_s"] = *c;
  if (auto s = protocol_->pre_stress()) out["pre_stress_pa"] = *s;
}

// ---------------------------------------------------------------------------------------------

ProtocolRecord make_record(Protocol& protocol, const System& sys, const RecordSettings& settings) {
  struct Make {
    const System& sys;
    const RecordSettings& s;
    ProtocolRecord operator()(const ImpulseProtocol& p) const {
      return RippleRecord(p, sys, s.ripple_exclude_radius, s.fiber_axis_rad);
    }
    ProtocolRecord operator()(const CompressorProtocol& p) const { return CompressorRecord(p, sys.lattice_info); }
    ProtocolRecord operator()(const MaterialTestProtocol& p) const { return StressStrainRecord(p); }
    ProtocolRecord operator()(ElastographyProtocol& p) const { return ShearWaveRecord(p); }
  };
  return std::visit(Make{sys, settings}, protocol);
}

}  // namespace fascia
