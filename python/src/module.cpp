// merezha._merezha: the extension module; each area binds itself (bindings.h).
#include "bindings.h"

NB_MODULE(_merezha, m) {
  m.doc() = "merezha: the C++ core of the merezha package";
  mz::py::bind_errors(m);
  mz::py::bind_tensor(m);
  mz::py::bind_neurolab(m);
  mz::py::bind_keras_layers(m);
  mz::py::bind_keras_training(m);
  mz::py::bind_keras_model(m);
  mz::py::bind_keras_ops(m);
}
