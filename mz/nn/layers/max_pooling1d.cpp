// MaxPooling1D: BasePooling over 1 spatial axis, max mode.
#include "mz/nn/layers/max_pooling1d.h"

namespace mz::layers {

MaxPooling1D::MaxPooling1D(PoolingOptions options)
    : BasePooling("MaxPooling1D", 1, Mode::max, std::move(options)) {}

std::shared_ptr<MaxPooling1D> MaxPooling1D::from_config(const Json& config) {
  return std::make_shared<MaxPooling1D>(options_from_config(config, 1, "MaxPooling1D.from_config"));
}

}  // namespace mz::layers
