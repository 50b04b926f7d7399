// GRU: the gated recurrent unit layer (Keras's GRU), an RNN over a GRUCell.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/gru_cell.h"
#include "mz/nn/layers/rnn.h"

namespace mz {
namespace layers {

// Keras's GRU(units, activation, recurrent_activation, use_bias, kernel_initializer,
// recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
// bias_regularizer, activity_regularizer, kernel_constraint, recurrent_constraint,
// bias_constraint, dropout, recurrent_dropout, seed, return_sequences, return_state,
// go_backwards, stateful, unroll, reset_after), zero_output_for_mask (a Keras RNN keyword),
// then the common layer fields. The fields mean what GRUCellOptions and RNNOptions say.
struct GRUOptions {
  std::string activation = "tanh";
  std::string recurrent_activation = "sigmoid";
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
  std::optional<int64_t> seed{};
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  bool unroll = false;
  bool reset_after = true;
  bool zero_output_for_mask = false;
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, timesteps, features) -> (batch, units) or, with return_sequences, (batch,
// timesteps, units); return_state adds the final h. Weights (in its cell "gru_cell"): kernel
// (features, 3 units), recurrent_kernel (units, 3 units), bias (2, 3 units) with reset_after
// (input and recurrent rows) or (3 units,), gate blocks z, r, h. With reset_after and the
// default activations (and no recurrent dropout while training) a sequence runs as one GEMM
// for every step's input projection plus the fused gru_sequence.
// See RNN for states, masking and errors.
class GRU : public RNN {
 public:
  explicit GRU(int64_t units, GRUOptions options = {});

  int64_t units() const { return gru_cell().units(); }
  const GRUCell& gru_cell() const { return static_cast<const GRUCell&>(*cell()); }
  // Keras's keys: the RNN's, the cell's and "activity_regularizer" (no "cell").
  Json config() const override { return merged_cell_config(); }
  static std::shared_ptr<GRU> from_config(const Json& config);
};

}  // namespace layers
}  // namespace mz
