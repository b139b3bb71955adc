// SPDX-License-Identifier: MIT
/// @file The `fascia` command line (docs/cli.md).
///
///   fascia run SCENARIO.toml [-o OUT.h5] [--only NAME]... [--resume]
///   fascia compare SCENARIO.toml [-o OUT.h5] [--resume] [--columns M,...] [--format table|csv|json] [--width N]
///   fascia info OUT.h5
///   fascia validate SCENARIO.toml
///   fascia view OUT.h5 [B.h5] [--run NAME]... -o PAGE.html
///
/// Exit codes: 0 ok, 1 other error, 2 bad input (one line on stderr), 3 a run diverged,
/// 128 + N a run stopped by signal N (SIGTERM, SIGINT, SIGHUP).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/compare_table.hpp"
#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
#include "fascia/scenario.hpp"
#include "fascia/version.hpp"
#include "cli/read_in_child.hpp"
#include "cli/view_command.hpp"
#include "stop_signals.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitDiverged = 3;

/// One line, whatever the message holds.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

void print_error(const std::string& message) {
  std::fflush(stdout);
  // The sources shorten the values they echo; this cap keeps any message a readable line.
  std::cerr << "fascia: error: " << one_line(fascia::detail::shorten(message, 2000)) << std::endl;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// A single updating progress line on stderr (only used when stderr is a terminal).
class Progress {
public:
  Progress() = default;
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { finish(); }
  void update(const std::string& run, const std::string& phase, double fraction) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    const int permille = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 1000.0);
    const bool changed_label = run != run_ || phase != phase_;
    if (!changed_label && permille == permille_) return;
    if (!changed_label && permille < 1000 && now - last_ < std::chrono::milliseconds(100)) return;
    run_ = run;
    phase_ = phase;
    permille_ = permille;
    last_ = now;
    char buf[256];
    std::snprintf(buf, sizeof buf, "\r%s: %s %5.1f%%", run.c_str(), phase.c_str(), permille / 10.0);
    std::string line = buf;
    const std::size_t len = line.size();
    if (len < width_) line += std::string(width_ - len, ' ');
    width_ = std::max(width_, len);
    std::cerr << line << std::flush;
    shown_ = true;
  }
  void finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shown_) std::cerr << "\r" << std::string(width_, ' ') << "\r" << std::flush;
    shown_ = false;
  }

private:
  std::mutex mutex_;
  std::string run_, phase_;
  int permille_ = -1;
  std::size_t width_ = 0;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

struct Globals {
  bool resume = false;  ///< run/compare --resume
  int threads = -1;
  bool quiet = false;
};

fascia::RunOptions make_options(const Globals& g, Progress& progress) {
  fascia::RunOptions o;
  o.threads = g.threads;
  o.resume = g.resume;
  fascia::cli::install_stop_signals();
  o.stop_requested = fascia::cli::stop_signal_name;
  if (!g.quiet && ::isatty(STDERR_FILENO)) {
    o.progress = [&progress](const std::string& run, const std::string& phase, double f) {
      progress.update(run, phase, f);
    };
  }
  return o;
}

/// A run stopped by its output (disk full) is an I/O failure: exit 1 with its reason on stderr.
int exit_code_for(const fascia::ScenarioResult& r) {
  int code = kExitOk;
  for (const auto& run : r.runs) {
    if (run.status == "incomplete") {
      print_error(run.name + ": " + run.message);
      code = kExitError;
    } else if (run.status == "diverged" && code == kExitOk) {
      code = kExitDiverged;
    }
  }
  if (fascia::cli::g_stop_signal != 0) {  // 128 + N, as a shell reports a process signal N ended
    for (const auto& run : r.runs)
      if (run.status == "interrupted") print_error(run.name + ": " + run.message);
    return 128 + int(fascia::cli::g_stop_signal);
  }
  return code;
}

void check_only(const fascia::ScenarioSpec& spec, const std::vector<std::string>& only) {
  for (const auto& name : only) {
    const bool found = std::any_of(spec.protocols.begin(), spec.protocols.end(),
                                   [&](const fascia::ProtocolSpec& p) { return p.name == name; });
    if (!found) {
      std::string names;
      for (const auto& p : spec.protocols) names += (names.empty() ? "" : ", ") + p.name;
      throw fascia::InputError("--only", "no protocol named \"" + name + "\" in the scenario; it has: " + names);
    }
  }
}

/// `--resume` reads the output file in-process: a damaged one that crashes or hangs libhdf5 is
/// reported by a child first (read_in_child.hpp), which reads what the resume reads: the summary
/// and the checkpoints. `out`: -o, or else the scenario's output.file. nullopt: go on.
std::optional<int> probe_before_resume(const Globals& g, const fascia::ScenarioSpec& spec, const std::string& out) {
  const std::string file = out.empty() ? spec.output.file : out;
  std::error_code ec;
  if (!g.resume || !std::filesystem::exists(file, ec)) return std::nullopt;
  return fascia::cli::probe_in_child(file, [&file] { (void)fascia::io::read_checkpoints(file); });
}

int cmd_run(const Globals& g, const std::string& scenario, const std::string& out,
            const std::vector<std::string>& only) {
  const auto spec = fascia::load_scenario_file(scenario);
  check_only(spec, only);
  if (const auto stop = probe_before_resume(g, spec, out)) return *stop;
  Progress progress;
  auto options = make_options(g, progress);
  options.output_file = out;
  options.only = only;
  const auto result = fascia::run_scenario(spec, options);
  progress.finish();
  std::cout << "output: " << result.output_file << "\n";
  for (const auto& x : result.xdmf_files) std::cout << "xdmf:   " << x << "\n";
  static const char* key_metrics[] = {"front_speed_m_s",        "attenuation_length_m",
                                      "adhesions_broken_fraction_final", "residual_slip_m",
                                      "residual_strain",        "fiber_damage_fraction"};
  for (const auto& run : result.runs) {
    std::cout << run.name << " (" << run.protocol << "): " << run.status;
    for (const char* m : key_metrics) {
      auto it = run.metrics.find(m);
      if (it != run.metrics.end()) std::cout << ", " << m << " = " << format_number(it->second);
    }
    std::cout << "\n";
    if (!run.message.empty()) std::cout << "  " << one_line(run.message) << "\n";
  }
  return exit_code_for(result);
}

struct CompareOptions {
  std::vector<std::string> columns;
  std::string format = "table";
  std::size_t width = 120;
};

int cmd_compare(const Globals& g, const std::string& scenario, const std::string& out, const CompareOptions& c) {
  const auto format = fascia::cli::parse_table_format(c.format);  // bad --format fails before the runs
  const auto spec = fascia::load_scenario_file(scenario);
  if (const auto stop = probe_before_resume(g, spec, out)) return *stop;
  Progress progress;
  auto options = make_options(g, progress);
  options.output_file = out;
  const auto result = fascia::run_scenario(spec, options);
  progress.finish();

  std::vector<fascia::cli::ComparisonRun> runs;
  for (const auto& r : result.runs) runs.push_back({r.name, r.protocol, r.status, r.message, r.metrics});
  const auto metrics = fascia::cli::select_metrics(result.metric_names, c.columns);
  // Tables are for people (paths and notes follow on stdout); CSV and JSON are for programs (stdout
  // holds only the data, the paths go to stderr).
  std::ostream& notes = format == fascia::cli::TableFormat::table ? std::cout : std::cerr;
  if (format == fascia::cli::TableFormat::table) {
    std::cout << fascia::cli::comparison_table(runs, metrics, c.width);
    std::cout << "\n(- = metric does not apply to the run)\n";
  } else {
    std::cout << (format == fascia::cli::TableFormat::csv ? fascia::cli::comparison_csv(runs, metrics)
                                                           : fascia::cli::comparison_json(runs, metrics));
  }
  notes << "output: " << result.output_file << "\n";
  for (const auto& x : result.xdmf_files) notes << "xdmf:   " << x << "\n";
  for (const auto& run : result.runs)
    if (!run.message.empty()) notes << run.name << ": " << one_line(run.message) << "\n";
  return exit_code_for(result);
}

int cmd_info(const std::string& file) {
  // A damaged file must not hang or crash `info`: the parent reports how the reading child ended.
  if (const auto parent = fascia::cli::read_in_child(file)) return *parent;
  const auto s = fascia::io::read_summary(file);
  std::cout << "file:    " << s.path << "\n";
  std::cout << "written by fascia " << s.fascia_version << " (git " << s.git_revision << ")";
  if (!s.created.empty()) std::cout << " at " << s.created;
  std::cout << "\n";
  std::cout << "nodes:   " << s.nodes << "\n";
  std::cout << "runs:    " << s.runs.size() << "\n";
  for (const auto& r : s.runs) {
    std::cout << "\n[" << r.name << "] " << r.protocol << "\n";
    std::cout << "  status:    " << r.status << "\n";
    std::cout << "  frames:    " << r.frames << "\n";
    std::cout << "  last time: " << format_number(r.last_time) << " s\n";
    if (r.checkpoint_time)
      std::cout << "  checkpoint: t = " << format_number(*r.checkpoint_time) << " s (fascia run --resume continues)\n";
    if (!r.message.empty()) std::cout << "  message:   " << one_line(r.message) << "\n";
    if (!r.metrics.empty()) {
      std::size_t w = 0;
      for (const auto& [name, v] : r.metrics) w = std::max(w, name.size());
      std::cout << "  metrics:\n";
      for (const auto& [name, v] : r.metrics)
        std::cout << "    " << name << std::string(w - name.size(), ' ') << " = " << format_number(v) << "\n";
    }
  }
  return kExitOk;
}

/// validate's lines after the summary: the model's size and what each protocol will integrate how,
/// so that a run's cost is known before it starts (docs/cli.md).
std::string plan_lines(const fascia::ScenarioPlan& plan) {
  std::ostringstream os;
  os << "  model: " << plan.nodes << " nodes\n";
  for (const auto& r : plan.runs) {
    os << "  " << r.name << ": ";
    if (r.explicit_s > 0.0) {
      os << "explicit " << format_number(r.explicit_s) << " s in " << r.explicit_steps << " steps of at most "
         << format_number(r.explicit_dt) << " s" << (r.implicit_s > 0.0 ? "; " : "");
    }
    if (r.implicit_s > 0.0) os << "implicit " << format_number(r.implicit_s) << " s (adaptive steps)";
    os << "\n";
  }
  return os.str();
}

int cmd_validate(const std::string& scenario) {
  const auto spec = fascia::load_scenario_file(scenario);
  const auto plan = fascia::check_scenario(spec);  // everything `run` checks before writing
  const auto f = spec.tissue.fractions();
  const auto& geo = spec.geometry;
  std::ostringstream os;
  os << "ok: " << scenario << ": ";
  if (!geo.mesh_file.empty()) {
    os << "gmsh mesh " << geo.mesh_file;  // its size and tissues are the file's
  } else {
    os << geo.kind << " " << format_number(geo.size_mm[0]) << " x " << format_number(geo.size_mm[1]) << " mm, spacing "
       << format_number(geo.spacing_mm) << " mm";
    if (geo.kind == "slab") os << ", " << geo.layers << " layer" << (geo.layers == 1 ? "" : "s");
  }
  os << "; water/collagen/ground " << format_number(f[0]) << "/" << format_number(f[1]) << "/"
     << format_number(f[2]) << " at " << format_number(spec.tissue.temperature_c) << " degC; "
     << spec.protocols.size() << " protocol" << (spec.protocols.size() == 1 ? "" : "s") << ": ";
  for (std::size_t i = 0; i < spec.protocols.size(); ++i)
    os << (i ? ", " : "") << spec.protocols[i].name << " (" << spec.protocols[i].kind << ")";
  os << "; output " << spec.output.file << "\n" << plan_lines(plan);
  std::cout << os.str();
  return kExitOk;
}

// One function (62 lines): CLI11 binds each option to a local that must outlive app.parse, and the
// subcommands' handlers follow from those locals.
int real_main(int argc, char** argv) {
  CLI::App app{"fascia: simulate human fascia (docs/cli.md)", "fascia"};
  app.require_subcommand(0, 1);
  app.fallthrough();
  Globals g;
  bool version = false;
  app.add_flag("--version", version, "Print the version and git revision, then exit");
  app.add_option("--threads", g.threads, "Threads (0 = all cores; default: solver.threads)")
      ->check(CLI::Range(0, 4096));
  app.add_flag("-q,--quiet", g.quiet, "No progress line on stderr");

  std::string scenario, out, file;
  std::vector<std::string> only;
  auto* run = app.add_subcommand("run", "Run a scenario's protocols and write an HDF5 file");
  run->add_option("scenario", scenario, "Scenario file (TOML)")->required();
  run->add_option("-o,--output", out, "Output HDF5 file (default: output.file of the scenario)");
  run->add_option("--only", only, "Run only this protocol (repeatable, or comma-separated)")
      ->allow_extra_args(false)
      ->delimiter(',');
  run->add_flag("--resume", g.resume,
                "Continue the output's unfinished runs from their checkpoints (finished runs are kept)");

  auto* compare = app.add_subcommand("compare", "Run every protocol and print a comparison table");
  compare->add_option("scenario", scenario, "Scenario file (TOML)")->required();
  compare->add_option("-o,--output", out, "Output HDF5 file (default: output.file of the scenario)");
  compare->add_flag("--resume", g.resume, "Keep the output's finished runs and continue the others");
  CompareOptions compare_options;
  compare->add_option("--columns", compare_options.columns, "Metrics to show (comma-separated; default: all)")
      ->delimiter(',');
  compare->add_option("--format", compare_options.format, "table (default), csv or json");
  compare->add_option("--width", compare_options.width, "Widest table line in characters (default 120)")
      ->check(CLI::Range(40, 100000));

  auto* info = app.add_subcommand("info", "Summarise an output file");
  info->add_option("file", file, "HDF5 file written by fascia")->required();

  auto* validate = app.add_subcommand("validate", "Parse and check a scenario without running it");
  validate->add_option("scenario", scenario, "Scenario file (TOML)")->required();

  const fascia::cli::ViewCommand view(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(std::string(e.what()) + " (see fascia --help)");
    return kExitBadInput;
  }

  if (version) {
    std::cout << "fascia " << FASCIA_VERSION << " (git " << FASCIA_GIT_REVISION << ")\n";
    return kExitOk;
  }
  if (run->parsed()) return cmd_run(g, scenario, out, only);
  if (compare->parsed()) return cmd_compare(g, scenario, out, compare_options);
  if (info->parsed()) return cmd_info(file);
  if (validate->parsed()) return cmd_validate(scenario);
  if (view.parsed()) return view.run();
  print_error("a subcommand is required: run, compare, info, validate or view (see fascia --help)");
  return kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  fascia::io::skip_hdf5_exit_handler();  // every file is closed by its owner before exit
  try {
    return real_main(argc, argv);
  } catch (const fascia::InputError& e) {
    print_error(e.what());
    return kExitBadInput;
  } catch (const fascia::SimulationError& e) {
    print_error(std::string("simulation failed: ") + e.what());
    return kExitDiverged;
  } catch (const std::exception& e) {
    print_error(e.what());
    return kExitError;
  } catch (...) {
    print_error("unknown error");
    return kExitError;
  }
}
