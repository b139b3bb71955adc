// SPDX-License-Identifier: MIT
#pragma once
/// @file Shared declarations of the fascia._core binding files (one bind_<module> per file).
#include <pybind11/pybind11.h>

namespace fascia::python {

namespace py = pybind11;

void bind_errors(py::module_& m);
void bind_spec(py::module_& m);
void bind_run(py::module_& m);
void bind_lattice(py::module_& m);

}  // namespace fascia::python
