// Dense: weights, the fused forward through mz::linear, shape checks and the Keras config.
#include "mz/nn/layers/dense.h"

#include "mz/ops/activation.h"
#include "mz/ops/linalg.h"

namespace mz {
namespace layers {
namespace {

// The activations mz::linear fuses, by Keras name.
bool fused_act(const std::string& name, Act* act) {
  if (name == "linear") return *act = Act::linear, true;
  if (name == "relu") return *act = Act::relu, true;
  if (name == "tanh") return *act = Act::tanh, true;
  if (name == "sigmoid") return *act = Act::sigmoid, true;
  return false;
}

// Keras writes a built-in activation as its name; a serialized function dict carries it in
// "config".
std::string activation_from_config(const Json& a, const std::string& who) {
  if (a.is_null()) return "linear";
  if (a.is_string()) return a.get<std::string>();
  if (a.is_object() && a.contains("config") && a["config"].is_string())
    return a["config"].get<std::string>();
  throw ValueError(
      str(who, ": config \"activation\": expected an activation name, got ", a.dump(), "."));
}

}  // namespace

Dense::Dense(int64_t units, DenseOptions options)
    : Layer("Dense", LayerCommon{.name = std::move(options.name),
                                 .trainable = options.trainable,
                                 .dtype = options.dtype}),
      units_(units),
      activation_(options.activation.empty() ? "linear" : std::move(options.activation)),
      use_bias_(options.use_bias),
      kernel_initializer_(options.kernel_initializer.get()),
      bias_initializer_(options.bias_initializer.get()),
      kernel_regularizer_(options.kernel_regularizer.get()),
      bias_regularizer_(options.bias_regularizer.get()),
      kernel_constraint_(options.kernel_constraint.get()),
      bias_constraint_(options.bias_constraint.get()) {
  if (units_ < 1)
    throw ValueError(
        str(who(), ": units must be positive: expected units >= 1, got ", units_, "."));
  if (!is_activation(activation_))
    throw ValueError(str(who(), ": unknown activation: expected one of ", activation_names(),
                         "; got \"", activation_, "\"."));
  if (!kernel_initializer_) kernel_initializer_ = get_initializer("glorot_uniform");
  if (!bias_initializer_) bias_initializer_ = get_initializer("zeros");
  activity_regularizer_ = options.activity_regularizer.get();
}

void Dense::check_input_rank(const Shape& shape) const {
  if (shape.rank() < 2)
    throw ShapeError(str(who(),
                         ": input must have rank >= 2: expected (batch, ..., features), "
                         "got rank ",
                         shape.rank(), "."));
}

void Dense::build(const Shape& input_shape) {
  check_input_rank(input_shape);
  int64_t in = input_shape.back();
  if (in < 1)
    throw ShapeError(str(who(),
                         ": the last input dimension must be known: expected a positive "
                         "size, got ",
                         input_shape, "."));
  kernel_ = add_weight("kernel", {in, units_}, kernel_initializer_, true, kernel_regularizer_,
                       kernel_constraint_);
  if (use_bias_)
    bias_ =
        add_weight("bias", {units_}, bias_initializer_, true, bias_regularizer_, bias_constraint_);
}

Tensor Dense::call(const Tensor& x, bool /*training*/) {
  check_input_rank(x.shape());
  const Tensor& w = kernel_->value;
  if (x.shape().back() != w.shape()[0])
    throw ShapeError(str(who(), ": input last dimension is ", x.shape().back(),
                         ", but the layer was built for ", w.shape()[0], " (kernel ", w.shape(),
                         "). Put Flatten or Reshape before it, or rebuild the model."));
  Tensor b = bias_ ? bias_->value : Tensor();
  Act act = Act::linear;
  if (fused_act(activation_, &act)) return linear(x, w, b, act);
  return mz::activation(activation_, linear(x, w, b, Act::linear));
}

Shape Dense::compute_output_shape(const Shape& input_shape) {
  check_input_rank(input_shape);
  Shape out = input_shape;
  out[out.rank() - 1] = units_;
  return out;
}

Json Dense::config() const {
  Json c = Layer::config();
  c["units"] = units_;
  c["activation"] = activation_;
  c["use_bias"] = use_bias_;
  c["kernel_initializer"] = initializer_to_config(kernel_initializer_);
  c["bias_initializer"] = initializer_to_config(bias_initializer_);
  c["kernel_regularizer"] = regularizer_to_config(kernel_regularizer_);
  c["bias_regularizer"] = regularizer_to_config(bias_regularizer_);
  c["kernel_constraint"] = constraint_to_config(kernel_constraint_);
  c["bias_constraint"] = constraint_to_config(bias_constraint_);
  return c;
}

std::shared_ptr<Dense> Dense::from_config(const Json& config) {
  const std::string who = "Dense.from_config";
  if (!config.is_object() || !config.contains("units"))
    throw ValueError(str(who, ": config needs \"units\", got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  return std::make_shared<Dense>(
      config_get<int64_t>(config, "units", 0, who),
      DenseOptions{.activation = activation_from_config(get("activation"), who),
                   .use_bias = config_get(config, "use_bias", true, who),
                   .kernel_initializer = config.contains("kernel_initializer")
                                             ? initializer_from_config(config["kernel_initializer"])
                                             : get_initializer("glorot_uniform"),
                   .bias_initializer = config.contains("bias_initializer")
                                           ? initializer_from_config(config["bias_initializer"])
                                           : get_initializer("zeros"),
                   .kernel_regularizer = regularizer_from_config(get("kernel_regularizer")),
                   .bias_regularizer = regularizer_from_config(get("bias_regularizer")),
                   .activity_regularizer = regularizer_from_config(get("activity_regularizer")),
                   .kernel_constraint = constraint_from_config(get("kernel_constraint")),
                   .bias_constraint = constraint_from_config(get("bias_constraint")),
                   .name = common.name,
                   .trainable = common.trainable,
                   .dtype = common.dtype});
}

}  // namespace layers
}  // namespace mz
