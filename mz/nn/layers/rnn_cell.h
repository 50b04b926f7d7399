// RNNCell: one step of a recurrence (Keras's cell protocol: state_size, output_size and
// call(inputs, states, training)). Subclass it to run your own cell in layers::RNN; the
// built-in cells (SimpleRNNCell, LSTMCell, GRUCell) also give RNN a fused whole-sequence path.
// DropoutRNNCell holds what the built-in cells share: weights, initializers, regularizers,
// constraints and Keras's per-sequence dropout masks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mz/core/generator.h"
#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layer.h"
#include "mz/nn/regularizers.h"

namespace mz {
namespace layers {

// The result of one step: the output (batch, output_size) and the new states.
struct CellStep {
  Tensor output;
  std::vector<Tensor> states;
};

// A whole sequence handed to a cell's fused path (see RNNCell::call_sequence).
struct SequenceCall {
  Tensor sequences;            // (batch, steps, features), in the cell's dtype
  std::vector<Tensor> states;  // the initial states, (batch, state_size()[i]) each
  Tensor mask;                 // (batch, steps) uint8, 1 = real step; undefined: none
  bool go_backwards = false;
  bool zero_output_for_mask = false;
  bool return_sequences = false;
  bool training = false;
};

// What a whole-sequence call produces (Keras's backend.rnn: last output, outputs, states).
struct SequenceResult {
  Tensor outputs;              // (batch, steps, output_size) in processing order; undefined
                               // unless return_sequences was asked for
  Tensor last_output;          // (batch, output_size)
  std::vector<Tensor> states;  // the final states
};

// A recurrent cell. Implement state_size() and call(inputs, states, training); build(shape)
// gets (batch, features) and creates the weights. The cell is also a Layer: called on
// {inputs, states...} it returns {output, new states...}.
//   class MinimalCell : public layers::RNNCell { ... };
//   layers::RNN rnn(MinimalCell(32), {.return_sequences = true});
class RNNCell : public Layer {
 public:
  RNNCell(std::string class_name, LayerCommon common);

  // The size of each state (one per state: {units} for SimpleRNN and GRU, {units, units} for
  // LSTM's h and c).
  virtual std::vector<int64_t> state_size() const = 0;
  // The size of a step's output; defaults to state_size()[0].
  virtual int64_t output_size() const;
  using Layer::call;
  // One step: inputs (batch, features), states as state_size() says; returns the output and
  // the new states.
  virtual CellStep call(const Tensor& inputs, const std::vector<Tensor>& states, bool training) = 0;
  // The states a sequence starts from when none are given: zeros in the cell's dtype.
  virtual std::vector<Tensor> get_initial_state(int64_t batch_size, Device device) const;
  // The whole sequence at once, or nothing when this cell or configuration has no fused path
  // (RNN then runs call() step by step). Default: nothing.
  virtual std::optional<SequenceResult> call_sequence(const SequenceCall& call);
  // Forgets the dropout masks of the current sequence (RNN calls it before and after each
  // sequence). Default: nothing to forget.
  virtual void reset_dropout_masks() {}

  // ----- the Layer face -----
  // One step from zero states; returns the output.
  Tensor call(const Tensor& x, bool training) override;
  // xs = {inputs, states...} -> {output, new states...}.
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  void build_multi(const std::vector<Shape>& input_shapes) override;
  // (batch, output_size).
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
};

// The settings the built-in cells share, with Keras's names (already resolved).
struct CellSettings {
  int64_t units = 0;
  std::string activation = "tanh";
  std::string recurrent_activation = "sigmoid";  // unused by SimpleRNNCell
  bool use_bias = true;
  InitializerPtr kernel_initializer, recurrent_initializer, bias_initializer;
  RegularizerPtr kernel_regularizer, recurrent_regularizer, bias_regularizer;
  ConstraintPtr kernel_constraint, recurrent_constraint, bias_constraint;
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  std::optional<int64_t> seed;
};

// Keras's DropoutRNNCell with the weights of the built-in cells: kernel (features, blocks
// units), recurrent_kernel (units, blocks units) and bias, and dropout masks made once per
// sequence (values 0 or 1 / (1 - rate), Keras's backend.random.dropout of ones) and reused at
// every step. Throws ValueError for units < 1, an unknown activation or a rate outside [0, 1].
class DropoutRNNCell : public RNNCell {
 public:
  const CellSettings& settings() const { return s_; }
  int64_t units() const { return s_.units; }
  // The weights (null before build; bias null without use_bias).
  const VariablePtr& kernel() const { return kernel_; }
  const VariablePtr& recurrent_kernel() const { return recurrent_kernel_; }
  const VariablePtr& bias() const { return bias_; }
  void reset_dropout_masks() override;
  Json config() const override;

 protected:
  // blocks: gate blocks of the weights (1, 4 or 3).
  DropoutRNNCell(std::string class_name, CellSettings settings, int blocks, LayerCommon common);
  // Creates kernel and recurrent_kernel for (batch, features) inputs and returns the feature
  // count; subclasses add the bias (its shape differs).
  int64_t build_kernels(const Shape& input_shape);
  // The ShapeError for inputs that are not (batch, features) with the built feature count.
  void check_step_input(const Tensor& x) const;
  // `count` masks shaped like `like` for the inputs (recurrent: for the states), made at the
  // first call of a sequence; empty unless training with 0 < rate < 1.
  const std::vector<Tensor>& input_masks(const Tensor& like, int count, bool training);
  const std::vector<Tensor>& recurrent_masks(const Tensor& like, int count, bool training);
  // Columns [q units, (q + 1) units) of a (rows, blocks units) weight, or of a bias vector.
  Tensor block(const Tensor& w, int q) const;
  // True for the activations the fused kernels implement: "tanh" and recurrent "sigmoid".
  bool default_activations() const;
  // True when this call drops recurrent state (training, 0 < recurrent_dropout < 1): the
  // fused paths cannot, so the cells run step by step.
  bool recurrent_dropout_active(bool training) const;
  // The fused path's input side: every step's input projection in one GEMM, time-major rows:
  // (steps * batch, blocks units) = dropout(x_t) @ kernel + bias (bias may be undefined).
  Tensor project_sequence(const SequenceCall& call, const Tensor& bias);
  // Splits a recurrence op's (steps + n_states, batch, units) result (ops/rnn.h).
  static SequenceResult unpack_sequence(const Tensor& packed, int64_t steps, int n_states,
                                        bool return_sequences);

  CellSettings s_;
  int blocks_;
  VariablePtr kernel_, recurrent_kernel_, bias_;

 private:
  Generator& generator();
  std::optional<Generator> generator_;
  std::vector<Tensor> input_masks_, recurrent_masks_;
};

namespace detail {

// The Keras config keys every built-in cell writes ("units", "activation", "use_bias", the
// initializers, regularizers and constraints, "dropout", "recurrent_dropout", "seed").
void write_cell_settings(const CellSettings& s, Json& config);
// The same keys read back (missing ones take Keras's defaults); `who` names the caller in
// errors. with_recurrent_activation: read "recurrent_activation" too.
CellSettings read_cell_settings(const Json& config, const std::string& who,
                                bool with_recurrent_activation);
// A Keras activation config (a name, null for linear, or a serialized function) as a name.
std::string activation_from_config(const Json& a, const std::string& who);

}  // namespace detail
}  // namespace layers
}  // namespace mz
