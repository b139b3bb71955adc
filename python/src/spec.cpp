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
#include <variant>
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
  /// One attribute per key of T's schema (scenario_spec.hpp), documented by its doc and unit.
  Binder& keys() {
    for (const auto& k : schema::Schema<T>::keys()) {
      std::string doc(k.doc);
      if (!k.unit.empty()) doc += " [" + std::string(k.unit) + "]";
      std::visit([&](auto pm) { field(std::string(k.name).c_str(), pm, doc.c_str()); }, k.member);
    }
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

namespace {

/// One scenario table's class: its schema keys, keyword constructor and validate().
template <class Spec>
py::class_<Spec> bind_section(py::module_& m, const char* name, const char* doc, const char* table) {
  Binder<Spec> b(m, name, doc, table);
  return b.keys().finish().def("validate", [](const Spec& s) { s.validate(); });
}

/// ScenarioSpec.protocols = a list of ProtocolSpec, or a dict {name: ProtocolSpec or {key: value}}.
void set_protocols(ScenarioSpec& s, const py::object& value) {
  std::vector<ProtocolSpec> out;
  if (py::isinstance<py::dict>(value)) {
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
}

py::object protocol_by_name(py::object self, const std::string& name) {
  auto& spec = self.cast<ScenarioSpec&>();
  for (auto& p : spec.protocols)
    if (p.name == name) return py::cast(&p, py::return_value_policy::reference_internal, self);
  std::string names;
  for (auto& p : spec.protocols) names += (names.empty() ? "" : ", ") + p.name;
  throw InputError("protocol." + name, "no such protocol; the scenario has: " + names);
}

void bind_scenario_spec(py::module_& m) {
  Binder<ScenarioSpec> scenario(m, "ScenarioSpec",
                                "A whole scenario: one tissue, one lattice, several protocols. Build it from keyword "
                                "arguments (nested specs or dicts), or with parse_scenario / load_scenario.",
                                "");
  schema::for_each_section([&](const auto& sec) {
    scenario.field(std::string(sec.name).c_str(), sec.member, ("[" + std::string(sec.name) + "] table").c_str());
  });
  scenario.property("protocols", &protocol_refs, &set_protocols,
                    "list of ProtocolSpec (references into this spec); assign a list or a dict {name: {...}}")
      .field("source_text", &ScenarioSpec::source_text, "TOML text it came from (stored in the HDF5 file)")
      .finish()
      .def("validate", [](const ScenarioSpec& s) { s.validate(); },
           "Raises fascia.InputError (ValueError) naming the key of the first invalid value.")
      .def("protocol", &protocol_by_name, py::arg("name"), "The protocol named `name` (a reference into this spec).")
      .def_property_readonly(
          "protocol_names",
          [](const ScenarioSpec& s) {
            std::vector<std::string> n;
            for (const auto& p : s.protocols) n.push_back(p.name);
            return n;
          },
          "Names of the protocols, in file order.");
}

}  // namespace

void bind_spec(py::module_& m) {
  bind_section<TissueSpec>(m, "TissueSpec", "[tissue]: composition (volume fractions) and temperature.", "tissue")
      .def("fractions", [](const TissueSpec& t) { return t.fractions(); },
           "Resolved (water, collagen, ground) by the fraction rule of docs/scenario.md.");
  bind_section<MaterialSpec>(m, "MaterialSpec", "[material]: mixture-rule parameters (docs/scenario.md).", "material");
  bind_section<GeometrySpec>(m, "GeometrySpec", "[geometry]: the sample and its lattice.", "geometry");
  bind_section<AdhesionSpec>(m, "AdhesionSpec", "[adhesion]: breakable cross-links across interfaces (assumed values).",
                             "adhesion");
  bind_section<WaterSpec>(m, "WaterSpec", "[water]: volumetric Maxwell water or discrete Biot poroelasticity.", "water");
  bind_section<HASpec>(m, "HASpec", "[ha]: HA viscosity law and fasciacyte rule (fasciacyte constants assumed).", "ha");
  bind_section<SolverSpec>(m, "SolverSpec", "[solver]: time integration.", "solver");
  Binder<ProtocolSpec>(m, "ProtocolSpec", "One [protocol.NAME] table; which keys apply depends on `kind`.",
                       "protocol")
      .field("name", &ProtocolSpec::name, "NAME of [protocol.NAME] (not a TOML key)")
      .keys()
      .finish()
      .def("validate", [](const ProtocolSpec& s) { s.validate("protocol." + s.name); });
  bind_section<OutputSpec>(m, "OutputSpec", "[output]: where results go.", "output");
  bind_scenario_spec(m);

  m.def("to_toml", &to_toml, py::arg("spec"),
        "TOML text of `spec`: the keys that differ from their defaults, every protocol with its kind. "
        "parse_scenario(to_toml(spec)) equals spec except for source_text.");
  m.def("_key_table_markdown", &key_table_markdown, py::arg("table"),
        "The key table of docs/scenario.md for one scenario table (generated from the schema).");
  m.def("parse_scenario", &parse_scenario, py::arg("text"), py::arg("origin") = "<string>",
        "Parses scenario TOML text into a ScenarioSpec. Raises fascia.InputError (ValueError) naming the "
        "key path, as the CLI does.");
  m.def("load_scenario", &load_scenario_file, py::arg("path"),
        "Reads and parses a scenario file. Raises fascia.InputError (ValueError) for a bad key or file.");
}

}  // namespace fascia::python
