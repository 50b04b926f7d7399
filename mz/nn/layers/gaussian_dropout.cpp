// GaussianDropout layer: x * normal(1, sqrt(rate / (1 - rate))).
#include "mz/nn/layers/gaussian_dropout.h"

#include <cmath>

#include "mz/ops/arith.h"
#include "mz/ops/random.h"

namespace mz::layers {

GaussianDropout::GaussianDropout(double rate, GaussianDropoutOptions options)
    : Layer("GaussianDropout", LayerCommon{.name = std::move(options.name),
                                           .trainable = options.trainable,
                                           .dtype = options.dtype}),
      rate_(rate),
      seed_(options.seed) {
  if (!(rate_ >= 0.0 && rate_ < 1.0))
    throw ValueError(
        str(who(), ": rate must be in [0, 1): expected 0 <= rate < 1, got ", rate_, "."));
  supports_masking_ = true;
  if (seed_) generator_.emplace(static_cast<uint64_t>(*seed_));
}

Tensor GaussianDropout::call(const Tensor& x, bool training) {
  if (!training || rate_ == 0.0) return x;
  Generator& gen = generator_ ? *generator_ : default_generator();
  const double stddev = std::sqrt(rate_ / (1.0 - rate_));
  return x * normal(x.shape(), 1.0, stddev, {.dtype = x.dtype(), .device = x.device()}, gen);
}

Json GaussianDropout::config() const {
  Json c = Layer::config();
  c["rate"] = rate_;
  c["seed"] = seed_ ? Json(*seed_) : Json(nullptr);
  return c;
}

std::shared_ptr<GaussianDropout> GaussianDropout::from_config(const Json& config) {
  const std::string who = "GaussianDropout.from_config";
  if (!config.is_object() || !config.contains("rate"))
    throw ValueError(str(who, ": config needs \"rate\", got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  GaussianDropoutOptions options{
      .name = common.name, .trainable = common.trainable, .dtype = common.dtype};
  if (config.contains("seed") && !config["seed"].is_null())
    options.seed = config_get<int64_t>(config, "seed", 0, who);
  return std::make_shared<GaussianDropout>(config_get(config, "rate", 0.0, who),
                                           std::move(options));
}

}  // namespace mz::layers
