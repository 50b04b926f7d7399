// GlobalMaxPooling3D: BaseGlobalPooling over 3 spatial axes, max mode.
#include "mz/nn/layers/global_max_pooling3d.h"

namespace mz::layers {

GlobalMaxPooling3D::GlobalMaxPooling3D(GlobalPoolingOptions options)
    : BaseGlobalPooling("GlobalMaxPooling3D", 3, Mode::max, std::move(options)) {}

std::shared_ptr<GlobalMaxPooling3D> GlobalMaxPooling3D::from_config(const Json& config) {
  return std::make_shared<GlobalMaxPooling3D>(
      options_from_config(config, "GlobalMaxPooling3D.from_config"));
}

}  // namespace mz::layers
