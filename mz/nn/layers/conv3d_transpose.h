// Conv3DTranspose: 3-D transposed convolution (Keras's layers.Conv3DTranspose); shared code in
// conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's Conv3DTranspose arguments after filters and kernel_size, then the common layer fields.
using Conv3DTransposeOptions = ConvTransposeOptions;

// 3-D transposed convolution (Keras's Conv3DTranspose): (batch, depth, rows, cols, channels) ->
// (batch, new_depth, new_rows, new_cols, filters).
// Weights, errors and config as ConvBase documents them. Example:
//   L::Conv3DTranspose(32, 3, {.padding = "same", .activation = "relu"})
class Conv3DTranspose : public ConvBase {
 public:
  Conv3DTranspose(int64_t filters, SpatialInts kernel_size, Conv3DTransposeOptions options = {});
  // From Keras's Conv3DTranspose config (the "config" dict of {"class_name": "Conv3DTranspose",
  // ...}).
  static std::shared_ptr<Conv3DTranspose> from_config(const Json& config);

 private:
  explicit Conv3DTranspose(ConvSpec spec);
};

}  // namespace mz::layers
