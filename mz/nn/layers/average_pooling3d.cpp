// AveragePooling3D: BasePooling over 3 spatial axes, average mode.
#include "mz/nn/layers/average_pooling3d.h"

namespace mz::layers {

AveragePooling3D::AveragePooling3D(PoolingOptions options)
    : BasePooling("AveragePooling3D", 3, Mode::average, std::move(options)) {}

std::shared_ptr<AveragePooling3D> AveragePooling3D::from_config(const Json& config) {
  return std::make_shared<AveragePooling3D>(
      options_from_config(config, 3, "AveragePooling3D.from_config"));
}

}  // namespace mz::layers
