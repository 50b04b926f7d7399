// What Model.compile and fit take from Python, as C++ objects: optimizers, losses and metrics
// given as Keras names, merezha objects, configs or Python callables, and callbacks given as
// merezha callbacks or Python Callback subclasses (keras_training.cpp).
#pragma once

#include <nanobind/nanobind.h>

#include <memory>
#include <optional>

#include "mz/nn/callbacks/callback.h"
#include "mz/nn/losses/loss.h"
#include "mz/nn/metrics/metric.h"
#include "mz/nn/optimizers/optimizer.h"

namespace mz::py {

// An optimizer from a Keras name ("adam"), a merezha Optimizer or a config dict; throws
// ValueError for None and anything else.
OptimizerPtr optimizer_from_py(nanobind::handle obj);
// A loss from a Keras name, a merezha Loss, a config dict or a Python callable
// fn(y_true, y_pred) -> Tensor; None gives nullptr.
LossPtr loss_from_py(nanobind::handle obj);
// A metric from a Keras name, a merezha Metric or a Python callable fn(y_true, y_pred).
MetricSpec metric_from_py(nanobind::handle obj);

// The callbacks of one fit/evaluate/predict call: merezha callbacks as they are, Python
// objects wrapped (their hooks run with the GIL held), and a last callback that checks for
// Ctrl-C between batches. `model` is the Python model the callbacks see as self.model.
class CallbackBinding {
 public:
  CallbackBinding(nanobind::handle callbacks, nanobind::handle model, Model* cpp_model);
  const std::vector<CallbackSpec>& specs() const { return specs_; }
  // Raises the interrupt (KeyboardInterrupt) caught between batches, if any; needs the GIL.
  void raise_pending();

 private:
  std::vector<CallbackSpec> specs_;
  std::shared_ptr<std::optional<nanobind::python_error>> pending_;
};

// Binds merezha's Optimizer, Loss, Metric and Callback classes and their factories.
void bind_keras_training(nanobind::module_& m);

}  // namespace mz::py
