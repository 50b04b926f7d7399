// DepthwiseConv2D: 2-D depthwise convolution (Keras's layers.DepthwiseConv2D); shared code in
// conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's DepthwiseConv2D arguments after kernel_size, then the common layer fields.
using DepthwiseConv2DOptions = DepthwiseConvOptions;

// 2-D depthwise convolution (Keras's DepthwiseConv2D): each channel convolved with its own
// depth_multiplier filters, (batch, rows, cols, channels) -> (batch, new_rows, new_cols, channels
// * depth_multiplier).
// Weights, errors and config as ConvBase documents them. Example:
//   L::DepthwiseConv2D(3, {.padding = "same", .activation = "relu"})
class DepthwiseConv2D : public ConvBase {
 public:
  DepthwiseConv2D(SpatialInts kernel_size, DepthwiseConv2DOptions options = {});
  // From Keras's DepthwiseConv2D config (the "config" dict of {"class_name": "DepthwiseConv2D",
  // ...}).
  static std::shared_ptr<DepthwiseConv2D> from_config(const Json& config);

 private:
  explicit DepthwiseConv2D(ConvSpec spec);
};

}  // namespace mz::layers
