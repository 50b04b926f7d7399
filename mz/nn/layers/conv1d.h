// Conv1D: 1-D convolution over steps (Keras's layers.Conv1D); shared code in conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's Conv1D arguments after filters and kernel_size, then the common layer fields.
using Conv1DOptions = ConvOptions;

// 1-D convolution over steps (Keras's Conv1D; padding "causal" pads dilation_rate * (kernel_size -
// 1) zeros before, so output t sees inputs up to t only): (batch, steps, channels) -> (batch,
// new_steps, filters).
// Weights, errors and config as ConvBase documents them. Example:
//   L::Conv1D(32, 3, {.padding = "same", .activation = "relu"})
class Conv1D : public ConvBase {
 public:
  Conv1D(int64_t filters, SpatialInts kernel_size, Conv1DOptions options = {});
  // From Keras's Conv1D config (the "config" dict of {"class_name": "Conv1D", ...}).
  static std::shared_ptr<Conv1D> from_config(const Json& config);

 private:
  explicit Conv1D(ConvSpec spec);
};

}  // namespace mz::layers
