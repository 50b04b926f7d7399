// UpSampling2D: BaseUpSampling over height and width.
#include "mz/nn/layers/up_sampling2d.h"

#include "mz/nn/layers/spatial_args.h"

namespace mz::layers {

UpSampling2D::UpSampling2D(UpSampling2DOptions options)
    : BaseUpSampling("UpSampling2D", 2, options.size, std::move(options.data_format),
                     std::move(options.interpolation),
                     LayerCommon{.name = std::move(options.name),
                                 .trainable = options.trainable,
                                 .dtype = options.dtype}) {}

std::shared_ptr<UpSampling2D> UpSampling2D::from_config(const Json& config) {
  const std::string who = "UpSampling2D.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<UpSampling2D>(UpSampling2DOptions{
      .size = detail::config_ints(config, "size", 2, {2, 2}, who),
      .data_format = config_get<std::string>(config, "data_format", "channels_last", who),
      .interpolation = config_get<std::string>(config, "interpolation", "nearest", who),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype});
}

}  // namespace mz::layers
