// SPDX-License-Identifier: MIT
/// @file run_scenario: scenario -> materials -> lattice -> one System per protocol -> HDF5.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <numbers>
#include <optional>
#include <set>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
#include "io/output_guard.hpp"
#include "fascia/model/resume_state.hpp"
#include "fascia/observe/cells.hpp"
#include "fascia/observe/health.hpp"
#include "fascia/observe/metrics.hpp"
#include "fascia/lattice/sample.hpp"
#include "fascia/observe/protocol_record.hpp"
#include "fascia/protocol/protocol.hpp"
#include "run/frame_recorder.hpp"
#include "fascia/scenario_geometry.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/scenario_protocols.hpp"
#include "fascia/solve/implicit.hpp"
#include "fascia/scenario.hpp"
#include "fascia/solve/pore_flow.hpp"
#include "fascia/solve/explicit.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {
namespace {

/// One element group as /model/elements/NAME holds it: connectivity and the parameters (with units)
/// that define its elements (docs/hdf5-schema.md "/model").
template <class G>
io::ElementGroupData element_group_data(const G& g) {
  io::ElementGroupData d;
  d.name = std::string(G::kName);
  d.nodes_per_element = G::kNodes;
  for (std::size_t e = 0; e < g.size(); ++e)
    for (Index n : g.nodes(Index(e))) d.connectivity.push_back(n);
  if constexpr (ReportsParameters<G>)
    for (auto& p : g.parameters()) {
      d.parameter_units[std::string(p.name)] = std::string(p.unit);
      d.parameters[std::string(p.name)] = std::move(p.values);
    }
  return d;
}

/// The composition and each tissue's moduli and density (the superficial tissues where the lattice
/// has them, docs/model.md "Skin and hypodermis").
void tissue_attributes(const Lattice& lat, const TissueMaterials& mat, io::ModelData& m) {
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
  for (const LayerMaterial* t : {&mat.skin, &mat.hypodermis})
    if (std::any_of(lat.blocks.begin(), lat.blocks.end(), [&](const BlockReport& b) { return b.material == t->name; })) {
      m.number_attributes[t->name + "_shear_modulus_pa"] = t->shear_modulus;
      m.number_attributes[t->name + "_drained_bulk_pa"] = t->drained_bulk;
      m.number_attributes[t->name + "_density_kg_m3"] = t->density;
      if (t->stiffening.active()) m.number_attributes[t->name + "_stiffening_exponent"] = t->stiffening.exponent;
    }
}

/// The water model: Maxwell branches or Biot flow with its boundaries (docs/model.md "Water").
void water_attributes(const TissueMaterials& mat, io::ModelData& m) {
  m.number_attributes["permeability_m4_per_ns"] = mat.dense.permeability;
  m.text_attributes["water_model"] = mat.poro.enabled ? "biot" : "maxwell";
  if (!mat.poro.enabled) return;
  m.text_attributes["water_flow"] = std::string(kWaterFlowNames[std::size_t(mat.poro.flow)]);
  m.text_attributes["water_boundaries"] = std::string("top ") + (mat.poro.top_drained ? "drained" : "sealed") +
                                          ", bottom " + (mat.poro.bottom_drained ? "drained" : "sealed") +
                                          ", sides " + (mat.poro.sides_drained ? "drained" : "sealed");
  m.number_attributes["biot_coefficient"] = PoroCellGroup::kBiotCoefficient;
  m.number_attributes["water_bulk_modulus_pa"] = mat.poro.water_bulk_modulus;
}

/// The HA viscosity law and the fasciacyte rule (docs/model.md "HA").
void ha_attributes(const TissueMaterials& mat, io::ModelData& m) {
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
}

/// What the lattice builder reports: each block's matrix model and fit residuals, its notes.
void builder_report(const Lattice& lat, io::ModelData& m) {
  std::string blocks;
  for (const auto& b : lat.blocks)
    blocks += b.name + ": " + std::string(kBlockMatrixNames[std::size_t(b.matrix_model)]) + " (spring fit residual " + detail::to_text(b.spring_fit_residual) +
              ", fibre fit residual " + detail::to_text(b.fiber_fit_residual) + ", fibre angle " +
              detail::to_text(b.fiber_angle_deg) + " deg); ";
  m.text_attributes["blocks"] = blocks;
  std::string notes;
  for (const auto& n : lat.notes) notes += n + "; ";
  m.text_attributes["notes"] = notes;
}

/// /model: the lattice (nodes, cells, element groups) and the parameters the run used.
io::ModelData model_data(const Lattice& lat, const TissueMaterials& mat, const LatticeCells& cells) {
  io::ModelData m;
  m.rest_positions = lat.rest_positions;
  m.masses = lat.masses;
  m.layer_id = lat.layer_id;
  for (const auto& b : cells.blocks) m.cells.push_back({std::string(kCellShapeNames[std::size_t(b.shape)]), b.connectivity, b.layer_id});
  for_each_group(lat.groups, [&](const auto& g) {
    if (g.size() > 0) m.groups.push_back(element_group_data(g));
  });
  tissue_attributes(lat, mat, m);
  water_attributes(mat, m);
  m.text_attributes["assumed_parameters"] =
      "toe_exponent, failure_strain_spread, yield_strain, plastic_fraction, matrix_poisson, "
      "dense Prony split, loose Prony split, ha_viscosity_pa_s, every [adhesion] key, "
      "interface contact stiffness, compressor mass and penalty stiffness, muscle parameters, "
      "drainage length = slab thickness (Maxwell water), Biot water: alpha = 1 (incompressible "
      "constituents), muscle and loose-layer permeability = the fascia's, HA: activation_energy_kj_mol (water's), concentration_mg_ml, "
      "reference_concentration_mg_ml, every fasciacyte constant of [ha] (see docs/model.md)";
  ha_attributes(mat, m);
  builder_report(lat, m);
  return m;
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

/// Explicit steps over `span` [s] with steps of at most `dt`: equal steps that end on the phase's
/// end (advance_phase), at least one.
std::int64_t explicit_steps(double span, double dt) {
  return std::max<std::int64_t>(1, std::int64_t(std::ceil(span / dt - 1e-9)));
}

/// "Along the fibres" for the ripple metrics: the top dense layer's fibre direction (the first
/// layer's for a sheet; layers alternate between fiber_angle_deg and fiber_angle_deg +
/// crossing_angle_deg) [rad].
double top_fiber_axis_rad(const GeometrySpec& g, int dim) {
  const bool top_crossed = dim == 3 && g.kind == "slab" && g.layers % 2 == 0;
  return (g.fiber_angle_deg + (top_crossed ? g.crossing_angle_deg : 0.0)) * std::numbers::pi / 180.0;
}

/// The implicit integrator's settings a scenario fixes for every phase (the step sizes are the phase's).
ImplicitOptions newton_settings(const SolverSpec& solver) {
  ImplicitOptions opt;
  opt.tolerance = solver.newton_tolerance;
  opt.max_newton_iterations = solver.max_newton_iterations;
  opt.linear_solver = parse_linear_solver(solver.linear_solver);
  return opt;
}

/// The implicit integrator's settings for one phase. Quasi-static phases: backward Euler is
/// unconditionally stable, so steps are set by the accuracy of the loading path, as the
/// protocol's StepPolicy for this phase says.
ImplicitOptions implicit_options(const SolverSpec& solver, const Phase& phase, double t_now, bool quasi_static) {
  ImplicitOptions opt = newton_settings(solver);
  const double span = phase.end - t_now;
  const StepPolicy& policy = phase.step;
  double dt_max = span / policy.steps_per_phase;
  if (policy.cycle_frequency_hz > 0) dt_max = std::min(dt_max, 1.0 / (policy.cycle_frequency_hz * policy.steps_per_cycle));
  opt.dt_max = dt_max;
  opt.dt_initial = solver.implicit_dt_s > 0
                       ? std::min(solver.implicit_dt_s, dt_max)
                       : std::min(dt_max, policy.first_step_divisor > 0 ? span / policy.first_step_divisor : dt_max);
  opt.dt_min = std::min(opt.dt_initial, 1e-9 * std::max(1.0, span));
  opt.quasi_static = quasi_static;
  return opt;
}

/// Where a run is in its phases: what a phase continued from a checkpoint needs to take the steps
/// an uninterrupted run takes (the step sizes derive from the time the phase began).
struct PhasePosition {
  std::uint64_t phase = 0;  ///< index of the phase in progress
  std::uint64_t step = 0;   ///< steps taken in it
  double start_time = 0.0;  ///< sys.time when it began [s]
  void resume_state(CheckpointIO& io) {
    io("run.phase", phase);
    io("run.step_in_phase", step);
    io("run.phase_start_time", start_time);
  }
};

/// The integrator of the phase in progress as a checkpoint sees it: `state` saves its state while
/// a phase runs; `restore_from`, when set, is the checkpoint the next phase's integrator takes its
/// state from instead of reset() (the phase a resumed run stopped in).
struct IntegratorSlot {
  std::function<void(CheckpointIO&)> state;
  Checkpoint* restore_from = nullptr;

  /// Starts `integrator` for a phase (reset, or restored) and lets the slot save it until the
  /// returned guard ends the phase.
  template <class Integrator>
  auto start(Integrator& integrator, const LoadFunction& load) {
    if (restore_from) {
      CheckpointIO io(*restore_from, false);
      integrator.resume_state(io);
      restore_from = nullptr;
    } else {
      integrator.reset(load);
    }
    state = [&integrator](CheckpointIO& io) { integrator.resume_state(io); };
    auto clear = [this](void*) { state = nullptr; };
    return std::unique_ptr<void, decltype(clear)>(this, clear);
  }
};

/// The Newton solver an implicit phase used, its iterative iterations (RunResult::linear_solver)
/// and what its steps cost (RunResult::newton).
struct LinearSolveUse {
  std::string solver;  ///< empty for an explicit phase
  std::int64_t iterations = 0;
  NewtonStatistics newton;
};

/// What a run may be told while a phase advances: `after_step` after every step (false stops the
/// phase); `stop_now`, polled inside a long implicit step (ImplicitOptions::abandon_step), and
/// `abandoned`, called (with the integrator still alive, so that a checkpoint can save it) when
/// that step was given up and the state put back to the step's start.
struct PhaseHooks {
  std::function<bool()> after_step;
  std::function<bool()> stop_now;
  std::function<void()> abandoned;
};

/// Advances `p` from `at` (a phase begun at at.start_time, at.step steps taken) to the end of
/// `phase` with the integrator the phase's speed asks for, with `hooks`; `used` says which linear
/// solver it took. Throws SimulationError when a solve fails.
void advance_phase(Prepared& p, const Phase& phase, const SolverSpec& solver, bool explicit_phase,
                   const PhasePosition& at, const PhaseHooks& hooks, RunRecord& shared,
                   IntegratorSlot& slot, LinearSolveUse& used) {
  const std::function<bool()>& after_step = hooks.after_step;
  System& sys = *p.sys;
  const LoadFunction load = [&](double t, System& s) { apply_protocol(p.protocol, t, s); };
  if (explicit_phase) {
    const double span = phase.end - at.start_time;
    const std::int64_t steps = explicit_steps(span, p.explicit_dt);
    ExplicitIntegrator integrator(sys, span / double(steps), solver.mass_damping_per_s);
    const auto running = slot.start(integrator, load);
    for (std::uint64_t s = at.step; s < std::uint64_t(steps); ++s) {
      integrator.step(load);
      if (!after_step()) break;
    }
    return;
  }
  // A lab test (material tests, an elastography's pre-stretch) wants equilibrium at every step.
  const bool quasi_static =
      std::holds_alternative<MaterialTestProtocol>(p.protocol) || std::holds_alternative<ElastographyProtocol>(p.protocol);
  ImplicitOptions opt = implicit_options(solver, phase, at.start_time, quasi_static);
  if (const auto* compressor = std::get_if<CompressorProtocol>(&p.protocol))  // step control at first touch (protocol/indenter.hpp)
    opt.accept_step = [&ind = compressor->indenter](const System& start, const std::vector<double>& end) {
      return ind.step_resolved(start, end);
    };
  opt.abandon_step = hooks.stop_now;
  ImplicitIntegrator integrator(sys, opt);
  {
    const auto running = slot.start(integrator, load);
    const struct Record {  // also when a step throws: the solves done so far count
      LinearSolveUse& used;
      const ImplicitIntegrator& integrator;
      ~Record() {
        used = {std::string(linear_solver_name(integrator.linear_solver())), integrator.linear_iterations(),
                integrator.statistics()};
      }
    } record{used, integrator};
    integrator.advance_to(phase.end, load, after_step);
    if (integrator.last_step_abandoned()) hooks.abandoned();
  }
  shared.add_numerical_dissipation(integrator.numerical_dissipation());
}

/// Frames of this protocol every frame_interval_s: its own interval where it sets one, else the scenario's.
double frame_interval(const ProtocolSpec& ps, const OutputSpec& output) {
  return ps.frame_interval_s > 0 ? ps.frame_interval_s : output.frame_interval_s;
}

/// One protocol from its first step (or its checkpoint) to its metrics: phases advanced by
/// `advance_phase`; after every step the records watch (observe/protocol_record.hpp), the frames
/// are written (FrameRecorder) and, every output.checkpoint_interval_s of wall time, a checkpoint;
/// a problem, a stop request or a full disk ends the run with its status. Holds references to the
/// prepared run and, through the series callback, to itself: neither copied nor moved.
class ProtocolRun {
public:
  ProtocolRun(Prepared& p, const ScenarioSpec& spec, io::RunWriter& writer, const RunOptions& options,
              const LatticeCells& cells)
      : p_(p), sys_(*p.sys), spec_(spec), options_(options), writer_(writer), integration_(integration_of(spec.solver)),
        t_end_(end_time_of(p.protocol)), result_{p.spec->name, p.spec->kind, "complete", "", {}, {}, "", 0, {}},
        record_(make_record(p.protocol, sys_,
                            {p.spec->radius_mm * 1e-3, top_fiber_axis_rad(spec.geometry, sys_.lattice_info.dim)})),
        frames_(writer, cells, frame_interval(*p.spec, spec.output), sys_,
                [this](System& s, Series& row) { std::visit([&](auto& r) { r.series(s, row); }, record_); }) {}
  ProtocolRun(const ProtocolRun&) = delete;
  ProtocolRun& operator=(const ProtocolRun&) = delete;

  /// Every phase, then the final frame and the metrics. `resume_from`: the run's checkpoint, to
  /// continue from where it was taken (its frames and series rows are in the file already).
  RunResult run(const TissueMaterials& mat, Checkpoint* resume_from = nullptr) {
    const auto run_start = Clock::now();
    if (resume_from) {
      CheckpointIO io(*resume_from, false);
      resume_state(io);
      integrator_.restore_from = resume_from;  // the phase in progress continues with its integrator's state
    } else if (!frames_.write_due(sys_)) {  // t = 0
      output_refused();
    }
    const std::vector<Phase>& phases = p_.phases();
    for (std::size_t i = std::size_t(position_.phase); i < phases.size(); ++i) {
      if (!running()) break;
      run_phase(i);
    }
    finish(mat);
    result_.timings["total"] = seconds_since(run_start);
    return std::move(result_);
  }

private:
  using Clock = std::chrono::steady_clock;
  static double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

  Prepared& p_;
  System& sys_;
  const ScenarioSpec& spec_;
  const RunOptions& options_;
  io::RunWriter& writer_;
  std::vector<std::string> solvers_used_;  ///< the implicit phases' linear solvers, in order
  const Integration integration_;
  const double t_end_;
  RunResult result_;
  RunRecord shared_;
  ProtocolRecord record_;
  FrameRecorder frames_;
  PhasePosition position_;
  IntegratorSlot integrator_;
  Clock::time_point last_checkpoint_ = Clock::now();
  std::string stop_reason_;  ///< what the caller's stop request said (empty: none yet)

  /// Everything of this run that a step changes, besides what the integrator keeps (saved through
  /// integrator_): one list for saving and restoring a checkpoint.
  void resume_state(CheckpointIO& io) {
    fascia::resume_state(sys_, io);
    position_.resume_state(io);
    io("run.newton_statistics", result_.newton);  // of the phases finished (the integrator keeps its own)
    shared_.resume_state(io);
    std::visit([&](auto& r) { r.resume_state(io); }, record_);
    frames_.resume_state(io);
  }

  /// Writes a checkpoint of the state after the last step; false (the run stopped "incomplete")
  /// when the output refused it. Reads the state only, so a run gives the same bits with or
  /// without checkpoints.
  bool save_checkpoint() {
    const auto t0 = Clock::now();
    Checkpoint cp;
    CheckpointIO io(cp, true);
    resume_state(io);
    if (integrator_.state) integrator_.state(io);
    try {
      writer_.write_checkpoint(cp, sys_.time);
    } catch (const std::runtime_error& e) {  // io::OutputFull, or a write HDF5 refused
      return stop("incomplete", "stopped at t = " + detail::to_text(sys_.time) + " s: " + e.what() +
                                    "; the file holds the frames before; free space and run again");
    }
    last_checkpoint_ = Clock::now();
    result_.timings["checkpoints"] += seconds_since(t0);
    return true;
  }

  /// Polls the caller's stop request (a signal); keeps its reason for interrupt().
  bool stop_requested() {
    if (options_.stop_requested) stop_reason_ = options_.stop_requested();
    return !stop_reason_.empty();
  }
  /// At a consistent point (after a step, or at the start of an abandoned one): a checkpoint,
  /// then status "interrupted". False, so that a step callback can return it.
  bool interrupt(const Phase& phase) {
    if (!save_checkpoint()) return false;
    return stop("interrupted", "interrupted by " + stop_reason_ + " at t = " + detail::to_text(sys_.time) +
                                   " s in phase " + phase.name + "; the file holds every frame up to that time and a "
                                   "checkpoint (fascia run --resume continues it)");
  }

  bool running() const { return result_.status == "complete"; }
  /// Ends the run with `status`; false, so that a step callback can return it.
  bool stop(std::string status, std::string message) {
    result_.status = std::move(status);
    result_.message = std::move(message);
    return false;
  }
  bool output_refused() { return stop("incomplete", frames_.failure()); }

  /// A problem the protocol's record sees (an indenter through the tissue), then the health check.
  bool check_state() {
    auto problem = std::visit([&](const auto& r) { return r.problem(sys_); }, record_);
    if (!problem) problem = health_problem(sys_);
    return problem ? stop("diverged", *problem) : true;
  }

  /// Phase `index` with the integrator its speed asks for (from its start, or from the checkpoint a
  /// resumed run continues); its timings; the hold's state where it ends one.
  void run_phase(std::size_t index) {
    const Phase& phase = p_.phases()[index];
    const auto phase_start = Clock::now();
    const double phase_t0 = sys_.time;
    const bool explicit_phase = use_explicit(integration_, phase);
    if (!integrator_.restore_from) position_ = {index, 0, sys_.time};
    LinearSolveUse used;
    try {
      const PhaseHooks hooks{[&]() { return after_step(phase, explicit_phase, ++position_.step); },
                             [&]() { return stop_requested(); }, [&]() { interrupt(phase); }};
      advance_phase(p_, phase, spec_.solver, explicit_phase, position_, hooks, shared_, integrator_, used);
    } catch (const SimulationError& e) {
      stop("diverged", std::string("solver failed in phase ") + phase.name + ": " + e.what());
    }
    note_linear_solver(used);
    if (phase.ends_hold && running()) {
      shared_.at_hold(sys_);
      std::visit([&](auto& r) { r.at_hold(sys_); }, record_);
    }
    result_.timings[phase.name + ".wall"] = seconds_since(phase_start);
    result_.timings[phase.name + ".simulated"] = sys_.time - phase_t0;
    result_.timings[phase.name + ".explicit"] = explicit_phase ? 1.0 : 0.0;
  }

  /// Adds a phase's linear solver to the run's (RunResult::linear_solver: each name once, in order).
  void note_linear_solver(const LinearSolveUse& used) {
    if (used.solver.empty() || used.solver == "auto") return;  // explicit, or no implicit step taken
    if (std::find(solvers_used_.begin(), solvers_used_.end(), used.solver) == solvers_used_.end()) {
      solvers_used_.push_back(used.solver);
      result_.linear_solver += (result_.linear_solver.empty() ? "" : ", ") + used.solver;
    }
    result_.linear_iterations += used.iterations;
    result_.newton += used.newton;
  }

  /// After step number `step_in_phase` (from 1) of `phase`: the records, every implicit and every
  /// 64th explicit step the peaks and the state's checks, the frames due, the progress line, then
  /// at this consistent point a checkpoint when one is due and a stop request. False ends the
  /// phase and the run.
  bool after_step(const Phase& phase, bool explicit_phase, std::uint64_t step_in_phase) {
    std::visit([&](auto& r) { r.every_step(sys_); }, record_);
    if (!explicit_phase || step_in_phase % 64 == 0) {
      shared_.sample(sys_);
      std::visit([&](auto& r) { r.sample(sys_); }, record_);
      if (!check_state()) return false;
    }
    if (!frames_.after_step(sys_, explicit_phase)) return output_refused();
    if (options_.progress && (!explicit_phase || step_in_phase % 256 == 0))
      options_.progress(p_.spec->name, phase.name, t_end_ > 0 ? sys_.time / t_end_ : 1.0);
    if (stop_requested()) return interrupt(phase);
    const double interval = spec_.output.checkpoint_interval_s;
    if (interval > 0 && seconds_since(last_checkpoint_) >= interval) return save_checkpoint();
    return true;
  }

  /// The final state (written once, also where it is the last grid frame; an interrupted run keeps
  /// only grid frames, so the frames it writes on resuming are those an uninterrupted run writes),
  /// then the records' metrics.
  void finish(const TissueMaterials& mat) {
    if (result_.status != "interrupted") {
      frames_.write_final(sys_);
      if (!frames_.failure().empty()) output_refused();
    }
    const bool complete = running();
    std::visit([&](const auto& r) { r.metrics(sys_, complete, result_.metrics); }, record_);
    shared_.metrics(sys_, mat.dense.fiber_modulus, mat.ha_water_binding, result_.metrics);
    result_.timings["hdf5"] = frames_.io_seconds();
  }
};

/// Everything a run needs before its first step. Building it performs every check that depends on
/// more than one key (geometry against the protocols, the explicit stability limit and step
/// budget, the implicit solver's settings), so `check_scenario` and `run_scenario` share it and
/// bad input is reported before any file is written.
struct PreparedScenario {
  TissueMaterials mat;
  Lattice lattice;
  std::vector<Prepared> runs;
};

/// Simulated time a run spends in explicit (true) or implicit (false) phases [s].
double phase_time(const Prepared& p, Integration integration, bool explicit_phases) {
  double t = 0.0;
  for (const auto& ph : p.phases())
    if (use_explicit(integration, ph) == explicit_phases) t += ph.duration();
  return t;
}

/// The explicit step of a run with explicit phases: solver.dt_s where set (at most the stability
/// limit of this lattice), else solver.safety times that limit. Refused when the explicit phases
/// would need more than 5e7 steps.
double explicit_step(const Prepared& p, const SolverSpec& solver, Integration integration) {
  const double critical = critical_time_step(*p.sys);
  if (solver.dt_s > critical)
    throw InputError("solver.dt_s", "value " + detail::to_text(solver.dt_s) +
                                        " s exceeds the explicit stability limit of this lattice; allowed (0, " +
                                        detail::to_text(critical) + "] s");
  const double dt = solver.dt_s > 0.0 ? solver.dt_s : solver.safety * critical;
  const double steps = phase_time(p, integration, true) / dt;
  if (steps > 5e7)
    throw InputError("solver.integrator", "\"explicit\" would need " + detail::to_text(steps) + " steps of " +
                                              detail::to_text(dt) + " s for protocol " + p.spec->name +
                                              "; allowed at most 5e7: use \"auto\" or \"implicit\" for slow phases");
  return dt;
}

/// One [protocol.NAME] on its own System, with the checks that need the lattice: the explicit step
/// where a phase is explicit, the Newton settings where one is implicit (the step sizes
/// ProtocolRun derives from the phases are always valid).
Prepared prepare_run(const ProtocolSpec& ps, const ScenarioSpec& spec, const TissueMaterials& mat,
                     const Lattice& lattice, Integration integration) {
  Prepared p;
  p.spec = &ps;
  p.sys = std::make_unique<System>(lattice, spec.geometry.seed);
  p.protocol = make_protocol(ps, spec, mat, *p.sys);
  const auto& phases = p.phases();
  if (std::any_of(phases.begin(), phases.end(), [&](const Phase& ph) { return use_explicit(integration, ph); }))
    p.explicit_dt = explicit_step(p, spec.solver, integration);
  if (std::any_of(phases.begin(), phases.end(), [&](const Phase& ph) { return !use_explicit(integration, ph); }))
    newton_settings(spec.solver).validate();
  return p;
}

PreparedScenario prepare_scenario(const ScenarioSpec& spec, const RunOptions& options) {
  spec.validate();
  PreparedScenario out;
  out.mat = make_materials(spec);
  out.lattice = build_model(spec, out.mat);
  const std::set<std::string> only(options.only.begin(), options.only.end());
  const Integration integration = integration_of(spec.solver);
  for (const auto& ps : spec.protocols)
    if (only.empty() || only.count(ps.name)) out.runs.push_back(prepare_run(ps, spec, out.mat, out.lattice, integration));
  if (out.runs.empty()) throw InputError("--only", "no protocol of the scenario matches the requested names");
  return out;
}

/// The comparison table (/comparison): one row per run, a column per metric any run reported
/// (NaN where a run has none), the columns sorted.
void write_comparison(io::RunWriter& writer, ScenarioResult& out, const std::set<std::string>& metric_names,
                      bool output_failed) {
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

/// True when `--resume` finds a file to continue: one that holds a model (a file killed before its
/// model was written, or none, is a run from the start).
bool resumable_file(const RunOptions& options, const std::string& path) {
  std::error_code ec;
  return options.resume && std::filesystem::exists(path, ec) && io::read_summary(path).nodes > 0;
}

/// Creates the output file and writes /model, each run (stopping after one the output refused or
/// a stop request ended) and /comparison into it; with --resume, opens the file instead, keeps its
/// runs that ended, continues those with a checkpoint and starts the others again. True when the
/// output refused a write (disk full).
bool write_runs(PreparedScenario& prepared, const ScenarioSpec& spec, const RunOptions& options, int threads,
                ScenarioResult& out) {
  const LatticeCells cells = lattice_cells(prepared.lattice, std::get<InterfaceGroup>(prepared.lattice.groups));
  std::optional<io::RunWriter> opened;
  std::map<std::string, io::StoredRun> stored;
  if (resumable_file(options, out.output_file)) {
    opened.emplace(out.output_file, spec.source_text, io::RunWriter::Resume{});
    stored = opened->stored_runs();
  } else {
    const io::ModelData model = model_data(prepared.lattice, prepared.mat, cells);
    // Room for the model before the file is created: a full disk then leaves an existing file as it was.
    io::require_room(out.output_file, io::model_bytes(model), "the model");
    opened.emplace(out.output_file, spec.source_text);
    opened->write_model(model);
  }
  io::RunWriter& writer = *opened;
  bool output_failed = false;  // a run stopped because the file could not take more
  std::set<std::string> metric_names;
  for (auto& p : prepared.runs) {
    std::optional<Checkpoint> checkpoint;
    if (const auto it = stored.find(p.spec->name); it != stored.end()) {
      const io::StoredRun& s = it->second;
      if (s.status == "complete" || s.status == "diverged") {  // ended: kept as it is
        for (const auto& [k, v] : s.metrics) metric_names.insert(k);
        out.runs.push_back({p.spec->name, p.spec->kind, s.status, s.message, s.metrics, {}, "", 0, {}});
        continue;
      }
      if (s.has_checkpoint) checkpoint = writer.continue_run(p.spec->name);
      else writer.remove_run(p.spec->name);  // stopped before its first checkpoint: from the start
    }
    if (!checkpoint)
      writer.begin_run({p.spec->name, p.spec->kind, spec.geometry.seed, threads > 0 ? threads : omp_get_max_threads(),
                        spec.source_text});
    RunResult r = ProtocolRun(p, spec, writer, options, cells)
                      .run(prepared.mat, checkpoint ? &*checkpoint : nullptr);
    output_failed = r.status == "incomplete";  // only the output stops a run this way
    const bool interrupted = r.status == "interrupted";
    try {
      writer.write_metrics(r.metrics);
      if (!r.linear_solver.empty())
        writer.write_run_attributes({{"linear_solver", r.linear_solver}},
                                    {{"linear_iterations", double(r.linear_iterations)},
                                     {"implicit_steps", double(r.newton.steps)},
                                     {"step_halvings", double(r.newton.halvings)},
                                     {"newton_iterations", double(r.newton.newton_iterations)},
                                     {"factorisations", double(r.newton.factorisations)}});
      writer.end_run(r.status, r.message);
    } catch (const std::runtime_error& e) {
      if (!output_failed) throw;
      r.message += "; the status could not be recorded in the file either (" + std::string(e.what()) + ")";
    }
    for (const auto& [k, v] : r.metrics) metric_names.insert(k);
    out.runs.push_back(std::move(r));
    if (output_failed || interrupted) break;  // the next runs could not write either, or were not wanted
  }
  write_comparison(writer, out, metric_names, output_failed);
  return output_failed;
}

}  // namespace

ScenarioPlan check_scenario(const ScenarioSpec& spec, const RunOptions& options) {
  // Serial unless asked: the verdict does not depend on the thread count (results are bitwise
  // identical for any), and a short check gains nothing from threads on a busy machine.
  set_threads(options.threads >= 0 ? options.threads : 1);
  const PreparedScenario prepared = prepare_scenario(spec, options);
  const Integration integration = integration_of(spec.solver);
  ScenarioPlan plan;
  plan.nodes = prepared.lattice.num_nodes();
  for (const Prepared& p : prepared.runs) {
    ScenarioPlan::Run r{p.spec->name, p.spec->kind, phase_time(p, integration, true), p.explicit_dt, 0,
                        phase_time(p, integration, false)};
    // The runner's own count (advance_phase): every explicit phase, at least one step each.
    for (const auto& ph : p.phases())
      if (use_explicit(integration, ph)) r.explicit_steps += explicit_steps(ph.duration(), p.explicit_dt);
    plan.runs.push_back(r);
  }
  return plan;
}

ScenarioResult run_scenario(const ScenarioSpec& spec, const RunOptions& options) {
  const int threads = options.threads >= 0 ? options.threads : spec.solver.threads;
  set_threads(threads);
  PreparedScenario prepared = prepare_scenario(spec, options);
  ScenarioResult out;
  out.output_file = options.output_file.empty() ? spec.output.file : options.output_file;
  const bool output_failed = write_runs(prepared, spec, options, threads, out);
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
