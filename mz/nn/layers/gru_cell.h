// GRUCell: one step of a gated recurrent unit (Keras's GRUCell); the GRU layer runs it over
// sequences.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/rnn_cell.h"

namespace mz {
namespace layers {

// Keras's GRUCell(units, activation, recurrent_activation, use_bias, kernel_initializer,
// recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
// bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
// recurrent_dropout, reset_after, seed), then the common layer fields.
struct GRUCellOptions {
  std::string activation = "tanh";  // empty is "linear" (Keras's None)
  std::string recurrent_activation = "sigmoid";
  bool use_bias = true;
  InitializerSpec kernel_initializer = "glorot_uniform";
  InitializerSpec recurrent_initializer = "orthogonal";
  InitializerSpec bias_initializer = "zeros";
  RegularizerSpec kernel_regularizer{};
  RegularizerSpec recurrent_regularizer{};
  RegularizerSpec bias_regularizer{};
  ConstraintSpec kernel_constraint{};
  ConstraintSpec recurrent_constraint{};
  ConstraintSpec bias_constraint{};
  double dropout = 0.0;            // fraction of the inputs dropped, one mask per sequence
  double recurrent_dropout = 0.0;  // fraction of the recurrent state dropped
  // true: the reset gate multiplies h @ recurrent_kernel + recurrent bias (cuDNN's form, bias
  // (2, 3 units)); false: it multiplies h before the product (bias (3 units,)).
  bool reset_after = true;
  std::optional<int64_t> seed{};  // for the dropout masks; none: the default generator
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// h' = GRU step of x (batch, features) from h (batch, units), blocks z, r, h:
// z = ract(x Wz + bz + h Uz + b'z), r = ract(x Wr + br + h Ur + b'r),
// hh = act(x Wh + bh + r (h Uh + b'h)) with reset_after (else act(x Wh + bh + (r h) Uh)),
// h' = z h + (1 - z) hh. Weights: kernel (features, 3 units), recurrent_kernel (units,
// 3 units), bias (2, 3 units) with reset_after (row 0 input, row 1 recurrent) or (3 units,).
// Default activations with reset_after run in the fused gru_cell kernel and, for a whole
// sequence, in gru_sequence (call_sequence).
class GRUCell : public DropoutRNNCell {
 public:
  explicit GRUCell(int64_t units, GRUCellOptions options = {});

  bool reset_after() const { return reset_after_; }
  std::vector<int64_t> state_size() const override { return {s_.units}; }
  using RNNCell::call;
  CellStep call(const Tensor& inputs, const std::vector<Tensor>& states, bool training) override;
  std::optional<SequenceResult> call_sequence(const SequenceCall& call) override;
  void build(const Shape& input_shape) override;
  Json config() const override;
  static std::shared_ptr<GRUCell> from_config(const Json& config);
  // The options a config describes (for GRU.from_config too).
  static GRUCellOptions options_from_config(const Json& config, const std::string& who);

 private:
  bool reset_after_;
};

}  // namespace layers
}  // namespace mz
