// MaxPooling3D: the largest value of each window over depth, height and width (Keras's
// layers.MaxPooling3D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_pooling.h"

namespace mz::layers {

// (batch, depth, height, width, channels) -> (batch, pooled depth, height, width, channels);
// pool_size defaults to (2, 2, 2). Shapes and errors as BasePooling. Example:
// L::MaxPooling3D({.pool_size = {3}, .strides = {2}, .padding = "same"}).
class MaxPooling3D : public BasePooling {
 public:
  explicit MaxPooling3D(PoolingOptions options = {});
  static std::shared_ptr<MaxPooling3D> from_config(const Json& config);
};

}  // namespace mz::layers
