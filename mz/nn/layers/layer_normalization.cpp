// LayerNormalization: weights over the normalised axes, the fused layer_norm op for trailing
// axes, Keras's composition for the others and for rms_scaling, and Keras's config.
#include "mz/nn/layers/layer_normalization.h"

#include <algorithm>

#include "mz/ops/arith.h"
#include "mz/ops/norm.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz::layers {

LayerNormalization::LayerNormalization(LayerNormalizationOptions options)
    : Layer("LayerNormalization", LayerCommon{.name = std::move(options.name),
                                              .trainable = options.trainable,
                                              .dtype = options.dtype}),
      axis_(std::move(options.axis)),
      epsilon_(options.epsilon),
      center_(options.center),
      scale_(options.scale),
      rms_scaling_(options.rms_scaling),
      beta_gamma_(resolve_beta_gamma(options)) {
  if (axis_.values().empty())
    throw ValueError(str(who(),
                         ": axis must name at least one axis: expected a non-empty list, "
                         "got []."));
  activity_regularizer_ = options.activity_regularizer.get();
  supports_masking_ = true;
}

void LayerNormalization::build(const Shape& input_shape) {
  const int rank = input_shape.rank();
  built_axes_ = axis_.normalized(rank, who());
  Shape weight_shape;
  for (int a : built_axes_) {
    if (a == 0)
      throw ValueError(str(who(), ": axis ", axis_.to_json().dump(),
                           " includes the batch axis: expected axes 1 to ", rank - 1,
                           " (or negative ones), got axis 0 of an input of rank ", rank, "."));
    if (input_shape[a] < 1)
      throw ValueError(
          str(who(), ": axis ", a, " of the input must have a known size: got ", input_shape, "."));
    weight_shape.push_back(input_shape[a]);
  }
  std::vector<int> sorted = built_axes_;
  std::sort(sorted.begin(), sorted.end());
  trailing_ = sorted.front() == rank - static_cast<int>(sorted.size());
  beta_gamma_.add_weights(*this, weight_shape, scale_ || rms_scaling_, center_ && !rms_scaling_,
                          &gamma_, &beta_);
  axis_ = axis_.as_list();  // as Keras's build does
}

void LayerNormalization::check_input(const Tensor& x) const {
  const Shape& built = build_shapes().front();
  bool ok = x.rank() == built.rank();
  for (int a : built_axes_) ok = ok && x.shape()[a] == built[a];
  if (!ok)
    throw ShapeError(str(who(), ": input ", x.shape(), " does not match the layer: expected rank ",
                         built.rank(), " with the sizes of ", built, " along axis ",
                         axis_.to_json().dump(), ", got ", x.shape(), "."));
}

Tensor LayerNormalization::call(const Tensor& x, bool /*training*/) {
  check_input(x);
  const Tensor gamma = gamma_ ? gamma_->value : Tensor();
  const Tensor beta = beta_ ? beta_->value : Tensor();
  const int k = static_cast<int>(built_axes_.size());
  if (trailing_ && !rms_scaling_) return layer_norm(x, gamma, beta, k, epsilon_);
  // Keras's composition: the weights reshaped (not transposed) onto the sorted axes.
  std::vector<int> axes = built_axes_;
  std::sort(axes.begin(), axes.end());
  Shape along = Shape::filled(x.rank(), 1);
  for (int a : axes) along[a] = x.shape()[a];
  Tensor var = mz::var(x, axes, true);
  Tensor inv = rsqrt(var + epsilon_);
  if (gamma.defined()) inv = inv * gamma.reshape(along);
  if (rms_scaling_) return x * inv;
  Tensor res = -(mean(x, axes, true) * inv);
  if (beta.defined()) res = res + beta.reshape(along);
  return x * inv + res;
}

Shape LayerNormalization::compute_output_shape(const Shape& input_shape) {
  axis_.normalized(input_shape.rank(), who());
  return input_shape;
}

Json LayerNormalization::config() const {
  Json c = Layer::config();
  c["axis"] = axis_.to_json();
  c["epsilon"] = epsilon_;
  c["center"] = center_;
  c["scale"] = scale_;
  c["rms_scaling"] = rms_scaling_;
  beta_gamma_.write_config(c);
  return c;
}

std::shared_ptr<LayerNormalization> LayerNormalization::from_config(const Json& config) {
  const std::string who = "LayerNormalization.from_config";
  if (!config.is_object())
    throw ValueError(str(who, ": config must be a dict, got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  const Json axis = get("axis");
  LayerNormalizationOptions options{
      .axis = axis.is_null() ? Axes(-1) : Axes::from_json(axis, who),
      .epsilon = config_get(config, "epsilon", 1e-3, who),
      .center = config_get(config, "center", true, who),
      .scale = config_get(config, "scale", true, who),
      .rms_scaling = config_get(config, "rms_scaling", false, who),
      .activity_regularizer = regularizer_from_config(get("activity_regularizer")),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype};
  read_beta_gamma(config, &options);
  return std::make_shared<LayerNormalization>(std::move(options));
}

}  // namespace mz::layers
