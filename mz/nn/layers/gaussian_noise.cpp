// GaussianNoise layer: x + normal(0, stddev) drawn from the layer's or the default generator.
#include "mz/nn/layers/gaussian_noise.h"

#include "mz/ops/arith.h"
#include "mz/ops/random.h"

namespace mz::layers {

GaussianNoise::GaussianNoise(double stddev, GaussianNoiseOptions options)
    : Layer("GaussianNoise", LayerCommon{.name = std::move(options.name),
                                         .trainable = options.trainable,
                                         .dtype = options.dtype}),
      stddev_(stddev),
      seed_(options.seed) {
  if (!(stddev_ >= 0.0 && stddev_ <= 1.0))
    throw ValueError(
        str(who(), ": stddev must be in [0, 1]: expected 0 <= stddev <= 1, got ", stddev_, "."));
  supports_masking_ = true;
  if (seed_) generator_.emplace(static_cast<uint64_t>(*seed_));
}

Tensor GaussianNoise::call(const Tensor& x, bool training) {
  if (!training || stddev_ == 0.0) return x;
  Generator& gen = generator_ ? *generator_ : default_generator();
  return x + normal(x.shape(), 0.0, stddev_, {.dtype = x.dtype(), .device = x.device()}, gen);
}

Json GaussianNoise::config() const {
  Json c = Layer::config();
  c["stddev"] = stddev_;
  c["seed"] = seed_ ? Json(*seed_) : Json(nullptr);
  return c;
}

std::shared_ptr<GaussianNoise> GaussianNoise::from_config(const Json& config) {
  const std::string who = "GaussianNoise.from_config";
  if (!config.is_object() || !config.contains("stddev"))
    throw ValueError(str(who, ": config needs \"stddev\", got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  GaussianNoiseOptions options{
      .name = common.name, .trainable = common.trainable, .dtype = common.dtype};
  if (config.contains("seed") && !config["seed"].is_null())
    options.seed = config_get<int64_t>(config, "seed", 0, who);
  return std::make_shared<GaussianNoise>(config_get(config, "stddev", 0.0, who),
                                         std::move(options));
}

}  // namespace mz::layers
