// Cropping1D: BaseCropping over the steps.
#include "mz/nn/layers/cropping1d.h"

namespace mz::layers {

Cropping1D::Cropping1D(Cropping1DOptions options)
    : BaseCropping("Cropping1D", 1, {options.cropping}, 1, "channels_last",
                   LayerCommon{.name = std::move(options.name),
                               .trainable = options.trainable,
                               .dtype = options.dtype}) {}

std::shared_ptr<Cropping1D> Cropping1D::from_config(const Json& config) {
  const std::string who = "Cropping1D.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  Cropping1DOptions options{
      .name = common.name, .trainable = common.trainable, .dtype = common.dtype};
  detail::Pairs pairs = detail::config_pairs(config, "cropping", 1, who);
  if (!pairs.empty()) options.cropping = pairs[0];
  return std::make_shared<Cropping1D>(std::move(options));
}

}  // namespace mz::layers
