// GroupNormalization: the channels split into groups, each normalised over its channels and
// every non-batch axis (Keras's layers.GroupNormalization).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layer.h"
#include "mz/nn/layers/normalization_common.h"
#include "mz/nn/regularizers.h"

namespace mz::layers {

// Keras's GroupNormalization(groups, axis, epsilon, center, scale, beta_initializer,
// gamma_initializer, beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint),
// then the common layer fields.
struct GroupNormalizationOptions {
  int64_t groups = 32;  // -1: one group per channel (instance normalisation)
  int axis = -1;        // the channels axis
  double epsilon = 1e-3;
  bool center = true;  // beta
  bool scale = true;   // gamma
  InitializerSpec beta_initializer = "zeros";
  InitializerSpec gamma_initializer = "ones";
  RegularizerSpec beta_regularizer{};
  RegularizerSpec gamma_regularizer{};
  ConstraintSpec beta_constraint{};
  ConstraintSpec gamma_constraint{};
  RegularizerSpec activity_regularizer{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ..., channels, ...) -> same shape. The C channels form `groups` consecutive groups of
// C / groups; each sample's group is normalised with the mean and biased variance over its
// channels and every other non-batch axis, then y = xhat * gamma + beta per channel. Weights,
// in order: gamma (C,) if scale, beta (C,) if center. groups = -1 becomes C at build (and in
// the config, as in Keras). Throws ValueError for groups 0 or below -1, an axis out of range,
// on the batch or of unknown size, more groups than channels or channels not a multiple of
// groups, and ShapeError for an input whose channels differ from the built ones.
class GroupNormalization : public Layer {
 public:
  explicit GroupNormalization(GroupNormalizationOptions options = {});

  int64_t groups() const { return groups_; }
  int axis() const { return axis_; }
  // The weights (null before build or when absent).
  const VariablePtr& gamma() const { return gamma_; }
  const VariablePtr& beta() const { return beta_; }

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  Json config() const override;
  // From Keras's GroupNormalization config.
  static std::shared_ptr<GroupNormalization> from_config(const Json& config);

 private:
  int64_t groups_;
  int axis_;
  double epsilon_;
  bool center_, scale_;
  BetaGamma beta_gamma_;
  VariablePtr gamma_, beta_;
  int built_axis_ = -1;  // axis_ in [0, rank) once built
};

}  // namespace mz::layers
