// Cropping2D: BaseCropping over 2 spatial axes.
#include "mz/nn/layers/cropping2d.h"

namespace mz::layers {

Cropping2D::Cropping2D(CroppingOptions options)
    : BaseCropping("Cropping2D", 2, options.cropping, 0, std::move(options.data_format),
                   LayerCommon{.name = std::move(options.name),
                               .trainable = options.trainable,
                               .dtype = options.dtype}) {}

std::shared_ptr<Cropping2D> Cropping2D::from_config(const Json& config) {
  const std::string who = "Cropping2D.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<Cropping2D>(CroppingOptions{
      .cropping = detail::config_pairs(config, "cropping", 2, who),
      .data_format = config_get<std::string>(config, "data_format", "channels_last", who),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype});
}

}  // namespace mz::layers
