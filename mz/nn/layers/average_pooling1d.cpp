// AveragePooling1D: BasePooling over 1 spatial axis, average mode.
#include "mz/nn/layers/average_pooling1d.h"

namespace mz::layers {

AveragePooling1D::AveragePooling1D(PoolingOptions options)
    : BasePooling("AveragePooling1D", 1, Mode::average, std::move(options)) {}

std::shared_ptr<AveragePooling1D> AveragePooling1D::from_config(const Json& config) {
  return std::make_shared<AveragePooling1D>(
      options_from_config(config, 1, "AveragePooling1D.from_config"));
}

}  // namespace mz::layers
