// RNN: a recurrent layer over a cell (Keras's RNN): runs the cell over the timesteps with
// initial states, masking, go_backwards, stateful carry-over and return_sequences /
// return_state. SimpleRNN, LSTM and GRU are RNNs over their built-in cells.
#pragma once

#include <concepts>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mz/nn/layers/rnn_cell.h"

namespace mz {
namespace layers {

// Keras's RNN(cell, return_sequences, return_state, go_backwards, stateful, unroll,
// zero_output_for_mask), then the common layer fields.
struct RNNOptions {
  bool return_sequences = false;  // all outputs (batch, timesteps, units), else the last
  bool return_state = false;      // also return the final states
  bool go_backwards = false;      // process the sequence backwards; outputs come reversed
  // Keep the final states of each call as the initial states of the next (same batch size;
  // reset_states() forgets them).
  bool stateful = false;
  bool unroll = false;  // accepted for Keras compatibility: the time loop is never unrolled
  bool zero_output_for_mask = false;  // masked steps output zeros instead of the last output
  std::string name{};
  bool trainable = true;
  std::optional<DType> dtype{};  // none: the cell's dtype
};

// (batch, timesteps, features) -> (batch, units), or (batch, timesteps, units) with
// return_sequences; with return_state the outputs are [output, state...]. Called on several
// inputs, inputs 1... are the initial states (batch, state_size[i]). A mask (batch, timesteps)
// from call_with_masks (Embedding(mask_zero), Masking) makes masked steps keep the previous
// states and repeat the previous output (zeros with zero_output_for_mask). Built-in cells run
// the whole sequence in one fused op when they can, other cells step by step. Throws
// ShapeError for an input that is not (batch, timesteps, features) with the built feature
// count, or initial states of the wrong shape.
//   layers::RNN rnn(layers::LSTMCell(8), {.return_sequences = true});
class RNN : public Layer {
 public:
  explicit RNN(std::shared_ptr<RNNCell> cell, RNNOptions options = {});
  // clang-format off
  template <class C>
    requires std::derived_from<std::remove_cvref_t<C>, RNNCell>
  explicit RNN(C&& cell, RNNOptions options = {})
      : RNN(std::make_shared<std::remove_cvref_t<C>>(std::forward<C>(cell)), std::move(options)) {}
  // clang-format on

  const std::shared_ptr<RNNCell>& cell() const { return cell_; }
  bool return_sequences() const { return return_sequences_; }
  bool return_state() const { return return_state_; }
  bool go_backwards() const { return go_backwards_; }
  bool stateful() const { return stateful_; }
  bool unroll() const { return unroll_; }
  bool zero_output_for_mask() const { return zero_output_for_mask_; }
  // Bidirectional forces it to return_sequences on the layers it wraps (as Keras).
  void set_zero_output_for_mask(bool value) { zero_output_for_mask_ = value; }
  // The states a stateful layer carries to its next call (empty before the first call or
  // after reset_states()).
  const std::vector<Tensor>& states() const { return states_; }
  // Forgets the carried states: the next call starts from zeros (Keras's reset_state()).
  void reset_states() { states_.clear(); }
  void reset_state() { reset_states(); }

  std::vector<VariablePtr> weights() const override;
  void set_trainable(bool trainable) override;
  void build_multi(const std::vector<Shape>& input_shapes) override;
  // The output alone (without states, even with return_state).
  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  std::vector<Tensor> call_masked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                  bool training) override;
  // The input mask for the output with return_sequences, else none; none for the states.
  std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                   const std::vector<Tensor>& masks) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  // Keras's keys ("return_sequences", ..., "zero_output_for_mask") and "cell".
  Json config() const override;
  static std::shared_ptr<RNN> from_config(const Json& config);

 protected:
  RNN(std::string class_name, std::shared_ptr<RNNCell> cell, RNNOptions options);
  // The RNN keys without "cell", with the cell's own keys merged in (not its name, trainable
  // or dtype) and "activity_regularizer": the config of SimpleRNN, LSTM and GRU.
  Json merged_cell_config() const;
  // The RNNOptions a config describes; `who` names the caller in errors.
  static RNNOptions options_from_config(const Json& config, const std::string& who);

 private:
  Json rnn_config() const;
  std::vector<Tensor> run(const std::vector<Tensor>& xs, const Tensor& mask, bool training);
  // The generic time loop: cell->call() step by step, masked as Keras's backend.rnn.
  SequenceResult run_steps(const SequenceCall& call);

  std::shared_ptr<RNNCell> cell_;
  bool return_sequences_, return_state_, go_backwards_, stateful_, unroll_;
  bool zero_output_for_mask_;
  std::vector<Tensor> states_;
};

}  // namespace layers
}  // namespace mz
