// UpSampling2D: rows and columns repeated (nearest) or interpolated (bilinear), as Keras's
// layers.UpSampling2D.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mz/nn/layers/base_up_sampling.h"

namespace mz::layers {

// Keras's UpSampling2D(size, data_format, interpolation), then the common layer fields.
struct UpSampling2DOptions {
  std::vector<int64_t> size{2, 2};            // (rows, columns) factors, or one for both
  std::string data_format = "channels_last";  // channels_first is rejected
  // "nearest" (each cell repeated) or "bilinear" (TF's tf.image.resize with half-pixel
  // centres, which Keras uses; PyTorch's interpolate(align_corners=False) agrees).
  std::string interpolation = "nearest";
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, height, width, channels) -> (batch, height * size0, width * size1, channels).
// Errors as BaseUpSampling; other Keras interpolations ("bicubic", "lanczos3", ...) are
// rejected with a ValueError.
class UpSampling2D : public BaseUpSampling {
 public:
  explicit UpSampling2D(UpSampling2DOptions options = {});
  static std::shared_ptr<UpSampling2D> from_config(const Json& config);
};

}  // namespace mz::layers
