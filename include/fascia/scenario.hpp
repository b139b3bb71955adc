// SPDX-License-Identifier: MIT
#pragma once
/// @file Scenario: the top of the run flow (ARCHITECTURE.md): TOML -> tissue -> lattice -> system
/// -> protocols -> HDF5. `run_scenario` runs every protocol of a scenario on the same tissue and
/// writes one file; with one protocol it is `fascia run`, with several `fascia compare`.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "fascia/scenario_spec.hpp"
#include "fascia/solve/newton_statistics.hpp"

namespace fascia {

/// Parses scenario TOML text. `origin` names the source in error messages (a path or "<string>").
/// Unknown keys, wrong types and out-of-range values throw InputError naming the key path.
ScenarioSpec parse_scenario(const std::string& toml_text, const std::string& origin = "<string>");
/// Reads and parses a scenario file; a missing or unreadable file throws InputError.
ScenarioSpec load_scenario_file(const std::string& path);

struct RunOptions {
  int threads = -1;            ///< -1: use solver.threads from the scenario; 0: all cores
  std::string output_file;     ///< empty: use output.file from the scenario
  std::vector<std::string> only;  ///< protocol names to run; empty = all
  /// Progress callback (run name, phase name, fraction of the run done in [0,1]); may be empty.
  std::function<void(const std::string&, const std::string&, double)> progress;
  /// Polled between steps; a non-empty answer (what asked, e.g. "SIGTERM") stops the run at that
  /// consistent point: a checkpoint written, status "interrupted", later runs not started. May be empty.
  std::function<std::string()> stop_requested;
  /// Continue the output file's runs instead of starting again (`fascia run --resume`): runs that
  /// ended (complete, diverged) are kept, the others continue from their checkpoint bit for bit, or
  /// start again when they stopped before their first one; runs not in the file are run. The
  /// scenario text must be the one the file was written from.
  bool resume = false;
};

struct RunResult {
  std::string name, protocol, status, message;
  std::map<std::string, double> metrics;
  /// Wall-clock accounting [s]: "total", "hdf5" (time inside the writer), "checkpoints", and per phase
  /// "<phase>.wall" and "<phase>.simulated" (simulated seconds), "<phase>.explicit" (1 or 0).
  std::map<std::string, double> timings;
  /// The implicit phases' Newton solver ("cholmod", "amg", ...; "a, b" when phases differ; empty
  /// without implicit phases) and the iterative solvers' iterations summed over the run (0 for the
  /// direct ones): the run's attributes linear_solver and linear_iterations (docs/hdf5-schema.md).
  std::string linear_solver;
  std::int64_t linear_iterations = 0;
  /// The implicit phases' steps, halvings, Newton iterations and factorisations summed over the
  /// run (a resumed run: as if uninterrupted): the run's attributes implicit_steps,
  /// step_halvings, newton_iterations and factorisations (docs/hdf5-schema.md).
  NewtonStatistics newton;
};

struct ScenarioResult {
  std::string output_file, xdmf_file;
  std::vector<std::string> xdmf_files;  ///< every sidecar written: the model's, then one per run
  std::vector<RunResult> runs;
  std::vector<std::string> metric_names;  ///< columns of the comparison table, sorted
};

/// What a checked scenario would run (`fascia validate` prints it): the model's size and, per
/// protocol, the simulated time its phases spend in each integrator and the explicit step, so that
/// the cost of a run is known before it starts (an explicit phase costs explicit_s / explicit_dt
/// steps, each a force evaluation over the whole model).
struct ScenarioPlan {
  std::size_t nodes = 0;
  struct Run {
    std::string name, protocol;
    double explicit_s = 0.0;   ///< simulated time in explicit phases [s]
    double explicit_dt = 0.0;  ///< their largest step [s]; 0 without explicit phases
    std::int64_t explicit_steps = 0;  ///< steps over all explicit phases (each ends on its end)
    double implicit_s = 0.0;   ///< simulated time in implicit phases [s]
  };
  std::vector<Run> runs;
};

/// Every check `run_scenario` makes before it writes anything: the key ranges, then the lattice
/// and each protocol built on it (radius against the slab, explicit stability limit and step
/// budget, implicit solver settings). Throws InputError naming a scenario key; writes nothing.
ScenarioPlan check_scenario(const ScenarioSpec& spec, const RunOptions& options = {});

/// Runs the scenario's protocols and writes the output file. Bad input throws InputError before
/// anything is written; a run that diverges is reported in its RunResult (status "diverged").
ScenarioResult run_scenario(const ScenarioSpec& spec, const RunOptions& options = {});

}  // namespace fascia
