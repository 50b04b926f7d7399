// GlobalMaxPooling1D: BaseGlobalPooling over 1 spatial axis, max mode.
#include "mz/nn/layers/global_max_pooling1d.h"

namespace mz::layers {

GlobalMaxPooling1D::GlobalMaxPooling1D(GlobalPoolingOptions options)
    : BaseGlobalPooling("GlobalMaxPooling1D", 1, Mode::max, std::move(options)) {}

std::shared_ptr<GlobalMaxPooling1D> GlobalMaxPooling1D::from_config(const Json& config) {
  return std::make_shared<GlobalMaxPooling1D>(
      options_from_config(config, "GlobalMaxPooling1D.from_config"));
}

}  // namespace mz::layers
