// The arguments Dropout and AlphaDropout share (rate, noise_shape, seed): their checks, the shape
// of the keep mask and their Keras config keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"
#include "mz/nn/layer.h"

namespace mz::layers {

// Throws ValueError naming `who` unless 0 <= rate < 1 and every noise_shape entry is positive
// or -1.
void check_dropout_args(double rate, const std::vector<int64_t>& noise_shape,
                        const std::string& who);

// The keep mask's shape for input x: x's shape when noise_shape is empty, else noise_shape with
// -1 taking x's size. Throws ShapeError naming `who` when it does not broadcast to x.
Shape dropout_mask_shape(const std::vector<int64_t>& noise_shape, const Tensor& x,
                         const std::string& who);

// Writes Keras's "rate", "seed" and "noise_shape" (null when none; -1 entries as null).
void write_dropout_config(double rate, const std::optional<int64_t>& seed,
                          const std::vector<int64_t>& noise_shape, Json& config);

// A dropout layer's arguments as read from a Keras config.
struct DropoutConfig {
  double rate = 0.0;
  std::optional<int64_t> seed{};
  std::vector<int64_t> noise_shape{};
  LayerCommon common{};
};

// Reads "rate" (required), "seed", "noise_shape" and the common keys; throws ValueError naming
// `who` ("Dropout.from_config") for a missing rate or a malformed noise_shape.
DropoutConfig read_dropout_config(const Json& config, const std::string& who);

}  // namespace mz::layers
