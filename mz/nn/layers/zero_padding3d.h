// ZeroPadding3D: zeros around a volume (Keras's layers.ZeroPadding3D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_zero_padding.h"

namespace mz::layers {

// (batch, depth, height, width, channels) with zeros added before and after each spatial axis;
// padding defaults to (1, 1) per axis. Shapes and errors as BaseZeroPadding. Example:
// L::ZeroPadding3D({.padding = {{2, 2}}}).
class ZeroPadding3D : public BaseZeroPadding {
 public:
  explicit ZeroPadding3D(ZeroPaddingOptions options = {});
  static std::shared_ptr<ZeroPadding3D> from_config(const Json& config);
};

}  // namespace mz::layers
