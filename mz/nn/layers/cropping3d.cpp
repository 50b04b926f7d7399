// Cropping3D: BaseCropping over 3 spatial axes.
#include "mz/nn/layers/cropping3d.h"

namespace mz::layers {

Cropping3D::Cropping3D(CroppingOptions options)
    : BaseCropping("Cropping3D", 3, options.cropping, 1, std::move(options.data_format),
                   LayerCommon{.name = std::move(options.name),
                               .trainable = options.trainable,
                               .dtype = options.dtype}) {}

std::shared_ptr<Cropping3D> Cropping3D::from_config(const Json& config) {
  const std::string who = "Cropping3D.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<Cropping3D>(CroppingOptions{
      .cropping = detail::config_pairs(config, "cropping", 3, who),
      .data_format = config_get<std::string>(config, "data_format", "channels_last", who),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype});
}

}  // namespace mz::layers
