// GlobalMaxPooling2D: BaseGlobalPooling over 2 spatial axes, max mode.
#include "mz/nn/layers/global_max_pooling2d.h"

namespace mz::layers {

GlobalMaxPooling2D::GlobalMaxPooling2D(GlobalPoolingOptions options)
    : BaseGlobalPooling("GlobalMaxPooling2D", 2, Mode::max, std::move(options)) {}

std::shared_ptr<GlobalMaxPooling2D> GlobalMaxPooling2D::from_config(const Json& config) {
  return std::make_shared<GlobalMaxPooling2D>(
      options_from_config(config, "GlobalMaxPooling2D.from_config"));
}

}  // namespace mz::layers
