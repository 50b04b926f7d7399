// GlobalAveragePooling3D: BaseGlobalPooling over 3 spatial axes, average mode.
#include "mz/nn/layers/global_average_pooling3d.h"

namespace mz::layers {

GlobalAveragePooling3D::GlobalAveragePooling3D(GlobalPoolingOptions options)
    : BaseGlobalPooling("GlobalAveragePooling3D", 3, Mode::average, std::move(options)) {}

std::shared_ptr<GlobalAveragePooling3D> GlobalAveragePooling3D::from_config(const Json& config) {
  return std::make_shared<GlobalAveragePooling3D>(
      options_from_config(config, "GlobalAveragePooling3D.from_config"));
}

}  // namespace mz::layers
