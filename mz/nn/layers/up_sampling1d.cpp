// UpSampling1D: BaseUpSampling over the steps.
#include "mz/nn/layers/up_sampling1d.h"

namespace mz::layers {

UpSampling1D::UpSampling1D(UpSampling1DOptions options)
    : BaseUpSampling("UpSampling1D", 1, {options.size}, "channels_last", "nearest",
                     LayerCommon{.name = std::move(options.name),
                                 .trainable = options.trainable,
                                 .dtype = options.dtype}) {}

std::shared_ptr<UpSampling1D> UpSampling1D::from_config(const Json& config) {
  const std::string who = "UpSampling1D.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<UpSampling1D>(
      UpSampling1DOptions{.size = config_get<int64_t>(config, "size", 2, who),
                          .name = common.name,
                          .trainable = common.trainable,
                          .dtype = common.dtype});
}

}  // namespace mz::layers
