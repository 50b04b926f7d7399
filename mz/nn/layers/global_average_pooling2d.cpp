// GlobalAveragePooling2D: BaseGlobalPooling over 2 spatial axes, average mode.
#include "mz/nn/layers/global_average_pooling2d.h"

namespace mz::layers {

GlobalAveragePooling2D::GlobalAveragePooling2D(GlobalPoolingOptions options)
    : BaseGlobalPooling("GlobalAveragePooling2D", 2, Mode::average, std::move(options)) {}

std::shared_ptr<GlobalAveragePooling2D> GlobalAveragePooling2D::from_config(const Json& config) {
  return std::make_shared<GlobalAveragePooling2D>(
      options_from_config(config, "GlobalAveragePooling2D.from_config"));
}

}  // namespace mz::layers
