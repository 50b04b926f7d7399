// SimpleRNNCell: one step of a fully connected recurrence (Keras's SimpleRNNCell); the
// SimpleRNN layer runs it over sequences.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/rnn_cell.h"

namespace mz {
namespace layers {

// Keras's SimpleRNNCell(units, activation, use_bias, kernel_initializer,
// recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
// bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
// recurrent_dropout, seed), then the common layer fields.
struct SimpleRNNCellOptions {
  std::string activation = "tanh";  // empty is "linear" (Keras's None)
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
  std::optional<int64_t> seed{};   // for the dropout masks; none: the default generator
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// h' = activation(x @ kernel + bias + h @ recurrent_kernel) for x (batch, features) and h
// (batch, units). Weights: kernel (features, units), recurrent_kernel (units, units), bias
// (units,). Activations linear, relu, tanh and sigmoid run a whole sequence in
// simple_rnn_sequence (call_sequence).
class SimpleRNNCell : public DropoutRNNCell {
 public:
  explicit SimpleRNNCell(int64_t units, SimpleRNNCellOptions options = {});

  std::vector<int64_t> state_size() const override { return {s_.units}; }
  using RNNCell::call;
  CellStep call(const Tensor& inputs, const std::vector<Tensor>& states, bool training) override;
  std::optional<SequenceResult> call_sequence(const SequenceCall& call) override;
  void build(const Shape& input_shape) override;
  static std::shared_ptr<SimpleRNNCell> from_config(const Json& config);
  // The options a config describes (for SimpleRNN.from_config too).
  static SimpleRNNCellOptions options_from_config(const Json& config, const std::string& who);
};

}  // namespace layers
}  // namespace mz
