// AveragePooling2D: the mean of each window over height and width (Keras's
// layers.AveragePooling2D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_pooling.h"

namespace mz::layers {

// (batch, height, width, channels) -> (batch, pooled_height, pooled_width, channels); pool_size
// defaults to (2, 2). Shapes and errors as BasePooling.
// Example: L::AveragePooling2D({.pool_size = {3}, .strides = {2}, .padding = "same"}).
class AveragePooling2D : public BasePooling {
 public:
  explicit AveragePooling2D(PoolingOptions options = {});
  static std::shared_ptr<AveragePooling2D> from_config(const Json& config);
};

}  // namespace mz::layers
