// LSTMCell: one step of a long short-term memory (Keras's LSTMCell); the LSTM layer runs it
// over sequences.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/rnn_cell.h"

namespace mz {
namespace layers {

// Keras's LSTMCell(units, activation, recurrent_activation, use_bias, kernel_initializer,
// recurrent_initializer, bias_initializer, unit_forget_bias, kernel_regularizer,
// recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
// bias_constraint, dropout, recurrent_dropout, seed), then the common layer fields.
struct LSTMCellOptions {
  std::string activation = "tanh";  // empty is "linear" (Keras's None)
  std::string recurrent_activation = "sigmoid";
  bool use_bias = true;
  InitializerSpec kernel_initializer = "glorot_uniform";
  InitializerSpec recurrent_initializer = "orthogonal";
  InitializerSpec bias_initializer = "zeros";
  // Adds 1 to the forget gate's bias at initialization (Jozefowicz et al.).
  bool unit_forget_bias = true;
  RegularizerSpec kernel_regularizer{};
  RegularizerSpec recurrent_regularizer{};
  RegularizerSpec bias_regularizer{};
  ConstraintSpec kernel_constraint{};
  ConstraintSpec recurrent_constraint{};
  ConstraintSpec bias_constraint{};
  double dropout = 0.0;            // fraction of the inputs dropped, one mask per sequence
  double recurrent_dropout = 0.0;  // fraction of the recurrent state dropped
  std::optional<int64_t> seed{};   // for the dropout masks; none: the default generator
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// h, c = LSTM step of x (batch, features) from states [h, c] (batch, units) each:
// z = x @ kernel + h @ recurrent_kernel + bias in blocks i, f, c, o; i, f, o =
// recurrent_activation(.), c' = f c + i activation(z_c), h' = o activation(c'). Weights:
// kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units,). With the
// default activations the gate math runs in the fused lstm_cell kernel, and a whole sequence
// in lstm_sequence (call_sequence). With recurrent_dropout, 4 masks per sequence (one per
// gate) drop inputs and states, as Keras's implementation 1.
class LSTMCell : public DropoutRNNCell {
 public:
  explicit LSTMCell(int64_t units, LSTMCellOptions options = {});

  bool unit_forget_bias() const { return unit_forget_bias_; }
  std::vector<int64_t> state_size() const override { return {s_.units, s_.units}; }
  using RNNCell::call;
  CellStep call(const Tensor& inputs, const std::vector<Tensor>& states, bool training) override;
  std::optional<SequenceResult> call_sequence(const SequenceCall& call) override;
  void build(const Shape& input_shape) override;
  Json config() const override;
  static std::shared_ptr<LSTMCell> from_config(const Json& config);
  // The options a config describes (for LSTM.from_config too).
  static LSTMCellOptions options_from_config(const Json& config, const std::string& who);

 private:
  bool unit_forget_bias_;
};

}  // namespace layers
}  // namespace mz
