// mz::Error -> Python: merezha.Error is the base of every merezha exception; each C++ class
// maps to a subclass that also derives from the built-in a Python user would catch
// (ShapeError, ValueError, FormatError -> ValueError; IoError -> OSError; BackendError,
// InternalError -> RuntimeError). The message is the C++ message, unchanged.
#include <Python.h>

#include "bindings.h"
#include "mz/core/error.h"

namespace nb = nanobind;

namespace mz::py {
namespace {

PyObject* g_error = nullptr;
PyObject* g_shape = nullptr;
PyObject* g_value = nullptr;
PyObject* g_format = nullptr;
PyObject* g_io = nullptr;
PyObject* g_backend = nullptr;
PyObject* g_internal = nullptr;

// A new exception class merezha.<name> deriving from `bases` (a tuple), added to m.
PyObject* new_exception(nb::module_& m, const char* name, PyObject* bases, const char* doc) {
  std::string qualified = std::string("merezha.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  Py_DECREF(bases);
  if (!type) throw nb::python_error();
  m.attr(name) = nb::handle(type);
  return type;
}

PyObject* with_base(PyObject* builtin) { return PyTuple_Pack(2, g_error, builtin); }

}  // namespace

void bind_errors(nb::module_& m) {
  g_error = new_exception(m, "Error", PyTuple_Pack(1, PyExc_Exception),
                          "Base of every error merezha raises on purpose.");
  g_shape = new_exception(m, "ShapeError", with_base(PyExc_ValueError),
                          "Shapes that do not fit together.");
  g_value = new_exception(m, "ValueError", with_base(PyExc_ValueError),
                          "A value out of range or an unknown name.");
  g_format = new_exception(m, "FormatError", with_base(PyExc_ValueError),
                           "A file whose contents break its format.");
  g_io = new_exception(m, "IoError", with_base(PyExc_OSError),
                       "The operating system refused (missing file, unwritable folder).");
  g_backend = new_exception(m, "BackendError", with_base(PyExc_RuntimeError),
                            "A device or kernel is missing.");
  g_internal = new_exception(m, "InternalError", with_base(PyExc_RuntimeError),
                             "A broken internal invariant: a bug in merezha.");
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const ShapeError& e) {
      PyErr_SetString(g_shape, e.what());
    } catch (const ValueError& e) {
      PyErr_SetString(g_value, e.what());
    } catch (const FormatError& e) {
      PyErr_SetString(g_format, e.what());
    } catch (const IoError& e) {
      PyErr_SetString(g_io, e.what());
    } catch (const BackendError& e) {
      PyErr_SetString(g_backend, e.what());
    } catch (const InternalError& e) {
      PyErr_SetString(g_internal, e.what());
    } catch (const Error& e) {
      PyErr_SetString(g_error, e.what());
    }
  });
}

}  // namespace mz::py
