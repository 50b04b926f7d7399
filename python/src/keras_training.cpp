// merezha's Optimizer, Loss, Metric and Callback classes for Python, and the conversions of
// compile()/fit() arguments (names, objects, configs, Python callables and Callback
// subclasses) into the C++ objects the training loop runs (keras_training.h).
#include "keras_training.h"

#include <nanobind/stl/function.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <iostream>

#include "bindings.h"
#include "keras_common.h"
#include "mz/core/error.h"
#include "mz/core/grad_mode.h"
#include "mz/nn/callbacks/csv_logger.h"
#include "mz/nn/callbacks/early_stopping.h"
#include "mz/nn/callbacks/learning_rate_scheduler.h"
#include "mz/nn/callbacks/model_checkpoint.h"
#include "mz/nn/callbacks/reduce_lr_on_plateau.h"
#include "mz/nn/callbacks/tensorboard.h"
#include "mz/nn/callbacks/terminate_on_nan.h"
#include "mz/nn/metrics/accuracy.h"
#include "mz/nn/model.h"
#include "tensor_convert.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace mz::py {
namespace {

std::string py_type_name(nb::handle obj) {
  return nb::cast<std::string>(nb::handle(obj.type()).attr("__name__"));
}

// A Python object shared with C++ objects that may be destroyed on any thread: the last
// owner takes the GIL to release it.
using PyRef = std::shared_ptr<nb::object>;
PyRef keep(nb::handle obj) {
  return PyRef(new nb::object(nb::borrow(obj)), [](nb::object* p) {
    nb::gil_scoped_acquire gil;
    delete p;
  });
}

std::string callable_name(nb::handle fn, const char* fallback) {
  if (nb::hasattr(fn, "__name__")) return nb::cast<std::string>(fn.attr("__name__"));
  return fallback;
}

// fn(y_true, y_pred) from the training loop: called with the GIL, its result a Tensor
// (arrays are accepted where no gradient is needed).
std::function<Tensor(const Tensor&, const Tensor&)> wrap_fn(nb::handle fn, std::string what,
                                                            bool need_grad) {
  PyRef ref = keep(fn);
  return [ref, what, need_grad](const Tensor& y_true, const Tensor& y_pred) -> Tensor {
    nb::gil_scoped_acquire gil;
    nb::object r = (*ref)(nb::cast(y_true), nb::cast(y_pred));
    if (nb::isinstance<Tensor>(r)) return nb::cast<Tensor>(r);
    if (need_grad)
      throw ValueError(str(what,
                           ": expected the function to return a merezha Tensor (use "
                           "merezha.ops and Tensor operators, so it is differentiable), got ",
                           py_type_name(r), "."));
    return to_tensor(r, what.c_str());
  };
}

// The Python base class user callbacks derive from (merezha.callbacks.Callback).
nb::object python_callback_base() {
  return nb::module_::import_("merezha.callbacks").attr("Callback");
}

// A Python callback object: each hook it overrides is called with the GIL held; hooks it
// leaves to the base class cost nothing.
class PyCallback : public Callback {
 public:
  PyCallback(nb::handle obj, nb::handle model) : obj_(keep(obj)) {
    nb::object base = python_callback_base();
    nb::handle type = obj.type();
    static const char* const kHooks[] = {
        "on_train_begin",         "on_train_end",        "on_epoch_begin",   "on_epoch_end",
        "on_train_batch_begin",   "on_train_batch_end",  "on_test_begin",    "on_test_end",
        "on_test_batch_begin",    "on_test_batch_end",   "on_predict_begin", "on_predict_end",
        "on_predict_batch_begin", "on_predict_batch_end"};
    for (int i = 0; i < kCount; ++i) {
      nb::object mine = nb::getattr(type, kHooks[i], nb::none());
      nb::object theirs = nb::getattr(base, kHooks[i], nb::none());
      has_[i] = !mine.is_none() && !mine.is(theirs);
    }
    if (nb::hasattr(obj, "set_model"))
      obj.attr("set_model")(model);
    else
      nb::setattr(obj, "model", model);
  }

  void on_train_begin(const Logs& logs) override {
    begin(0, "on_train_begin", logs);
    training_ = true;
  }
  void on_train_end(const Logs& logs) override {
    training_ = false;
    plain(1, "on_train_end", logs);
  }
  void on_epoch_begin(int epoch, const Logs& logs) override {
    indexed(2, "on_epoch_begin", epoch, logs);
  }
  void on_epoch_end(int epoch, const Logs& logs) override {
    indexed(3, "on_epoch_end", epoch, logs);
  }
  void on_train_batch_begin(int64_t batch, const Logs& logs) override {
    indexed(4, "on_train_batch_begin", batch, logs);
  }
  void on_train_batch_end(int64_t batch, const Logs& logs) override {
    indexed(5, "on_train_batch_end", batch, logs);
  }
  void on_test_begin(const Logs& logs) override { begin(6, "on_test_begin", logs); }
  void on_test_end(const Logs& logs) override { plain(7, "on_test_end", logs); }
  void on_test_batch_begin(int64_t batch, const Logs& logs) override {
    indexed(8, "on_test_batch_begin", batch, logs);
  }
  void on_test_batch_end(int64_t batch, const Logs& logs) override {
    indexed(9, "on_test_batch_end", batch, logs);
  }
  void on_predict_begin(const Logs& logs) override { begin(10, "on_predict_begin", logs); }
  void on_predict_end(const Logs& logs) override { plain(11, "on_predict_end", logs); }
  void on_predict_batch_begin(int64_t batch, const Logs& logs) override {
    indexed(12, "on_predict_batch_begin", batch, logs);
  }
  void on_predict_batch_end(int64_t batch, const Logs& logs) override {
    indexed(13, "on_predict_batch_end", batch, logs);
  }

 private:
  static constexpr int kCount = 14;
  // The *_begin hooks also hand the run's params to the object (Keras's set_params), except
  // for fit's validation runs, which keep fit's params.
  void begin(int i, const char* hook, const Logs& logs) {
    if (training_) {
      plain(i, hook, logs);
      return;
    }
    nb::gil_scoped_acquire gil;
    nb::dict p;
    p["epochs"] = params().epochs;
    p["steps"] = params().steps;
    p["verbose"] = params().verbose;
    if (nb::hasattr(*obj_, "set_params"))
      obj_->attr("set_params")(p);
    else
      nb::setattr(*obj_, "params", p);
    if (!has_[i]) return;
    std::cout.flush();
    obj_->attr(hook)(logs_dict(logs));
    flush_python();
  }
  void plain(int i, const char* hook, const Logs& logs) {
    if (!has_[i]) return;
    nb::gil_scoped_acquire gil;
    std::cout.flush();
    obj_->attr(hook)(logs_dict(logs));
    flush_python();
  }
  void indexed(int i, const char* hook, int64_t index, const Logs& logs) {
    if (!has_[i]) return;
    nb::gil_scoped_acquire gil;
    std::cout.flush();  // the hook's prints come after the progress bar's
    obj_->attr(hook)(index, logs_dict(logs));
    flush_python();
  }
  // Flushes sys.stdout (GIL held), so C++ prints that follow come after the hook's.
  static void flush_python() {
    nb::object out = nb::module_::import_("sys").attr("stdout");
    if (!out.is_none() && nb::hasattr(out, "flush")) out.attr("flush")();
  }

  PyRef obj_;
  bool has_[kCount] = {};
  bool training_ = false;  // inside fit (between on_train_begin and on_train_end)
};

// Ctrl-C between batches: fit stops after the batch and the interrupt is raised when fit
// returns; evaluate and predict raise it at once.
class SignalCheck : public Callback {
 public:
  explicit SignalCheck(std::shared_ptr<std::optional<nb::python_error>> pending)
      : pending_(std::move(pending)) {}
  void on_train_batch_end(int64_t, const Logs&) override {
    nb::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      pending_->emplace();
      if (model()) model()->stop_training = true;
    }
  }
  void on_test_batch_end(int64_t, const Logs&) override { check_now(); }
  void on_predict_batch_end(int64_t, const Logs&) override { check_now(); }

 private:
  void check_now() {
    nb::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw nb::python_error();
  }
  std::shared_ptr<std::optional<nb::python_error>> pending_;
};

}  // namespace

OptimizerPtr optimizer_from_py(nb::handle obj) {
  if (obj.is_none())
    throw ValueError(
        "Model.compile: optimizer: expected a name, an Optimizer or a config, got None.");
  if (nb::isinstance<Optimizer>(obj)) return nb::cast<OptimizerPtr>(obj);
  if (nb::isinstance<nb::str>(obj)) return get_optimizer(nb::cast<std::string>(obj));
  if (nb::isinstance<nb::dict>(obj))
    return optimizer_from_config(to_json(obj, "Model.compile: optimizer"));
  throw ValueError(
      str("Model.compile: optimizer: expected a name (\"adam\"), a "
          "merezha.optimizers object or a config dict, got ",
          py_type_name(obj), "."));
}

LossPtr loss_from_py(nb::handle obj) {
  if (obj.is_none()) return nullptr;
  if (nb::isinstance<Loss>(obj)) return nb::cast<LossPtr>(obj);
  if (nb::isinstance<nb::str>(obj)) return get_loss(nb::cast<std::string>(obj));
  if (nb::isinstance<nb::dict>(obj)) return loss_from_config(to_json(obj, "Model.compile: loss"));
  if (nb::hasattr(obj, "_keras_name"))  // merezha.losses.mean_squared_error and the like
    return get_loss(nb::cast<std::string>(obj.attr("_keras_name")));
  if (PyCallable_Check(obj.ptr())) {
    std::string name = callable_name(obj, "custom_loss");
    return make_loss(wrap_fn(obj, str("custom loss '", name, "'"), true), name);
  }
  throw ValueError(
      str("Model.compile: loss: expected a name (\"mse\"), a merezha.losses object, "
          "a config dict or a function (y_true, y_pred), got ",
          py_type_name(obj), "."));
}

MetricSpec metric_from_py(nb::handle obj) {
  if (nb::isinstance<Metric>(obj)) return MetricSpec(nb::cast<MetricPtr>(obj));
  if (nb::isinstance<nb::str>(obj)) return MetricSpec(nb::cast<std::string>(obj));
  if (!obj.is_none() && nb::hasattr(obj, "_keras_name"))
    return MetricSpec(nb::cast<std::string>(obj.attr("_keras_name")));
  if (!obj.is_none() && PyCallable_Check(obj.ptr())) {
    std::string name = callable_name(obj, "custom_metric");
    return MetricSpec(make_metric(wrap_fn(obj, str("custom metric '", name, "'"), false), name));
  }
  throw ValueError(
      str("Model.compile: metrics: expected names (\"accuracy\"), merezha.metrics "
          "objects or functions (y_true, y_pred), got ",
          obj.is_none() ? std::string("None") : py_type_name(obj), "."));
}

CallbackBinding::CallbackBinding(nb::handle callbacks, nb::handle model, Model* cpp_model)
    : pending_(std::make_shared<std::optional<nb::python_error>>()) {
  if (!callbacks.is_none()) {
    if (!nb::isinstance<nb::list>(callbacks) && !nb::isinstance<nb::tuple>(callbacks))
      throw ValueError(
          str("callbacks: expected a list of callbacks, got ", py_type_name(callbacks), "."));
    for (nb::handle c : callbacks) {
      if (nb::isinstance<Callback>(c)) {
        specs_.emplace_back(nb::cast<CallbackPtr>(c));
      } else if (PyObject_IsInstance(c.ptr(), python_callback_base().ptr()) == 1) {
        specs_.emplace_back(std::make_shared<PyCallback>(c, model));
      } else {
        throw ValueError(
            str("callbacks: expected merezha.callbacks objects or subclasses of "
                "merezha.callbacks.Callback, got ",
                c.is_none() ? std::string("None") : py_type_name(c), "."));
      }
    }
  }
  specs_.emplace_back(std::make_shared<SignalCheck>(pending_));
}

void CallbackBinding::raise_pending() {
  if (*pending_) {
    nb::python_error e = std::move(**pending_);
    pending_->reset();
    throw e;
  }
}

void bind_keras_training(nb::module_& m) {
  nb::class_<Optimizer>(m, "Optimizer", "A Keras optimizer (merezha.optimizers.Adam(...), ...).")
      .def_prop_ro("name", &Optimizer::name)
      .def_prop_ro("class_name", &Optimizer::class_name)
      .def_prop_ro("iterations", &Optimizer::iterations)
      .def_prop_rw("learning_rate", &Optimizer::learning_rate, &Optimizer::set_learning_rate)
      .def("get_config", [](const Optimizer& o) { return from_json(o.config()); })
      .def("_keras_config",
           [](const Optimizer& o) {
             Json j = {{"module", "keras.optimizers"},
                       {"class_name", o.class_name()},
                       {"config", o.config()},
                       {"registered_name", nullptr}};
             return from_json(j);
           })
      .def("__repr__", [](const Optimizer& o) { return str("<", o.who(), ">"); });
  m.def(
      "optimizer_from_config",
      [](nb::handle config) {
        return optimizer_from_config(to_json(config, "optimizer_from_config"));
      },
      "config"_a.none(), "An optimizer from Keras's {\"class_name\": ..., \"config\": {...}}.");
  m.def("get_optimizer", &get_optimizer, "name"_a, "An optimizer by Keras name, Keras's defaults.");

  nb::class_<Loss>(m, "Loss", "A Keras loss (merezha.losses.MeanSquaredError(), ...).")
      .def_prop_ro("name", &Loss::name)
      .def_prop_ro("reduction", &Loss::reduction)
      .def_prop_ro("class_name", &Loss::class_name)
      .def("get_config", [](const Loss& l) { return from_json(l.config()); })
      .def(
          "__call__",
          [](const Loss& l, nb::handle y_true, nb::handle y_pred, nb::handle sample_weight) {
            std::string who = str(l.class_name(), " '", l.name(), "'");
            Tensor yt = to_tensors(y_true, who.c_str(), {}).at(0);
            Tensor yp = to_tensors(y_pred, who.c_str(), {}).at(0);
            Tensor sw = sample_weight.is_none() ? Tensor() : to_tensor(sample_weight, who.c_str());
            return l(yt, yp, sw);
          },
          "y_true"_a.none(), "y_pred"_a.none(), "sample_weight"_a = nb::none(),
          "The reduced loss as a Tensor (differentiable when the inputs are Tensors).");
  m.def(
      "loss_from_config",
      [](nb::handle config) { return loss_from_config(to_json(config, "loss_from_config")); },
      "config"_a.none(), "A loss from Keras's {\"class_name\": ..., \"config\": {...}}.");
  m.def("get_loss", &get_loss, "name"_a, "A loss by Keras name.");

  nb::class_<Metric>(m, "Metric", "A stateful Keras metric.")
      .def_prop_ro("name", &Metric::name)
      .def_prop_ro("class_name", &Metric::class_name)
      .def(
          "update_state",
          [](Metric& metric, nb::handle y_true, nb::handle y_pred, nb::handle sample_weight) {
            std::string who = str(metric.class_name(), " '", metric.name(), "'");
            Tensor yt = to_tensors(y_true, who.c_str(), {}).at(0);
            Tensor yp = to_tensors(y_pred, who.c_str(), {}).at(0);
            Tensor sw = sample_weight.is_none() ? Tensor() : to_tensor(sample_weight, who.c_str());
            NoGrad no_grad;
            metric.update_state(yt, yp, sw);
          },
          "y_true"_a.none(), "y_pred"_a.none(), "sample_weight"_a = nb::none())
      .def("result",
           [](const Metric& metric) -> nb::object {
             std::vector<double> values = metric.result_values();
             if (values.size() == 1) return nb::float_(values[0]);
             return nb::cast(values);
           })
      .def("reset_state", &Metric::reset_state)
      .def("get_config", [](const Metric& metric) { return from_json(metric.config()); });
  m.def(
      "get_metric",
      [](const std::string& name) -> MetricPtr {
        // "Accuracy" names Keras's exact-match class here, not the loss-dependent "accuracy".
        if (name == "Accuracy") return std::make_shared<metrics::Accuracy>();
        return get_metric(name, nullptr, Shape(), Shape());
      },
      "name"_a, "A metric by Keras name or class name, Keras's defaults.");

  nb::class_<Callback>(m, "NativeCallback", "A callback of the C++ core (EarlyStopping, ...).");
  nb::class_<callbacks::EarlyStopping, Callback>(m, "EarlyStopping")
      .def(
          "__init__",
          [](callbacks::EarlyStopping* self, std::string monitor, double min_delta, int patience,
             int verbose, std::string mode, std::optional<double> baseline,
             bool restore_best_weights, int start_from_epoch) {
            new (self) callbacks::EarlyStopping({.monitor = monitor,
                                                 .min_delta = min_delta,
                                                 .patience = patience,
                                                 .verbose = verbose,
                                                 .mode = mode,
                                                 .baseline = baseline,
                                                 .restore_best_weights = restore_best_weights,
                                                 .start_from_epoch = start_from_epoch});
          },
          "monitor"_a = "val_loss", "min_delta"_a = 0.0, "patience"_a = 0, "verbose"_a = 0,
          "mode"_a = "auto", "baseline"_a = nb::none(), "restore_best_weights"_a = false,
          "start_from_epoch"_a = 0)
      .def_prop_ro("stopped_epoch", &callbacks::EarlyStopping::stopped_epoch)
      .def_prop_ro("best", &callbacks::EarlyStopping::best)
      .def_prop_ro("wait", &callbacks::EarlyStopping::wait);
  nb::class_<callbacks::ReduceLROnPlateau, Callback>(m, "ReduceLROnPlateau")
      .def(
          "__init__",
          [](callbacks::ReduceLROnPlateau* self, std::string monitor, double factor, int patience,
             int verbose, std::string mode, double min_delta, int cooldown, double min_lr) {
            new (self) callbacks::ReduceLROnPlateau({.monitor = monitor,
                                                     .factor = factor,
                                                     .patience = patience,
                                                     .verbose = verbose,
                                                     .mode = mode,
                                                     .min_delta = min_delta,
                                                     .cooldown = cooldown,
                                                     .min_lr = min_lr});
          },
          "monitor"_a = "val_loss", "factor"_a = 0.1, "patience"_a = 10, "verbose"_a = 0,
          "mode"_a = "auto", "min_delta"_a = 1e-4, "cooldown"_a = 0, "min_lr"_a = 0.0);
  nb::class_<callbacks::CSVLogger, Callback>(m, "CSVLogger")
      .def(
          "__init__",
          [](callbacks::CSVLogger* self, std::string filename, std::string separator, bool append) {
            new (self) callbacks::CSVLogger(filename, {.separator = separator, .append = append});
          },
          "filename"_a, "separator"_a = ",", "append"_a = false);
  nb::class_<callbacks::TensorBoard, Callback>(m, "TensorBoard")
      .def(
          "__init__",
          [](callbacks::TensorBoard* self, std::string log_dir, int histogram_freq,
             bool write_graph, nb::handle update_freq) {
            callbacks::TensorBoardOptions o{.histogram_freq = histogram_freq,
                                            .write_graph = write_graph};
            if (nb::isinstance<nb::str>(update_freq))
              o.update_freq = nb::cast<std::string>(update_freq);
            else
              o.update_freq = nb::cast<int64_t>(update_freq);
            new (self) callbacks::TensorBoard(log_dir, o);
          },
          "log_dir"_a = "logs", "histogram_freq"_a = 0, "write_graph"_a = true,
          "update_freq"_a = "epoch");
  nb::class_<callbacks::TerminateOnNaN, Callback>(m, "TerminateOnNaN")
      .def(
          "__init__",
          [](callbacks::TerminateOnNaN* self, bool raise_error) {
            new (self) callbacks::TerminateOnNaN({.raise_error = raise_error});
          },
          "raise_error"_a = false);
  nb::class_<callbacks::ModelCheckpoint, Callback>(m, "ModelCheckpoint")
      .def(
          "__init__",
          [](callbacks::ModelCheckpoint* self, std::string filepath, std::string monitor,
             int verbose, bool save_best_only, bool save_weights_only, std::string mode,
             nb::handle save_freq, std::optional<double> initial_value_threshold) {
            callbacks::ModelCheckpointOptions o{.monitor = monitor,
                                                .verbose = verbose,
                                                .save_best_only = save_best_only,
                                                .save_weights_only = save_weights_only,
                                                .mode = mode};
            if (nb::isinstance<nb::str>(save_freq))
              o.save_freq = nb::cast<std::string>(save_freq);
            else
              o.save_freq = nb::cast<int64_t>(save_freq);
            o.initial_value_threshold = initial_value_threshold;
            new (self) callbacks::ModelCheckpoint(filepath, o);
          },
          "filepath"_a, "monitor"_a = "val_loss", "verbose"_a = 0, "save_best_only"_a = false,
          "save_weights_only"_a = false, "mode"_a = "auto", "save_freq"_a = "epoch",
          "initial_value_threshold"_a = nb::none())
      .def_prop_ro("best", &callbacks::ModelCheckpoint::best)
      .def_prop_ro("last_saved", &callbacks::ModelCheckpoint::last_saved);
  nb::class_<callbacks::LearningRateScheduler, Callback>(m, "LearningRateScheduler")
      .def(
          "__init__",
          [](callbacks::LearningRateScheduler* self, nb::handle schedule, int verbose) {
            if (schedule.is_none() || !PyCallable_Check(schedule.ptr()))
              throw ValueError(
                  "LearningRateScheduler: schedule: expected a function "
                  "(epoch, lr) -> lr, got " +
                  (schedule.is_none() ? std::string("None") : py_type_name(schedule)) + ".");
            PyRef ref = keep(schedule);
            new (self) callbacks::LearningRateScheduler(
                [ref](int epoch, double lr) {
                  nb::gil_scoped_acquire gil;
                  return nb::cast<double>(nb::float_((*ref)(epoch, lr)));
                },
                verbose);
          },
          "schedule"_a.none(), "verbose"_a = 0);
}

}  // namespace mz::py
