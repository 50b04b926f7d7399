// GlobalMaxPooling2D: the largest value of each channel over height and width (Keras's
// layers.GlobalMaxPooling2D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_global_pooling.h"

namespace mz::layers {

// (batch, height, width, channels) -> (batch, channels) (keepdims: spatial axes kept as 1).
// Shapes and errors as BaseGlobalPooling.
class GlobalMaxPooling2D : public BaseGlobalPooling {
 public:
  explicit GlobalMaxPooling2D(GlobalPoolingOptions options = {});
  static std::shared_ptr<GlobalMaxPooling2D> from_config(const Json& config);
};

}  // namespace mz::layers
