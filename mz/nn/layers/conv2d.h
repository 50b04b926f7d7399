// Conv2D: 2-D convolution over images (Keras's layers.Conv2D); shared code in conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's Conv2D arguments after filters and kernel_size, then the common layer fields.
using Conv2DOptions = ConvOptions;

// 2-D convolution over images (Keras's Conv2D): (batch, rows, cols, channels) -> (batch, new_rows,
// new_cols, filters).
// Weights, errors and config as ConvBase documents them. Example:
//   L::Conv2D(32, 3, {.padding = "same", .activation = "relu"})
class Conv2D : public ConvBase {
 public:
  Conv2D(int64_t filters, SpatialInts kernel_size, Conv2DOptions options = {});
  // From Keras's Conv2D config (the "config" dict of {"class_name": "Conv2D", ...}).
  static std::shared_ptr<Conv2D> from_config(const Json& config);

 private:
  explicit Conv2D(ConvSpec spec);
};

}  // namespace mz::layers
