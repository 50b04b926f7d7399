// ZeroPadding1D: zeros before and after the steps of a sequence (Keras's layers.ZeroPadding1D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_zero_padding.h"

namespace mz::layers {

// (batch, steps, features) with zeros added before and after each spatial axis; padding defaults to
// (1, 1) per axis. Shapes and errors as BaseZeroPadding.
// Example: L::ZeroPadding1D({.padding = {{2, 2}}}).
class ZeroPadding1D : public BaseZeroPadding {
 public:
  explicit ZeroPadding1D(ZeroPaddingOptions options = {});
  static std::shared_ptr<ZeroPadding1D> from_config(const Json& config);
};

}  // namespace mz::layers
