// Activation: applies an activation function by Keras name (Keras's layers.Activation).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layer.h"

namespace mz::layers {

// (batch, ...) -> same shape: activation(name, x). Throws ValueError for an unknown name,
// listing the valid ones.
class Activation : public Layer {
 public:
  explicit Activation(std::string activation, LayerCommon common = {});

  const std::string& activation() const { return activation_; }
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  // Keras's keys: "activation" plus the common ones.
  Json config() const override;
  static std::shared_ptr<Activation> from_config(const Json& config);

 private:
  std::string activation_;
};

}  // namespace mz::layers
