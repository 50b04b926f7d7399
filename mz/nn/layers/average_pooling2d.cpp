// AveragePooling2D: BasePooling over 2 spatial axes, average mode.
#include "mz/nn/layers/average_pooling2d.h"

namespace mz::layers {

AveragePooling2D::AveragePooling2D(PoolingOptions options)
    : BasePooling("AveragePooling2D", 2, Mode::average, std::move(options)) {}

std::shared_ptr<AveragePooling2D> AveragePooling2D::from_config(const Json& config) {
  return std::make_shared<AveragePooling2D>(
      options_from_config(config, 2, "AveragePooling2D.from_config"));
}

}  // namespace mz::layers
