// What the built-in recurrent layers (SimpleRNN, LSTM, GRU) and their cells share: one copy of
// their common Keras fields between options, CellSettings and RNNOptions, one config reader
// for the layers and cells, and the fused recurrence's options of a sequence call.
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layers/rnn.h"
#include "mz/ops/rnn.h"

namespace mz {
namespace layers {
namespace detail {

// Sets the cell fields of `to` (activation, use_bias, the initializers, regularizers and
// constraints, dropout, recurrent_dropout, seed, and recurrent_activation, unit_forget_bias and
// reset_after where both have them) from `from`; either may be a built-in layer's or cell's
// options (SimpleRNN, LSTM, GRU and their cells) or CellSettings, which has resolved pointers.
template <class To, class From>
void copy_cell_fields(const From& from, To& to) {
  auto set = [](auto& t, const auto& f) {
    if constexpr (requires { t = f; })
      t = f;
    else
      t = f.get();  // an InitializerSpec, RegularizerSpec or ConstraintSpec into its pointer
  };
  set(to.activation, from.activation);
  set(to.use_bias, from.use_bias);
  set(to.kernel_initializer, from.kernel_initializer);
  set(to.recurrent_initializer, from.recurrent_initializer);
  set(to.bias_initializer, from.bias_initializer);
  set(to.kernel_regularizer, from.kernel_regularizer);
  set(to.recurrent_regularizer, from.recurrent_regularizer);
  set(to.bias_regularizer, from.bias_regularizer);
  set(to.kernel_constraint, from.kernel_constraint);
  set(to.recurrent_constraint, from.recurrent_constraint);
  set(to.bias_constraint, from.bias_constraint);
  set(to.dropout, from.dropout);
  set(to.recurrent_dropout, from.recurrent_dropout);
  set(to.seed, from.seed);
  // The fields only some of the options have.
  if constexpr (requires { to.recurrent_activation = from.recurrent_activation; })
    to.recurrent_activation = from.recurrent_activation;
  if constexpr (requires { to.unit_forget_bias = from.unit_forget_bias; })
    to.unit_forget_bias = from.unit_forget_bias;
  if constexpr (requires { to.reset_after = from.reset_after; }) to.reset_after = from.reset_after;
}

// Sets `to`'s RNN fields (return_sequences, return_state, go_backwards, stateful, unroll,
// zero_output_for_mask) from `from`: a built-in layer's options or RNNOptions.
template <class To, class From>
void copy_rnn_fields(const From& from, To& to) {
  to.return_sequences = from.return_sequences;
  to.return_state = from.return_state;
  to.go_backwards = from.go_backwards;
  to.stateful = from.stateful;
  to.unroll = from.unroll;
  to.zero_output_for_mask = from.zero_output_for_mask;
}

// `to` of type To with the common layer fields (name, trainable, dtype) of `from`: options or
// LayerCommon; To may be LayerCommon, RNNOptions or any options struct.
template <class To, class From>
To with_common_fields(const From& from) {
  To to;
  to.name = from.name;
  to.trainable = from.trainable;
  to.dtype = from.dtype;
  return to;
}

// The CellSettings of a built-in cell with `units` and its options `o`.
template <class CellOptions>
CellSettings cell_settings(int64_t units, const CellOptions& o) {
  CellSettings s;
  s.units = units;
  copy_cell_fields(o, s);
  return s;
}

// A built-in cell's options from a config: the shared keys (read_cell_settings), the common
// layer fields, and unit_forget_bias / reset_after where the options have them; `who` names
// the caller in errors.
template <class CellOptions>
CellOptions cell_options_from_config(const Json& config, const std::string& who) {
  const bool gated = requires(CellOptions o) { o.recurrent_activation; };
  CellSettings s = read_cell_settings(config, who, gated);
  auto o = with_common_fields<CellOptions>(layer_common_from_config(config, who));
  copy_cell_fields(s, o);
  if constexpr (requires { o.unit_forget_bias; })
    o.unit_forget_bias = config_get(config, "unit_forget_bias", true, who);
  if constexpr (requires { o.reset_after; })
    o.reset_after = config_get(config, "reset_after", true, who);
  return o;
}

// A built-in cell (SimpleRNNCell, LSTMCell, GRUCell) from its Keras config; `who` names the
// caller in errors.
template <class Cell>
std::shared_ptr<Cell> cell_from_config(const Json& config, const std::string& who) {
  auto options = Cell::options_from_config(config, who);
  return std::make_shared<Cell>(config_get<int64_t>(config, "units", 0, who), std::move(options));
}

// The options a built-in layer's options `o` give its cell, named `cell_name` (Keras's
// "lstm_cell", ...), with the layer's trainable and dtype.
template <class CellOptions, class LayerOptions>
CellOptions cell_options_of(const LayerOptions& o, std::string cell_name) {
  auto c = with_common_fields<CellOptions>(o);
  copy_cell_fields(o, c);
  c.name = std::move(cell_name);
  return c;
}

// The RNNOptions of a built-in layer's options `o`.
template <class LayerOptions>
RNNOptions rnn_options_of(const LayerOptions& o) {
  auto r = with_common_fields<RNNOptions>(o);
  copy_rnn_fields(o, r);
  return r;
}

// A built-in layer's options from its cell's options `c` (which give name, trainable and
// dtype too), the RNN's `r` and the activity regularizer.
template <class LayerOptions, class CellOptions>
LayerOptions layer_options(const CellOptions& c, const RNNOptions& r, RegularizerSpec activity) {
  auto o = with_common_fields<LayerOptions>(c);
  copy_cell_fields(c, o);
  copy_rnn_fields(r, o);
  o.activity_regularizer = std::move(activity);
  return o;
}

// The "activity_regularizer" of a built-in layer's config (null or missing: none).
RegularizerSpec activity_regularizer_from_config(const Json& config);

// A built-in layer (SimpleRNN, LSTM, GRU, over Cell, with LayerOptions) from its Keras config:
// the cell's keys, then the RNN's (read by `rnn_options`), then "activity_regularizer" and
// "units"; `who` names the caller in errors.
template <class Layer, class LayerOptions, class Cell>
std::shared_ptr<Layer> layer_from_config(const Json& config, const std::string& who,
                                         RNNOptions (*rnn_options)(const Json&,
                                                                   const std::string&)) {
  auto c = Cell::options_from_config(config, who);
  RNNOptions r = rnn_options(config, who);
  return std::make_shared<Layer>(
      config_get<int64_t>(config, "units", 0, who),
      layer_options<LayerOptions>(c, r, activity_regularizer_from_config(config)));
}

// The fused recurrence's options for a whole-sequence call: its mask, go_backwards and
// zero_output_for_mask.
RecurrenceOptions recurrence_options(const SequenceCall& call);

}  // namespace detail
}  // namespace layers
}  // namespace mz
