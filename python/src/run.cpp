// SPDX-License-Identifier: MIT
/// @file run(): runs a scenario with the GIL released; result objects; read_summary().
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "fascia/io/run_writer.hpp"
#include "fascia/scenario.hpp"

namespace fascia::python {

namespace {

/// "{'front_speed_m_s': 161.8, ...}": every metric with 4 significant digits, as a dict reads.
std::string metrics_text(const std::map<std::string, double>& metrics) {
  std::string out = "{";
  for (const auto& [name, value] : metrics) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", value);
    out += (out.size() > 1 ? ", '" : "'") + name + "': " + buf;
  }
  return out + "}";
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

void bind_results(py::module_& m) {
  py::class_<RunResult>(m, "RunResult", "Outcome of one protocol run.")
      .def_readonly("name", &RunResult::name, "protocol name ([protocol.NAME])")
      .def_readonly("protocol", &RunResult::protocol, "protocol kind")
      .def_readonly("status", &RunResult::status, "\"complete\", \"incomplete\" or \"diverged\"")
      .def_readonly("message", &RunResult::message, "why a run diverged; empty otherwise")
      .def_readonly("metrics", &RunResult::metrics, "dict metric name -> value (SI, unit in the name)")
      .def("__repr__", [](const RunResult& r) {
        return "RunResult(name=" + quoted(r.name) + ", protocol=" + quoted(r.protocol) + ", status=" +
               quoted(r.status) + (r.message.empty() ? "" : ", message=" + quoted(r.message)) +
               ", metrics=" + metrics_text(r.metrics) + ")";
      });

  py::class_<ScenarioResult>(m, "ScenarioResult", "Outcome of run(): the files written and one RunResult per run.")
      .def_readonly("output_file", &ScenarioResult::output_file, "HDF5 file written")
      .def_readonly("xdmf_file", &ScenarioResult::xdmf_file, "XDMF sidecar of the first run's frames (ParaView, meshio)")
      .def_readonly("xdmf_files", &ScenarioResult::xdmf_files, "every XDMF sidecar: the model's cells, then one per run")
      .def_readonly("runs", &ScenarioResult::runs, "list of RunResult, in run order")
      .def_readonly("metric_names", &ScenarioResult::metric_names, "columns of the comparison table, sorted")
      .def("__repr__", [](const ScenarioResult& r) {
        std::string runs;
        for (const auto& run : r.runs) runs += (runs.empty() ? "" : ", ") + run.name + ": " + run.status;
        return "ScenarioResult(output_file=" + quoted(r.output_file) + ", runs=[" + runs + "])";
      });
}

/// run(): the scenario with the GIL released, progress called back with the GIL held, Ctrl-C
/// stopping it as SIGINT stops the CLI.
ScenarioResult run_with_gil_released(const ScenarioSpec& spec, const std::string& output, int threads,
                                     const std::vector<std::string>& only, const std::optional<py::function>& progress,
                                     bool resume) {
  RunOptions opt;
  opt.threads = threads;
  opt.resume = resume;
  opt.output_file = output;
  opt.only = only;
  if (progress) {
    // The callback runs on the simulating thread, which does not hold the GIL: take it for the
    // call. A Python exception raised in it propagates and stops the run (signals: below).
    py::function fn = *progress;
    opt.progress = [fn](const std::string& run, const std::string& phase, double fraction) {
      py::gil_scoped_acquire gil;
      fn(run, phase, fraction);
    };
  }
  // Ctrl-C (KeyboardInterrupt) stops the run like SIGINT stops the CLI: at a consistent point,
  // status "interrupted", file closed and XDMF written; then KeyboardInterrupt is raised here.
  // Python runs its signal handlers only when asked (PyErr_CheckSignals, with the GIL): asked
  // at most every 50 ms so that the GIL is not taken every step.
  bool interrupted = false;
  auto last_check = std::chrono::steady_clock::now();
  opt.stop_requested = [&interrupted, &last_check]() -> std::string {
    const auto now = std::chrono::steady_clock::now();
    if (!interrupted && now - last_check >= std::chrono::milliseconds(50)) {
      last_check = now;
      py::gil_scoped_acquire gil;
      if (PyErr_CheckSignals() != 0) {
        PyErr_Clear();  // raised again below, once the file is closed
        interrupted = true;
      }
    }
    return interrupted ? "KeyboardInterrupt" : "";
  };
  ScenarioResult result;
  {
    py::gil_scoped_release release;
    result = run_scenario(spec, opt);
  }
  if (interrupted) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    throw py::error_already_set();
  }
  return result;
}

void bind_summaries(py::module_& m) {
  py::class_<io::RunSummary>(m, "RunSummary", "One run of an output file (as `fascia info` shows it).")
      .def_readonly("name", &io::RunSummary::name)
      .def_readonly("protocol", &io::RunSummary::protocol)
      .def_readonly("status", &io::RunSummary::status)
      .def_readonly("message", &io::RunSummary::message)
      .def_readonly("frames", &io::RunSummary::frames)
      .def_readonly("last_time", &io::RunSummary::last_time, "[s]")
      .def_readonly("checkpoint_time", &io::RunSummary::checkpoint_time,
                    "simulated time [s] of the checkpoint `run(resume=True)` continues from; None if none")
      .def_readonly("metrics", &io::RunSummary::metrics)
      .def("__repr__", [](const io::RunSummary& r) {
        char t[32];
        std::snprintf(t, sizeof t, "%.4g", r.last_time);
        return "RunSummary(name=" + quoted(r.name) + ", protocol=" + quoted(r.protocol) + ", status=" +
               quoted(r.status) + ", frames=" + std::to_string(r.frames) + ", last_time=" + t +
               ", metrics=" + metrics_text(r.metrics) + ")";
      });
  py::class_<io::FileSummary>(m, "FileSummary", "Summary of an output file (`fascia info`).")
      .def_readonly("path", &io::FileSummary::path)
      .def_readonly("fascia_version", &io::FileSummary::fascia_version)
      .def_readonly("git_revision", &io::FileSummary::git_revision)
      .def_readonly("created", &io::FileSummary::created)
      .def_readonly("nodes", &io::FileSummary::nodes)
      .def_readonly("runs", &io::FileSummary::runs)
      .def("__repr__", [](const io::FileSummary& s) {
        std::string runs;
        for (const auto& r : s.runs)
          runs += (runs.empty() ? "" : ", ") + r.name + ": " + r.status + ", " + std::to_string(r.frames) + " frames";
        return "FileSummary(path=" + quoted(s.path) + ", fascia " + s.fascia_version + ", nodes=" +
               std::to_string(s.nodes) + ", runs=[" + runs + "])";
      });
  m.def(
      "read_summary",
      [](const std::string& path) {
        py::gil_scoped_release release;
        return io::read_summary(path);
      },
      py::arg("path"), "Reads an output file's summary (also of a killed run); InputError if not a fascia file.");
  m.def("held_by_a_writer", &io::held_by_a_writer, py::arg("path"),
        "True while a fascia run writes the file (a read can then meet it in the middle of a flush).");
}

}  // namespace

/// check_scenario's plan: what the runs will cost, before they start (fascia.plan).
void bind_plan(py::module_& m) {
  py::class_<ScenarioPlan::Run>(m, "PlannedRun", "How one protocol's phases will be integrated.")
      .def_readonly("name", &ScenarioPlan::Run::name, "protocol name ([protocol.NAME])")
      .def_readonly("protocol", &ScenarioPlan::Run::protocol, "protocol kind")
      .def_readonly("explicit_s", &ScenarioPlan::Run::explicit_s, "simulated time in explicit phases [s]")
      .def_readonly("explicit_dt", &ScenarioPlan::Run::explicit_dt, "their largest step [s]; 0 without explicit phases")
      .def_readonly("explicit_steps", &ScenarioPlan::Run::explicit_steps, "explicit steps over all explicit phases")
      .def_readonly("implicit_s", &ScenarioPlan::Run::implicit_s, "simulated time in implicit phases [s]")
      .def("__repr__", [](const ScenarioPlan::Run& r) {
        return "PlannedRun(name=" + quoted(r.name) + ", explicit_steps=" + std::to_string(r.explicit_steps) +
               ", implicit_s=" + std::to_string(r.implicit_s) + ")";
      });
  py::class_<ScenarioPlan>(m, "ScenarioPlan", "What a scenario's runs will cost (fascia validate).")
      .def_readonly("nodes", &ScenarioPlan::nodes, "nodes of the tissue model")
      .def_readonly("runs", &ScenarioPlan::runs, "one PlannedRun per protocol, in the scenario's order");
  m.def(
      "plan", [](const ScenarioSpec& spec) { return check_scenario(spec); }, py::arg("spec"),
      R"doc(Every check run() makes before it writes anything, and what the runs will cost: the
model's nodes and, per protocol, the simulated time in explicit phases (with their step count and
size) and in implicit ones (`fascia validate`, docs/cli.md). Bad input raises fascia.InputError.)doc");
}

void bind_run(py::module_& m) {
  bind_results(m);
  bind_plan(m);
  m.def(
      "run", &run_with_gil_released,
      py::arg("spec"), py::kw_only(), py::arg("output") = "", py::arg("threads") = -1,
      py::arg("only") = std::vector<std::string>{}, py::arg("progress") = py::none(), py::arg("resume") = false,
      R"doc(Runs the scenario's protocols and writes one HDF5 file (docs/hdf5-schema.md).

output:   path of the HDF5 file; "" = spec.output.file
threads:  OpenMP threads; -1 = spec.solver.threads, 0 = all cores
only:     protocol names to run; [] = all
progress: callable(run: str, phase: str, fraction: float) called now and then from the simulating
          thread (with the GIL held); raising in it stops the run.
resume:   continue the output's unfinished runs from their checkpoints, bit for bit, and keep its
          finished ones (`fascia run --resume`, docs/cli.md); the spec must be the one it was written from.
The GIL is released while simulating, so other Python threads keep running. Bad input raises
fascia.InputError (a ValueError) naming the key before anything is written; a diverged run is
reported in its RunResult.status.)doc");
  bind_summaries(m);
}

}  // namespace fascia::python
