// SPDX-License-Identifier: MIT
/// @file Entry point of the extension module fascia._core.
#include "bindings.hpp"
#include "fascia/version.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "fascia._core: C++ bindings of the fascia tissue simulator (use the `fascia` package).";
  m.attr("__version__") = FASCIA_VERSION;
  m.attr("git_revision") = FASCIA_GIT_REVISION;
  fascia::python::bind_errors(m);
  fascia::python::bind_spec(m);
  fascia::python::bind_run(m);
  fascia::python::bind_lattice(m);
}
