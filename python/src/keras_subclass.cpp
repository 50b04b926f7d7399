// Layers and models subclassed in Python (keras_subclass.h): each hook takes the GIL, looks
// for the Python class's method and converts between merezha Tensors and Keras's Python
// conventions (a shape tuple with None for the batch, one tensor or a list of them).
#include "keras_subclass.h"

#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>

#include <unordered_set>

#include "keras_common.h"
#include "mz/core/error.h"
#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layers/registry.h"
#include "mz/nn/regularizers.h"
#include "tensor_convert.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace mz::py {
namespace {

thread_local int t_training = -1;

// Sets the training flag of the Python call() running on this thread (restored on exit).
class TrainingScope {
 public:
  explicit TrainingScope(bool training) : saved_(t_training) { t_training = training ? 1 : 0; }
  ~TrainingScope() { t_training = saved_; }
  TrainingScope(const TrainingScope&) = delete;
  TrainingScope& operator=(const TrainingScope&) = delete;

 private:
  int saved_;
};

std::string py_type_name(nb::handle obj) {
  return nb::cast<std::string>(nb::handle(obj.type()).attr("__name__"));
}

// Whether the Python class of `self` defines `name` itself rather than inheriting the bound
// merezha.Layer's method.
bool overrides(nb::handle self, const char* name) {
  nb::handle cls = self.type();
  if (!nb::hasattr(cls, name)) return false;
  nb::handle base = nb::type<Layer>();
  return !(nb::hasattr(base, name) && cls.attr(name).is(base.attr(name)));
}

// Whether the class's call() takes a `training` argument (Keras passes it only then); cached
// on the class as __mz_call_training__.
bool call_takes_training(nb::handle self) {
  nb::handle cls = self.type();
  nb::object dict = cls.attr("__dict__");
  if (nb::cast<bool>(dict.attr("__contains__")("__mz_call_training__")))
    return nb::cast<bool>(dict["__mz_call_training__"]);
  nb::object params =
      nb::module_::import_("inspect").attr("signature")(cls.attr("call")).attr("parameters");
  bool takes = nb::cast<bool>(params.attr("__contains__")("training"));
  nb::setattr(cls, "__mz_call_training__", nb::bool_(takes));
  return takes;
}

// One output of a Python call(): a Tensor as it is, a Variable as its value, an array as a
// tensor (no gradient flows through it) cast to the layer's floating dtype.
Tensor result_tensor(nb::handle r, const Layer& layer, const std::string& who) {
  if (nb::isinstance<Tensor>(r)) return nb::cast<Tensor>(r);
  if (nb::isinstance<Variable>(r)) return nb::cast<Variable&>(r).value;
  if (r.is_none())
    throw ValueError(
        str(who, ": call(): expected a merezha Tensor (or a list of them), got None."));
  Tensor t;
  try {
    t = to_tensor(r, who.c_str());
  } catch (const Error&) {
    throw ValueError(str(who, ": call(): expected a merezha Tensor (or a list of them), got ",
                         py_type_name(r), "."));
  }
  if (is_floating(t.dtype()) && t.dtype() != layer.dtype()) t = t.to(layer.dtype());
  return t;
}

// Runs self.call(inputs[, training=...]) with the GIL: one tensor for one input, a list for
// several; the outputs as tensors.
std::vector<Tensor> call_python(PyObject* self, const Layer& layer, const std::vector<Tensor>& xs,
                                bool training) {
  nb::gil_scoped_acquire gil;
  nb::handle s(self);
  const std::string who = layer.who();
  if (!nb::hasattr(s, "call"))
    throw ValueError(
        str(who, ": call: expected the Python subclass to define call(self, inputs), got none."));
  nb::object inputs;
  if (xs.size() == 1) {
    inputs = nb::cast(xs[0]);
  } else {
    nb::list list;
    for (const Tensor& x : xs) list.append(nb::cast(x));
    inputs = list;
  }
  TrainingScope scope(training);
  nb::object fn = s.attr("call");
  nb::object r = call_takes_training(s) ? fn(inputs, "training"_a = training) : fn(inputs);
  std::vector<Tensor> out;
  if (nb::isinstance<nb::list>(r) || nb::isinstance<nb::tuple>(r)) {
    for (nb::handle item : r) out.push_back(result_tensor(item, layer, who));
    if (out.empty())
      throw ValueError(str(who, ": call(): expected a tensor or a non-empty list, got []."));
  } else {
    out.push_back(result_tensor(r, layer, who));
  }
  return out;
}

nb::object shapes_arg(const std::vector<Shape>& shapes) {
  if (shapes.size() == 1) return shape_tuple(shapes[0]);
  nb::list list;
  for (const Shape& s : shapes) list.append(shape_tuple(s));
  return list;
}

// self.build(input_shape) when the class defines build; true if it ran.
bool build_python(PyObject* self, const std::vector<Shape>& shapes) {
  nb::gil_scoped_acquire gil;
  nb::handle s(self);
  if (!overrides(s, "build")) return false;
  s.attr("build")(shapes_arg(shapes));
  return true;
}

// self.compute_output_shape(...) when the class defines it; empty otherwise.
std::vector<Shape> output_shapes_python(PyObject* self, const std::vector<Shape>& shapes,
                                        const std::string& who) {
  nb::gil_scoped_acquire gil;
  nb::handle s(self);
  if (!overrides(s, "compute_output_shape")) return {};
  nb::object r = s.attr("compute_output_shape")(shapes_arg(shapes));
  std::string what = str(who, ": compute_output_shape");
  std::vector<Shape> out;
  bool several = (nb::isinstance<nb::list>(r) || nb::isinstance<nb::tuple>(r)) && nb::len(r) > 0 &&
                 !nb::isinstance<nb::int_>(r[0]) && !r[0].is_none();
  if (several)
    for (nb::handle item : r) out.push_back(shape_from(item, what.c_str()));
  else
    out.push_back(shape_from(r, what.c_str()));
  return out;
}

// The layers the Python object holds as attributes (directly, or in lists, tuples and dict
// values), in attribute order, each once; Keras's automatic tracking.
std::vector<LayerPtr> tracked_layers(PyObject* self, const Layer* me) {
  nb::gil_scoped_acquire gil;
  std::vector<LayerPtr> out;
  std::unordered_set<const Layer*> seen{me};
  auto add = [&](nb::handle item) {
    if (!nb::isinstance<Layer>(item)) return;
    std::shared_ptr<Layer> layer = nb::cast<std::shared_ptr<Layer>>(item);
    if (seen.insert(layer.get()).second) out.emplace_back(layer);
  };
  nb::handle s(self);
  if (!nb::hasattr(s, "__dict__")) return out;
  nb::dict attrs = nb::borrow<nb::dict>(s.attr("__dict__"));
  for (auto [key, value] : attrs) {
    if (nb::isinstance<nb::list>(value) || nb::isinstance<nb::tuple>(value)) {
      for (nb::handle item : value) add(item);
    } else if (nb::isinstance<nb::dict>(value)) {
      for (auto [k, v] : nb::borrow<nb::dict>(value)) add(v);
    } else {
      add(value);
    }
  }
  return out;
}

// get_config() of the Python class as JSON, when it defines one.
bool config_python(PyObject* self, const std::string& who, Json* out) {
  nb::gil_scoped_acquire gil;
  nb::handle s(self);
  if (!overrides(s, "get_config")) return false;
  nb::object c = s.attr("get_config")();
  if (!nb::isinstance<nb::dict>(c))
    throw ValueError(str(who, ": get_config(): expected a dict, got ", py_type_name(c), "."));
  *out = to_json(c, str(who, ": get_config()").c_str());
  return true;
}

std::string class_name_of(nb::handle self) {
  return nb::cast<std::string>(nb::handle(self.type()).attr("__name__"));
}

}  // namespace

LayerCommon layer_common_from_kwargs(nb::kwargs kwargs, const char* who) {
  LayerCommon c;
  for (auto [key, value] : kwargs) {
    std::string k = nb::cast<std::string>(key);
    if (k == "name") {
      if (!value.is_none()) c.name = nb::cast<std::string>(value);
    } else if (k == "trainable") {
      c.trainable = nb::cast<bool>(value);
    } else if (k == "dtype") {
      if (nb::isinstance<nb::dict>(value))
        c.dtype = dtype_from_config(to_json(value, who), who);
      else
        c.dtype = dtype_from(value, DType::f32, who);
    } else if (k != "input_shape" && k != "input_dim" && k != "batch_input_shape" &&
               k != "autocast") {
      throw ValueError(str(who,
                           ": expected keyword arguments among name, trainable, dtype, "
                           "input_shape; got \"",
                           k, "\"."));
    }
  }
  return c;
}

PyLayer::PyLayer(nb::handle self, LayerCommon common)
    : Layer(class_name_of(self), std::move(common)), self_(self.ptr()) {}

void PyLayer::build_multi(const std::vector<Shape>& input_shapes) {
  // build() called by hand from Python has made the weights already: do not make them twice.
  if (!weights_.empty()) return;
  build_python(self_, input_shapes);
}

Tensor PyLayer::call(const Tensor& x, bool training) {
  std::vector<Tensor> ys = call_python(self_, *this, {x}, training);
  if (ys.size() != 1)
    throw ValueError(str(who(), ": call(): expected one tensor, got ", ys.size(), "."));
  return ys[0];
}

std::vector<Tensor> PyLayer::call_multi(const std::vector<Tensor>& xs, bool training) {
  return call_python(self_, *this, xs, training);
}

Shape PyLayer::compute_output_shape(const Shape& input_shape) {
  std::vector<Shape> out = output_shapes_python(self_, {input_shape}, who());
  if (out.empty()) return Layer::compute_output_shape(input_shape);
  return out[0];
}

std::vector<Shape> PyLayer::compute_output_shapes(const std::vector<Shape>& input_shapes) {
  std::vector<Shape> out = output_shapes_python(self_, input_shapes, who());
  return out.empty() ? Layer::compute_output_shapes(input_shapes) : out;
}

Json PyLayer::config() const {
  Json c;
  return config_python(self_, who(), &c) ? c : Layer::config();
}

std::vector<VariablePtr> PyLayer::weights() const {
  std::vector<VariablePtr> out;
  std::unordered_set<const Variable*> seen;
  for (const VariablePtr& v : weights_)
    if (seen.insert(v.get()).second) out.push_back(v);
  for (const LayerPtr& layer : tracked_layers(self_, this))
    for (const VariablePtr& v : layer->weights())
      if (seen.insert(v.get()).second) out.push_back(v);
  return out;
}

std::vector<Tensor> PyLayer::losses() const {
  std::vector<Tensor> out = Layer::losses();
  for (const LayerPtr& layer : tracked_layers(self_, this)) {
    std::vector<Tensor> more = layer->losses();
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

void PyLayer::set_trainable(bool trainable) {
  Layer::set_trainable(trainable);
  for (const LayerPtr& layer : tracked_layers(self_, this)) layer->set_trainable(trainable);
}

PyModel::PyModel(nb::handle self, LayerCommon common)
    : Model(std::move(common), class_name_of(self)), self_(self.ptr()) {}

PyModel::PyModel(nb::handle self, const KerasTensors& inputs, const KerasTensors& outputs,
                 LayerCommon common)
    : Model(inputs, outputs, std::move(common)), self_(self.ptr()) {}

void PyModel::build_multi(const std::vector<Shape>& input_shapes) {
  if (graph() || !weights_.empty() || !build_python(self_, input_shapes))
    Model::build_multi(input_shapes);
}

Tensor PyModel::call(const Tensor& x, bool training) {
  if (graph()) return Model::call(x, training);
  std::vector<Tensor> ys = call_python(self_, *this, {x}, training);
  if (ys.size() != 1)
    throw ValueError(str(who(), ": call(): expected one tensor, got ", ys.size(),
                         " (call the model on a list to get them all)."));
  return ys[0];
}

std::vector<Tensor> PyModel::call_multi(const std::vector<Tensor>& xs, bool training) {
  if (graph()) return Model::call_multi(xs, training);
  return call_python(self_, *this, xs, training);
}

Shape PyModel::compute_output_shape(const Shape& input_shape) {
  std::vector<Shape> out = output_shapes_python(self_, {input_shape}, who());
  if (!out.empty()) return out[0];
  return graph() ? Model::compute_output_shape(input_shape)
                 : Layer::compute_output_shape(input_shape);
}

std::vector<Shape> PyModel::compute_output_shapes(const std::vector<Shape>& input_shapes) {
  std::vector<Shape> out = output_shapes_python(self_, input_shapes, who());
  if (!out.empty()) return out;
  return graph() ? Model::compute_output_shapes(input_shapes)
                 : Layer::compute_output_shapes(input_shapes);
}

Json PyModel::config() const {
  Json c;
  return config_python(self_, who(), &c) ? c : Model::config();
}

std::vector<LayerPtr> PyModel::layers() const {
  return graph() ? Model::layers() : tracked_layers(self_, this);
}

VariablePtr add_weight_py(Layer& layer, nb::handle shape, nb::handle initializer, nb::handle dtype,
                          bool trainable, nb::handle regularizer, nb::handle constraint,
                          nb::handle name) {
  const std::string who = str(layer.who(), ": add_weight");
  if (!dtype.is_none() && dtype_from(dtype, layer.dtype(), who.c_str()) != layer.dtype())
    throw ValueError(str(who, ": dtype: expected the layer's dtype ", dtype_name(layer.dtype()),
                         " (merezha makes weights in the layer's dtype), got ",
                         nb::cast<std::string>(nb::str(dtype)), "."));
  Shape s = shape.is_none() ? Shape() : shape_from(shape, who.c_str());
  for (int i = 0; i < s.rank(); ++i)
    if (s[i] < 0)
      throw ValueError(str(who, ": shape: expected known dimensions, got ",
                           nb::cast<std::string>(nb::repr(shape_tuple(s))), "."));
  InitializerPtr init =
      initializer.is_none() ? nullptr : initializer_from_config(to_json(initializer, who.c_str()));
  RegularizerPtr reg =
      regularizer.is_none() ? nullptr : regularizer_from_config(to_json(regularizer, who.c_str()));
  ConstraintPtr con =
      constraint.is_none() ? nullptr : constraint_from_config(to_json(constraint, who.c_str()));
  std::string n = name.is_none() ? unique_layer_name("variable") : nb::cast<std::string>(name);
  return layer.add_weight(n, s, init, trainable, std::move(reg), std::move(con));
}

Json base_config(const Layer& layer) {
  if (auto* m = dynamic_cast<const PyModel*>(&layer))
    return m->graph() ? m->Model::config() : m->Layer::config();
  if (auto* l = dynamic_cast<const PyLayer*>(&layer)) return l->Layer::config();
  return layer.config();
}

void install_layer_fallback() {
  set_layer_fallback([](const Json& serialized) -> std::shared_ptr<Layer> {
    nb::gil_scoped_acquire gil;
    nb::object layer =
        nb::module_::import_("merezha.saving").attr("_layer_from_config")(from_json(serialized));
    if (layer.is_none()) return nullptr;
    if (!nb::isinstance<Layer>(layer))
      throw ValueError(str("layer_from_config: ", serialized.value("class_name", std::string()),
                           ": expected from_config() to return a merezha Layer, got ",
                           py_type_name(layer), "."));
    return nb::cast<std::shared_ptr<Layer>>(layer);
  });
}

int current_training() { return t_training; }

}  // namespace mz::py
