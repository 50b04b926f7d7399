// MaxPooling2D: the largest value of each window over height and width (Keras's
// layers.MaxPooling2D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_pooling.h"

namespace mz::layers {

// (batch, height, width, channels) -> (batch, pooled_height, pooled_width, channels); pool_size
// defaults to (2, 2). Shapes and errors as BasePooling.
// Example: L::MaxPooling2D({.pool_size = {3}, .strides = {2}, .padding = "same"}).
class MaxPooling2D : public BasePooling {
 public:
  explicit MaxPooling2D(PoolingOptions options = {});
  static std::shared_ptr<MaxPooling2D> from_config(const Json& config);
};

}  // namespace mz::layers
