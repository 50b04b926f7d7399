// DepthwiseConv1D: 1-D depthwise convolution (Keras's layers.DepthwiseConv1D); shared code in
// conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's DepthwiseConv1D arguments after kernel_size, then the common layer fields.
using DepthwiseConv1DOptions = DepthwiseConvOptions;

// 1-D depthwise convolution (Keras's DepthwiseConv1D): each channel convolved with its own
// depth_multiplier filters, (batch, steps, channels) -> (batch, new_steps, channels *
// depth_multiplier).
// Weights, errors and config as ConvBase documents them. Example:
//   L::DepthwiseConv1D(3, {.padding = "same", .activation = "relu"})
class DepthwiseConv1D : public ConvBase {
 public:
  DepthwiseConv1D(SpatialInts kernel_size, DepthwiseConv1DOptions options = {});
  // From Keras's DepthwiseConv1D config (the "config" dict of {"class_name": "DepthwiseConv1D",
  // ...}).
  static std::shared_ptr<DepthwiseConv1D> from_config(const Json& config);

 private:
  explicit DepthwiseConv1D(ConvSpec spec);
};

}  // namespace mz::layers
