// ZeroPadding2D: rows and columns of zeros around an image (Keras's layers.ZeroPadding2D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_zero_padding.h"

namespace mz::layers {

// (batch, height, width, channels) with zeros added before and after each spatial axis; padding
// defaults to (1, 1) per axis. Shapes and errors as BaseZeroPadding. Example:
// L::ZeroPadding2D({.padding = {{2, 2}}}).
class ZeroPadding2D : public BaseZeroPadding {
 public:
  explicit ZeroPadding2D(ZeroPaddingOptions options = {});
  static std::shared_ptr<ZeroPadding2D> from_config(const Json& config);
};

}  // namespace mz::layers
