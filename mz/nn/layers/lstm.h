// LSTM: the long short-term memory layer (Keras's LSTM), an RNN over an LSTMCell.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/lstm_cell.h"
#include "mz/nn/layers/rnn.h"

namespace mz {
namespace layers {

// Keras's LSTM(units, activation, recurrent_activation, use_bias, kernel_initializer,
// recurrent_initializer, bias_initializer, unit_forget_bias, kernel_regularizer,
// recurrent_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
// recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed, return_sequences,
// return_state, go_backwards, stateful, unroll), zero_output_for_mask (a Keras RNN keyword),
// then the common layer fields. The fields mean what LSTMCellOptions and RNNOptions say.
struct LSTMOptions {
  std::string activation = "tanh";
  std::string recurrent_activation = "sigmoid";
  bool use_bias = true;
  InitializerSpec kernel_initializer = "glorot_uniform";
  InitializerSpec recurrent_initializer = "orthogonal";
  InitializerSpec bias_initializer = "zeros";
  bool unit_forget_bias = true;
  RegularizerSpec kernel_regularizer{};
  RegularizerSpec recurrent_regularizer{};
  RegularizerSpec bias_regularizer{};
  RegularizerSpec activity_regularizer{};
  ConstraintSpec kernel_constraint{};
  ConstraintSpec recurrent_constraint{};
  ConstraintSpec bias_constraint{};
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  std::optional<int64_t> seed{};
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  bool unroll = false;
  bool zero_output_for_mask = false;
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, timesteps, features) -> (batch, units) or, with return_sequences, (batch,
// timesteps, units); return_state adds the final h and c. Weights (in its cell "lstm_cell"):
// kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units,), gate blocks
// i, f, c, o. With the default activations (and no recurrent dropout while training) a
// sequence runs as one GEMM for every step's input projection plus the fused lstm_sequence.
// See RNN for states, masking and errors.
class LSTM : public RNN {
 public:
  explicit LSTM(int64_t units, LSTMOptions options = {});

  int64_t units() const { return lstm_cell().units(); }
  const LSTMCell& lstm_cell() const { return static_cast<const LSTMCell&>(*cell()); }
  // Keras's keys: the RNN's, the cell's and "activity_regularizer" (no "cell").
  Json config() const override { return merged_cell_config(); }
  static std::shared_ptr<LSTM> from_config(const Json& config);
};

}  // namespace layers
}  // namespace mz
