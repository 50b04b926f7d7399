// UpSampling3D: BaseUpSampling over depth, height and width.
#include "mz/nn/layers/up_sampling3d.h"

#include "mz/nn/layers/spatial_args.h"

namespace mz::layers {

UpSampling3D::UpSampling3D(UpSampling3DOptions options)
    : BaseUpSampling("UpSampling3D", 3, options.size, std::move(options.data_format), "nearest",
                     LayerCommon{.name = std::move(options.name),
                                 .trainable = options.trainable,
                                 .dtype = options.dtype}) {}

std::shared_ptr<UpSampling3D> UpSampling3D::from_config(const Json& config) {
  const std::string who = "UpSampling3D.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<UpSampling3D>(UpSampling3DOptions{
      .size = detail::config_ints(config, "size", 3, {2, 2, 2}, who),
      .data_format = config_get<std::string>(config, "data_format", "channels_last", who),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype});
}

}  // namespace mz::layers
