// Conv3D: 3-D convolution over volumes (Keras's layers.Conv3D); shared code in conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's Conv3D arguments after filters and kernel_size, then the common layer fields.
using Conv3DOptions = ConvOptions;

// 3-D convolution over volumes (Keras's Conv3D): (batch, depth, rows, cols, channels) -> (batch,
// new_depth, new_rows, new_cols, filters).
// Weights, errors and config as ConvBase documents them. Example:
//   L::Conv3D(32, 3, {.padding = "same", .activation = "relu"})
class Conv3D : public ConvBase {
 public:
  Conv3D(int64_t filters, SpatialInts kernel_size, Conv3DOptions options = {});
  // From Keras's Conv3D config (the "config" dict of {"class_name": "Conv3D", ...}).
  static std::shared_ptr<Conv3D> from_config(const Json& config);

 private:
  explicit Conv3D(ConvSpec spec);
};

}  // namespace mz::layers
