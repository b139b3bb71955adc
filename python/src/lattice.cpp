// SPDX-License-Identifier: MIT
/// @file build_lattice(spec): the lattice a scenario would simulate, for notebooks.
///
/// Lifetime: `Lattice` is held by a std::shared_ptr and never changes after it is built. Its array
/// properties (rest_positions, masses, layer_id, node_sets) are numpy views of the C++ vectors,
/// without copies, read-only, whose `base` is the Python Lattice object: a view keeps the lattice
/// alive after the Python name is deleted, so it never dangles.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>

#include "bindings.hpp"
#include "fascia/lattice/builder.hpp"
#include "fascia/lattice/lattice.hpp"
#include "fascia/scenario_geometry.hpp"
#include "fascia/scenario_materials.hpp"
#include "fascia/tissue/material.hpp"

namespace fascia::python {
namespace {

using LatticePtr = std::shared_ptr<Lattice>;

template <class T>
py::array view(const py::object& owner, const std::vector<T>& v, std::vector<py::ssize_t> shape) {
  std::vector<py::ssize_t> strides(shape.size(), static_cast<py::ssize_t>(sizeof(T)));
  for (std::size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  py::array a(py::dtype::of<T>(), shape, strides, v.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

py::array rest_positions_view(const py::object& self) {
  const auto& l = self.cast<const Lattice&>();
  return view(self, l.rest_positions, {static_cast<py::ssize_t>(l.num_nodes()), 3});
}

py::array masses_view(const py::object& self) {
  const auto& l = self.cast<const Lattice&>();
  return view(self, l.masses, {static_cast<py::ssize_t>(l.masses.size())});
}

py::array layer_id_view(const py::object& self) {
  const auto& l = self.cast<const Lattice&>();
  return view(self, l.layer_id, {static_cast<py::ssize_t>(l.layer_id.size())});
}

py::dict node_set_views(const py::object& self) {
  const auto& l = self.cast<const Lattice&>();
  py::dict d;
  for (const auto& [name, idx] : l.node_sets) d[py::str(name)] = view(self, idx, {static_cast<py::ssize_t>(idx.size())});
  return d;
}

py::list block_dicts(const Lattice& l) {
  py::list out;
  for (const auto& b : l.blocks) {
    py::dict d;
    d["name"] = b.name;
    d["material"] = b.material;
    d["z_bottom"] = b.z_bottom;
    d["thickness"] = b.thickness;
    d["cells"] = b.cells;
    d["matrix_model"] = std::string(kBlockMatrixNames[std::size_t(b.matrix_model)]);
    d["spring_fit_residual"] = b.spring_fit_residual;
    d["fiber_fit_residual"] = b.fiber_fit_residual;
    d["fiber_angle_deg"] = b.fiber_angle_deg;
    out.append(d);
  }
  return out;
}

std::string lattice_repr(const Lattice& l) {
  return "Lattice(dim=" + std::to_string(l.dim) + ", nodes=" + std::to_string(l.num_nodes()) +
         ", nx=" + std::to_string(l.nx) + ", ny=" + std::to_string(l.ny) + ", nz=" + std::to_string(l.nz) + ")";
}

LatticePtr build_scenario_lattice(const ScenarioSpec& spec) {
  LatticePtr out;
  {
    py::gil_scoped_release release;
    spec.validate();
    const TissueMaterials mat = make_materials(spec);
    out = std::make_shared<Lattice>(build_lattice(slab_geometry(spec.geometry), mat));
  }
  return out;
}

}  // namespace

void bind_lattice(py::module_& m) {
  py::class_<Lattice, LatticePtr>(m, "Lattice",
                                  "A built lattice (read-only). Array properties are zero-copy, read-only numpy "
                                  "views that keep this object alive.")
      .def_readonly("dim", &Lattice::dim, "2: sheet, 3: slab")
      .def_readonly("nx", &Lattice::nx)
      .def_readonly("ny", &Lattice::ny)
      .def_readonly("nz", &Lattice::nz)
      .def_readonly("dx", &Lattice::dx, "[m]")
      .def_readonly("dy", &Lattice::dy, "[m]")
      .def_readonly("sheet_thickness", &Lattice::sheet_thickness, "[m] (sheet only)")
      .def_readonly("notes", &Lattice::notes)
      .def_property_readonly("num_nodes", &Lattice::num_nodes)
      .def_property_readonly("rest_positions", &rest_positions_view, "(n_nodes, 3) float64 [m], C order, zero-copy read-only view")
      .def_property_readonly("masses", &masses_view, "(n_nodes,) float64 [kg], zero-copy read-only view")
      .def_property_readonly("layer_id", &layer_id_view,
                             "(n_nodes,) int32: 0 muscle, l >= 1 dense layer l, zero-copy read-only view")
      .def_property_readonly("node_sets", &node_set_views,
                             "dict name -> (k,) int32 node indices (\"top\", \"bottom\", \"lateral\"), zero-copy views")
      .def_property_readonly("blocks", &block_dicts, "list of dicts, one per block of cells (layer), lengths in [m]")
      .def("__repr__", &lattice_repr);
  m.def("build_lattice", &build_scenario_lattice, py::arg("spec"),
        "Builds the lattice the scenario would simulate (validated first).");
}

}  // namespace fascia::python
