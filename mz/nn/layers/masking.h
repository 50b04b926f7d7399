// Masking: marks timesteps whose features all equal a value as padding (Keras's Masking).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's Masking(mask_value) takes only the common layer fields after it.
struct MaskingOptions {
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, timesteps, features) -> same shape, with the steps whose features all equal
// mask_value set to 0; compute_mask passes on (batch, timesteps) uint8, 1 where some feature
// differs from mask_value (for other ranks: the mask over every axis but the last).
// Downstream RNNs skip the masked steps.
class Masking : public Layer {
 public:
  explicit Masking(double mask_value = 0.0, MaskingOptions options = {});

  double mask_value() const { return mask_value_; }
  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                   const std::vector<Tensor>& masks) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  // Keras's keys: "mask_value" plus the common ones.
  Json config() const override;
  static std::shared_ptr<Masking> from_config(const Json& config);

 private:
  // (..., 1) uint8: 1 where some feature along the last axis differs from mask_value.
  Tensor keep(const Tensor& x) const;

  double mask_value_;
};

}  // namespace mz::layers
