// AveragePooling3D: the mean of each window over depth, height and width (Keras's
// layers.AveragePooling3D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_pooling.h"

namespace mz::layers {

// (batch, depth, height, width, channels) -> (batch, pooled depth, height, width, channels);
// pool_size defaults to (2, 2, 2). Shapes and errors as BasePooling. Example:
// L::AveragePooling3D({.pool_size = {3}, .strides = {2}, .padding = "same"}).
class AveragePooling3D : public BasePooling {
 public:
  explicit AveragePooling3D(PoolingOptions options = {});
  static std::shared_ptr<AveragePooling3D> from_config(const Json& config);
};

}  // namespace mz::layers
