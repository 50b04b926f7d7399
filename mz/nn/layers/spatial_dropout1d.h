// SpatialDropout1D: dropout of whole feature channels of a sequence (Keras's
// layers.SpatialDropout1D).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/base_spatial_dropout.h"

namespace mz::layers {

// Keras's SpatialDropout1D(rate, seed, name, dtype).
struct SpatialDropout1DOptions {
  std::optional<int64_t> seed{};  // a seed gives the layer its own generator
  std::string name{};
  DType dtype = DType::f32;
};

// (batch, steps, features) -> same; each (sample, feature) is dropped for every step at once.
// Behaviour and errors as BaseSpatialDropout.
class SpatialDropout1D : public BaseSpatialDropout {
 public:
  explicit SpatialDropout1D(double rate, SpatialDropout1DOptions options = {});
  static std::shared_ptr<SpatialDropout1D> from_config(const Json& config);
};

}  // namespace mz::layers
