// SpatialDropout3D: dropout of whole channels of a volume (Keras's layers.SpatialDropout3D).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/base_spatial_dropout.h"

namespace mz::layers {

// Keras's SpatialDropout3D(rate, data_format, seed, name, dtype).
struct SpatialDropout3DOptions {
  std::string data_format = "channels_last";  // channels_first is rejected
  std::optional<int64_t> seed{};              // a seed gives the layer its own generator
  std::string name{};
  DType dtype = DType::f32;
};

// (batch, depth, height, width, channels) -> same; each (sample, channel) map is dropped whole.
// Behaviour and errors as BaseSpatialDropout.
class SpatialDropout3D : public BaseSpatialDropout {
 public:
  explicit SpatialDropout3D(double rate, SpatialDropout3DOptions options = {});
  static std::shared_ptr<SpatialDropout3D> from_config(const Json& config);
};

}  // namespace mz::layers
