// Layer: names, lazy build on the first call, weights and their flags, regularization losses,
// set/get_weights, the default shape inference and Keras's base config.
#include "mz/nn/layer.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <regex>

#include "mz/core/grad_mode.h"
#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/regularizers.h"
#include "mz/ops/creation.h"
#include "mz/ops/shape.h"

namespace mz {

// ----- names -----

namespace {

struct NameRegistry {
  std::mutex mutex;
  std::map<std::string, int64_t> uses;  // base name -> times handed out
};

NameRegistry& names() {
  static NameRegistry registry;
  return registry;
}

// The shape a layer is built for: the batch dimension (the first) becomes -1.
Shape without_batch(const Shape& shape) {
  Shape s = shape;
  if (s.rank() > 0) s[0] = -1;
  return s;
}

}  // namespace

std::string to_snake_case(const std::string& class_name) {
  // Keras: drop non-word characters, split before Capitalized words, then between a lower-case
  // letter and an upper-case one, and lower everything ("Conv2D" -> "conv2d").
  static const std::regex non_word(R"(\W+)");
  static const std::regex cap_word("(.)([A-Z][a-z]+)");
  static const std::regex lower_upper("([a-z])([A-Z])");
  std::string name = std::regex_replace(class_name, non_word, "");
  name = std::regex_replace(name, cap_word, "$1_$2");
  name = std::regex_replace(name, lower_upper, "$1_$2");
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::string unique_layer_name(const std::string& base) {
  NameRegistry& r = names();
  std::lock_guard<std::mutex> lock(r.mutex);
  int64_t n = r.uses[base]++;
  return n == 0 ? base : str(base, "_", n);
}

void clear_session() {
  NameRegistry& r = names();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.uses.clear();
}

// ----- construction and calls -----

Layer::Layer(std::string class_name, LayerCommon common)
    : class_name_(std::move(class_name)),
      name_(common.name.empty() ? unique_layer_name(to_snake_case(class_name_))
                                : std::move(common.name)),
      trainable_(common.trainable),
      dtype_(common.dtype) {}

std::string Layer::who() const { return str(class_name_, " '", name_, "'"); }

void Layer::set_trainable(bool trainable) {
  trainable_ = trainable;
  for (const VariablePtr& v : created_trainable_) {
    v->trainable = trainable;
    v->value.set_requires_grad(trainable);
  }
}

void Layer::maybe_build(const std::vector<Shape>& input_shapes) {
  if (built_) return;
  build_multi(input_shapes);
  if (!built_) mark_built(input_shapes);
}

void Layer::mark_built(const std::vector<Shape>& shapes) {
  built_ = true;
  build_shapes_ = shapes;
}

namespace {

// Keras's autocast: a floating input of another dtype is cast to the layer's. Only layers that
// own weights cast, so a model (whose weights live in its layers) passes inputs through as is.
Tensor autocast(const Tensor& x, DType dtype, bool owns_weights) {
  if (!owns_weights || !x.defined() || !is_floating(x.dtype()) || x.dtype() == dtype) return x;
  return cast(x, dtype);
}

}  // namespace

Tensor Layer::operator()(const Tensor& x, bool training) {
  if (!x.defined()) throw ValueError(str(who(), ": called on an undefined tensor."));
  maybe_build({without_batch(x.shape())});
  activity_losses_.clear();
  Tensor y = call(autocast(x, dtype_, !weights_.empty()), training);
  if (activity_regularizer_ && y.defined()) activity_losses_.push_back((*activity_regularizer_)(y));
  return y;
}

std::vector<Tensor> Layer::prepare(const std::vector<Tensor>& xs) {
  std::vector<Shape> shapes;
  for (const Tensor& x : xs) {
    if (!x.defined()) throw ValueError(str(who(), ": called on an undefined tensor."));
    shapes.push_back(without_batch(x.shape()));
  }
  maybe_build(shapes);
  std::vector<Tensor> cast_xs;
  for (const Tensor& x : xs) cast_xs.push_back(autocast(x, dtype_, !weights_.empty()));
  return cast_xs;
}

std::vector<Tensor> Layer::operator()(const std::vector<Tensor>& xs, bool training) {
  return call_with_masks(xs, {}, training, nullptr);
}

std::vector<Tensor> Layer::call_with_masks(const std::vector<Tensor>& xs,
                                           const std::vector<Tensor>& masks, bool training,
                                           std::vector<Tensor>* out_masks) {
  if (!masks.empty() && masks.size() != xs.size())
    throw InternalError(str(who(), ": call_with_masks: ", xs.size(), " inputs but ",
                            masks.size(), " masks; this is a bug in merezha; please report it."));
  std::vector<Tensor> cast_xs = prepare(xs);
  activity_losses_.clear();
  bool any_mask = false;
  for (const Tensor& m : masks) any_mask = any_mask || m.defined();
  std::vector<Tensor> ys = any_mask ? call_masked(cast_xs, masks, training)
                                    : call_multi(cast_xs, training);
  if (activity_regularizer_)
    for (const Tensor& y : ys)
      if (y.defined()) activity_losses_.push_back((*activity_regularizer_)(y));
  if (out_masks) {
    out_masks->assign(ys.size(), Tensor{});
    if (supports_masking_) {
      std::vector<Tensor> full = masks;
      full.resize(xs.size());
      std::vector<Tensor> ms = compute_mask(cast_xs, full);
      for (std::size_t i = 0; i < ms.size() && i < ys.size(); ++i) (*out_masks)[i] = ms[i];
    }
  }
  return ys;
}

std::vector<Tensor> Layer::call_masked(const std::vector<Tensor>& xs,
                                       const std::vector<Tensor>& /*masks*/, bool training) {
  return call_multi(xs, training);
}

std::vector<Tensor> Layer::compute_mask(const std::vector<Tensor>& xs,
                                        const std::vector<Tensor>& masks) {
  Tensor first = masks.empty() ? Tensor{} : masks[0];
  return std::vector<Tensor>(std::max<std::size_t>(xs.size(), 1), first);
}

Tensor Layer::call(const Tensor& x, bool /*training*/) { return x; }

void Layer::build_multi(const std::vector<Shape>& input_shapes) {
  if (input_shapes.empty())
    throw ValueError(str(who(), ": build needs at least one input shape, got none."));
  build(input_shapes[0]);
}

std::vector<Tensor> Layer::call_multi(const std::vector<Tensor>& xs, bool training) {
  std::vector<Tensor> ys;
  for (const Tensor& x : xs) ys.push_back(call(x, training));
  return ys;
}

Shape Layer::compute_output_shape(const Shape& input_shape) {
  // Traces call() on zeros with batch 1 (building the layer if needed) and reports batch -1.
  Shape probe = input_shape;
  if (probe.rank() > 0) probe[0] = 1;
  for (int i = 1; i < probe.rank(); ++i)
    if (probe[i] < 0)
      throw ShapeError(str(who(),
                           ": cannot infer the output shape: expected known dimensions "
                           "after the batch one, got ",
                           input_shape, "."));
  maybe_build({without_batch(input_shape)});
  NoGrad no_grad;
  Shape out = call(zeros(probe, {.dtype = dtype_}), false).shape();
  if (out.rank() > 0 && input_shape.rank() > 0) out[0] = input_shape[0];
  return out;
}

std::vector<Shape> Layer::compute_output_shapes(const std::vector<Shape>& input_shapes) {
  if (input_shapes.size() == 1) return {compute_output_shape(input_shapes[0])};
  // Several inputs: traces call_multi() on zeros with batch 1 and reports the batch given.
  std::vector<Tensor> probes;
  for (const Shape& s : input_shapes) {
    Shape probe = s;
    if (probe.rank() > 0) probe[0] = 1;
    for (int i = 1; i < probe.rank(); ++i)
      if (probe[i] < 0)
        throw ShapeError(str(who(),
                             ": cannot infer the output shapes: expected known dimensions "
                             "after the batch one, got ",
                             s, "."));
    probes.push_back(zeros(probe, {.dtype = dtype_}));
  }
  std::vector<Shape> without;
  for (const Shape& s : input_shapes) without.push_back(without_batch(s));
  maybe_build(without);
  NoGrad no_grad;
  std::vector<Shape> out;
  for (const Tensor& y : call_multi(probes, false)) {
    // Output i takes the batch of input i (of the first input past the inputs).
    const Shape& in = input_shapes[std::min(out.size(), input_shapes.size() - 1)];
    Shape shape = y.shape();
    if (shape.rank() > 0 && in.rank() > 0) shape[0] = in[0];
    out.push_back(shape);
  }
  return out;
}

Json Layer::config() const {
  Json c = {{"name", name_}, {"trainable", trainable_}, {"dtype", dtype_policy_config(dtype_)}};
  if (activity_regularizer_)
    c["activity_regularizer"] = regularizer_to_config(activity_regularizer_);
  return c;
}

// ----- weights -----

VariablePtr Layer::add_weight(const std::string& name, const Shape& shape,
                              const std::shared_ptr<Initializer>& initializer, bool trainable,
                              std::shared_ptr<Regularizer> regularizer,
                              std::shared_ptr<Constraint> constraint) {
  // Keras's default: glorot_uniform for floating weights, zeros otherwise.
  InitializerPtr init = initializer;
  if (!init)
    init = is_floating(dtype_) ? get_initializer("glorot_uniform") : get_initializer("zeros");
  auto v = std::make_shared<Variable>();
  v->name = name;
  v->path = str(name_, "/", name);
  {
    NoGrad no_grad;
    v->value = (*init)(shape, dtype_);
  }
  if (!(v->value.shape() == shape))
    throw InternalError(str(who(), ": initializer ", init->class_name(), " made ", v->value.shape(),
                            " for weight \"", name, "\" of shape ", shape,
                            "; this is a bug in merezha; please report it."));
  v->trainable = trainable && trainable_;
  if (is_floating(dtype_)) v->value.set_requires_grad(v->trainable);
  v->regularizer = std::move(regularizer);
  v->constraint = std::move(constraint);
  weights_.push_back(v);
  if (trainable) created_trainable_.push_back(v);
  return v;
}

std::vector<VariablePtr> Layer::weights() const { return weights_; }

std::vector<VariablePtr> Layer::trainable_weights() const {
  std::vector<VariablePtr> out;
  if (!trainable_) return out;
  for (const VariablePtr& v : weights())
    if (v->trainable) out.push_back(v);
  return out;
}

std::vector<VariablePtr> Layer::non_trainable_weights() const {
  if (!trainable_) return weights();
  std::vector<VariablePtr> out;
  for (const VariablePtr& v : weights())
    if (!v->trainable) out.push_back(v);
  return out;
}

int64_t Layer::count_params() const {
  int64_t n = 0;
  for (const VariablePtr& v : weights()) n += v->value.numel();
  return n;
}

std::vector<Tensor> Layer::losses() const {
  std::vector<Tensor> out = activity_losses_;
  for (const VariablePtr& v : trainable_weights())
    if (v->regularizer) out.push_back((*v->regularizer)(v->value));
  return out;
}

void Layer::set_weights(const std::vector<Tensor>& values) {
  std::vector<VariablePtr> ws = weights();
  if (values.size() != ws.size()) {
    std::string expected;
    for (const VariablePtr& v : ws)
      expected += str(expected.empty() ? "" : ", ", v->name, " ", v->value.shape());
    throw ValueError(str(who(), ": set_weights: expected ", ws.size(), " arrays (", expected,
                         "), got ", values.size(), "."));
  }
  for (std::size_t i = 0; i < ws.size(); ++i)
    if (!values[i].defined() || !(values[i].shape() == ws[i]->value.shape()))
      throw ShapeError(str(who(), ": set_weights: weight \"", ws[i]->name,
                           "\" has the wrong shape: expected ", ws[i]->value.shape(), ", got ",
                           values[i].defined() ? to_string(values[i].shape()) : "undefined", "."));
  NoGrad no_grad;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    Tensor& w = ws[i]->value;
    Tensor src = values[i].detach().to(w.device()).to(w.dtype());
    w.copy_(src);
  }
}

std::vector<Tensor> Layer::get_weights() const {
  NoGrad no_grad;
  std::vector<Tensor> out;
  for (const VariablePtr& v : weights()) out.push_back(v->value.detach().clone());
  return out;
}

// ----- configs -----

Json dtype_policy_config(DType dtype) {
  return {{"module", "keras"},
          {"class_name", "DTypePolicy"},
          {"config", {{"name", dtype_name(dtype)}}},
          {"registered_name", nullptr}};
}

DType dtype_from_config(const Json& dtype, const std::string& who) {
  if (dtype.is_null()) return DType::f32;
  std::string name;
  if (dtype.is_string()) {
    name = dtype.get<std::string>();
  } else if (dtype.is_object() && dtype.contains("config") && dtype["config"].is_object() &&
             dtype["config"].contains("name") && dtype["config"]["name"].is_string()) {
    name = dtype["config"]["name"].get<std::string>();
  } else {
    throw ValueError(str(who, ": config \"dtype\": expected a dtype name or a DTypePolicy, got ",
                         dtype.dump(), "."));
  }
  for (DType d : {DType::f32, DType::f64, DType::i32, DType::i64, DType::u8})
    if (name == dtype_name(d)) return d;
  throw ValueError(str(who,
                       ": config \"dtype\": unsupported dtype: expected float32, float64, "
                       "int32, int64 or uint8, got \"",
                       name, "\"."));
}

LayerCommon layer_common_from_config(const Json& config, const std::string& who) {
  LayerCommon common;
  common.name = config_get<std::string>(config, "name", "", who);
  common.trainable = config_get(config, "trainable", true, who);
  if (config.is_object() && config.contains("dtype"))
    common.dtype = dtype_from_config(config["dtype"], who);
  return common;
}

}  // namespace mz
