// UnitNormalization: each sample scaled to unit L2 norm over the given axes (Keras's
// layers.UnitNormalization).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layer.h"
#include "mz/nn/layers/normalization_axes.h"

namespace mz::layers {

// Keras's UnitNormalization(axis), then the common layer fields.
struct UnitNormalizationOptions {
  Axes axis = -1;  // an axis or a list ({1, 2})
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ...) of any dtype -> same shape in the layer's dtype:
// y = x / sqrt(max(sum(x^2 over axis), 1e-12)). No weights. Throws ValueError for an axis out
// of range or repeated.
class UnitNormalization : public Layer {
 public:
  explicit UnitNormalization(UnitNormalizationOptions options = {});

  const Axes& axis() const { return axis_; }
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "axis" (an int or a list, as given) plus the common ones.
  Json config() const override;
  static std::shared_ptr<UnitNormalization> from_config(const Json& config);

 private:
  Axes axis_;
};

}  // namespace mz::layers
