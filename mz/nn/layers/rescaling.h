// Rescaling: x * scale + offset, after casting x to the layer's dtype (Keras's
// layers.Rescaling), so uint8 images can stay bytes until they enter the model.
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's Rescaling(scale, offset=0.0), then the common layer fields.
struct RescalingOptions {
  double offset = 0.0;
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ...) of any dtype -> same shape in the layer's dtype: x * scale + offset.
class Rescaling : public Layer {
 public:
  explicit Rescaling(double scale, RescalingOptions options = {});

  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  // Keras's keys: "scale", "offset" plus the common ones.
  Json config() const override;
  static std::shared_ptr<Rescaling> from_config(const Json& config);

 private:
  double scale_, offset_;
};

}  // namespace mz::layers
