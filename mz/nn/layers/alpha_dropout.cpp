// AlphaDropout layer: a keep mask (per element or per noise_shape cell), SELU's saturation for
// the dropped ones, then Keras's affine correction.
#include "mz/nn/layers/alpha_dropout.h"

#include <cmath>

#include "mz/ops/arith.h"
#include "mz/ops/random.h"

namespace mz::layers {

AlphaDropout::AlphaDropout(double rate, AlphaDropoutOptions options)
    : Layer("AlphaDropout", LayerCommon{.name = std::move(options.name),
                                        .trainable = options.trainable,
                                        .dtype = options.dtype}),
      rate_(rate),
      noise_shape_(std::move(options.noise_shape)),
      seed_(options.seed) {
  if (!(rate_ >= 0.0 && rate_ < 1.0))
    throw ValueError(
        str(who(), ": rate must be in [0, 1): expected 0 <= rate < 1, got ", rate_, "."));
  for (int64_t d : noise_shape_)
    if (d == 0 || d < -1)
      throw ValueError(str(who(), ": noise_shape dimensions must be positive or -1 (None): got ",
                           Shape(noise_shape_), "."));
  supports_masking_ = true;
  if (seed_) generator_.emplace(static_cast<uint64_t>(*seed_));
}

Tensor AlphaDropout::call(const Tensor& x, bool training) {
  if (!training || rate_ == 0.0) return x;
  Shape mask_shape = x.shape();
  if (!noise_shape_.empty()) {
    if (static_cast<int>(noise_shape_.size()) != x.rank())
      throw ShapeError(str(who(), ": noise_shape must have the input's rank: expected ", x.rank(),
                           " dimensions, got ", Shape(noise_shape_), " for input ", x.shape(),
                           "."));
    for (int i = 0; i < x.rank(); ++i) {
      mask_shape[i] = noise_shape_[i] == -1 ? x.shape()[i] : noise_shape_[i];
      if (mask_shape[i] != 1 && mask_shape[i] != x.shape()[i])
        throw ShapeError(str(who(),
                             ": noise_shape does not broadcast to the input: expected each "
                             "dimension 1, -1 or the input's, got ",
                             Shape(noise_shape_), " for input ", x.shape(), "."));
    }
  }
  // SELU's constants, as Keras spells them.
  const double alpha = 1.6732632423543772848170429916717;
  const double scale = 1.0507009873554804934193349852946;
  const double alpha_p = -alpha * scale;
  const double a = std::pow((1.0 - rate_) * (1.0 + rate_ * alpha_p * alpha_p), -0.5);
  const double b = -a * alpha_p * rate_;
  Generator& gen = generator_ ? *generator_ : default_generator();
  Tensor kept = bernoulli(mask_shape, 1.0 - rate_, {.dtype = x.dtype(), .device = x.device()}, gen);
  // a * (x * kept + alpha' * (1 - kept)) + b, with the constant part folded per mask cell.
  return x * (kept * a) + ((1.0 - kept) * (a * alpha_p) + b);
}

Json AlphaDropout::config() const {
  Json c = Layer::config();
  c["rate"] = rate_;
  c["seed"] = seed_ ? Json(*seed_) : Json(nullptr);
  if (noise_shape_.empty()) {
    c["noise_shape"] = nullptr;
  } else {
    Json ns = Json::array();
    for (int64_t d : noise_shape_) ns.push_back(d < 0 ? Json(nullptr) : Json(d));
    c["noise_shape"] = ns;
  }
  return c;
}

std::shared_ptr<AlphaDropout> AlphaDropout::from_config(const Json& config) {
  const std::string who = "AlphaDropout.from_config";
  if (!config.is_object() || !config.contains("rate"))
    throw ValueError(str(who, ": config needs \"rate\", got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  AlphaDropoutOptions options{
      .name = common.name, .trainable = common.trainable, .dtype = common.dtype};
  if (config.contains("seed") && !config["seed"].is_null())
    options.seed = config_get<int64_t>(config, "seed", 0, who);
  if (config.contains("noise_shape") && !config["noise_shape"].is_null()) {
    const Json& ns = config["noise_shape"];
    if (!ns.is_array())
      throw ValueError(str(who, ": config \"noise_shape\": expected a list, got ", ns.dump(), "."));
    for (const Json& d : ns) {
      if (!d.is_null() && !d.is_number_integer())
        throw ValueError(
            str(who, ": config \"noise_shape\": expected integers or null, got ", ns.dump(), "."));
      options.noise_shape.push_back(d.is_null() ? -1 : d.get<int64_t>());
    }
  }
  return std::make_shared<AlphaDropout>(config_get(config, "rate", 0.0, who), std::move(options));
}

}  // namespace mz::layers
