// GlobalAveragePooling2D: the mean of each channel over height and width (Keras's
// layers.GlobalAveragePooling2D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_global_pooling.h"

namespace mz::layers {

// (batch, height, width, channels) -> (batch, channels) (keepdims: spatial axes kept as 1).
// Shapes and errors as BaseGlobalPooling.
class GlobalAveragePooling2D : public BaseGlobalPooling {
 public:
  explicit GlobalAveragePooling2D(GlobalPoolingOptions options = {});
  static std::shared_ptr<GlobalAveragePooling2D> from_config(const Json& config);
};

}  // namespace mz::layers
