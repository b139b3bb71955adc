// SPDX-License-Identifier: MIT
/// @file run_scenario: scenario -> materials -> lattice -> one System per protocol -> HDF5.
#include <cmath>
#include <memory>
#include <set>

#include "fascia/core/error.hpp"
#include "fascia/io/run_writer.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/observe/ripple.hpp"
#include "fascia/protocol/impulse.hpp"
#include "fascia/scenario.hpp"
#include "fascia/solve/explicit.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia {
namespace {

io::ModelData model_data(const Lattice& lat, const TissueMaterials& mat, const System& sys) {
  io::ModelData m;
  m.rest_positions = lat.rest_positions;
  m.masses = lat.masses;
  m.layer_id = lat.layer_id;
  for_each_group(sys.groups, [&](const auto& g) {
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
    } else if constexpr (std::is_same_v<G, FiberGroup>) {
      d.parameters["axial_rigidity"] = g.axial_rigidity;
      d.parameters["rest_length"] = g.original_length;
      d.parameters["failure_strain"] = g.failure_strain;
    } else if constexpr (std::is_same_v<G, MaxwellSpringGroup>) {
      d.parameters["stiffness"] = g.stiffness;
      d.parameters["tau"] = g.tau;
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
  m.number_attributes["muscle_shear_modulus_pa"] = mat.muscle.shear_modulus;
  m.number_attributes["permeability_m4_per_ns"] = mat.dense.permeability;
  m.text_attributes["assumed_parameters"] =
      "toe_exponent, failure_strain_spread, yield_strain, plastic_fraction, matrix_poisson, "
      "dense Prony split, interface contact stiffness, drainage length = slab thickness "
      "(see docs/model.md)";
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

bool state_is_finite(const System& sys) {
  for (double q : sys.positions)
    if (!std::isfinite(q)) return false;
  for (double q : sys.velocities)
    if (!std::isfinite(q)) return false;
  return true;
}

/// Peak normalised fibre stress s(e) over intact fibres.
double peak_fiber_stress_ratio(const System& sys) {
  const auto& g = std::get<FiberGroup>(sys.groups);
  const ConstNodes x = view(sys.positions);
  double peak = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e)
    if (!g.broken[e]) peak = std::max(peak, g.law.stress(g.strain(Index(e), x)));
  return peak;
}

double fiber_damage_fraction(const System& sys) {
  const auto& g = std::get<FiberGroup>(sys.groups);
  if (g.size() == 0) return 0.0;
  std::size_t broken = 0;
  for (auto b : g.broken) broken += b;
  return double(broken) / double(g.size());
}

struct Prepared {
  const ProtocolSpec* spec;
  std::unique_ptr<System> sys;
  ImpulseProtocol impulse;
  double dt = 0.0;
};

/// Energy ledger metrics shared by every run.
void ledger_metrics(System& sys, std::map<std::string, double>& metrics) {
  const double stored = stored_energy(sys) + kinetic_energy(sys);
  metrics["work_input_j"] = sys.work_input;
  metrics["energy_stored_j"] = stored;
  metrics["energy_dissipated_j"] = sys.dissipated;
  if (std::abs(sys.work_input) > 0.0)
    metrics["energy_balance_error"] = std::abs(sys.work_input - stored - sys.dissipated) / std::abs(sys.work_input);
}

RunResult run_impulse(Prepared& p, const ScenarioSpec& spec, const TissueMaterials& mat, io::RunWriter& writer,
                      const RunOptions& options) {
  System& sys = *p.sys;
  const ProtocolSpec& ps = *p.spec;
  const auto& info = sys.lattice_info;
  const bool sheet = info.dim == 2;
  std::vector<Index> observed;
  if (sheet)
    for (Index n = 0; n < Index(sys.num_nodes()); ++n) observed.push_back(n);
  else
    observed = info.node_sets.at("top");
  std::vector<Vec3> rest;
  for (Index n : observed) rest.push_back(info.rest(n));
  RippleObserver observer(observed, rest, p.impulse.centre, ps.radius_mm * 1e-3, std::min(info.dx, info.dy));

  const std::size_t steps = std::max<std::size_t>(1, std::size_t(std::ceil(ps.end_s / p.dt - 1e-9)));
  const double dt = ps.end_s / double(steps);
  const double interval = ps.frame_interval_s > 0 ? ps.frame_interval_s : spec.output.frame_interval_s;
  const std::size_t stride = std::max<std::size_t>(1, std::size_t(std::llround(interval / dt)));
  ExplicitIntegrator integrator(sys, dt, 0.0);
  const LoadFunction load = [&](double t, System& s) { p.impulse.apply(t, s); };

  std::vector<double> displacement(sys.num_dofs());
  double peak_ratio = 0.0;
  auto write_frame = [&]() {
    for (std::size_t d = 0; d < displacement.size(); ++d) displacement[d] = sys.positions[d] - sys.rest_positions[d];
    writer.append_frame(sys.time, displacement, sys.velocities);
    const double kin = kinetic_energy(sys);
    writer.append_series(sys.time, {{"kinetic_energy_j", kin},
                                    {"stored_energy_j", stored_energy(sys)},
                                    {"work_input_j", sys.work_input},
                                    {"dissipated_j", sys.dissipated},
                                    {"applied_force_n", p.impulse.pulse(sys.time)}});
  };
  RunResult result{ps.name, ps.kind, "complete", "", {}};
  write_frame();
  integrator.reset(load);
  for (std::size_t s = 1; s <= steps; ++s) {
    integrator.step(load);
    observer.observe(sys.time, sys.positions, sys.rest_positions);
    if (s % 64 == 0 || s == steps) {
      peak_ratio = std::max(peak_ratio, peak_fiber_stress_ratio(sys));
      const double energy = kinetic_energy(sys) + stored_energy(sys);
      // Energy blow-up: a stable run never holds much more energy than was put in.
      const double budget = 10.0 * std::abs(sys.work_input) + 1e-9;
      if (!state_is_finite(sys) || !(energy <= budget)) {
        result.status = "diverged";
        result.message = "diverged at t = " + detail::to_text(sys.time) + " s (step " + std::to_string(s) +
                         "): " + (state_is_finite(sys) ? "energy " + detail::to_text(energy) + " J exceeds 10x the work input"
                                                       : "non-finite positions or velocities") +
                         "; reduce solver.dt_s or solver.safety";
        break;
      }
    }
    if (s % stride == 0 || s == steps) write_frame();
    if (options.progress && (s % 256 == 0 || s == steps))
      options.progress(ps.name, p.impulse.phases[phase_at(p.impulse.phases, sys.time)].name, double(s) / steps);
  }
  if (result.status == "complete") {
    if (auto v = observer.front_speed()) result.metrics["front_speed_m_s"] = *v;
    if (auto l = observer.attenuation_length()) result.metrics["attenuation_length_m"] = *l;
  }
  result.metrics["peak_fiber_stress_pa"] = peak_ratio * mat.dense.fiber_modulus;
  result.metrics["fiber_damage_fraction"] = fiber_damage_fraction(sys);
  result.metrics["time_step_s"] = dt;
  ledger_metrics(sys, result.metrics);
  return result;
}

}  // namespace

ScenarioResult run_scenario(const ScenarioSpec& spec, const RunOptions& options) {
  spec.validate();
  const int threads = options.threads >= 0 ? options.threads : spec.solver.threads;
  set_threads(threads);
  const TissueMaterials mat =
      make_materials(spec.tissue, spec.material, slab_thickness(spec.geometry, spec.material));
  const Lattice lattice = build_lattice(spec.geometry, mat);

  // Prepare every run first, so that bad input (e.g. a time step above the stability limit)
  // is reported before any file is written.
  std::set<std::string> only(options.only.begin(), options.only.end());
  std::vector<Prepared> runs;
  for (const auto& ps : spec.protocols) {
    if (!only.empty() && !only.count(ps.name)) continue;
    Prepared p;
    p.spec = &ps;
    p.sys = std::make_unique<System>(lattice, spec.geometry.seed);
    if (ps.kind == "impulse") {
      p.impulse = ImpulseProtocol::make(ps, spec.geometry, *p.sys);
      const double critical = critical_time_step(*p.sys);
      if (spec.solver.dt_s > 0.0) {
        if (spec.solver.dt_s > critical)
          throw InputError("solver.dt_s", "value " + detail::to_text(spec.solver.dt_s) +
                                              " s exceeds the explicit stability limit of this lattice; allowed (0, " +
                                              detail::to_text(critical) + "] s");
        p.dt = spec.solver.dt_s;
      } else {
        p.dt = spec.solver.safety * critical;
      }
    } else {
      throw InputError("protocol." + ps.name + ".kind",
                       "\"" + ps.kind + "\" is not available in this build; allowed: \"impulse\"");
    }
    runs.push_back(std::move(p));
  }
  if (runs.empty()) throw InputError("--only", "no protocol of the scenario matches the requested names");

  ScenarioResult out;
  out.output_file = options.output_file.empty() ? spec.output.file : options.output_file;
  {
    io::RunWriter writer(out.output_file, spec.source_text);
    writer.write_model(model_data(lattice, mat, *runs.front().sys));
    std::set<std::string> metric_names;
    for (auto& p : runs) {
      writer.begin_run({p.spec->name, p.spec->kind, spec.geometry.seed, threads > 0 ? threads : omp_get_max_threads(),
                        spec.source_text});
      RunResult r = run_impulse(p, spec, mat, writer, options);
      writer.write_metrics(r.metrics);
      writer.end_run(r.status, r.message);
      for (const auto& [k, v] : r.metrics) metric_names.insert(k);
      out.runs.push_back(std::move(r));
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
    writer.write_comparison(names, out.metric_names, table);
  }
  out.xdmf_file = io::write_xdmf(out.output_file);
  return out;
}

}  // namespace fascia
