// GlobalAveragePooling3D: the mean of each channel over depth, height and width (Keras's
// layers.GlobalAveragePooling3D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_global_pooling.h"

namespace mz::layers {

// (batch, depth, height, width, channels) -> (batch, channels) (keepdims: spatial axes kept as 1).
// Shapes and errors as BaseGlobalPooling.
class GlobalAveragePooling3D : public BaseGlobalPooling {
 public:
  explicit GlobalAveragePooling3D(GlobalPoolingOptions options = {});
  static std::shared_ptr<GlobalAveragePooling3D> from_config(const Json& config);
};

}  // namespace mz::layers
