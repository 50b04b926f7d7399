// SimpleRNN: the fully connected recurrent layer (Keras's SimpleRNN), an RNN over an SimpleRNNCell.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/rnn.h"
#include "mz/nn/layers/simple_rnn_cell.h"

namespace mz {
namespace layers {

// Keras's SimpleRNN(units, activation, use_bias, kernel_initializer, recurrent_initializer,
// bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
// activity_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
// recurrent_dropout, return_sequences, return_state, go_backwards, stateful, unroll, seed),
// zero_output_for_mask (a Keras RNN keyword), then the common layer fields. The fields mean
// what SimpleRNNCellOptions and RNNOptions say.
struct SimpleRNNOptions {
  std::string activation = "tanh";
  bool use_bias = true;
  InitializerSpec kernel_initializer = "glorot_uniform";
  InitializerSpec recurrent_initializer = "orthogonal";
  InitializerSpec bias_initializer = "zeros";
  RegularizerSpec kernel_regularizer{};
  RegularizerSpec recurrent_regularizer{};
  RegularizerSpec bias_regularizer{};
  RegularizerSpec activity_regularizer{};
  ConstraintSpec kernel_constraint{};
  ConstraintSpec recurrent_constraint{};
  ConstraintSpec bias_constraint{};
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  bool unroll = false;
  std::optional<int64_t> seed{};
  bool zero_output_for_mask = false;
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, timesteps, features) -> (batch, units) or, with return_sequences, (batch,
// timesteps, units); return_state adds the final h. Weights (in its cell "simple_rnn_cell"):
// kernel (features, units), recurrent_kernel (units, units), bias (units,). With activation
// linear, relu, tanh or sigmoid (and no recurrent dropout while training) a sequence runs as
// one GEMM for every step's input projection plus the fused simple_rnn_sequence.
// See RNN for states, masking and errors.
class SimpleRNN : public RNN {
 public:
  explicit SimpleRNN(int64_t units, SimpleRNNOptions options = {});

  int64_t units() const { return simple_rnn_cell().units(); }
  const SimpleRNNCell& simple_rnn_cell() const {
    return static_cast<const SimpleRNNCell&>(*cell());
  }
  // Keras's keys: the RNN's, the cell's and "activity_regularizer" (no "cell").
  Json config() const override { return merged_cell_config(); }
  static std::shared_ptr<SimpleRNN> from_config(const Json& config);
};

}  // namespace layers
}  // namespace mz
