// SeparableConv1D: 1-D depthwise-separable convolution (Keras's layers.SeparableConv1D); shared
// code in conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's SeparableConv1D arguments after filters and kernel_size, then the common layer fields.
using SeparableConv1DOptions = SeparableConvOptions;

// 1-D depthwise-separable convolution (Keras's SeparableConv1D): a depthwise convolution, then a
// pointwise (kernel size 1) one mixing channels, (batch, steps, channels) -> (batch, new_steps,
// filters).
// Weights, errors and config as ConvBase documents them. Example:
//   L::SeparableConv1D(32, 3, {.padding = "same", .activation = "relu"})
class SeparableConv1D : public ConvBase {
 public:
  SeparableConv1D(int64_t filters, SpatialInts kernel_size, SeparableConv1DOptions options = {});
  // From Keras's SeparableConv1D config (the "config" dict of {"class_name": "SeparableConv1D",
  // ...}).
  static std::shared_ptr<SeparableConv1D> from_config(const Json& config);

 private:
  explicit SeparableConv1D(ConvSpec spec);
};

}  // namespace mz::layers
