// UpSampling1D: each step repeated `size` times (Keras's layers.UpSampling1D).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "mz/nn/layers/base_up_sampling.h"

namespace mz::layers {

// Keras's UpSampling1D(size), then the common layer fields.
struct UpSampling1DOptions {
  int64_t size = 2;
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, steps, features) -> (batch, steps * size, features). Errors as BaseUpSampling.
class UpSampling1D : public BaseUpSampling {
 public:
  explicit UpSampling1D(UpSampling1DOptions options = {});
  static std::shared_ptr<UpSampling1D> from_config(const Json& config);
};

}  // namespace mz::layers
