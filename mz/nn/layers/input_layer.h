// InputLayer and Input(): the declared input of a model (Keras's keras.Input(shape=(784,))).
// A Sequential that starts with one builds its layers at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layer.h"

namespace mz {

// Keras's Input(shape, batch_size, dtype, ..., name).
struct InputOptions {
  std::optional<int64_t> batch_size{};  // none: any batch size
  DType dtype = DType::f32;
  std::string name{};  // empty: "input_layer", "input_layer_1", ...
};

namespace layers {

// Passes its input through unchanged (a floating input is cast to the declared dtype) after
// checking it against the declared shape; ShapeError naming both shapes otherwise.
class InputLayer : public Layer {
 public:
  // `shape` excludes the batch dimension: InputLayer({28, 28}) takes (batch, 28, 28).
  explicit InputLayer(const Shape& shape, InputOptions options = {});

  // The declared shape with the batch dimension first (-1 when any batch size goes).
  const Shape& batch_shape() const { return batch_shape_; }
  // The declared shape without the batch dimension.
  Shape shape() const;

  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  // Keras 3's keys: batch_shape (null for an unknown dimension), dtype (a name), sparse, name.
  Json config() const override;
  // Reads Keras 3's "batch_shape" or Keras 2's "batch_input_shape"; sparse inputs throw
  // ValueError (merezha has dense tensors only).
  static std::shared_ptr<InputLayer> from_config(const Json& config);

 private:
  Shape batch_shape_;
};

}  // namespace layers

// Keras's keras.Input: Input({784}) is the symbolic tensor of an InputLayer taking inputs of
// shape (batch, 784): call layers on it and pass it to Model(inputs, outputs), or put it first
// in a Sequential.
KerasTensor Input(const Shape& shape, InputOptions options = {});

}  // namespace mz
