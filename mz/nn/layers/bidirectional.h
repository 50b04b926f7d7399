// Bidirectional: runs a recurrent layer forwards and a copy of it backwards over the same
// sequence and merges the two outputs (Keras's Bidirectional).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/rnn.h"

namespace mz::layers {

// Keras's Bidirectional(layer, merge_mode, weights, backward_layer): the initial weights
// argument is left out (use set_weights), then the common layer fields.
struct BidirectionalOptions {
  // "concat" (along the last axis), "sum", "ave", "mul", or none (std::nullopt): the forward and
  // backward outputs are returned apart.
  std::optional<std::string> merge_mode = "concat";
  // The recurrent layer for the backward direction; none: a copy of `layer` with go_backwards.
  std::optional<LayerPtr> backward_layer{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, timesteps, features) -> the merged outputs of forward_layer (a fresh copy of
// `layer` named "forward_<name>") and backward_layer ("backward_<name>", go_backwards); with
// return_sequences the backward outputs are flipped back to time order before merging. With
// return_state the outputs are [merged..., forward states..., backward states...]. Called on
// several inputs, inputs 1... are initial states: the first half for the forward layer, the
// rest for the backward one. Masks reach both layers, whose masked outputs are zeros when they
// return sequences (Keras's rule). Weights: the forward layer's, then the backward layer's.
// Throws ValueError when layer is not a recurrent layer, for an unknown merge_mode, and when
// the two layers do not differ in go_backwards or differ in stateful, return_sequences or
// return_state.
//   layers::Bidirectional(layers::LSTM(16, {.return_sequences = true}))
class Bidirectional : public Layer {
 public:
  explicit Bidirectional(LayerPtr layer, BidirectionalOptions options = {});

  const std::shared_ptr<RNN>& forward_layer() const { return forward_; }
  const std::shared_ptr<RNN>& backward_layer() const { return backward_; }
  const std::optional<std::string>& merge_mode() const { return merge_mode_; }
  bool return_sequences() const { return forward_->return_sequences(); }
  bool return_state() const { return forward_->return_state(); }
  bool stateful() const { return forward_->stateful(); }
  // Forgets the carried states of both layers; throws ValueError unless stateful.
  void reset_states();

  std::vector<VariablePtr> weights() const override;
  std::vector<Tensor> losses() const override;
  void set_trainable(bool trainable) override;
  void build_multi(const std::vector<Shape>& input_shapes) override;
  // The first output alone.
  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  std::vector<Tensor> call_masked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                  bool training) override;
  std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                   const std::vector<Tensor>& masks) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  // Keras's keys: "merge_mode", "layer" (the forward layer), "backward_layer".
  Json config() const override;
  static std::shared_ptr<Bidirectional> from_config(const Json& config);

 private:
  std::vector<Tensor> run(const std::vector<Tensor>& xs, const Tensor& mask, bool training);

  std::shared_ptr<RNN> forward_, backward_;
  std::optional<std::string> merge_mode_;
};

}  // namespace mz::layers
