// SPDX-License-Identifier: MIT
/// @file C++ errors -> Python exceptions. fascia::InputError becomes fascia.InputError, a subclass
/// of ValueError carrying the same one-line message as the CLI and the key path in `.key`;
/// fascia::SimulationError becomes RuntimeError.
#include "fascia/core/error.hpp"

#include "bindings.hpp"

namespace fascia::python {

void bind_errors(py::module_& m) {
  // Kept for the interpreter's lifetime (released so that no destructor runs at exit).
  static PyObject* input_error = nullptr;
  input_error = PyErr_NewExceptionWithDoc(
      "fascia._core.InputError",
      "Invalid user input (a scenario key, a parameter, a file). Subclass of ValueError; the message "
      "names the key path, the value and the allowed range; `key` holds the key path.",
      PyExc_ValueError, nullptr);
  if (!input_error) throw py::error_already_set();
  m.attr("InputError") = py::handle(input_error);

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      py::object exc = py::reinterpret_borrow<py::object>(input_error)(e.what());
      exc.attr("key") = e.key();
      PyErr_SetObject(input_error, exc.ptr());
    } catch (const SimulationError& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

}  // namespace fascia::python
