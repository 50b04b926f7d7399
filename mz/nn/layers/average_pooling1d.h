// AveragePooling1D: the mean of each window along the steps (Keras's layers.AveragePooling1D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_pooling.h"

namespace mz::layers {

// (batch, steps, features) -> (batch, pooled_steps, features); pool_size
// defaults to 2. Shapes and errors as BasePooling.
// Example: L::AveragePooling1D({.pool_size = {3}, .strides = {2}, .padding = "same"}).
class AveragePooling1D : public BasePooling {
 public:
  explicit AveragePooling1D(PoolingOptions options = {});
  static std::shared_ptr<AveragePooling1D> from_config(const Json& config);
};

}  // namespace mz::layers
