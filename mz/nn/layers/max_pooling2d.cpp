// MaxPooling2D: BasePooling over 2 spatial axes, max mode.
#include "mz/nn/layers/max_pooling2d.h"

namespace mz::layers {

MaxPooling2D::MaxPooling2D(PoolingOptions options)
    : BasePooling("MaxPooling2D", 2, Mode::max, std::move(options)) {}

std::shared_ptr<MaxPooling2D> MaxPooling2D::from_config(const Json& config) {
  return std::make_shared<MaxPooling2D>(options_from_config(config, 2, "MaxPooling2D.from_config"));
}

}  // namespace mz::layers
