// SPDX-License-Identifier: MIT
/// @file Scenario spec structs (include/fascia/scenario_spec.hpp) as Python classes.
///
/// Attribute names are the TOML keys. Every class takes its fields as keyword arguments, lists
/// them in `_fields`, compares by value, pickles (so sweeps can ship specs to other processes)
/// and raises fascia.InputError (a ValueError) naming the key for an unknown key or a wrong type.
/// Nested specs (`spec.tissue`, `spec.protocols[i]`) are references into their parent: changing
/// them changes the parent. A reference obtained from `spec.protocols` must not be used after
/// `spec.protocols` is reassigned (the list it pointed into is gone).
#include <pybind11/stl.h>

#include <string>
#include <type_traits>
#include <vector>

#include "bindings.hpp"
#include "fascia/core/error.hpp"
#include "fascia/scenario.hpp"
#include "fascia/scenario_spec.hpp"

namespace fascia::python {
namespace {

std::string joined(const py::tuple& names) {
  std::string s;
  for (auto n : names) s += (s.empty() ? "" : ", ") + n.cast<std::string>();
  return s;
}

/// Sets the keyword arguments on `obj` (a bound spec), naming `prefix.key` in any error.
void apply_kwargs(py::object obj, const py::dict& kw, const std::string& prefix) {
  const py::tuple fields = obj.attr("_fields");
  for (auto item : kw) {
    const std::string key = py::str(item.first);
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    bool known = false;
    for (auto f : fields) known = known || f.cast<std::string>() == key;
    if (!known) throw InputError(path, "unknown key; allowed keys: " + joined(fields));
    py::handle value = item.second;
    py::object current = obj.attr(key.c_str());
    // A dict for a nested spec sets that spec's fields in place.
    if (py::isinstance<py::dict>(value) && py::hasattr(current, "_fields")) {
      apply_kwargs(current, value.cast<py::dict>(), path);
      continue;
    }
    try {
      obj.attr(key.c_str()) = value;
    } catch (py::error_already_set& e) {
      if (!e.matches(PyExc_TypeError)) throw;
      throw InputError(path, "expected a value like " + std::string(py::repr(current)) + ", got " +
                                 std::string(py::repr(value)) + " (" +
                                 std::string(py::str(value.get_type().attr("__name__"))) + ")");
    }
  }
}

template <class T>
class Binder {
public:
  Binder(py::module_& m, const char* name, const char* doc, std::string prefix)
      : cls_(m, name, doc), prefix_(std::move(prefix)) {}

  template <class D>
  Binder& field(const char* name, D T::*pm, const char* doc) {
    cls_.def_readwrite(name, pm, doc);
    names_.push_back(name);
    return *this;
  }
  /// An attribute that is not a TOML key (kept out of `_fields`, so out of kwargs and to_toml).
  template <class D>
  Binder& extra(const char* name, D T::*pm, const char* doc) {
    cls_.def_readwrite(name, pm, doc);
    return *this;
  }
  template <class Getter, class Setter>
  Binder& property(const char* name, Getter&& get, Setter&& set, const char* doc) {
    cls_.def_property(name, std::forward<Getter>(get), std::forward<Setter>(set), doc);
    names_.push_back(name);
    return *this;
  }
  py::class_<T>& finish() {
    cls_.attr("_fields") = py::tuple(py::cast(names_));
    const std::string prefix = prefix_;
    cls_.def(py::init([prefix](const py::kwargs& kw) {
               py::object obj = py::cast(T{});
               std::string where = prefix;
               if constexpr (std::is_same_v<T, ProtocolSpec>) {
                 if (kw.contains("name")) where += "." + std::string(py::str(kw["name"]));
               }
               apply_kwargs(obj, kw, where);
               return obj.cast<T>();
             }),
             "Keyword arguments are the TOML keys of this table; omitted ones keep their defaults.");
    cls_.def("__repr__", [](const py::object& self) {
      std::string s = std::string(py::str(self.get_type().attr("__name__"))) + "(";
      bool first = true;
      for (auto f : py::tuple(self.attr("_fields"))) {
        s += (first ? "" : ", ") + f.cast<std::string>() + "=" + std::string(py::repr(self.attr(f)));
        first = false;
      }
      return s + ")";
    });
    cls_.def("__eq__", [](const py::object& self, const py::object& other) {
      if (!self.get_type().is(other.get_type())) return false;
      for (auto f : py::tuple(self.attr("_fields")))
        if (!self.attr(f).equal(other.attr(f))) return false;
      return true;
    });
    cls_.def("copy", [](const T& self) { return T(self); }, "An independent copy.");
    cls_.def("__copy__", [](const T& self) { return T(self); });
    cls_.def("__deepcopy__", [](const T& self, py::dict) { return T(self); });
    cls_.def(py::pickle(
        [](const py::object& self) {
          py::dict d;
          for (auto f : py::tuple(self.attr("_fields"))) d[f] = self.attr(f);
          return d;
        },
        [prefix](const py::dict& d) {
          py::object obj = py::cast(T{});
          for (auto item : d) obj.attr(item.first) = item.second;
          return obj.cast<T>();
        }));
    return cls_;
  }

private:
  py::class_<T> cls_;
  std::string prefix_;
  std::vector<std::string> names_;
};

py::list protocol_refs(py::object self) {
  auto& spec = self.cast<ScenarioSpec&>();
  py::list out;
  for (auto& p : spec.protocols) out.append(py::cast(&p, py::return_value_policy::reference_internal, self));
  return out;
}

}  // namespace

void bind_spec(py::module_& m) {
  Binder<TissueSpec>(m, "TissueSpec", "[tissue]: composition (volume fractions) and temperature.", "tissue")
      .field("water", &TissueSpec::water, "volume fraction of water, [0, 1]; None = derived (default 0.70)")
      .field("collagen", &TissueSpec::collagen, "volume fraction of collagen, [0, 1]; None = derived (0.20)")
      .field("ground", &TissueSpec::ground, "volume fraction of ground substance, [0, 1]; None = derived (0.10)")
      .field("temperature_c", &TissueSpec::temperature_c, "tissue temperature [degC], [0, 50]")
      .finish()
      .def("fractions", [](const TissueSpec& t) { return t.fractions(); },
           "Resolved (water, collagen, ground) by the fraction rule of docs/scenario.md.")
      .def("validate", [](const TissueSpec& t) { t.validate(); });

  Binder<MaterialSpec>(m, "MaterialSpec", "[material]: mixture-rule parameters (docs/scenario.md).", "material")
      .field("fiber_modulus_mpa", &MaterialSpec::fiber_modulus_mpa, "[MPa]")
      .field("cross_fiber_modulus_mpa", &MaterialSpec::cross_fiber_modulus_mpa, "[MPa]")
      .field("toe_strain", &MaterialSpec::toe_strain, "[-]")
      .field("toe_exponent", &MaterialSpec::toe_exponent, "[-]")
      .field("failure_strain", &MaterialSpec::failure_strain, "[-]")
      .field("failure_strain_spread", &MaterialSpec::failure_strain_spread, "[-]")
      .field("yield_strain", &MaterialSpec::yield_strain, "[-]")
      .field("plastic_fraction", &MaterialSpec::plastic_fraction, "[-]")
      .field("matrix_poisson", &MaterialSpec::matrix_poisson, "[-]")
      .field("loose_modulus_kpa", &MaterialSpec::loose_modulus_kpa, "[kPa]")
      .field("muscle_shear_modulus_kpa", &MaterialSpec::muscle_shear_modulus_kpa, "[kPa]")
      .field("muscle_thickness_mm", &MaterialSpec::muscle_thickness_mm, "[mm]")
      .field("permeability", &MaterialSpec::permeability, "[m^4/(N s)]")
      .field("water_bulk_modulus_mpa", &MaterialSpec::water_bulk_modulus_mpa, "[MPa]")
      .field("dense_prony_g", &MaterialSpec::dense_prony_g, "Prony fractions of the dense layers")
      .field("dense_prony_tau_s", &MaterialSpec::dense_prony_tau_s, "Prony times of the dense layers [s]")
      .field("loose_prony_g", &MaterialSpec::loose_prony_g, "Prony fractions of the loose layers")
      .field("loose_prony_tau_s", &MaterialSpec::loose_prony_tau_s, "Prony times of the loose layers [s]")
      .field("ha_viscosity_pa_s", &MaterialSpec::ha_viscosity_pa_s, "HA viscosity of the loose layers [Pa s]")
      .finish()
      .def("validate", [](const MaterialSpec& s) { s.validate(); });

  Binder<GeometrySpec>(m, "GeometrySpec", "[geometry]: the sample and its lattice.", "geometry")
      .field("kind", &GeometrySpec::kind, "\"slab\" (3-D) or \"sheet\" (2-D)")
      .field("size_mm", &GeometrySpec::size_mm, "in-plane extent [mm] (a 2-list; assign a whole list)")
      .field("layers", &GeometrySpec::layers, "dense fascial layers, [1, 20]")
      .field("layer_thickness_mm", &GeometrySpec::layer_thickness_mm, "[mm]")
      .field("interface_thickness_mm", &GeometrySpec::interface_thickness_mm, "[mm]")
      .field("fiber_angle_deg", &GeometrySpec::fiber_angle_deg, "[deg]")
      .field("crossing_angle_deg", &GeometrySpec::crossing_angle_deg, "[deg]")
      .field("dispersion_kappa", &GeometrySpec::dispersion_kappa, "von Mises concentration")
      .field("spacing_mm", &GeometrySpec::spacing_mm, "lattice spacing [mm]")
      .field("lateral_boundary", &GeometrySpec::lateral_boundary, "\"free\" or \"fixed\"")
      .field("matrix_model", &GeometrySpec::matrix_model, "\"springs\" or \"tets\"")
      .field("seed", &GeometrySpec::seed, "random seed")
      .finish()
      .def("validate", [](const GeometrySpec& s) { s.validate(); });

  Binder<AdhesionSpec>(m, "AdhesionSpec", "[adhesion]: breakable cross-links across interfaces (assumed values).",
                       "adhesion")
      .field("density_per_mm2", &AdhesionSpec::density_per_mm2, "bonds per mm^2 of interface")
      .field("stiffness_n_per_m", &AdhesionSpec::stiffness_n_per_m, "[N/m] per bond")
      .field("rupture", &AdhesionSpec::rupture, "\"bell\" or \"threshold\"")
      .field("bell_rate_per_s", &AdhesionSpec::bell_rate_per_s, "[1/s]")
      .field("bell_force_n", &AdhesionSpec::bell_force_n, "[N]")
      .field("threshold_force_n", &AdhesionSpec::threshold_force_n, "[N]")
      .field("heal_rate_per_s", &AdhesionSpec::heal_rate_per_s, "[1/s]")
      .field("rest_speed_mm_s", &AdhesionSpec::rest_speed_mm_s, "[mm/s]")
      .finish()
      .def("validate", [](const AdhesionSpec& s) { s.validate(); });

  Binder<WaterSpec>(m, "WaterSpec", "[water]: volumetric Maxwell water or discrete Biot poroelasticity.", "water")
      .field("model", &WaterSpec::model, "\"maxwell\" or \"biot\"")
      .field("flow", &WaterSpec::flow, "Biot: \"darcy\", \"undrained\" or \"drained\"")
      .field("top", &WaterSpec::top, "Biot boundary: \"drained\" or \"sealed\"")
      .field("bottom", &WaterSpec::bottom, "Biot boundary: \"drained\" or \"sealed\"")
      .field("sides", &WaterSpec::sides, "Biot boundary: \"drained\" or \"sealed\"")
      .finish()
      .def("validate", [](const WaterSpec& s) { s.validate(); });

  Binder<HASpec>(m, "HASpec", "[ha]: HA viscosity law and fasciacyte rule (fasciacyte constants assumed).", "ha")
      .field("concentration_mg_ml", &HASpec::concentration_mg_ml, "resting HA concentration c0 [mg/ml]")
      .field("reference_concentration_mg_ml", &HASpec::reference_concentration_mg_ml,
             "concentration of material.ha_viscosity_pa_s [mg/ml]")
      .field("concentration_exponent", &HASpec::concentration_exponent, "eta0 ~ c^a")
      .field("activation_energy_kj_mol", &HASpec::activation_energy_kj_mol, "Arrhenius E_a [kJ/mol]")
      .field("carreau_time_s", &HASpec::carreau_time_s, "Carreau lambda [s]")
      .field("carreau_index", &HASpec::carreau_index, "Carreau n")
      .field("infinite_shear_viscosity_pa_s", &HASpec::infinite_shear_viscosity_pa_s, "Carreau eta_inf at 37 degC [Pa s]")
      .field("rule", &HASpec::rule, "\"compression_and_shear\", \"shear_only\" or \"off\"")
      .field("secretion_mg_ml_per_strain", &HASpec::secretion_mg_ml_per_strain, "s [mg/ml per unit shear strain]")
      .field("shear_rate_threshold_per_s", &HASpec::shear_rate_threshold_per_s, "g0 [1/s]")
      .field("reference_stress_kpa", &HASpec::reference_stress_kpa, "sigma_ref [kPa]")
      .field("turnover_time_s", &HASpec::turnover_time_s, "[s]")
      .field("water_binding_kg_per_kg", &HASpec::water_binding_kg_per_kg, "[kg water / kg HA]")
      .finish()
      .def("validate", [](const HASpec& s) { s.validate(); });

  Binder<SolverSpec>(m, "SolverSpec", "[solver]: time integration.", "solver")
      .field("integrator", &SolverSpec::integrator, "\"explicit\", \"implicit\" or \"auto\"")
      .field("threads", &SolverSpec::threads, "OpenMP threads, 0 = all cores")
      .field("dt_s", &SolverSpec::dt_s, "explicit step [s]; 0 = automatic")
      .field("safety", &SolverSpec::safety, "fraction of the stable step")
      .field("implicit_dt_s", &SolverSpec::implicit_dt_s, "[s]")
      .field("newton_tolerance", &SolverSpec::newton_tolerance, "relative residual")
      .field("max_newton_iterations", &SolverSpec::max_newton_iterations, "")
      .field("linear_solver", &SolverSpec::linear_solver, "\"auto\", \"ldlt\", \"cholmod\", \"cg\"")
      .field("mass_damping_per_s", &SolverSpec::mass_damping_per_s, "")
      .finish()
      .def("validate", [](const SolverSpec& s) { s.validate(); });

  Binder<ProtocolSpec>(m, "ProtocolSpec", "One [protocol.NAME] table; which keys apply depends on `kind`.",
                       "protocol")
      .field("name", &ProtocolSpec::name, "NAME of [protocol.NAME] (not a TOML key)")
      .field("kind", &ProtocolSpec::kind, "protocol kind, e.g. \"impulse\"")
      .field("pressure_kpa", &ProtocolSpec::pressure_kpa, "[kPa]")
      .field("radius_mm", &ProtocolSpec::radius_mm, "[mm]")
      .field("ramp_s", &ProtocolSpec::ramp_s, "[s]")
      .field("hold_s", &ProtocolSpec::hold_s, "[s]")
      .field("release_s", &ProtocolSpec::release_s, "[s]")
      .field("recover_s", &ProtocolSpec::recover_s, "[s]")
      .field("amplitude_mm", &ProtocolSpec::amplitude_mm, "[mm]")
      .field("frequency_hz", &ProtocolSpec::frequency_hz, "[Hz]")
      .field("cycles", &ProtocolSpec::cycles, "")
      .field("friction", &ProtocolSpec::friction, "Coulomb coefficient")
      .field("drive", &ProtocolSpec::drive, "active shear: \"base\" or \"contraction\"")
      .field("active_stress_kpa", &ProtocolSpec::active_stress_kpa, "[kPa]")
      .field("force_n", &ProtocolSpec::force_n, "[N]")
      .field("duration_s", &ProtocolSpec::duration_s, "[s]")
      .field("end_s", &ProtocolSpec::end_s, "[s]")
      .field("direction", &ProtocolSpec::direction, "force direction (3-list); zeros = default")
      .field("frame_interval_s", &ProtocolSpec::frame_interval_s, "[s]; 0 = output.frame_interval_s")
      .finish()
      .def("validate", [](const ProtocolSpec& s) { s.validate("protocol." + s.name); });

  Binder<OutputSpec>(m, "OutputSpec", "[output]: where results go.", "output")
      .field("file", &OutputSpec::file, "HDF5 output path")
      .field("frame_interval_s", &OutputSpec::frame_interval_s, "[s]")
      .finish()
      .def("validate", [](const OutputSpec& s) { s.validate(); });

  Binder<ScenarioSpec>(m, "ScenarioSpec",
                       "A whole scenario: one tissue, one lattice, several protocols. Build it from keyword "
                       "arguments (nested specs or dicts), or with parse_scenario / load_scenario.",
                       "")
      .field("tissue", &ScenarioSpec::tissue, "TissueSpec")
      .field("material", &ScenarioSpec::material, "MaterialSpec")
      .field("water", &ScenarioSpec::water, "WaterSpec")
      .field("geometry", &ScenarioSpec::geometry, "GeometrySpec")
      .field("solver", &ScenarioSpec::solver, "SolverSpec")
      .field("adhesion", &ScenarioSpec::adhesion, "AdhesionSpec")
      .field("ha", &ScenarioSpec::ha, "HASpec")
      .property(
          "protocols", &protocol_refs,
          [](ScenarioSpec& s, const py::object& value) {
            std::vector<ProtocolSpec> out;
            if (py::isinstance<py::dict>(value)) {  // {name: ProtocolSpec or dict of keys}
              for (auto item : value.cast<py::dict>()) {
                const std::string name = py::str(item.first);
                ProtocolSpec p;
                if (py::isinstance<py::dict>(item.second)) {
                  py::object obj = py::cast(ProtocolSpec{});
                  apply_kwargs(obj, item.second.cast<py::dict>(), "protocol." + name);
                  p = obj.cast<ProtocolSpec>();
                } else {
                  p = item.second.cast<ProtocolSpec>();
                }
                p.name = name;
                out.push_back(std::move(p));
              }
            } else {
              try {
                out = value.cast<std::vector<ProtocolSpec>>();
              } catch (const py::cast_error&) {
                throw InputError("protocol", "expected a list of ProtocolSpec or a dict {name: {key: value}}");
              }
            }
            s.protocols = std::move(out);
          },
          "list of ProtocolSpec (references into this spec); assign a list or a dict {name: {...}}")
      .field("output", &ScenarioSpec::output, "OutputSpec")
      .field("source_text", &ScenarioSpec::source_text, "TOML text it came from (stored in the HDF5 file)")
      .finish()
      .def("validate", [](const ScenarioSpec& s) { s.validate(); },
           "Raises fascia.InputError (ValueError) naming the key of the first invalid value.")
      .def(
          "protocol",
          [](py::object self, const std::string& name) {
            auto& spec = self.cast<ScenarioSpec&>();
            for (auto& p : spec.protocols)
              if (p.name == name) return py::cast(&p, py::return_value_policy::reference_internal, self);
            std::string names;
            for (auto& p : spec.protocols) names += (names.empty() ? "" : ", ") + p.name;
            throw InputError("protocol." + name, "no such protocol; the scenario has: " + names);
          },
          py::arg("name"), "The protocol named `name` (a reference into this spec).")
      .def_property_readonly(
          "protocol_names",
          [](const ScenarioSpec& s) {
            std::vector<std::string> n;
            for (const auto& p : s.protocols) n.push_back(p.name);
            return n;
          },
          "Names of the protocols, in file order.");

  m.def("parse_scenario", &parse_scenario, py::arg("text"), py::arg("origin") = "<string>",
        "Parses scenario TOML text into a ScenarioSpec. Raises fascia.InputError (ValueError) naming the "
        "key path, as the CLI does.");
  m.def("load_scenario", &load_scenario_file, py::arg("path"),
        "Reads and parses a scenario file. Raises fascia.InputError (ValueError) for a bad key or file.");
}

}  // namespace fascia::python
