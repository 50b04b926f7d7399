// SeparableConv2D: 2-D depthwise-separable convolution (Keras's layers.SeparableConv2D); shared
// code in conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's SeparableConv2D arguments after filters and kernel_size, then the common layer fields.
using SeparableConv2DOptions = SeparableConvOptions;

// 2-D depthwise-separable convolution (Keras's SeparableConv2D): a depthwise convolution, then a
// pointwise (1x1) one mixing channels, (batch, rows, cols, channels) -> (batch, new_rows,
// new_cols, filters).
// Weights, errors and config as ConvBase documents them. Example:
//   L::SeparableConv2D(32, 3, {.padding = "same", .activation = "relu"})
class SeparableConv2D : public ConvBase {
 public:
  SeparableConv2D(int64_t filters, SpatialInts kernel_size, SeparableConv2DOptions options = {});
  // From Keras's SeparableConv2D config (the "config" dict of {"class_name": "SeparableConv2D",
  // ...}).
  static std::shared_ptr<SeparableConv2D> from_config(const Json& config);

 private:
  explicit SeparableConv2D(ConvSpec spec);
};

}  // namespace mz::layers
