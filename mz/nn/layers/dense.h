// Dense: the fully connected layer, act(x @ kernel + bias) over the last axis (Keras's Dense).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layer.h"
#include "mz/nn/regularizers.h"

namespace mz {
namespace layers {

// Keras's Dense(units, activation, use_bias, kernel_initializer, bias_initializer,
// kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
// bias_constraint), then the common layer fields.
struct DenseOptions {
  std::string activation{};  // a Keras name ("relu", "softmax", ...); empty is "linear"
  bool use_bias = true;
  InitializerSpec kernel_initializer = "glorot_uniform";
  InitializerSpec bias_initializer = "zeros";
  RegularizerSpec kernel_regularizer{};
  RegularizerSpec bias_regularizer{};
  RegularizerSpec activity_regularizer{};
  ConstraintSpec kernel_constraint{};
  ConstraintSpec bias_constraint{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ..., in) -> (batch, ..., units): act(x @ kernel + bias), kernel (in, units), bias
// (units,). Linear, relu, tanh and sigmoid run fused in one kernel (mz::linear). Throws
// ValueError for units < 1 or an unknown activation (listing the names), and ShapeError when
// the input's last dimension is not the one the layer was built for:
//   Dense 'dense_2': input last dimension is 784, but the layer was built for 128 (kernel
//   (128, 10)). Put Flatten or Reshape before it, or rebuild the model.
class Dense : public Layer {
 public:
  explicit Dense(int64_t units, DenseOptions options = {});

  int64_t units() const { return units_; }
  // "linear" when none was given.
  const std::string& activation() const { return activation_; }
  // The weights (null before build; bias null when use_bias is false).
  const VariablePtr& kernel() const { return kernel_; }
  const VariablePtr& bias() const { return bias_; }

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Json config() const override;
  // From Keras's Dense config (the "config" dict of {"class_name": "Dense", ...}).
  static std::shared_ptr<Dense> from_config(const Json& config);

 private:
  void check_input_rank(const Shape& shape) const;

  int64_t units_;
  std::string activation_;
  bool use_bias_;
  InitializerPtr kernel_initializer_, bias_initializer_;
  RegularizerPtr kernel_regularizer_, bias_regularizer_;
  ConstraintPtr kernel_constraint_, bias_constraint_;
  VariablePtr kernel_, bias_;
};

}  // namespace layers
}  // namespace mz
