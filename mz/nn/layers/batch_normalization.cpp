// BatchNormalization: weights, the fused training path (ops/norm.h), the composed paths for
// masks and other axes, the moving-statistics update and Keras's config.
#include "mz/nn/layers/batch_normalization.h"

#include "mz/core/grad_mode.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/norm.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz::layers {
namespace {

// Keras's backend.epsilon(), which its masked moments add to the count of real steps.
constexpr double kFuzz = 1e-7;

}  // namespace

BatchNormalization::BatchNormalization(BatchNormalizationOptions options)
    : Layer("BatchNormalization", LayerCommon{.name = std::move(options.name),
                                              .trainable = options.trainable,
                                              .dtype = options.dtype}),
      axis_(options.axis),
      momentum_(options.momentum),
      epsilon_(options.epsilon),
      center_(options.center),
      scale_(options.scale),
      synchronized_(options.synchronized),
      beta_gamma_(resolve_beta_gamma(options)),
      moving_mean_initializer_(options.moving_mean_initializer.get()),
      moving_variance_initializer_(options.moving_variance_initializer.get()) {
  if (synchronized_)
    throw ValueError(str(who(),
                         ": synchronized batch statistics are not supported: expected "
                         "synchronized = false, got true (Keras supports it on TensorFlow only)."));
  if (!moving_mean_initializer_) moving_mean_initializer_ = get_initializer("zeros");
  if (!moving_variance_initializer_) moving_variance_initializer_ = get_initializer("ones");
  activity_regularizer_ = options.activity_regularizer.get();
  supports_masking_ = true;
}

void BatchNormalization::build(const Shape& input_shape) {
  built_axis_ = normalized_axis(axis_, input_shape.rank(), who());
  const int64_t c = input_shape[built_axis_];
  if (c < 1)
    throw ValueError(str(who(), ": axis ", axis_, " of the input must have a known size: got ",
                         input_shape, " (the batch axis cannot be normalised)."));
  beta_gamma_.add_weights(*this, {c}, scale_, center_, &gamma_, &beta_);
  moving_mean_ = add_weight("moving_mean", {c}, moving_mean_initializer_, false);
  moving_variance_ = add_weight("moving_variance", {c}, moving_variance_initializer_, false);
}

void BatchNormalization::check_input(const Tensor& x) const {
  const Shape& built = build_shapes().front();
  const int64_t c = moving_mean_->value.numel();
  if (x.rank() != built.rank() || x.shape()[built_axis_] != c)
    throw ShapeError(str(who(), ": input ", x.shape(), " does not match the layer: expected rank ",
                         built.rank(), " with ", c, " channels along axis ", axis_, " (built for ",
                         built, "), got ", x.shape(), "."));
}

void BatchNormalization::update_moving(const Tensor& batch_mean, const Tensor& batch_var) {
  NoGrad no_grad;
  Tensor& mm = moving_mean_->value;
  Tensor& mv = moving_variance_->value;
  // Keras's order of operations: moving * momentum + batch * (1 - momentum).
  mm.copy_(mm * momentum_ + batch_mean.detach().reshape(mm.shape()) * (1.0 - momentum_));
  mv.copy_(mv * momentum_ + batch_var.detach().reshape(mv.shape()) * (1.0 - momentum_));
}

Tensor BatchNormalization::forward(const Tensor& x, const Tensor& mask, bool training) {
  check_input(x);
  const Tensor gamma = gamma_ ? gamma_->value : Tensor();
  const Tensor beta = beta_ ? beta_->value : Tensor();
  if (!(training && trainable()))
    return batch_norm_inference(x, moving_mean_->value, moving_variance_->value, gamma, beta,
                                epsilon_, built_axis_);
  if (!mask.defined() && built_axis_ == x.rank() - 1) {
    BatchNormOutput r = batch_norm(x, gamma, beta, epsilon_);
    update_moving(r.mean, r.var);
    return r.y;
  }
  // Composed statistics (differentiable): another channels axis, or masked steps.
  std::vector<int> reduce;
  for (int i = 0; i < x.rank(); ++i)
    if (i != built_axis_) reduce.push_back(i);
  const int64_t c = x.shape()[built_axis_];
  Tensor mu, var;
  if (!mask.defined()) {
    mu = mean(x, reduce, false);
    var = mz::var(x, reduce, false);
  } else {
    if (mask.rank() != x.rank() - 1)
      throw ShapeError(str(who(), ": the mask must have one axis less than the input: expected ",
                           "rank ", x.rank() - 1, ", got mask ", mask.shape(), " for input ",
                           x.shape(), "."));
    // Keras's masked moments: weights w = mask broadcast over the channels.
    Tensor w = cast(mask, x.dtype()).unsqueeze(-1);
    Tensor wx = w * x;
    Tensor count = sum(w, reduce, true) + kFuzz;
    Tensor m = sum(wx, reduce, true) / count;
    Tensor v = sum(w * square(wx - m), reduce, true) / count;
    mu = m.reshape({c});
    var = v.reshape({c});
  }
  update_moving(mu, var);
  return batch_norm_inference(x, mu, var, gamma, beta, epsilon_, built_axis_);
}

Tensor BatchNormalization::call(const Tensor& x, bool training) {
  return forward(x, Tensor(), training);
}

std::vector<Tensor> BatchNormalization::call_masked(const std::vector<Tensor>& xs,
                                                    const std::vector<Tensor>& masks,
                                                    bool training) {
  std::vector<Tensor> ys;
  for (std::size_t i = 0; i < xs.size(); ++i)
    ys.push_back(forward(xs[i], i < masks.size() ? masks[i] : Tensor(), training));
  return ys;
}

Json BatchNormalization::config() const {
  Json c = Layer::config();
  c["axis"] = axis_;
  c["momentum"] = momentum_;
  c["epsilon"] = epsilon_;
  c["center"] = center_;
  c["scale"] = scale_;
  beta_gamma_.write_config(c);
  c["moving_mean_initializer"] = initializer_to_config(moving_mean_initializer_);
  c["moving_variance_initializer"] = initializer_to_config(moving_variance_initializer_);
  c["synchronized"] = synchronized_;
  return c;
}

std::shared_ptr<BatchNormalization> BatchNormalization::from_config(const Json& config) {
  const std::string who = "BatchNormalization.from_config";
  if (!config.is_object())
    throw ValueError(str(who, ": config must be a dict, got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  auto init = [&](const char* key, const char* fallback) {
    const Json v = get(key);
    return v.is_null() ? get_initializer(fallback) : initializer_from_config(v);
  };
  BatchNormalizationOptions options{
      .axis = config_get(config, "axis", -1, who),
      .momentum = config_get(config, "momentum", 0.99, who),
      .epsilon = config_get(config, "epsilon", 1e-3, who),
      .center = config_get(config, "center", true, who),
      .scale = config_get(config, "scale", true, who),
      .moving_mean_initializer = init("moving_mean_initializer", "zeros"),
      .moving_variance_initializer = init("moving_variance_initializer", "ones"),
      .synchronized = config_get(config, "synchronized", false, who),
      .activity_regularizer = regularizer_from_config(get("activity_regularizer")),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype};
  read_beta_gamma(config, &options);
  return std::make_shared<BatchNormalization>(std::move(options));
}

}  // namespace mz::layers
