// Rescaling layer: one cast and one fused multiply-add.
#include "mz/nn/layers/rescaling.h"

#include "mz/ops/arith.h"
#include "mz/ops/shape.h"

namespace mz::layers {

Rescaling::Rescaling(double scale, RescalingOptions options)
    : Layer("Rescaling", LayerCommon{.name = std::move(options.name),
                                     .trainable = options.trainable,
                                     .dtype = options.dtype}),
      scale_(scale),
      offset_(options.offset) {}

Tensor Rescaling::call(const Tensor& x, bool training) {
  Tensor y = cast(x, dtype()) * scale_;
  return offset_ == 0.0 ? y : y + offset_;
}

Json Rescaling::config() const {
  Json c = Layer::config();
  c["scale"] = scale_;
  c["offset"] = offset_;
  return c;
}

std::shared_ptr<Rescaling> Rescaling::from_config(const Json& config) {
  const std::string who = "Rescaling.from_config";
  if (!config.is_object() || !config.contains("scale"))
    throw ValueError(str(who, ": config needs \"scale\", got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<Rescaling>(
      config_get(config, "scale", 1.0, who),
      RescalingOptions{.offset = config_get(config, "offset", 0.0, who),
                       .name = common.name,
                       .trainable = common.trainable,
                       .dtype = common.dtype});
}

}  // namespace mz::layers
