// BaseSpatialDropout: a (batch, 1.., 1, channels) keep mask broadcast over the spatial axes.
#include "mz/nn/layers/base_spatial_dropout.h"

#include "mz/nn/layers/spatial_args.h"
#include "mz/ops/arith.h"
#include "mz/ops/random.h"

namespace mz::layers {

BaseSpatialDropout::BaseSpatialDropout(std::string class_name, int spatial, double rate,
                                       std::string data_format, std::optional<int64_t> seed,
                                       std::string name, DType dtype)
    : Layer(std::move(class_name), LayerCommon{.name = std::move(name), .dtype = dtype}),
      spatial_(spatial),
      rate_(rate),
      data_format_(std::move(data_format)),
      seed_(seed) {
  if (!(rate_ >= 0.0 && rate_ < 1.0))
    throw ValueError(
        str(who(), ": rate must be in [0, 1): expected 0 <= rate < 1, got ", rate_, "."));
  detail::expect_channels_last(data_format_, who());
  supports_masking_ = true;
  if (seed_) generator_.emplace(static_cast<uint64_t>(*seed_));
}

Tensor BaseSpatialDropout::call(const Tensor& x, bool training) {
  detail::expect_rank(x.shape(), spatial_ + 2, detail::spatial_layout(spatial_), who());
  if (!training || rate_ == 0.0) return x;
  Shape noise = Shape::filled(x.rank(), 1);
  noise[0] = x.shape()[0];
  noise[x.rank() - 1] = x.shape().back();
  Generator& gen = generator_ ? *generator_ : default_generator();
  Tensor keep = bernoulli(noise, 1.0 - rate_, {.dtype = x.dtype(), .device = x.device()}, gen);
  return x * (keep * (1.0 / (1.0 - rate_)));
}

Shape BaseSpatialDropout::compute_output_shape(const Shape& input_shape) {
  detail::expect_rank(input_shape, spatial_ + 2, detail::spatial_layout(spatial_), who());
  return input_shape;
}

Json BaseSpatialDropout::config() const {
  Json c = {{"rate", rate_},
            {"seed", seed_ ? Json(*seed_) : Json(nullptr)},
            {"name", name()},
            {"dtype", dtype_name(dtype())}};
  if (spatial_ > 1) c["data_format"] = data_format_;
  return c;
}

BaseSpatialDropout::ConfigFields BaseSpatialDropout::fields_from_config(const Json& config,
                                                                        const std::string& who) {
  if (!config.is_object() || !config.contains("rate"))
    throw ValueError(str(who, ": config needs \"rate\", got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  ConfigFields f{
      .rate = config_get(config, "rate", 0.0, who),
      .seed = std::nullopt,
      .name = common.name,
      .dtype = common.dtype,
      .data_format = config_get<std::string>(config, "data_format", "channels_last", who)};
  if (config.contains("seed") && !config["seed"].is_null())
    f.seed = config_get<int64_t>(config, "seed", 0, who);
  return f;
}

}  // namespace mz::layers
