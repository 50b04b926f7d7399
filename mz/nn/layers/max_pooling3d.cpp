// MaxPooling3D: BasePooling over 3 spatial axes, max mode.
#include "mz/nn/layers/max_pooling3d.h"

namespace mz::layers {

MaxPooling3D::MaxPooling3D(PoolingOptions options)
    : BasePooling("MaxPooling3D", 3, Mode::max, std::move(options)) {}

std::shared_ptr<MaxPooling3D> MaxPooling3D::from_config(const Json& config) {
  return std::make_shared<MaxPooling3D>(options_from_config(config, 3, "MaxPooling3D.from_config"));
}

}  // namespace mz::layers
