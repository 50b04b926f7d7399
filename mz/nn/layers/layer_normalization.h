// LayerNormalization: each sample normalised over the given axes, then scaled and shifted
// (Keras's layers.LayerNormalization).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layer.h"
#include "mz/nn/layers/normalization_axes.h"
#include "mz/nn/layers/normalization_common.h"
#include "mz/nn/regularizers.h"

namespace mz::layers {

// Keras's LayerNormalization(axis, epsilon, center, scale, rms_scaling, beta_initializer,
// gamma_initializer, beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint),
// then the common layer fields.
struct LayerNormalizationOptions {
  Axes axis = -1;  // an axis or a list ({1, 2}); never the batch axis
  double epsilon = 1e-3;
  bool center = true;  // beta
  bool scale = true;   // gamma
  // Keras's deprecated rms_scaling: y = x / sqrt(var + epsilon) * gamma (the variance, as
  // Keras computes it, not the mean square); center and scale are then ignored.
  bool rms_scaling = false;
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

// (batch, ...) -> same shape: y = (x - mean) / sqrt(var + epsilon) * gamma + beta, with the
// mean and biased variance over `axis` for each position of the other axes. Weights, in order:
// gamma if scale (or rms_scaling), beta if center (and not rms_scaling), each of the input's
// sizes along `axis` in the listed order. When the axes are the trailing ones it runs the fused
// layer_norm kernel. As in Keras, an int axis is written to the config as a list once built.
// Throws ValueError for an axis out of range, repeated, on the batch axis or of unknown size,
// and ShapeError for an input whose sizes along the axes differ from the built ones.
class LayerNormalization : public Layer {
 public:
  explicit LayerNormalization(LayerNormalizationOptions options = {});

  const Axes& axis() const { return axis_; }
  double epsilon() const { return epsilon_; }
  // The weights (null before build or when absent).
  const VariablePtr& gamma() const { return gamma_; }
  const VariablePtr& beta() const { return beta_; }

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Json config() const override;
  // From Keras's LayerNormalization config.
  static std::shared_ptr<LayerNormalization> from_config(const Json& config);

 private:
  void check_input(const Tensor& x) const;

  Axes axis_;
  double epsilon_;
  bool center_, scale_, rms_scaling_;
  BetaGamma beta_gamma_;
  VariablePtr gamma_, beta_;
  std::vector<int> built_axes_;  // axis_ in [0, rank), in the listed order
  bool trailing_ = false;        // built_axes_ are the last axes (the fused path)
};

}  // namespace mz::layers
