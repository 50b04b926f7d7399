// UpSampling3D: each cell of a volume repeated along depth, height and width (Keras's
// layers.UpSampling3D).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mz/nn/layers/base_up_sampling.h"

namespace mz::layers {

// Keras's UpSampling3D(size, data_format), then the common layer fields.
struct UpSampling3DOptions {
  std::vector<int64_t> size{2, 2, 2};         // (depth, rows, columns) factors, or one for all
  std::string data_format = "channels_last";  // channels_first is rejected
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, d, h, w, channels) -> (batch, d * size0, h * size1, w * size2, channels). Errors as
// BaseUpSampling.
class UpSampling3D : public BaseUpSampling {
 public:
  explicit UpSampling3D(UpSampling3DOptions options = {});
  static std::shared_ptr<UpSampling3D> from_config(const Json& config);
};

}  // namespace mz::layers
