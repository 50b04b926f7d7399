// Conv2DTranspose: 2-D transposed convolution (Keras's layers.Conv2DTranspose); shared code in
// conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's Conv2DTranspose arguments after filters and kernel_size, then the common layer fields.
using Conv2DTransposeOptions = ConvTransposeOptions;

// 2-D transposed convolution (Keras's Conv2DTranspose), the gradient of Conv2D with respect to its
// input: (batch, rows, cols, channels) -> (batch, new_rows, new_cols, filters); with padding
// "same" and no output_padding each size is multiplied by its stride.
// Weights, errors and config as ConvBase documents them. Example:
//   L::Conv2DTranspose(32, 3, {.padding = "same", .activation = "relu"})
class Conv2DTranspose : public ConvBase {
 public:
  Conv2DTranspose(int64_t filters, SpatialInts kernel_size, Conv2DTransposeOptions options = {});
  // From Keras's Conv2DTranspose config (the "config" dict of {"class_name": "Conv2DTranspose",
  // ...}).
  static std::shared_ptr<Conv2DTranspose> from_config(const Json& config);

 private:
  explicit Conv2DTranspose(ConvSpec spec);
};

}  // namespace mz::layers
