// SPDX-License-Identifier: MIT
/// @file run_scenario: scenario -> materials -> lattice -> one System per protocol -> HDF5.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numbers>
#include <optional>
#include <set>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
#include "io/output_guard.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/mesh/imported_mesh.hpp"
#include "fascia/mesh/slab_mesh.hpp"
#include "fascia/observe/cells.hpp"
#include "fascia/observe/frame_grid.hpp"
#include "fascia/observe/health.hpp"
#include "fascia/observe/metrics.hpp"
#include "fascia/observe/ripple.hpp"
#include "fascia/lattice/sample.hpp"
#include "fascia/protocol/compressor.hpp"
#include "fascia/protocol/elastography.hpp"
#include "fascia/protocol/material_test.hpp"
#include "fascia/protocol/impulse.hpp"
#include "fascia/solve/implicit.hpp"
#include "fascia/scenario.hpp"
#include "fascia/solve/pore_flow.hpp"
#include "fascia/solve/explicit.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {
namespace {

io::ModelData model_data(const Lattice& lat, const TissueMaterials& mat, const LatticeCells& cells) {
  io::ModelData m;
  m.rest_positions = lat.rest_positions;
  m.masses = lat.masses;
  m.layer_id = lat.layer_id;
  for (const auto& b : cells.blocks) m.cells.push_back({b.cell_type, b.connectivity, b.layer_id});
  for_each_group(lat.groups, [&](const auto& g) {
    using G = std::decay_t<decltype(g)>;
    if (g.size() == 0) return;
    io::ElementGroupData d;
    d.name = std::string(G::kName);
    d.nodes_per_element = G::kNodes;
    for (std::size_t e = 0; e < g.size(); ++e)
      for (Index n : g.nodes(Index(e))) d.connectivity.push_back(n);
    if constexpr (std::is_same_v<G, SpringGroup>) {
      d.parameters["stiffness"] = g.stiffness;
      d.parameters["rest_length"] = g.rest_length;
      d.parameter_units = {{"stiffness", "N/m"}, {"rest_length", "m"}};
    } else if constexpr (std::is_same_v<G, FiberGroup>) {
      d.parameters["axial_rigidity"] = g.axial_rigidity;
      d.parameters["rest_length"] = g.original_length;
      d.parameters["failure_strain"] = g.failure_strain;
      d.parameter_units = {{"axial_rigidity", "N"}, {"rest_length", "m"}, {"failure_strain", "1"}};
    } else if constexpr (std::is_same_v<G, MaxwellSpringGroup>) {
      d.parameters["stiffness"] = g.stiffness;
      d.parameters["tau"] = g.tau;
      d.parameter_units = {{"stiffness", "N/m"}, {"tau", "s"}};
    } else if constexpr (std::is_same_v<G, Hex8Group>) {
      d.parameters["tissue_id"].assign(g.material.begin(), g.material.end());  // = layer_id of its nodes
      d.parameters["rest_volume"] = g.rest_volume;
      d.parameters["failure_strain"] = g.failure_strain;
      d.parameter_units = {{"tissue_id", "1"}, {"rest_volume", "m3"}, {"failure_strain", "1"}};
    }
    m.groups.push_back(std::move(d));
  });
  m.number_attributes["water_fraction"] = mat.water;
  m.number_attributes["collagen_fraction"] = mat.collagen;
  m.number_attributes["ground_fraction"] = mat.ground;
  m.number_attributes["temperature_c"] = mat.temperature_c;
  m.number_attributes["dense_density_kg_m3"] = mat.dense.density;
  m.number_attributes["dense_shear_modulus_pa"] = mat.dense.shear_modulus;
  m.number_attributes["dense_fiber_modulus_pa"] = mat.dense.fiber_modulus;
  m.number_attributes["dense_drained_bulk_pa"] = mat.dense.drained_bulk;
  m.number_attributes["dense_undrained_bulk_pa"] = mat.dense.undrained_bulk;
  m.number_attributes["dense_drainage_time_s"] = mat.dense.drainage_time;
  m.number_attributes["loose_shear_modulus_pa"] = mat.loose.shear_modulus;
  m.number_attributes["loose_drained_bulk_pa"] = mat.loose.drained_bulk;
  m.number_attributes["loose_density_kg_m3"] = mat.loose.density;
  m.number_attributes["muscle_shear_modulus_pa"] = mat.muscle.shear_modulus;
  m.number_attributes["muscle_drained_bulk_pa"] = mat.muscle.drained_bulk;
  m.number_attributes["muscle_density_kg_m3"] = mat.muscle.density;
  // The superficial tissues, where the lattice has them (docs/model.md "Skin and hypodermis").
  for (const LayerMaterial* t : {&mat.skin, &mat.hypodermis})
    if (std::any_of(lat.blocks.begin(), lat.blocks.end(), [&](const BlockReport& b) { return b.material == t->name; })) {
      m.number_attributes[t->name + "_shear_modulus_pa"] = t->shear_modulus;
      m.number_attributes[t->name + "_drained_bulk_pa"] = t->drained_bulk;
      m.number_attributes[t->name + "_density_kg_m3"] = t->density;
    }
  m.number_attributes["permeability_m4_per_ns"] = mat.dense.permeability;
  m.text_attributes["water_model"] = mat.poro.enabled ? "biot" : "maxwell";
  if (mat.poro.enabled) {
    m.text_attributes["water_flow"] = mat.poro.flow;
    m.text_attributes["water_boundaries"] = std::string("top ") + (mat.poro.top_drained ? "drained" : "sealed") +
                                            ", bottom " + (mat.poro.bottom_drained ? "drained" : "sealed") +
                                            ", sides " + (mat.poro.sides_drained ? "drained" : "sealed");
    m.number_attributes["biot_coefficient"] = PoroCellGroup::kBiotCoefficient;
    m.number_attributes["water_bulk_modulus_pa"] = mat.poro.water_bulk_modulus;
  }
  m.text_attributes["assumed_parameters"] =
      "toe_exponent, failure_strain_spread, yield_strain, plastic_fraction, matrix_poisson, "
      "dense Prony split, loose Prony split, ha_viscosity_pa_s, every [adhesion] key, "
      "interface contact stiffness, compressor mass and penalty stiffness, muscle parameters, "
      "drainage length = slab thickness (Maxwell water), Biot water: alpha = 1 (incompressible "
      "constituents), muscle and loose-layer permeability = the fascia's, HA: activation_energy_kj_mol (water's), concentration_mg_ml, "
      "reference_concentration_mg_ml, every fasciacyte constant of [ha] (see docs/model.md)";
  m.number_attributes["ha_temperature_factor"] = mat.viscous_time_factor;
  m.number_attributes["ha_initial_viscosity_pa_s"] = mat.ha_viscosity;
  m.number_attributes["ha_activation_energy_j_mol"] = mat.ha_law.activation_energy;
  m.number_attributes["ha_concentration_kg_m3"] = mat.fasciacyte.resting_concentration;
  m.number_attributes["ha_secretion_kg_m3_per_strain"] = mat.fasciacyte.secretion;
  m.number_attributes["ha_shear_rate_threshold_per_s"] = mat.fasciacyte.shear_rate_threshold;
  m.number_attributes["ha_reference_stress_pa"] = mat.fasciacyte.reference_stress;
  m.number_attributes["ha_turnover_time_s"] = mat.fasciacyte.turnover_time;
  m.number_attributes["ha_water_binding_kg_per_kg"] = mat.ha_water_binding;
  m.text_attributes["ha_rule"] = mat.fasciacyte.mode == FasciacyteMode::off          ? "off"
                                 : mat.fasciacyte.mode == FasciacyteMode::shear_only ? "shear_only"
                                                                                     : "compression_and_shear";
  std::string blocks;
  for (const auto& b : lat.blocks)
    blocks += b.name + ": " + b.matrix_model + " (spring fit residual " + detail::to_text(b.spring_fit_residual) +
              ", fibre fit residual " + detail::to_text(b.fiber_fit_residual) + ", fibre angle " +
              detail::to_text(b.fiber_angle_deg) + " deg); ";
  m.text_attributes["blocks"] = blocks;
  std::string notes;
  for (const auto& n : lat.notes) notes += n + "; ";
  m.text_attributes["notes"] = notes;
  return m;
}

/// Per-node fields written with every frame: interface slip magnitude on each interface's upper
/// node; with Biot water, the pore pressure at each node (mean of its cells' pressures).
std::map<std::string, std::vector<double>> node_fields(const System& sys, std::size_t n_nodes) {
  const auto& g = std::get<InterfaceGroup>(sys.groups);
  std::map<std::string, std::vector<double>> fields;
  const ConstNodes x = view(sys.positions);
  if (g.size() > 0) {
    auto& slip = fields["interface_slip_m"];
    slip.assign(n_nodes, 0.0);
    for (std::size_t e = 0; e < g.size(); ++e) slip[g.connectivity[e][1]] = g.slip(Index(e), x).norm();
  }
  const auto& pores = std::get<PoroCellGroup>(sys.groups);
  if (pores.size() > 0) {
    auto& pressure = fields["pore_pressure_pa"];
    pressure.assign(n_nodes, 0.0);
    std::vector<int> count(n_nodes, 0);
    for (std::size_t e = 0; e < pores.size(); ++e) {
      const double p = pores.pressure(Index(e), x);
      for (Index n : pores.connectivity[e]) {
        pressure[n] += p;
        ++count[n];
      }
    }
    for (std::size_t n = 0; n < n_nodes; ++n)
      if (count[n] > 0) pressure[n] /= count[n];
  }
  return fields;
}

SampleGeometry sample_geometry(const GeometrySpec& g) {
  SampleGeometry s;
  s.tissue = g.sample_tissue;
  s.length_mm = g.size_mm[0];
  s.width_mm = g.size_mm[1];
  s.thickness_mm = g.sample_thickness_mm;
  s.spacing_mm = g.spacing_mm;
  s.fiber_angle_deg = g.fiber_angle_deg;
  s.dispersion_kappa = g.dispersion_kappa;
  s.plies = g.sample_plies;
  s.crossing_angle_deg = g.crossing_angle_deg;
  s.matrix_model = g.matrix_model;
  s.seed = g.seed;
  return s;
}

MaterialTestSettings material_test_settings(const ProtocolSpec& ps) {
  return {ps.name, ps.kind, ps.max_strain, ps.strain_rate_per_s, ps.hold_s, ps.release_s};
}

/// Elastography on the scenario's lattice: the shear modulus at the push is that of the tissue
/// whose nodes sit at that height (slab: muscle below the first dense layer, dense above; sample:
/// its tissue); the slowest shear speed is over the tissues with mass (loose layers are interfaces).
ElastographyProtocol make_elastography(const ProtocolSpec& ps, const ScenarioSpec& spec, const TissueMaterials& mat,
                                       System& sys) {
  const auto& info = sys.lattice_info;
  const double spacing = std::min(info.dx, info.dy);
  auto speed = [](const LayerMaterial& m) { return std::sqrt(m.shear_modulus / m.density); };
  if (spec.geometry.kind == "sample") {
    const LayerMaterial& m = sample_material(mat, spec.geometry.sample_tissue);
    return ElastographyProtocol::make({ps.name, ps.push_depth_mm, ps.push_duration_s, ps.track_direction_deg}, sys,
                                      spacing, [&](double) { return m.shear_modulus; }, speed(m));
  }
  auto mu_at = [&](double z) {
    for (const auto& b : info.blocks)
      if (z >= b.z_bottom - 1e-12 && z <= b.z_bottom + b.thickness + 1e-12)
        return b.material == "dense" ? mat.dense.shear_modulus : mat.muscle.shear_modulus;
    return mat.muscle.shear_modulus;
  };
  const double slowest = info.dim == 3 ? std::min(speed(mat.dense), speed(mat.muscle)) : speed(mat.dense);
  return ElastographyProtocol::make({ps.name, ps.push_depth_mm, ps.push_duration_s, ps.track_direction_deg}, sys,
                                    spacing, mu_at, slowest);
}

enum class Kind { impulse, compressor, material_test, elastography };

struct Prepared {
  const ProtocolSpec* spec = nullptr;
  std::unique_ptr<System> sys;
  Kind kind = Kind::impulse;
  ImpulseProtocol impulse;
  CompressorProtocol compressor;
  MaterialTestProtocol material_test;
  ElastographyProtocol elastography;
  double explicit_dt = 0.0;
  const std::vector<Phase>& phases() const {
    switch (kind) {
      case Kind::impulse: return impulse.phases;
      case Kind::material_test: return material_test.phases;
      case Kind::elastography: return elastography.phases;
      default: return compressor.phases;
    }
  }
  double end_time() const { return phases().empty() ? 0.0 : phases().back().end; }
};

/// Energy ledger metrics shared by every run.
/// energy_balance_error = |W - E_stored - E_kin - D_physical - D_numerical| / max(W, peak W):
/// D_numerical is backward Euler's damping computed from its own discrete energy identity
/// (ImplicitIntegrator::numerical_dissipation, docs/solvers.md), not the ledger residual, so the
/// error measures the elements' energy bookkeeping and the time discretisation of the work.
/// It is relative to the largest work input reached during the run: the net work of a
/// load-unload cycle can be near zero while the energy that went through is not.
void ledger_metrics(System& sys, double numerical_dissipation, double peak_work, std::map<std::string, double>& metrics) {
  const double stored = stored_energy(sys) + kinetic_energy(sys);
  metrics["work_input_j"] = sys.work_input;
  metrics["energy_stored_j"] = stored;
  metrics["energy_dissipated_j"] = sys.dissipated;
  if (numerical_dissipation != 0.0) metrics["numerical_dissipation_j"] = numerical_dissipation;
  const double scale = std::max(std::abs(sys.work_input), peak_work);
  if (scale > 0.0)
    metrics["energy_balance_error"] = std::abs(sys.work_input - stored - sys.dissipated - numerical_dissipation) / scale;
}

/// solver.integrator, parsed once per run: every phase explicit, every phase implicit, or by the
/// phase's speed ("auto").
enum class Integration { explicit_only, implicit_only, by_phase };

Integration integration_of(const SolverSpec& solver) {
  if (solver.integrator == "explicit") return Integration::explicit_only;
  if (solver.integrator == "implicit") return Integration::implicit_only;
  return Integration::by_phase;
}

bool use_explicit(Integration integration, const Phase& phase) {
  if (integration == Integration::explicit_only) return true;
  if (integration == Integration::implicit_only) return false;
  return phase.speed == PhaseSpeed::fast;
}

RunResult run_protocol(Prepared& p, const ScenarioSpec& spec, const TissueMaterials& mat, io::RunWriter& writer,
                       const RunOptions& options, std::size_t n_lattice_nodes, const LatticeCells& cells) {
  System& sys = *p.sys;
  const ProtocolSpec& ps = *p.spec;
  const Integration integration = integration_of(spec.solver);
  const auto& info = sys.lattice_info;
  const LoadFunction load = [&](double t, System& s) {
    switch (p.kind) {
      case Kind::impulse: p.impulse.apply(t, s); break;
      case Kind::material_test: p.material_test.apply(t, s); break;
      case Kind::elastography: p.elastography.apply(t, s); break;
      default: p.compressor.apply(t, s);
    }
  };

  std::optional<RippleObserver> observer;
  if (p.kind == Kind::impulse) {
    std::vector<Index> observed;
    if (info.dim == 2)
      for (Index n = 0; n < Index(n_lattice_nodes); ++n) observed.push_back(n);
    else
      observed = info.node_sets.at("top");
    std::vector<Vec3> rest;
    for (Index n : observed) rest.push_back(info.rest(n));
    // "Along the fibres" = the top dense layer's fibre direction (the first layer's for a sheet;
    // layers alternate between fiber_angle_deg and fiber_angle_deg + crossing_angle_deg).
    const auto& g = spec.geometry;
    const bool top_crossed = info.dim == 3 && g.kind == "slab" && g.layers % 2 == 0;
    const double axis = (g.fiber_angle_deg + (top_crossed ? g.crossing_angle_deg : 0.0)) * std::numbers::pi / 180.0;
    observer.emplace(observed, rest, p.impulse.centre, ps.radius_mm * 1e-3, info.finest_spacing(), axis);
  }

  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  const auto run_start = Clock::now();
  double io_seconds = 0.0;
  const double interval = ps.frame_interval_s > 0 ? ps.frame_interval_s : spec.output.frame_interval_s;
  std::vector<double> displacement(3 * n_lattice_nodes), velocity(3 * n_lattice_nodes);
  double peak_fiber = 0.0, peak_shear = 0.0, peak_strain = 0.0, peak_compression = 0.0, peak_indentation = 0.0, peak_work = 0.0;
  RunResult result{ps.name, ps.kind, "complete", "", {}, {}};
  // Frames on the grid k * interval (FrameGrid): the state at the start of the step that crosses a
  // frame time is kept (prev_*) to interpolate to it.
  FrameGrid grid(interval);
  std::vector<double> prev_positions = sys.positions, prev_velocities = sys.velocities, interpolated;
  double prev_time = sys.time, last_step_time = sys.time, last_dt = 0.0;
  std::optional<double> last_frame_time;
  // One frame at time t of the state prev + alpha (current - prev); alpha = 1 is the current state.
  auto write_frame_now = [&](double t, double alpha) {
    const auto t0 = Clock::now();
    const bool exact = alpha >= 1.0;
    if (!exact) {
      interpolated.resize(sys.positions.size());
      for (std::size_t d = 0; d < interpolated.size(); ++d)
        interpolated[d] = prev_positions[d] + alpha * (sys.positions[d] - prev_positions[d]);
      std::swap(sys.positions, interpolated);  // fields below see the interpolated positions
    }
    for (std::size_t d = 0; d < displacement.size(); ++d) {
      displacement[d] = sys.positions[d] - sys.rest_positions[d];
      velocity[d] = exact ? sys.velocities[d] : prev_velocities[d] + alpha * (sys.velocities[d] - prev_velocities[d]);
    }
    auto fields = node_fields(sys, n_lattice_nodes);
    add_damage_field(sys, n_lattice_nodes, fields);
    writer.append_frame(t, displacement, velocity, fields, cell_fields(cells, sys));
    if (!exact) std::swap(sys.positions, interpolated);
    last_frame_time = t;
    io_seconds += seconds_since(t0);
  };
  auto write_series = [&]() {
    const auto t0 = Clock::now();
    std::map<std::string, double> series = {{"kinetic_energy_j", kinetic_energy(sys)},
                                            {"stored_energy_j", stored_energy(sys)},
                                            {"work_input_j", sys.work_input},
                                            {"dissipated_j", sys.dissipated}};
    if (p.kind == Kind::impulse) {
      series["applied_force_n"] = p.impulse.pulse(sys.time);
    } else if (p.kind == Kind::material_test) {
      p.material_test.series(sys, series);
    } else if (p.kind == Kind::elastography) {
      series["applied_force_n"] = p.elastography.pulse(sys.time);
    } else {
      const Index c = p.compressor.compressor;
      series["compressor_force_n"] = p.compressor.pressing_force(sys.time);
      series["compressor_z_m"] = sys.positions[3 * c + 2] - sys.rest_positions[3 * c + 2];
      series["compressor_x_m"] = sys.positions[3 * c] - sys.rest_positions[3 * c];
      series["drive_m"] = p.compressor.drive(sys.time);
      // The indenter's pose (its lowest point at rest, carried rigidly) and its contact.
      series["indenter_x_m"] = sys.positions[3 * c];
      series["indenter_y_m"] = sys.positions[3 * c + 1];
      series["indenter_z_m"] = sys.positions[3 * c + 2];
      const ContactState contact = p.compressor.indenter.contact(sys);
      series["contact_force_n"] = contact.force;
      series["contact_area_m2"] = contact.area;
      series["interface_slip_rms_m"] = rms_interface_slip(sys);
      if (auto f = adhesion_broken_fraction(sys)) series["adhesions_broken_fraction"] = *f;
    }
    writer.append_series(sys.time, series);
    io_seconds += seconds_since(t0);
  };
  // A full disk stops the run between frames (RunWriter checks before each): the file keeps every
  // frame before, and the run ends "incomplete" saying why.
  auto write_frame = [&](double t, double alpha) -> bool {
    if (result.status == "incomplete") return false;  // the output refused the last one
    try {
      write_frame_now(t, alpha);
    } catch (const std::runtime_error& e) {  // io::OutputFull, or a write HDF5 refused
      result.status = "incomplete";
      result.message = "stopped at t = " + detail::to_text(t) + " s: " + e.what() +
                       "; the file holds the frames before; free space and run again";
      return false;
    }
    return true;
  };
  // Every frame time the last step reached; then the series sample of this state. False when the
  // output refused a frame.
  auto write_due_frames = [&]() -> bool {
    bool any = false;
    while (grid.due(sys.time)) {
      const double t = grid.take();
      const double span = sys.time - prev_time;
      const double alpha = grid.same_time(t, sys.time) || span <= 0.0 ? 1.0 : std::clamp((t - prev_time) / span, 0.0, 1.0);
      if (!write_frame(t, alpha)) return false;
      any = true;
    }
    if (any) write_series();
    return true;
  };
  std::optional<double> peak_water_lost;
  std::optional<double> spread_at_peak, peak_muscle_pressure;  // H3 (muscle_load)
  double peak_contact_force = 0.0, contact_radius_at_peak = 0.0, max_penetration = 0.0;
  auto sample_peaks = [&]() {
    peak_work = std::max(peak_work, sys.work_input);
    if (auto lost = water_lost(sys)) peak_water_lost = std::max(peak_water_lost.value_or(0.0), *lost);
    peak_fiber = std::max(peak_fiber, peak_fiber_stress_ratio(sys));
    peak_shear = std::max(peak_shear, peak_interface_shear(sys));
    if (p.kind == Kind::compressor) {
      peak_strain = std::max(peak_strain, max_dense_strain(sys));
      peak_compression = std::max(peak_compression, max_dense_compression(sys));
      const Index c = p.compressor.compressor;
      const double indentation = sys.rest_positions[3 * c + 2] - sys.positions[3 * c + 2];
      const MuscleLoad load = muscle_load(sys, c);  // H3: sampled with the indentation
      if (load.any) {
        peak_muscle_pressure = std::max(peak_muscle_pressure.value_or(0.0), load.peak_pressure);
        if (load.spread_length && (!spread_at_peak || indentation >= peak_indentation)) spread_at_peak = load.spread_length;
      }
      peak_indentation = std::max(peak_indentation, indentation);
      // Contact metrics: the largest total normal force, and the contact radius at that load.
      const ContactState contact = p.compressor.indenter.contact(sys);
      if (contact.force >= peak_contact_force) {
        peak_contact_force = contact.force;
        contact_radius_at_peak = contact.radius();
      }
      max_penetration = contact.max_penetration;
    }
  };

  MaterialTestRecord test_record;  // material tests: (t, strain, stress) after every step
  double numerical_dissipation = 0.0;
  std::optional<double> broken_at_hold, viscosity_at_hold;
  const double t_end = p.end_time();
  const double penetration_limit = p.kind == Kind::compressor ? 0.5 * top_surface(info).top_cell_height : 0.0;
  const double tissue_depth = p.kind == Kind::compressor
                                  ? top_surface(info).centre.z() - info.rest(info.node_sets.at("bottom").front()).z()
                                  : 0.0;
  auto check_state = [&]() -> bool {
    // The indenter passed through the tissue: a force-controlled indenter that starts just touching
    // meets no contact stiffness in its first Newton iterations, and a long first step can carry it
    // past the surface nodes, where the penalty contact no longer sees them (tunnelling). Never a
    // result: the run stops and says what to shorten.
    if (p.kind == Kind::compressor) {
      const Index c = p.compressor.compressor;
      const double indentation = sys.rest_positions[3 * c + 2] - sys.positions[3 * c + 2];
      if (!(indentation < tissue_depth)) {
        result.status = "diverged";
        result.message = "the indenter passed through the tissue at t = " + detail::to_text(sys.time) + " s (moved " +
                         detail::to_text(indentation * 1e3) + " mm down, the tissue is " +
                         detail::to_text(tissue_depth * 1e3) + " mm thick): its step was longer than the contact can "
                         "catch; set solver.implicit_dt_s to a small fraction of ramp_s (e.g. ramp_s / 200)";
        return false;
      }
    }
    // The indenter pushed through the surface: a penalty penetration beyond half the top cell
    // means the load is more than the surface mesh can carry (the tissue would fold around it).
    if (p.kind == Kind::compressor && max_penetration > penetration_limit) {
      result.status = "diverged";
      result.message = "the indenter pushed " + detail::to_text(max_penetration * 1e3) + " mm into the surface at t = " +
                       detail::to_text(sys.time) + " s (more than half the top cell, " + detail::to_text(penetration_limit * 1e3) +
                       " mm): the load is beyond what this mesh can carry; reduce force_n or pressure_kpa, or refine "
                       "geometry.spacing_mm";
      return false;
    }
    const auto problem = health_problem(sys);
    if (!problem) return true;
    result.status = "diverged";
    result.message = *problem;
    return false;
  };

  write_due_frames();  // t = 0
  for (const Phase& phase : p.phases()) {
    if (result.status != "complete") break;
    const auto phase_start = Clock::now();
    const double phase_t0 = sys.time;
    std::size_t step_in_phase = 0;
    auto after_step = [&]() -> bool {
      ++step_in_phase;
      if (options.stop_requested) {
        if (const std::string why = options.stop_requested(); !why.empty()) {
          result.status = "interrupted";
          result.message = "interrupted by " + why + " at t = " + detail::to_text(sys.time) + " s in phase " +
                           phase.name + "; the file holds every frame up to that time";
          return false;
        }
      }
      if (observer) observer->observe(sys.time, sys.positions, sys.rest_positions);
      if (p.kind == Kind::elastography) p.elastography.observe(sys);
      if (p.kind == Kind::material_test)
        test_record.add(sys.time, p.material_test.strain(sys.time), p.material_test.stress(sys));
      const bool explicit_phase = use_explicit(integration, phase);
      if (!explicit_phase || step_in_phase % 64 == 0) {
        sample_peaks();
        if (!check_state()) return false;
      }
      if (!write_due_frames()) return false;
      // Keep this state if the next step may cross a frame time (explicit steps are uniform, so
      // twice the last step is a safe margin; implicit steps are few: always).
      last_dt = sys.time - last_step_time;
      last_step_time = sys.time;
      if (!explicit_phase || sys.time + 2.0 * last_dt >= grid.next()) {
        prev_positions = sys.positions;
        prev_velocities = sys.velocities;
        prev_time = sys.time;
      }
      if (options.progress && (!explicit_phase || step_in_phase % 256 == 0))
        options.progress(ps.name, phase.name, t_end > 0 ? sys.time / t_end : 1.0);
      return true;
    };
    try {
      if (use_explicit(integration, phase)) {
        const std::size_t steps =
            std::max<std::size_t>(1, std::size_t(std::ceil((phase.end - sys.time) / p.explicit_dt - 1e-9)));
        ExplicitIntegrator integrator(sys, (phase.end - sys.time) / double(steps), spec.solver.mass_damping_per_s);
        integrator.reset(load);
        for (std::size_t s = 0; s < steps; ++s) {
          integrator.step(load);
          if (!after_step()) break;
        }
      } else {
        ImplicitOptions opt;
        const double span = phase.end - sys.time;
        // Quasi-static phases: backward Euler is unconditionally stable, so steps are set by the
        // accuracy of the loading path, as the protocol's StepPolicy for this phase says.
        const StepPolicy& policy = phase.step;
        double dt_max = span / policy.steps_per_phase;
        if (policy.cycle_frequency_hz > 0)
          dt_max = std::min(dt_max, 1.0 / (policy.cycle_frequency_hz * policy.steps_per_cycle));
        opt.dt_max = dt_max;
        opt.dt_initial = spec.solver.implicit_dt_s > 0 ? std::min(spec.solver.implicit_dt_s, dt_max)
                                                       : std::min(dt_max, policy.first_step_divisor > 0 ? span / policy.first_step_divisor : dt_max);
        opt.dt_min = std::min(opt.dt_initial, 1e-9 * std::max(1.0, span));
        opt.tolerance = spec.solver.newton_tolerance;
        opt.max_newton_iterations = spec.solver.max_newton_iterations;
        opt.linear_solver = parse_linear_solver(spec.solver.linear_solver);
        if (p.kind == Kind::compressor)  // step control at first touch (protocol/indenter.hpp)
          opt.accept_step = [&ind = p.compressor.indenter](const System& start, const std::vector<double>& end) {
            return ind.step_resolved(start, end);
          };
        opt.quasi_static = p.kind == Kind::material_test;  // a lab test: equilibrium at every step
        ImplicitIntegrator integrator(sys, opt);
        integrator.reset(load);
        integrator.advance_to(phase.end, load, after_step);
        numerical_dissipation += integrator.numerical_dissipation();
      }
    } catch (const SimulationError& e) {
      result.status = "diverged";
      result.message = std::string("solver failed in phase ") + phase.name + ": " + e.what();
    }
    if (phase.ends_hold && result.status == "complete") broken_at_hold = adhesion_broken_fraction(sys);
    if (phase.ends_hold && result.status == "complete") viscosity_at_hold = mean_interface_viscosity(sys);
    result.timings[phase.name + ".wall"] = seconds_since(phase_start);
    result.timings[phase.name + ".simulated"] = sys.time - phase_t0;
    result.timings[phase.name + ".explicit"] = use_explicit(integration, phase) ? 1.0 : 0.0;
  }
  // The final state, unless it is the last grid frame already (written once either way). An
  // interrupted run keeps only grid frames: the frames it writes on resuming are those an
  // uninterrupted run writes.
  if (result.status != "interrupted" && (!last_frame_time || !grid.same_time(*last_frame_time, sys.time))) {
    if (write_frame(sys.time, 1.0)) write_series();
  }

  if (observer && result.status == "complete") {
    for (const auto& [name, v] : observer->speeds()) result.metrics[name] = v;
    if (auto l = observer->attenuation_length()) result.metrics["attenuation_length_m"] = *l;
  }
  if (p.kind == Kind::material_test) test_record.metrics(p.material_test, result.metrics);
  if (p.kind == Kind::elastography && result.status == "complete")
    if (auto c = p.elastography.shear_wave_speed()) result.metrics["shear_wave_speed_m_s"] = *c;
  if (p.kind == Kind::compressor) {
    if (broken_at_hold) result.metrics["adhesions_broken_fraction_hold"] = *broken_at_hold;
    if (result.status == "complete") {
      if (auto f = adhesion_broken_fraction(sys)) result.metrics["adhesions_broken_fraction_final"] = *f;
      if (std::get<InterfaceGroup>(sys.groups).size() > 0) result.metrics["residual_slip_m"] = rms_interface_slip(sys);
      result.metrics["residual_strain"] = max_dense_strain(sys);
    }
    result.metrics["peak_dense_strain"] = peak_strain;
    if (sys.lattice_info.dim == 3) result.metrics["peak_dense_compression"] = peak_compression;
    result.metrics["peak_indentation_m"] = peak_indentation;
    result.metrics["peak_contact_force_n"] = peak_contact_force;
    result.metrics["contact_radius_m"] = contact_radius_at_peak;
    if (spread_at_peak) result.metrics["load_spread_length_m"] = *spread_at_peak;
    if (peak_muscle_pressure) result.metrics["peak_muscle_pressure_pa"] = *peak_muscle_pressure;
  }
  if (std::get<InterfaceGroup>(sys.groups).size() > 0) result.metrics["peak_interface_shear_pa"] = peak_shear;
  result.metrics["peak_fiber_stress_pa"] = peak_fiber * mat.dense.fiber_modulus;
  result.metrics["fiber_damage_fraction"] = fiber_damage_fraction(sys);
  if (auto lost = water_lost(sys)) {
    // Expelled: the most water the tissue had lost at any sample; re-imbibed: how much of it came
    // back by the end (docs/model.md "Water").
    const double peak = std::max(peak_water_lost.value_or(0.0), *lost);
    result.metrics["fluid_expelled_m3"] = peak;
    result.metrics["fluid_reimbibed_m3"] = peak - *lost;
  }
  if (std::get<InterfaceGroup>(sys.groups).size() > 0) {  // HA: fasciacyte rule and viscosity law
    const double made = ha_synthesized(sys);
    result.metrics["ha_synthesized_kg"] = made;
    result.metrics["ha_bound_water_kg"] = made * mat.ha_water_binding;
    // At the end of the hold (the loaded state) where the protocol has one, else at the end.
    result.metrics["mean_interface_viscosity_pa_s"] = viscosity_at_hold ? *viscosity_at_hold : mean_interface_viscosity(sys);
  }
  ledger_metrics(sys, numerical_dissipation, peak_work, result.metrics);
  result.timings["hdf5"] = io_seconds;
  result.timings["total"] = seconds_since(run_start);
  return result;
}

/// Everything a run needs before its first step. Building it performs every check that depends on
/// more than one key (geometry against the protocols, the explicit stability limit and step
/// budget, the implicit solver's settings), so `check_scenario` and `run_scenario` share it and
/// bad input is reported before any file is written.
struct PreparedScenario {
  TissueMaterials mat;
  Lattice lattice;
  std::vector<Prepared> runs;
};

PreparedScenario prepare_scenario(const ScenarioSpec& spec, const RunOptions& options) {
  spec.validate();
  PreparedScenario out;
  out.mat = make_materials(spec);
  if (spec.geometry.kind == "sample" && spec.geometry.engine != "fem")
    out.lattice = build_sample(sample_geometry(spec.geometry), out.mat);
  else  // the finite-element engine refuses kinds it cannot mesh (a sample is the lattice's for now)
    out.lattice = spec.geometry.engine != "fem"      ? build_lattice(spec.geometry, out.mat)
                  : spec.geometry.mesh_file.empty() ? build_slab_mesh(spec.geometry, out.mat, slab_mesh_options(spec))
                                                    : build_imported_mesh(spec.geometry, out.mat);
  const TissueMaterials& mat = out.mat;
  Lattice& lattice = out.lattice;
  if (spec.geometry.kind == "slab") add_adhesions(lattice, spec.adhesion, spec.geometry.seed);

  std::set<std::string> only(options.only.begin(), options.only.end());
  std::vector<Prepared>& runs = out.runs;
  const Integration integration = integration_of(spec.solver);
  for (const auto& ps : spec.protocols) {
    if (!only.empty() && !only.count(ps.name)) continue;
    Prepared p;
    p.spec = &ps;
    p.sys = std::make_unique<System>(lattice, spec.geometry.seed);
    if (ps.kind == "impulse") {
      p.kind = Kind::impulse;
      p.impulse = ImpulseProtocol::make(ps, spec.geometry, *p.sys);
    } else if (is_material_test(ps.kind)) {
      p.kind = Kind::material_test;
      p.material_test = MaterialTestProtocol::make(material_test_settings(ps), *p.sys);
    } else if (ps.kind == "elastography") {
      p.kind = Kind::elastography;
      p.elastography = make_elastography(ps, spec, mat, *p.sys);
    } else {
      p.kind = Kind::compressor;
      p.compressor = CompressorProtocol::make(ps, spec.geometry, mat, *p.sys);
    }
    const bool needs_explicit = std::any_of(p.phases().begin(), p.phases().end(),
                                            [&](const Phase& ph) { return use_explicit(integration, ph); });
    if (needs_explicit) {
      const double critical = critical_time_step(*p.sys);
      if (spec.solver.dt_s > 0.0) {
        if (spec.solver.dt_s > critical)
          throw InputError("solver.dt_s", "value " + detail::to_text(spec.solver.dt_s) +
                                              " s exceeds the explicit stability limit of this lattice; allowed (0, " +
                                              detail::to_text(critical) + "] s");
        p.explicit_dt = spec.solver.dt_s;
      } else {
        p.explicit_dt = spec.solver.safety * critical;
      }
      double explicit_time = 0.0;
      for (const auto& ph : p.phases())
        if (use_explicit(integration, ph)) explicit_time += ph.duration();
      const double steps = explicit_time / p.explicit_dt;
      if (steps > 5e7)
        throw InputError("solver.integrator",
                         "\"explicit\" would need " + detail::to_text(steps) + " steps of " +
                             detail::to_text(p.explicit_dt) + " s for protocol " + ps.name +
                             "; allowed at most 5e7: use \"auto\" or \"implicit\" for slow phases");
    }
    const bool needs_implicit = std::any_of(p.phases().begin(), p.phases().end(),
                                            [&](const Phase& ph) { return !use_explicit(integration, ph); });
    if (needs_implicit) {  // the settings run_protocol passes on (the step sizes it derives are always valid)
      ImplicitOptions opt;
      opt.tolerance = spec.solver.newton_tolerance;
      opt.max_newton_iterations = spec.solver.max_newton_iterations;
      opt.linear_solver = parse_linear_solver(spec.solver.linear_solver);
      opt.validate();
    }
    runs.push_back(std::move(p));
  }
  if (runs.empty()) throw InputError("--only", "no protocol of the scenario matches the requested names");
  return out;
}

}  // namespace

void check_scenario(const ScenarioSpec& spec, const RunOptions& options) {
  // Serial unless asked: the verdict does not depend on the thread count (results are bitwise
  // identical for any), and a short check gains nothing from threads on a busy machine.
  set_threads(options.threads >= 0 ? options.threads : 1);
  (void)prepare_scenario(spec, options);
}

ScenarioResult run_scenario(const ScenarioSpec& spec, const RunOptions& options) {
  const int threads = options.threads >= 0 ? options.threads : spec.solver.threads;
  set_threads(threads);
  PreparedScenario prepared = prepare_scenario(spec, options);
  const TissueMaterials& mat = prepared.mat;
  const Lattice& lattice = prepared.lattice;
  std::vector<Prepared>& runs = prepared.runs;

  const LatticeCells cells = lattice_cells(lattice, std::get<InterfaceGroup>(lattice.groups));
  ScenarioResult out;
  bool output_failed = false;  // a run stopped because the file could not take more (disk full)
  out.output_file = options.output_file.empty() ? spec.output.file : options.output_file;
  {
    const io::ModelData model = model_data(lattice, mat, cells);
    // Room for the model before the file is created: a full disk then leaves an existing file as it was.
    io::require_room(out.output_file, io::model_bytes(model), "the model");
    io::RunWriter writer(out.output_file, spec.source_text);
    writer.write_model(model);
    std::set<std::string> metric_names;
    for (auto& p : runs) {
      writer.begin_run({p.spec->name, p.spec->kind, spec.geometry.seed, threads > 0 ? threads : omp_get_max_threads(),
                        spec.source_text});
      RunResult r = run_protocol(p, spec, mat, writer, options, lattice.num_nodes(), cells);
      output_failed = r.status == "incomplete";  // only the output stops a run this way
      const bool interrupted = r.status == "interrupted";
      try {
        writer.write_metrics(r.metrics);
        writer.end_run(r.status, r.message);
      } catch (const std::runtime_error& e) {
        if (!output_failed) throw;
        r.message += "; the status could not be recorded in the file either (" + std::string(e.what()) + ")";
      }
      for (const auto& [k, v] : r.metrics) metric_names.insert(k);
      out.runs.push_back(std::move(r));
      if (output_failed || interrupted) break;  // the next runs could not write either, or were not wanted
    }
    out.metric_names.assign(metric_names.begin(), metric_names.end());
    std::vector<std::string> names;
    std::vector<double> table;
    for (const auto& r : out.runs) {
      names.push_back(r.name);
      for (const auto& m : out.metric_names) {
        auto it = r.metrics.find(m);
        table.push_back(it == r.metrics.end() ? std::nan("") : it->second);
      }
    }
    try {
      writer.write_comparison(names, out.metric_names, table);
    } catch (const std::runtime_error&) {
      if (!output_failed) throw;  // else the runs' messages already say why
    }
  }
  try {
    out.xdmf_files = io::write_xdmf(out.output_file);
    // The first run's time series is what a user opens first; the model's grid when no run has frames.
    out.xdmf_file = out.xdmf_files.size() > 1 ? out.xdmf_files[1] : out.xdmf_files.front();
  } catch (const std::runtime_error&) {
    if (!output_failed) throw;
  }
  return out;
}

}  // namespace fascia
