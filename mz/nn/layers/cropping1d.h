// Cropping1D: steps cut from the start and end of a sequence (Keras's layers.Cropping1D).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "mz/nn/layers/base_cropping.h"

namespace mz::layers {

// Keras's Cropping1D(cropping), then the common layer fields.
struct Cropping1DOptions {
  std::pair<int64_t, int64_t> cropping{1, 1};  // steps cut (from the start, from the end)
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, steps, features) -> (batch, steps - start - end, features), a view. Errors as
// BaseCropping.
class Cropping1D : public BaseCropping {
 public:
  explicit Cropping1D(Cropping1DOptions options = {});
  static std::shared_ptr<Cropping1D> from_config(const Json& config);
};

}  // namespace mz::layers
