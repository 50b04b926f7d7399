// merezha.Layer (every Keras layer, made from its Keras config through the C++ registry, and
// the base of layers subclassed in Python: keras_subclass.h), Variable, KerasTensor and
// Input(): the layer half of the Keras face. Layers are held by std::shared_ptr.
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "keras_common.h"
#include "keras_subclass.h"
#include "mz/core/generator.h"
#include "mz/core/grad_mode.h"
#include "mz/core/thread_pool.h"
#include "mz/nn/layer.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/registry.h"
#include "mz/nn/model_utils.h"
#include "tensor_convert.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace mz::py {
namespace {

using LayerP = std::shared_ptr<Layer>;

nb::list weight_list(const std::vector<VariablePtr>& vars) {
  nb::list out;
  for (const VariablePtr& v : vars) out.append(nb::cast(v));
  return out;
}

// Whether obj is a KerasTensor or a non-empty list/tuple of them.
bool is_symbolic(nb::handle obj) {
  if (nb::isinstance<KerasTensor>(obj)) return true;
  if (!nb::isinstance<nb::list>(obj) && !nb::isinstance<nb::tuple>(obj)) return false;
  bool any = false;
  for (nb::handle item : obj) {
    if (!nb::isinstance<KerasTensor>(item)) return false;
    any = true;
  }
  return any;
}

// Layer.__call__: symbolic inputs record a node of the functional graph; arrays run the layer.
nb::object call_layer(const LayerP& layer, nb::handle inputs, nb::handle training) {
  const std::string who = layer->who();
  if (inputs.is_none())
    throw ValueError(str(who, ": expected an input (an array or a KerasTensor), got None."));
  if (is_symbolic(inputs)) {
    std::vector<KerasTensor> xs;
    bool single = nb::isinstance<KerasTensor>(inputs);
    if (single)
      xs.push_back(nb::cast<KerasTensor>(inputs));
    else
      for (nb::handle item : inputs) xs.push_back(nb::cast<KerasTensor>(item));
    std::vector<KerasTensor> ys = detail::call_symbolic(layer, xs);
    if (ys.size() == 1) return nb::cast(ys[0]);
    nb::list out;
    for (const KerasTensor& y : ys) out.append(nb::cast(y));
    return out;
  }
  // training=None inside a Python layer's call() inherits that call's flag (Keras's context).
  bool train = training.is_none() ? current_training() == 1 : nb::cast<bool>(training);
  // On merezha Tensors (a sublayer in a Python call(), or ops on tensors) gradients flow;
  // on arrays the call is inference.
  bool on_tensors = nb::isinstance<Tensor>(inputs);
  if (!on_tensors && (nb::isinstance<nb::list>(inputs) || nb::isinstance<nb::tuple>(inputs)))
    for (nb::handle item : inputs) on_tensors = on_tensors || nb::isinstance<Tensor>(item);
  std::vector<Tensor> xs = to_tensors(inputs, who.c_str(), {});
  std::vector<Tensor> ys;
  if (on_tensors) {
    ys = (*layer)(xs, train);
  } else {
    nb::gil_scoped_release release;
    NoGrad no_grad;
    ys = (*layer)(xs, train);
  }
  if (ys.size() == 1) return nb::cast(ys[0]);
  nb::list out;
  for (const Tensor& y : ys) out.append(nb::cast(y));
  return out;
}

void set_layer_weights(Layer& layer, nb::handle values) {
  if (values.is_none() || !nb::hasattr(values, "__iter__"))
    throw ValueError(str(layer.who(), ": set_weights: expected a list of arrays, got ",
                         values.is_none()
                             ? std::string("None")
                             : nb::cast<std::string>(nb::handle(values.type()).attr("__name__")),
                         "."));
  std::vector<Tensor> ts;
  std::string who = str(layer.who(), ": set_weights");
  for (nb::handle v : values) ts.push_back(to_tensor(v, who.c_str()));
  layer.set_weights(ts);
}

nb::object weights_numpy(const Layer& layer) {
  nb::list out;
  for (const Tensor& t : layer.get_weights()) out.append(to_numpy(t));
  return out;
}

KerasTensor make_input(nb::handle shape, nb::handle batch_size, nb::handle dtype, nb::handle sparse,
                       nb::handle batch_shape, nb::handle name, nb::handle tensor) {
  const char* who = "Input";
  if (!sparse.is_none() && nb::cast<bool>(sparse))
    throw ValueError("Input: sparse=True: merezha has dense tensors only.");
  if (!tensor.is_none())
    throw ValueError("Input: tensor=: expected None (merezha makes inputs from shapes).");
  InputOptions options;
  options.dtype = dtype_from(dtype, DType::f32, who);
  if (!name.is_none()) options.name = nb::cast<std::string>(name);
  Shape s;
  if (!batch_shape.is_none()) {
    Shape full = shape_from(batch_shape, who);
    if (full.rank() < 1) throw ValueError("Input: batch_shape: expected at least one dimension.");
    if (full[0] >= 0) options.batch_size = full[0];
    std::vector<int64_t> dims = full.vec();
    std::vector<int64_t> rest(dims.begin() + 1, dims.end());
    s = Shape(rest);
  } else {
    if (shape.is_none()) throw ValueError("Input: expected shape= or batch_shape=, got neither.");
    s = shape_from(shape, who);
    if (!batch_size.is_none()) options.batch_size = nb::cast<int64_t>(batch_size);
  }
  return Input(s, options);
}

}  // namespace

void bind_keras_layers(nb::module_& m) {
  install_layer_fallback();
  nb::class_<Variable>(m, "Variable", "A weight of a layer (Keras's Variable).")
      .def_ro("name", &Variable::name)
      .def_ro("path", &Variable::path)
      .def_prop_ro("trainable", [](const Variable& v) { return v.trainable; })
      .def_prop_ro("shape", [](const Variable& v) { return shape_tuple(v.value.shape()); })
      .def_prop_ro("dtype",
                   [](const Variable& v) { return std::string(dtype_name(v.value.dtype())); })
      .def_prop_ro("value", [](const Variable& v) { return v.value.detach(); })
      .def(
          "numpy", [](const Variable& v) { return to_numpy(v.value.detach().clone()); },
          "A copy of the value as a NumPy array.")
      .def(
          "__array__",
          [](const Variable& v, nb::handle dtype, nb::handle) {
            nb::object a = to_numpy(v.value.detach().clone());
            return dtype.is_none() ? a : a.attr("astype")(dtype);
          },
          "dtype"_a = nb::none(), "copy"_a = nb::none())
      .def(
          "assign",
          [](Variable& v, nb::handle value) {
            Tensor src = to_tensor(value, str("Variable '", v.path, "': assign").c_str());
            if (!(src.shape() == v.value.shape()))
              throw ShapeError(str("Variable '", v.path, "': assign: expected shape ",
                                   v.value.shape(), ", got ", src.shape(), "."));
            NoGrad no_grad;
            v.value.copy_(src.to(v.value.dtype()));
          },
          "value"_a.none(), "Sets the value (same shape; cast to the variable's dtype).")
      .def("__repr__", [](const Variable& v) {
        return str("<Variable path=", v.path, ", shape=", v.value.shape(),
                   ", dtype=", dtype_name(v.value.dtype()), ">");
      });

  nb::class_<KerasTensor>(m, "KerasTensor",
                          "A symbolic tensor of the functional API (made by Input() and by "
                          "calling layers on KerasTensors).")
      .def_prop_ro("shape", [](const KerasTensor& t) { return shape_tuple(t.shape()); })
      .def_prop_ro("dtype", [](const KerasTensor& t) { return std::string(dtype_name(t.dtype())); })
      .def_prop_ro("ndim", &KerasTensor::rank)
      .def_prop_ro("name", &KerasTensor::name)
      .def("__repr__", [](const KerasTensor& t) {
        return str("<KerasTensor shape=", detail::keras_shape(t.shape()),
                   ", dtype=", dtype_name(t.dtype()), ", sparse=False, name=", t.name(), ">");
      });

  nb::class_<Layer, PyLayer>(m, "Layer", nb::dynamic_attr(),
                             "A Keras layer. Make one with merezha.layers.<ClassName>(...) or "
                             "layer_from_config(), or subclass it in Python (build, call).")
      .def(
          "__init__",
          [](nb::pointer_and_handle<Layer> v, nb::kwargs kwargs) {
            LayerCommon common = layer_common_from_kwargs(kwargs, "Layer");
            new (v.p) PyLayer(v.h, std::move(common));
            nb::object shape;
            if (kwargs.contains("input_shape")) shape = kwargs["input_shape"];
            if (kwargs.contains("input_dim")) shape = nb::make_tuple(kwargs["input_dim"]);
            if (kwargs.contains("batch_input_shape")) {
              nb::list rest;
              nb::object full = kwargs["batch_input_shape"];
              for (size_t i = 1; i < nb::len(full); ++i) rest.append(full[i]);
              shape = rest;
            }
            if (shape.is_valid()) nb::setattr(v.h, "_mz_input_shape", nb::tuple(shape));
          },
          "kwargs"_a,
          "Keras's Layer(**kwargs) for subclasses: name, trainable, dtype (and input_shape).")
      .def(
          "add_weight",
          [](Layer& l, nb::handle shape, nb::handle initializer, nb::handle dtype, bool trainable,
             bool, nb::handle regularizer, nb::handle constraint, nb::handle, bool,
             nb::handle name) {
            return add_weight_py(l, shape, initializer, dtype, trainable, regularizer, constraint,
                                 name);
          },
          "shape"_a.none() = nb::none(), "initializer"_a.none() = nb::none(),
          "dtype"_a.none() = nb::none(), "trainable"_a = true, "autocast"_a = true,
          "regularizer"_a.none() = nb::none(), "constraint"_a.none() = nb::none(),
          "aggregation"_a.none() = "none", "overwrite_with_gradient"_a = false,
          "name"_a.none() = nb::none(),
          "Keras's add_weight (in build()): a Variable of this shape, made by the initializer "
          "(a name, an initializer object or a config; default glorot_uniform).")
      .def_prop_ro("name", &Layer::name)
      .def_prop_ro("class_name", &Layer::class_name)
      .def_prop_ro("dtype", [](const Layer& l) { return std::string(dtype_name(l.dtype())); })
      .def_prop_rw(
          "built", &Layer::built, [](Layer&, bool) {},
          "Whether the layer is built; merezha marks it after build() (setting it is ignored).")
      .def_prop_rw("trainable", &Layer::trainable, &Layer::set_trainable)
      .def_prop_ro("weights", [](const Layer& l) { return weight_list(l.weights()); })
      .def_prop_ro("trainable_weights",
                   [](const Layer& l) { return weight_list(l.trainable_weights()); })
      .def_prop_ro("non_trainable_weights",
                   [](const Layer& l) { return weight_list(l.non_trainable_weights()); })
      .def_prop_ro("variables", [](const Layer& l) { return weight_list(l.weights()); })
      .def("get_weights", &weights_numpy, "The weights as NumPy arrays (copies), in order.")
      .def("set_weights", &set_layer_weights, "weights"_a.none(),
           "Sets the weights from arrays, in get_weights() order; ShapeError on a mismatch.")
      .def("count_params", &Layer::count_params)
      .def(
          "get_config", [](const Layer& l) { return from_json(base_config(l)); },
          "Keras's config dict of the layer.")
      .def("_keras_config", [](const Layer& l) { return from_json(detail::serialize_layer(l)); })
      .def(
          "build",
          [](Layer& l, nb::handle input_shape) {
            std::vector<Shape> shapes;
            if (nb::isinstance<nb::list>(input_shape) && nb::len(input_shape) > 0 &&
                !nb::isinstance<nb::int_>(input_shape[0]) && !input_shape[0].is_none())
              for (nb::handle s : input_shape) shapes.push_back(shape_from(s, "Layer.build"));
            else
              shapes.push_back(shape_from(input_shape, "Layer.build"));
            l.maybe_build(shapes);
          },
          "input_shape"_a.none(), "Builds the layer for inputs of this shape (batch first).")
      .def(
          "compute_output_shape",
          [](Layer& l, nb::handle input_shape) {
            return shape_tuple(
                l.compute_output_shape(shape_from(input_shape, "compute_output_shape")));
          },
          "input_shape"_a.none())
      .def("__call__", &call_layer, "inputs"_a.none(), "training"_a = nb::none(),
           "Calls the layer: on KerasTensors it records a node (functional API); on arrays "
           "it computes (a Tensor, or a list for several outputs).")
      .def("__repr__", [](const Layer& l) {
        return str("<", l.class_name(), " name=", l.name(),
                   ", built=", l.built() ? "True" : "False", ">");
      });

  m.def(
      "layer_from_config",
      [](nb::handle config) -> LayerP {
        return layer_from_config(to_json(config, "layer_from_config")).get();
      },
      "config"_a.none(),
      "A layer from Keras's {\"class_name\": ..., \"config\": {...}} (registry of the C++ core).");
  m.def("layer_class_names", &layer_class_names, "The Keras class names merezha can make.");
  m.def("Input", &make_input, "shape"_a = nb::none(), "batch_size"_a = nb::none(),
        "dtype"_a = nb::none(), "sparse"_a = nb::none(), "batch_shape"_a = nb::none(),
        "name"_a = nb::none(), "tensor"_a = nb::none(),
        "Keras's Input: the symbolic tensor of an InputLayer; shape excludes the batch.");
  m.def(
      "clear_session", [] { clear_session(); }, "Forgets the layer names handed out.");
  m.def(
      "set_random_seed", [](uint64_t seed) { default_generator().reseed(seed); }, "seed"_a,
      "Seeds the default generator (initializers, dropout, shuffling).");
  m.def(
      "set_num_threads", [](int n) { set_num_threads(n); }, "n"_a,
      "Sets the number of threads the CPU kernels use.");
  m.def(
      "num_threads", [] { return num_threads(); }, "The number of threads the kernels use.");
}

}  // namespace mz::py
