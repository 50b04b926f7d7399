// Cropping2D: rows and columns cut from the edges of an image (Keras's layers.Cropping2D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_cropping.h"

namespace mz::layers {

// (batch, height, width, channels) with cells cut before and after each spatial axis (a view);
// cropping defaults to (0, 0) per axis. Errors as BaseCropping.
// Example: L::Cropping2D({.cropping = {{1, 1}, {2, 0}}}).
class Cropping2D : public BaseCropping {
 public:
  explicit Cropping2D(CroppingOptions options = {});
  static std::shared_ptr<Cropping2D> from_config(const Json& config);
};

}  // namespace mz::layers
