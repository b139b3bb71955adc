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
#include "fascia/observe/health.hpp"
#include "fascia/observe/metrics.hpp"
#include "fascia/lattice/sample.hpp"
#include "fascia/observe/protocol_record.hpp"
#include "fascia/protocol/protocol.hpp"
#include "run/frame_recorder.hpp"
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

/// The protocol a [protocol.NAME] table describes, set up on `sys` (its boundary conditions).
Protocol make_protocol(const ProtocolSpec& ps, const ScenarioSpec& spec, const TissueMaterials& mat, System& sys) {
  if (ps.kind == "impulse") return ImpulseProtocol::make(ps, spec.geometry, sys);
  if (is_material_test(ps.kind)) return MaterialTestProtocol::make(material_test_settings(ps), sys);
  if (ps.kind == "elastography") return make_elastography(ps, spec, mat, sys);
  return CompressorProtocol::make(ps, spec.geometry, mat, sys);
}

struct Prepared {
  const ProtocolSpec* spec = nullptr;
  std::unique_ptr<System> sys;
  Protocol protocol;
  double explicit_dt = 0.0;
  const std::vector<Phase>& phases() const { return phases_of(protocol); }
};

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

/// "Along the fibres" for the ripple metrics: the top dense layer's fibre direction (the first
/// layer's for a sheet; layers alternate between fiber_angle_deg and fiber_angle_deg +
/// crossing_angle_deg) [rad].
double top_fiber_axis_rad(const GeometrySpec& g, int dim) {
  const bool top_crossed = dim == 3 && g.kind == "slab" && g.layers % 2 == 0;
  return (g.fiber_angle_deg + (top_crossed ? g.crossing_angle_deg : 0.0)) * std::numbers::pi / 180.0;
}

/// The implicit integrator's settings for one phase. Quasi-static phases: backward Euler is
/// unconditionally stable, so steps are set by the accuracy of the loading path, as the
/// protocol's StepPolicy for this phase says.
ImplicitOptions implicit_options(const SolverSpec& solver, const Phase& phase, double t_now, bool quasi_static) {
  ImplicitOptions opt;
  const double span = phase.end - t_now;
  const StepPolicy& policy = phase.step;
  double dt_max = span / policy.steps_per_phase;
  if (policy.cycle_frequency_hz > 0) dt_max = std::min(dt_max, 1.0 / (policy.cycle_frequency_hz * policy.steps_per_cycle));
  opt.dt_max = dt_max;
  opt.dt_initial = solver.implicit_dt_s > 0
                       ? std::min(solver.implicit_dt_s, dt_max)
                       : std::min(dt_max, policy.first_step_divisor > 0 ? span / policy.first_step_divisor : dt_max);
  opt.dt_min = std::min(opt.dt_initial, 1e-9 * std::max(1.0, span));
  opt.tolerance = solver.newton_tolerance;
  opt.max_newton_iterations = solver.max_newton_iterations;
  opt.linear_solver = parse_linear_solver(solver.linear_solver);
  opt.quasi_static = quasi_static;
  return opt;
}

/// Advances `p` to the end of `phase` with the integrator the phase's speed asks for, calling
/// `after_step` after every step (false stops the phase). Throws SimulationError when a solve fails.
void advance_phase(Prepared& p, const Phase& phase, const SolverSpec& solver, bool explicit_phase,
                   const std::function<bool()>& after_step, RunRecord& shared) {
  System& sys = *p.sys;
  const LoadFunction load = [&](double t, System& s) { apply_protocol(p.protocol, t, s); };
  if (explicit_phase) {
    const std::size_t steps =
        std::max<std::size_t>(1, std::size_t(std::ceil((phase.end - sys.time) / p.explicit_dt - 1e-9)));
    ExplicitIntegrator integrator(sys, (phase.end - sys.time) / double(steps), solver.mass_damping_per_s);
    integrator.reset(load);
    for (std::size_t s = 0; s < steps; ++s) {
      integrator.step(load);
      if (!after_step()) break;
    }
    return;
  }
  // A lab test (material tests) wants equilibrium at every step.
  const bool quasi_static = std::holds_alternative<MaterialTestProtocol>(p.protocol);
  ImplicitOptions opt = implicit_options(solver, phase, sys.time, quasi_static);
  if (const auto* compressor = std::get_if<CompressorProtocol>(&p.protocol))  // step control at first touch (protocol/indenter.hpp)
    opt.accept_step = [&ind = compressor->indenter](const System& start, const std::vector<double>& end) {
      return ind.step_resolved(start, end);
    };
  ImplicitIntegrator integrator(sys, opt);
  integrator.reset(load);
  integrator.advance_to(phase.end, load, after_step);
  shared.add_numerical_dissipation(integrator.numerical_dissipation());
}

/// One protocol from its first step to its metrics: phases advanced by `advance_phase`; after the
/// steps, the records watch (observe/protocol_record.hpp) and the frames are written
/// (FrameRecorder); a problem, a stop request or a full disk ends the run with its status.
RunResult run_protocol(Prepared& p, const ScenarioSpec& spec, const TissueMaterials& mat, io::RunWriter& writer,
                       const RunOptions& options, std::size_t n_tissue_nodes, const LatticeCells& cells) {
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  const auto run_start = Clock::now();
  System& sys = *p.sys;
  const ProtocolSpec& ps = *p.spec;
  const Integration integration = integration_of(spec.solver);
  RunResult result{ps.name, ps.kind, "complete", "", {}, {}};
  RunRecord shared;
  ProtocolRecord record = make_record(
      p.protocol, sys, {n_tissue_nodes, ps.radius_mm * 1e-3, top_fiber_axis_rad(spec.geometry, sys.lattice_info.dim)});
  const double interval = ps.frame_interval_s > 0 ? ps.frame_interval_s : spec.output.frame_interval_s;
  FrameRecorder frames(writer, cells, n_tissue_nodes, interval, sys,
                       [&](System& s, Series& row) { std::visit([&](auto& r) { r.series(s, row); }, record); });
  auto stop = [&](std::string status, std::string message) {
    result.status = std::move(status);
    result.message = std::move(message);
    return false;
  };
  auto output_refused = [&]() { return stop("incomplete", frames.failure()); };
  // A problem the protocol's record sees (an indenter through the tissue), then the health check.
  auto check_state = [&]() -> bool {
    auto problem = std::visit([&](const auto& r) { return r.problem(sys); }, record);
    if (!problem) problem = health_problem(sys);
    return problem ? stop("diverged", *problem) : true;
  };

  const double t_end = end_time_of(p.protocol);
  if (!frames.write_due(sys)) output_refused();  // t = 0
  for (const Phase& phase : p.phases()) {
    if (result.status != "complete") break;
    const auto phase_start = Clock::now();
    const double phase_t0 = sys.time;
    const bool explicit_phase = use_explicit(integration, phase);
    std::size_t step_in_phase = 0;
    auto after_step = [&]() -> bool {
      ++step_in_phase;
      if (options.stop_requested)
        if (const std::string why = options.stop_requested(); !why.empty())
          return stop("interrupted", "interrupted by " + why + " at t = " + detail::to_text(sys.time) + " s in phase " +
                                         phase.name + "; the file holds every frame up to that time");
      std::visit([&](auto& r) { r.every_step(sys); }, record);
      if (!explicit_phase || step_in_phase % 64 == 0) {
        shared.sample(sys);
        std::visit([&](auto& r) { r.sample(sys); }, record);
        if (!check_state()) return false;
      }
      if (!frames.after_step(sys, explicit_phase)) return output_refused();
      if (options.progress && (!explicit_phase || step_in_phase % 256 == 0))
        options.progress(ps.name, phase.name, t_end > 0 ? sys.time / t_end : 1.0);
      return true;
    };
    try {
      advance_phase(p, phase, spec.solver, explicit_phase, after_step, shared);
    } catch (const SimulationError& e) {
      stop("diverged", std::string("solver failed in phase ") + phase.name + ": " + e.what());
    }
    if (phase.ends_hold && result.status == "complete") {
      shared.at_hold(sys);
      std::visit([&](auto& r) { r.at_hold(sys); }, record);
    }
    result.timings[phase.name + ".wall"] = seconds_since(phase_start);
    result.timings[phase.name + ".simulated"] = sys.time - phase_t0;
    result.timings[phase.name + ".explicit"] = explicit_phase ? 1.0 : 0.0;
  }
  // The final state (written once, also where it is the last grid frame). An interrupted run
  // keeps only grid frames: the frames it writes on resuming are those an uninterrupted run writes.
  if (result.status != "interrupted") {
    frames.write_final(sys);
    if (!frames.failure().empty()) output_refused();
  }

  const bool complete = result.status == "complete";
  std::visit([&](const auto& r) { r.metrics(sys, complete, result.metrics); }, record);
  shared.metrics(sys, mat.dense.fiber_modulus, mat.ha_water_binding, result.metrics);
  result.timings["hdf5"] = frames.io_seconds();
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
    p.protocol = make_protocol(ps, spec, mat, *p.sys);
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
