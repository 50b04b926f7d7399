// ActivityRegularization: the identity, adding l1 * sum|y| + l2 * sum y^2 of its output to the
// losses (Keras's layers.ActivityRegularization).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's ActivityRegularization(l1, l2), then the common layer fields.
struct ActivityRegularizationOptions {
  double l1 = 0.0;
  double l2 = 0.0;
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ...) -> same tensor. Each call puts l1 * sum(|x|) + l2 * sum(x^2) over the whole
// batch into losses() (an L1L2 activity regularizer, as Keras). Throws ValueError for a
// negative or non-finite factor.
class ActivityRegularization : public Layer {
 public:
  explicit ActivityRegularization(ActivityRegularizationOptions options = {});

  double l1() const { return l1_; }
  double l2() const { return l2_; }
  Tensor call(const Tensor& x, bool training) override { return x; }
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  // Keras's keys: "l1", "l2" plus the common ones (no "activity_regularizer": Keras drops it).
  Json config() const override;
  static std::shared_ptr<ActivityRegularization> from_config(const Json& config);

 private:
  double l1_, l2_;
};

}  // namespace mz::layers
