// GroupNormalization: Keras's computation (reshape into groups, moments per sample and group,
// scale and shift per channel) in differentiable ops, and Keras's config.
#include "mz/nn/layers/group_normalization.h"

#include "mz/ops/arith.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz::layers {

GroupNormalization::GroupNormalization(GroupNormalizationOptions options)
    : Layer("GroupNormalization", LayerCommon{.name = std::move(options.name),
                                              .trainable = options.trainable,
                                              .dtype = options.dtype}),
      groups_(options.groups),
      axis_(options.axis),
      epsilon_(options.epsilon),
      center_(options.center),
      scale_(options.scale),
      beta_gamma_(resolve_beta_gamma(options)) {
  if (groups_ == 0 || groups_ < -1)
    throw ValueError(
        str(who(), ": groups must be positive or -1 (one per channel): got ", groups_, "."));
  activity_regularizer_ = options.activity_regularizer.get();
  supports_masking_ = true;
}

void GroupNormalization::build(const Shape& input_shape) {
  built_axis_ = normalized_axis(axis_, input_shape.rank(), who());
  const int64_t c = input_shape[built_axis_];
  if (c < 1 || built_axis_ == 0)
    throw ValueError(str(who(), ": axis ", axis_, " of the input must have a known size: got ",
                         input_shape, " (the batch axis cannot hold the channels)."));
  if (groups_ == -1) groups_ = c;
  if (c < groups_)
    throw ValueError(str(who(), ": more groups than channels: expected groups <= ", c,
                         ", got groups = ", groups_, "."));
  if (c % groups_ != 0)
    throw ValueError(str(who(), ": the channels must split evenly into groups: expected ", c,
                         " channels to be a multiple of groups = ", groups_, ", got remainder ",
                         c % groups_, "."));
  beta_gamma_.add_weights(*this, {c}, scale_, center_, &gamma_, &beta_);
}

Tensor GroupNormalization::call(const Tensor& x, bool /*training*/) {
  const Shape& built = build_shapes().front();
  const int a = built_axis_;
  if (x.rank() != built.rank() || x.shape()[a] != built[a])
    throw ShapeError(str(who(), ": input ", x.shape(), " does not match the layer: expected rank ",
                         built.rank(), " with ", built[a], " channels along axis ", axis_,
                         " (built for ", built, "), got ", x.shape(), "."));
  // (..., C, ...) -> (..., groups, C / groups, ...): the group axis sits at a.
  const int64_t per_group = x.shape()[a] / groups_;
  Shape grouped = x.shape();
  grouped[a] = per_group;
  grouped.insert(a, groups_);
  Tensor xr = x.reshape(grouped);
  std::vector<int> reduce;
  for (int i = 1; i < grouped.rank(); ++i)
    if (i != a) reduce.push_back(i);
  Shape along = Shape::filled(grouped.rank(), 1);
  along[a] = groups_;
  along[a + 1] = per_group;
  Tensor inv = rsqrt(var(xr, reduce, true) + epsilon_);
  if (gamma_) inv = inv * gamma_->value.reshape(along);
  Tensor res = -(mean(xr, reduce, true) * inv);
  if (beta_) res = res + beta_->value.reshape(along);
  return (xr * inv + res).reshape(x.shape());
}

Json GroupNormalization::config() const {
  Json c = Layer::config();
  c["groups"] = groups_;
  c["axis"] = axis_;
  c["epsilon"] = epsilon_;
  c["center"] = center_;
  c["scale"] = scale_;
  beta_gamma_.write_config(c);
  return c;
}

std::shared_ptr<GroupNormalization> GroupNormalization::from_config(const Json& config) {
  const std::string who = "GroupNormalization.from_config";
  if (!config.is_object())
    throw ValueError(str(who, ": config must be a dict, got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  GroupNormalizationOptions options{
      .groups = config_get<int64_t>(config, "groups", 32, who),
      .axis = config_get(config, "axis", -1, who),
      .epsilon = config_get(config, "epsilon", 1e-3, who),
      .center = config_get(config, "center", true, who),
      .scale = config_get(config, "scale", true, who),
      .activity_regularizer = regularizer_from_config(get("activity_regularizer")),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype};
  read_beta_gamma(config, &options);
  return std::make_shared<GroupNormalization>(std::move(options));
}

}  // namespace mz::layers
