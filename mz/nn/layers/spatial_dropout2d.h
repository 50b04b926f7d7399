// SpatialDropout2D: dropout of whole channels of an image (Keras's layers.SpatialDropout2D).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/base_spatial_dropout.h"

namespace mz::layers {

// Keras's SpatialDropout2D(rate, data_format, seed, name, dtype).
struct SpatialDropout2DOptions {
  std::string data_format = "channels_last";  // channels_first is rejected
  std::optional<int64_t> seed{};              // a seed gives the layer its own generator
  std::string name{};
  DType dtype = DType::f32;
};

// (batch, height, width, channels) -> same; each (sample, channel) map is dropped whole.
// Behaviour and errors as BaseSpatialDropout.
class SpatialDropout2D : public BaseSpatialDropout {
 public:
  explicit SpatialDropout2D(double rate, SpatialDropout2DOptions options = {});
  static std::shared_ptr<SpatialDropout2D> from_config(const Json& config);
};

}  // namespace mz::layers
