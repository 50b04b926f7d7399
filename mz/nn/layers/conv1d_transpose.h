// Conv1DTranspose: 1-D transposed convolution (Keras's layers.Conv1DTranspose); shared code in
// conv_base.h.
#pragma once

#include <memory>

#include "mz/nn/layers/conv_base.h"

namespace mz::layers {

// Keras's Conv1DTranspose arguments after filters and kernel_size, then the common layer fields.
using Conv1DTransposeOptions = ConvTransposeOptions;

// 1-D transposed convolution (Keras's Conv1DTranspose), the gradient of Conv1D with respect to its
// input: (batch, steps, channels) -> (batch, new_steps, filters), new_steps = steps * strides with
// padding "same" and no output_padding.
// Weights, errors and config as ConvBase documents them. Example:
//   L::Conv1DTranspose(32, 3, {.padding = "same", .activation = "relu"})
class Conv1DTranspose : public ConvBase {
 public:
  Conv1DTranspose(int64_t filters, SpatialInts kernel_size, Conv1DTransposeOptions options = {});
  // From Keras's Conv1DTranspose config (the "config" dict of {"class_name": "Conv1DTranspose",
  // ...}).
  static std::shared_ptr<Conv1DTranspose> from_config(const Json& config);

 private:
  explicit Conv1DTranspose(ConvSpec spec);
};

}  // namespace mz::layers
