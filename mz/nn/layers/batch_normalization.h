// BatchNormalization: per-channel normalisation with batch statistics while training and
// moving averages of them in inference (Keras's layers.BatchNormalization).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layer.h"
#include "mz/nn/layers/normalization_common.h"
#include "mz/nn/regularizers.h"

namespace mz::layers {

// Keras's BatchNormalization(axis, momentum, epsilon, center, scale, beta_initializer,
// gamma_initializer, moving_mean_initializer, moving_variance_initializer, beta_regularizer,
// gamma_regularizer, beta_constraint, gamma_constraint, synchronized), then the common fields.
struct BatchNormalizationOptions {
  int axis = -1;  // the channels axis (1 for channels_first data)
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;  // beta
  bool scale = true;   // gamma
  InitializerSpec beta_initializer = "zeros";
  InitializerSpec gamma_initializer = "ones";
  InitializerSpec moving_mean_initializer = "zeros";
  InitializerSpec moving_variance_initializer = "ones";
  RegularizerSpec beta_regularizer{};
  RegularizerSpec gamma_regularizer{};
  ConstraintSpec beta_constraint{};
  ConstraintSpec gamma_constraint{};
  // Cross-replica statistics (Keras: TensorFlow only); merezha has none, so it must be false.
  bool synchronized = false;
  RegularizerSpec activity_regularizer{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ..., channels, ...) -> same shape. Weights, in order: gamma (C,) if scale, beta (C,)
// if center, moving_mean (C,) and moving_variance (C,) (non-trainable).
// Training (call with training = true on a trainable layer):
//   y = (x - mean) / sqrt(var + epsilon) * gamma + beta, with the batch mean and biased
//   variance over every axis but `axis` (only real steps count when a mask is given), and
//   moving = moving * momentum + batch * (1 - momentum) for the mean and the variance (the
//   biased batch variance, as Keras 3), updated in place.
// Inference (training = false, or trainable = false as in Keras 3): the same formula with
//   moving_mean and moving_variance.
// The channels_last case without a mask runs the fused batch_norm kernel. Throws ValueError
// for synchronized = true, an axis out of range or of unknown size, and ShapeError for an
// input whose rank or channel count differs from the built ones.
class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(BatchNormalizationOptions options = {});

  int axis() const { return axis_; }
  double momentum() const { return momentum_; }
  double epsilon() const { return epsilon_; }
  // The weights (null before build; gamma null without scale, beta null without center).
  const VariablePtr& gamma() const { return gamma_; }
  const VariablePtr& beta() const { return beta_; }
  const VariablePtr& moving_mean() const { return moving_mean_; }
  const VariablePtr& moving_variance() const { return moving_variance_; }

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, bool training) override;
  // Uses the mask (batch, steps) of a (batch, steps, channels) input for the statistics.
  std::vector<Tensor> call_masked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                  bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  Json config() const override;
  // From Keras's BatchNormalization config.
  static std::shared_ptr<BatchNormalization> from_config(const Json& config);

 private:
  Tensor forward(const Tensor& x, const Tensor& mask, bool training);
  void check_input(const Tensor& x) const;
  // moving = moving * momentum + batch * (1 - momentum), in place and unrecorded.
  void update_moving(const Tensor& batch_mean, const Tensor& batch_var);

  int axis_;
  double momentum_, epsilon_;
  bool center_, scale_, synchronized_;
  BetaGamma beta_gamma_;
  InitializerPtr moving_mean_initializer_, moving_variance_initializer_;
  VariablePtr gamma_, beta_, moving_mean_, moving_variance_;
  int built_axis_ = -1;  // axis_ in [0, rank) once built
};

}  // namespace mz::layers
