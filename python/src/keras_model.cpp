// merezha.Model and merezha.Sequential: Keras's training API over NumPy arrays (compile, fit,
// evaluate, predict, the *_on_batch calls, summary, save) and load_model. The GIL is released
// while the C++ loops run; Python callbacks, losses and metrics take it back.
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "bindings.h"
#include "keras_common.h"
#include "keras_subclass.h"
#include "keras_training.h"
#include "mz/core/error.h"
#include "mz/dist/communicator.h"
#include "mz/dist/mpi_communicator.h"
#include "mz/io/keras_file.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/model_utils.h"
#include "tensor_convert.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace mz::py {
namespace {

using ModelP = std::shared_ptr<Model>;

std::string py_type_name(nb::handle obj) {
  return nb::cast<std::string>(nb::handle(obj.type()).attr("__name__"));
}

LayerCommon common_of(nb::handle name, bool trainable) {
  LayerCommon c;
  if (!name.is_none()) c.name = nb::cast<std::string>(name);
  c.trainable = trainable;
  return c;
}

// KerasTensors from one KerasTensor, a list/tuple, or a dict (values in key order).
KerasTensors keras_tensors(nb::handle obj, const char* what) {
  if (nb::isinstance<KerasTensor>(obj)) return KerasTensors(nb::cast<KerasTensor>(obj));
  std::vector<KerasTensor> list;
  nb::object items = nb::borrow(obj);
  if (nb::isinstance<nb::dict>(obj)) items = nb::borrow<nb::dict>(obj).values();
  if (!obj.is_none() && nb::hasattr(items, "__iter__") && !nb::isinstance<nb::str>(obj)) {
    for (nb::handle t : items) {
      if (!nb::isinstance<KerasTensor>(t))
        throw ValueError(str("Model: ", what,
                             ": expected KerasTensors (from Input() and layer "
                             "calls), got ",
                             t.is_none() ? std::string("None") : py_type_name(t), "."));
      list.push_back(nb::cast<KerasTensor>(t));
    }
    return KerasTensors(list);
  }
  throw ValueError(str("Model: ", what, ": expected a KerasTensor or a list of them, got ",
                       obj.is_none() ? std::string("None") : py_type_name(obj), "."));
}

std::vector<std::string> input_names(const Model& model) {
  std::vector<std::string> names;
  for (const KerasTensor& t : model.inputs()) names.push_back(t.layer()->name());
  return names;
}

// Keeps Python's and C++'s prints in order around a run that may print (progress bars):
// flushes sys.stdout before (GIL held) and std::cout after.
class StdoutSync {
 public:
  StdoutSync() {
    nb::object out = nb::module_::import_("sys").attr("stdout");
    if (!out.is_none() && nb::hasattr(out, "flush")) out.attr("flush")();
  }
  ~StdoutSync() {
    std::cout.flush();
    std::fflush(stdout);
  }
};

int verbose_of(nb::handle v) {
  if (nb::isinstance<nb::str>(v)) {
    if (nb::cast<std::string>(v) == "auto") return -1;
    throw ValueError(
        str("verbose: expected \"auto\", 0, 1 or 2, got \"", nb::cast<std::string>(v), "\"."));
  }
  return nb::cast<int>(v);
}

int64_t batch_of(nb::handle b, int64_t fallback) {
  return b.is_none() ? fallback : nb::cast<int64_t>(b);
}

Tensor weights_of(nb::handle sw, const char* who) {
  return sw.is_none() ? Tensor() : to_tensor(sw, who);
}

// Keras's logs order: "loss" first, then the per-output losses and metrics in compile order
// where known, then the rest by name.
std::vector<std::string> log_order(const Model& model, const Logs& logs) {
  std::vector<std::string> keys;
  if (logs.count("loss")) keys.push_back("loss");
  for (const std::string& out : model.output_names())
    if (logs.count(out + "_loss")) keys.push_back(out + "_loss");
  for (const MetricPtr& metric : model.metrics())
    if (metric && logs.count(metric->name()) &&
        std::find(keys.begin(), keys.end(), metric->name()) == keys.end())
      keys.push_back(metric->name());
  for (const auto& [key, value] : logs)
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  return keys;
}

nb::object logs_result(const Model& model, const Logs& logs, bool return_dict) {
  if (return_dict) return logs_dict(logs);
  std::vector<std::string> keys = log_order(model, logs);
  if (keys.size() == 1) return nb::float_(logs.at(keys[0]));
  nb::list out;
  for (const std::string& k : keys) out.append(logs.at(k));
  return out;
}

nb::object outputs_numpy(const std::vector<Tensor>& outs) {
  if (outs.size() == 1) return to_numpy(outs[0]);
  nb::list list;
  for (const Tensor& t : outs) list.append(to_numpy(t));
  return list;
}

void compile_model(Model& model, nb::handle optimizer, nb::handle loss, nb::handle loss_weights,
                   nb::handle metrics, nb::handle weighted_metrics, nb::kwargs) {
  if (!weighted_metrics.is_none() && nb::len(weighted_metrics) > 0)
    throw ValueError(
        "Model.compile: weighted_metrics: merezha weighs metrics with sample_weight "
        "through metrics=; expected None.");
  CompileOptions o;
  o.optimizer = optimizer_from_py(optimizer);
  std::vector<std::string> outs = model.output_names();
  if (nb::isinstance<nb::dict>(loss)) {
    nb::dict d = nb::borrow<nb::dict>(loss);
    for (const std::string& name : outs)
      o.losses.emplace_back(d.contains(name.c_str()) ? loss_from_py(d[name.c_str()]) : LossPtr());
  } else if (nb::isinstance<nb::list>(loss) || nb::isinstance<nb::tuple>(loss)) {
    for (nb::handle l : loss) o.losses.emplace_back(loss_from_py(l));
  } else {
    o.loss = LossSpec(loss_from_py(loss));
  }
  if (!loss_weights.is_none()) {
    if (nb::isinstance<nb::dict>(loss_weights)) {
      nb::dict d = nb::borrow<nb::dict>(loss_weights);
      for (const std::string& name : outs)
        o.loss_weights.push_back(d.contains(name.c_str()) ? nb::cast<double>(d[name.c_str()])
                                                          : 1.0);
    } else if (nb::isinstance<nb::float_>(loss_weights) || nb::isinstance<nb::int_>(loss_weights)) {
      o.loss_weights.push_back(nb::cast<double>(loss_weights));
    } else {
      for (nb::handle w : loss_weights) o.loss_weights.push_back(nb::cast<double>(w));
    }
  }
  if (!metrics.is_none()) {
    auto spec_list = [](nb::handle list) {
      std::vector<MetricSpec> specs;
      if (nb::isinstance<nb::list>(list) || nb::isinstance<nb::tuple>(list))
        for (nb::handle item : list) specs.push_back(metric_from_py(item));
      else if (!list.is_none())
        specs.push_back(metric_from_py(list));
      return specs;
    };
    bool nested = false;
    if (nb::isinstance<nb::list>(metrics) || nb::isinstance<nb::tuple>(metrics))
      for (nb::handle item : metrics)
        if (nb::isinstance<nb::list>(item) || nb::isinstance<nb::tuple>(item)) nested = true;
    if (nb::isinstance<nb::dict>(metrics)) {
      nb::dict d = nb::borrow<nb::dict>(metrics);
      for (const std::string& name : outs)
        o.output_metrics.push_back(d.contains(name.c_str()) ? spec_list(d[name.c_str()])
                                                            : std::vector<MetricSpec>{});
    } else if (nested) {
      for (nb::handle item : metrics) o.output_metrics.push_back(spec_list(item));
    } else if (nb::isinstance<nb::list>(metrics) || nb::isinstance<nb::tuple>(metrics)) {
      o.metrics = spec_list(metrics);
    } else {
      throw ValueError(str("Model.compile: metrics: expected a list (or a dict by output), got ",
                           py_type_name(metrics), "."));
    }
  }
  model.compile(std::move(o));
}

nb::object fit_model(Model& model, nb::handle x, nb::handle y, nb::handle batch_size, int epochs,
                     nb::handle verbose, nb::handle callbacks, double validation_split,
                     nb::handle validation_data, bool shuffle, nb::handle class_weight,
                     nb::handle sample_weight, int initial_epoch, nb::handle steps_per_epoch,
                     nb::handle communicator, nb::kwargs) {
  const char* who = "Model.fit";
  if (x.is_none())
    throw ValueError("Model.fit: x: expected an array (or a list/dict of them), got None.");
  if (y.is_none())
    throw ValueError("Model.fit: y: expected an array (or a list/dict of them), got None.");
  std::vector<Tensor> xs = to_tensors(x, who, input_names(model));
  std::vector<Tensor> ys = to_tensors(y, who, model.output_names());
  FitOptions o;
  o.batch_size = batch_of(batch_size, 32);
  o.epochs = epochs;
  o.verbose = verbose_of(verbose);
  o.validation_split = validation_split;
  o.shuffle = shuffle;
  o.initial_epoch = initial_epoch;
  o.steps_per_epoch = batch_of(steps_per_epoch, 0);
  o.sample_weight = weights_of(sample_weight, who);
  if (!communicator.is_none()) {  // data-parallel: merezha.distribute.init()'s communicator
    if (!nb::isinstance<dist::Communicator>(communicator))
      throw ValueError(str("Model.fit: communicator: expected a merezha.distribute.Communicator "
                           "(from merezha.distribute.init()), got ",
                           py_type_name(communicator), "."));
    o.communicator = nb::cast<std::shared_ptr<dist::Communicator>>(communicator);
  }
  if (!class_weight.is_none()) {
    if (!nb::isinstance<nb::dict>(class_weight))
      throw ValueError(str("Model.fit: class_weight: expected a dict {class: weight}, got ",
                           py_type_name(class_weight), "."));
    for (auto [k, v] : nb::borrow<nb::dict>(class_weight))
      o.class_weight[nb::cast<int64_t>(k)] = nb::cast<double>(v);
  }
  if (!validation_data.is_none()) {
    if (!(nb::isinstance<nb::tuple>(validation_data) ||
          nb::isinstance<nb::list>(validation_data)) ||
        nb::len(validation_data) != 2)
      throw ValueError("Model.fit: validation_data: expected a tuple (x_val, y_val).");
    o.validation_data = std::make_pair(
        Tensors(to_tensors(validation_data[0], "Model.fit: validation_data", input_names(model))),
        Tensors(
            to_tensors(validation_data[1], "Model.fit: validation_data", model.output_names())));
  }
  nb::object self = nb::find(&model);
  CallbackBinding binding(callbacks, self, &model);
  o.callbacks = binding.specs();
  History history;
  {
    StdoutSync sync;
    nb::gil_scoped_release release;
    history = model.fit(Tensors(xs), Tensors(ys), std::move(o));
  }
  binding.raise_pending();
  nb::dict h;
  for (const auto& [key, values] : history.history) h[key.c_str()] = nb::cast(values);
  nb::dict params;
  params["epochs"] = epochs;
  params["verbose"] = verbose_of(verbose);
  params["steps"] = history.params().steps;
  return nb::module_::import_("merezha.callbacks")
      .attr("History")
      .attr("_from_fit")(h, nb::cast(history.epoch), params, self);
}

nb::object evaluate_model(Model& model, nb::handle x, nb::handle y, nb::handle batch_size,
                          nb::handle verbose, nb::handle sample_weight, nb::handle steps,
                          nb::handle callbacks, bool return_dict, nb::kwargs) {
  const char* who = "Model.evaluate";
  if (x.is_none()) throw ValueError("Model.evaluate: x: expected an array, got None.");
  if (y.is_none()) throw ValueError("Model.evaluate: y: expected an array, got None.");
  std::vector<Tensor> xs = to_tensors(x, who, input_names(model));
  std::vector<Tensor> ys = to_tensors(y, who, model.output_names());
  EvaluateOptions o;
  o.batch_size = batch_of(batch_size, 32);
  o.verbose = verbose_of(verbose);
  o.sample_weight = weights_of(sample_weight, who);
  CallbackBinding binding(callbacks, nb::find(&model), &model);
  o.callbacks = binding.specs();
  Logs logs;
  {
    StdoutSync sync;
    nb::gil_scoped_release release;
    logs = model.evaluate(Tensors(xs), Tensors(ys), std::move(o));
  }
  return logs_result(model, logs, return_dict);
}

nb::object predict_model(Model& model, nb::handle x, nb::handle batch_size, nb::handle verbose,
                         nb::handle steps, nb::handle callbacks) {
  if (x.is_none()) throw ValueError("Model.predict: x: expected an array, got None.");
  std::vector<Tensor> xs = to_tensors(x, "Model.predict", input_names(model));
  PredictOptions o;
  o.batch_size = batch_of(batch_size, 32);
  o.verbose = verbose_of(verbose);
  CallbackBinding binding(callbacks, nb::find(&model), &model);
  o.callbacks = binding.specs();
  std::vector<Tensor> outs;
  {
    StdoutSync sync;
    nb::gil_scoped_release release;
    outs = model.predict_outputs(Tensors(xs), std::move(o));
  }
  return outputs_numpy(outs);
}

void sequential_add(Sequential& seq, nb::handle layer) {
  if (layer.is_none()) throw ValueError(str(seq.who(), ": add: expected a layer, got None."));
  if (nb::isinstance<KerasTensor>(layer)) {
    seq.add(LayerPtr(nb::cast<KerasTensor>(layer)));
    return;
  }
  if (!nb::isinstance<Layer>(layer))
    throw ValueError(str(seq.who(), ": add: expected a layer, got ", py_type_name(layer), "."));
  if (seq.layers().empty() && nb::hasattr(layer, "_mz_input_shape"))
    seq.add(LayerPtr(Input(shape_from(layer.attr("_mz_input_shape"), "input_shape"))));
  seq.add(LayerPtr(nb::cast<std::shared_ptr<Layer>>(layer)));
}

nb::list layer_list(const std::vector<LayerPtr>& layers) {
  nb::list out;
  for (const LayerPtr& l : layers) out.append(nb::cast(l.get()));
  return out;
}

nb::object tensors_list(const std::vector<KerasTensor>& ts) {
  nb::list out;
  for (const KerasTensor& t : ts) out.append(nb::cast(t));
  return out;
}

}  // namespace

// merezha.distribute's Communicator (docs/distributed.md): rank, size, the collectives' timeout
// and order, and a barrier; init() and the shut-down at exit are module functions.
static void bind_communicator(nb::module_& m) {
  nb::class_<dist::Communicator>(
      m, "Communicator",
      "The ranks of a data-parallel job (merezha.distribute.init()); pass it to "
      "Model.fit(communicator=...).")
      .def_prop_ro("rank", &dist::Communicator::rank, "This process's rank, 0 .. size - 1.")
      .def_prop_ro("size", &dist::Communicator::size, "The number of ranks.")
      .def_prop_ro("backend", &dist::Communicator::backend, "\"mpi\" or \"in_process\".")
      .def_prop_rw("timeout", &dist::Communicator::timeout, &dist::Communicator::set_timeout,
                   "Seconds a collective waits for the other ranks before failing (default 60).")
      .def_prop_rw("deterministic", &dist::Communicator::deterministic,
                   &dist::Communicator::set_deterministic,
                   "True (default): sums add the ranks' values in rank order (bitwise "
                   "reproducible); False: MPI's own order.")
      .def(
          "barrier", [](dist::Communicator& c) { c.barrier("barrier"); },
          nb::call_guard<nb::gil_scoped_release>(), "Returns once every rank has called barrier().")
      .def("__repr__", [](const dist::Communicator& c) {
        return str("<Communicator ", c.backend(), " rank ", c.rank(), " of ", c.size(), ">");
      });
  m.def("_distribute_init", &dist::init,
        "The job's communicator: MPI under mpirun, else a world of one rank.");
  m.def("_distribute_shut_down", &dist::mpi_shut_down,
        "Ends MPI now (at exit), whoever still holds the communicator.");
}

void bind_keras_model(nb::module_& m) {
  bind_communicator(m);
  // A model keeps its Python losses, metrics and callbacks alive, and they often refer back to
  // the module that holds the model: a cycle through C++ that Python's collector cannot see,
  // freed only at exit. nanobind would report it as a leak at exit; it is not one.
  nb::set_leak_warnings(false);
  nb::class_<Model, Layer, PyModel>(
      m, "Model",
      "Keras's Model: Model(inputs, outputs) makes a functional model; a subclass that calls "
      "super().__init__() and defines call() is a subclassed model.")
      .def(
          "__init__",
          [](nb::pointer_and_handle<Model> v, nb::args args, nb::kwargs kwargs) {
            // Model(inputs, outputs, ...) is functional; Model() or super().__init__(name=...)
            // in a subclass is a subclassed model.
            bool functional =
                nb::len(args) > 0 || kwargs.contains("inputs") || kwargs.contains("outputs");
            if (nb::len(args) > 2)
              throw ValueError(
                  str("Model: expected at most 2 positional arguments (inputs, "
                      "outputs), got ",
                      nb::len(args), "."));
            nb::object inputs = nb::len(args) > 0 ? nb::borrow(args[0]) : nb::none();
            nb::object outputs = nb::len(args) > 1 ? nb::borrow(args[1]) : nb::none();
            if (kwargs.contains("inputs")) inputs = kwargs["inputs"];
            if (kwargs.contains("outputs")) outputs = kwargs["outputs"];
            nb::dict rest;
            for (auto [key, value] : kwargs)
              if (nb::cast<std::string>(key) != "inputs" && nb::cast<std::string>(key) != "outputs")
                rest[key] = value;
            LayerCommon common = layer_common_from_kwargs(nb::borrow<nb::kwargs>(rest), "Model");
            if (!functional) {
              new (v.p) PyModel(v.h, std::move(common));
              return;
            }
            KerasTensors ins = keras_tensors(inputs, "inputs");
            KerasTensors outs = keras_tensors(outputs, "outputs");
            new (v.p) PyModel(v.h, ins, outs, std::move(common));
          },
          "args"_a, "kwargs"_a)
      .def("compile", &compile_model, "optimizer"_a.none() = "rmsprop",
           "loss"_a.none() = nb::none(), "loss_weights"_a.none() = nb::none(),
           "metrics"_a.none() = nb::none(), "weighted_metrics"_a.none() = nb::none(), "kwargs"_a,
           "Keras's compile: optimizer, loss and metrics as names, objects, configs or functions.")
      .def("fit", &fit_model, "x"_a.none() = nb::none(), "y"_a.none() = nb::none(),
           "batch_size"_a.none() = nb::none(), "epochs"_a = 1, "verbose"_a = "auto",
           "callbacks"_a.none() = nb::none(), "validation_split"_a = 0.0,
           "validation_data"_a.none() = nb::none(), "shuffle"_a = true,
           "class_weight"_a.none() = nb::none(), "sample_weight"_a.none() = nb::none(),
           "initial_epoch"_a = 0, "steps_per_epoch"_a.none() = nb::none(),
           "communicator"_a.none() = nb::none(), "kwargs"_a,
           "Keras's fit on NumPy arrays; returns a History. Ctrl-C stops after the current batch "
           "and raises KeyboardInterrupt. communicator (merezha.distribute.init()) trains "
           "data-parallel over the ranks of an mpirun job: batch_size is the global batch.")
      .def("evaluate", &evaluate_model, "x"_a.none() = nb::none(), "y"_a.none() = nb::none(),
           "batch_size"_a.none() = nb::none(), "verbose"_a = "auto",
           "sample_weight"_a.none() = nb::none(), "steps"_a.none() = nb::none(),
           "callbacks"_a.none() = nb::none(), "return_dict"_a = false, "kwargs"_a,
           "The loss (and metrics: a list, or a dict with return_dict=True) over (x, y).")
      .def("predict", &predict_model, "x"_a.none(), "batch_size"_a.none() = nb::none(),
           "verbose"_a = "auto", "steps"_a.none() = nb::none(), "callbacks"_a.none() = nb::none(),
           "The outputs for x as NumPy arrays (a list for several outputs).")
      .def(
          "train_on_batch",
          [](Model& model, nb::handle x, nb::handle y, nb::handle sample_weight,
             nb::handle class_weight, bool return_dict) {
            std::vector<Tensor> xs = to_tensors(x, "Model.train_on_batch", input_names(model));
            std::vector<Tensor> ys = to_tensors(y, "Model.train_on_batch", model.output_names());
            Tensor sw = weights_of(sample_weight, "Model.train_on_batch");
            Logs logs;
            {
              nb::gil_scoped_release release;
              logs = model.train_on_batch(Tensors(xs), Tensors(ys), sw);
            }
            return logs_result(model, logs, return_dict);
          },
          "x"_a.none(), "y"_a.none() = nb::none(), "sample_weight"_a.none() = nb::none(),
          "class_weight"_a.none() = nb::none(), "return_dict"_a = false)
      .def(
          "test_on_batch",
          [](Model& model, nb::handle x, nb::handle y, nb::handle sample_weight, bool return_dict) {
            std::vector<Tensor> xs = to_tensors(x, "Model.test_on_batch", input_names(model));
            std::vector<Tensor> ys = to_tensors(y, "Model.test_on_batch", model.output_names());
            Tensor sw = weights_of(sample_weight, "Model.test_on_batch");
            Logs logs;
            {
              nb::gil_scoped_release release;
              logs = model.test_on_batch(Tensors(xs), Tensors(ys), sw);
            }
            return logs_result(model, logs, return_dict);
          },
          "x"_a.none(), "y"_a.none() = nb::none(), "sample_weight"_a.none() = nb::none(),
          "return_dict"_a = false)
      .def(
          "predict_on_batch",
          [](Model& model, nb::handle x) {
            std::vector<Tensor> xs = to_tensors(x, "Model.predict_on_batch", input_names(model));
            Tensor out;
            {
              nb::gil_scoped_release release;
              out = model.predict_on_batch(Tensors(xs));
            }
            return to_numpy(out);
          },
          "x"_a.none())
      .def(
          "summary",
          [](const Model& model, nb::handle line_length, nb::handle print_fn, nb::kwargs) {
            std::string text =
                model.summary(line_length.is_none() ? 0 : nb::cast<int>(line_length));
            if (print_fn.is_none())
              nb::module_::import_("builtins").attr("print")(text, "end"_a = "");
            else
              print_fn(text);
          },
          "line_length"_a.none() = nb::none(), "print_fn"_a.none() = nb::none(), "kwargs"_a,
          "Prints Keras's summary table (or passes it to print_fn).")
      .def(
          "save",
          [](const Model& model, const std::string& filepath, nb::kwargs) {
            nb::gil_scoped_release release;
            save_model(model, filepath);
          },
          "filepath"_a, "kwargs"_a, "Saves a Keras 3 .keras archive.")
      .def(
          "save_weights",
          [](const Model& model, const std::string& filepath, nb::kwargs) {
            nb::gil_scoped_release release;
            save_weights(model, filepath);
          },
          "filepath"_a, "kwargs"_a, "Saves the weights as a Keras .weights.h5 file.")
      .def(
          "load_weights",
          [](Model& model, const std::string& filepath, nb::kwargs) {
            nb::gil_scoped_release release;
            load_weights(model, filepath);
          },
          "filepath"_a, "kwargs"_a, "Loads weights saved by save_weights (merezha or Keras).")
      .def(
          "to_json",
          [](const Model& model, nb::kwargs) { return detail::serialize_layer(model).dump(); },
          "kwargs"_a, "Keras's JSON of the model (architecture only).")
      .def(
          "get_layer",
          [](const Model& model, nb::handle name, nb::handle index) -> std::shared_ptr<Layer> {
            std::vector<LayerPtr> layers = model.layers();
            if (!index.is_none()) {
              int64_t i = nb::cast<int64_t>(index);
              if (i < 0 || i >= static_cast<int64_t>(layers.size()))
                throw ValueError(str(model.who(), ": get_layer: index ", i, " out of range (",
                                     layers.size(), " layers)."));
              return layers[i].get();
            }
            std::string n = name.is_none() ? std::string() : nb::cast<std::string>(name);
            for (const LayerPtr& l : layers)
              if (l->name() == n) return l.get();
            throw ValueError(str(model.who(), ": get_layer: no layer named \"", n, "\"."));
          },
          "name"_a.none() = nb::none(), "index"_a.none() = nb::none())
      .def_prop_ro("layers", [](const Model& model) { return layer_list(model.layers()); })
      .def_prop_ro("inputs", [](const Model& model) { return tensors_list(model.inputs()); })
      .def_prop_ro("outputs", [](const Model& model) { return tensors_list(model.outputs()); })
      .def_prop_ro("output_names", &Model::output_names)
      .def_prop_ro("optimizer", [](const Model& model) { return model.optimizer(); })
      .def_prop_ro("compiled", &Model::compiled)
      .def_prop_ro("metrics_names",
                   [](Model& model) {
                     std::vector<std::string> names{"loss"};
                     for (const MetricPtr& metric : model.metrics())
                       if (metric) names.push_back(metric->name());
                     return names;
                   })
      .def_rw("stop_training", &Model::stop_training)
      .def("reset_metrics", &Model::reset_metrics);

  nb::class_<Sequential, Model>(m, "Sequential", "Keras's Sequential: a linear stack of layers.")
      .def(nb::new_([](nb::handle layers, bool trainable, nb::handle name) {
             auto seq =
                 std::make_shared<Sequential>(std::vector<LayerPtr>{}, common_of(name, trainable));
             if (!layers.is_none()) {
               if (!nb::hasattr(layers, "__iter__"))
                 throw ValueError(str("Sequential: layers: expected a list of layers, got ",
                                      py_type_name(layers), "."));
               for (nb::handle l : layers) sequential_add(*seq, l);
             }
             return seq;
           }),
           "layers"_a.none() = nb::none(), "trainable"_a = true, "name"_a.none() = nb::none())
      .def("add", &sequential_add, "layer"_a.none(), "Appends a layer (or an Input()).")
      .def("pop", &Sequential::pop, "Removes the last layer.");

  m.def(
      "load_model",
      [](const std::string& filepath, bool compile, nb::kwargs) {
        nb::gil_scoped_release release;
        return load_model(filepath, {.compile = compile});
      },
      "filepath"_a, "compile"_a = true, "kwargs"_a,
      "A model from a Keras 3 .keras archive (merezha's or Keras's).");
  m.def(
      "model_from_json",
      [](const std::string& json) { return Model::from_config(Json::parse(json)); }, "json"_a,
      "A model from Keras's JSON (Model.to_json()).");
}

}  // namespace mz::py
