// MaxPooling1D: the largest value of each window along the steps (Keras's layers.MaxPooling1D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_pooling.h"

namespace mz::layers {

// (batch, steps, features) -> (batch, pooled_steps, features); pool_size
// defaults to 2. Shapes and errors as BasePooling.
// Example: L::MaxPooling1D({.pool_size = {3}, .strides = {2}, .padding = "same"}).
class MaxPooling1D : public BasePooling {
 public:
  explicit MaxPooling1D(PoolingOptions options = {});
  static std::shared_ptr<MaxPooling1D> from_config(const Json& config);
};

}  // namespace mz::layers
