// Cropping3D: cells cut from the faces of a volume (Keras's layers.Cropping3D).
#pragma once

#include <memory>

#include "mz/nn/layers/base_cropping.h"

namespace mz::layers {

// (batch, depth, height, width, channels) with cells cut before and after each spatial axis (a
// view); cropping defaults to (1, 1) per axis. Errors as BaseCropping. Example:
// L::Cropping3D({.cropping = {{1, 1}, {2, 0}, {0, 0}}}).
class Cropping3D : public BaseCropping {
 public:
  explicit Cropping3D(CroppingOptions options = {});
  static std::shared_ptr<Cropping3D> from_config(const Json& config);
};

}  // namespace mz::layers
