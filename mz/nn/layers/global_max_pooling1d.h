// GlobalMaxPooling1D: the largest value of each feature over all steps (Keras's
// layers.GlobalMaxPooling1D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_global_pooling.h"

namespace mz::layers {

// (batch, steps, features) -> (batch, channels) (keepdims: spatial axes kept as 1).
// Shapes and errors as BaseGlobalPooling.
class GlobalMaxPooling1D : public BaseGlobalPooling {
 public:
  explicit GlobalMaxPooling1D(GlobalPoolingOptions options = {});
  static std::shared_ptr<GlobalMaxPooling1D> from_config(const Json& config);
};

}  // namespace mz::layers
