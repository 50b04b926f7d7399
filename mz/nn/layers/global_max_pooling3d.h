// GlobalMaxPooling3D: the largest value of each channel over depth, height and width (Keras's
// layers.GlobalMaxPooling3D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_global_pooling.h"

namespace mz::layers {

// (batch, depth, height, width, channels) -> (batch, channels) (keepdims: spatial axes kept as 1).
// Shapes and errors as BaseGlobalPooling.
class GlobalMaxPooling3D : public BaseGlobalPooling {
 public:
  explicit GlobalMaxPooling3D(GlobalPoolingOptions options = {});
  static std::shared_ptr<GlobalMaxPooling3D> from_config(const Json& config);
};

}  // namespace mz::layers
