// Reshape: gives each sample a new shape (Keras's layers.Reshape).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layer.h"

namespace mz::layers {

// (batch, ...) -> (batch, *target_shape); one -1 in target_shape is inferred. Throws
// ValueError for a bad target_shape (more than one -1, a zero or negative size) and ShapeError
// naming both shapes when a sample does not fit:
//   Reshape 'reshape': input (2, 12) does not fit target shape (5, -1): expected a multiple of 5
//   values per sample, got 12.
class Reshape : public Layer {
 public:
  explicit Reshape(const Shape& target_shape, LayerCommon common = {});

  const Shape& target_shape() const { return target_shape_; }
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "target_shape" plus the common ones.
  Json config() const override;
  static std::shared_ptr<Reshape> from_config(const Json& config);

 private:
  // The output shape for an input shape (its batch dimension kept as is).
  Shape resolve(const Shape& input_shape) const;

  Shape target_shape_;
};

}  // namespace mz::layers
