// GRU: options split between its GRUCell and RNN, and the Keras config read back.
#include "mz/nn/layers/gru.h"

namespace mz {
namespace layers {
namespace {

std::shared_ptr<GRUCell> make_cell(int64_t units, const GRUOptions& o) {
  return std::make_shared<GRUCell>(units,
                                   GRUCellOptions{.activation = o.activation,
                                                  .recurrent_activation = o.recurrent_activation,
                                                  .use_bias = o.use_bias,
                                                  .kernel_initializer = o.kernel_initializer,
                                                  .recurrent_initializer = o.recurrent_initializer,
                                                  .bias_initializer = o.bias_initializer,
                                                  .kernel_regularizer = o.kernel_regularizer,
                                                  .recurrent_regularizer = o.recurrent_regularizer,
                                                  .bias_regularizer = o.bias_regularizer,
                                                  .kernel_constraint = o.kernel_constraint,
                                                  .recurrent_constraint = o.recurrent_constraint,
                                                  .bias_constraint = o.bias_constraint,
                                                  .dropout = o.dropout,
                                                  .recurrent_dropout = o.recurrent_dropout,
                                                  .reset_after = o.reset_after,
                                                  .seed = o.seed,
                                                  .name = "gru_cell",
                                                  .trainable = o.trainable,
                                                  .dtype = o.dtype});
}

RNNOptions rnn_options(const GRUOptions& o) {
  return {.return_sequences = o.return_sequences,
          .return_state = o.return_state,
          .go_backwards = o.go_backwards,
          .stateful = o.stateful,
          .unroll = o.unroll,
          .zero_output_for_mask = o.zero_output_for_mask,
          .name = o.name,
          .trainable = o.trainable,
          .dtype = o.dtype};
}

}  // namespace

GRU::GRU(int64_t units, GRUOptions options)
    : RNN("GRU", make_cell(units, options), rnn_options(options)) {
  activity_regularizer_ = options.activity_regularizer.get();
}

std::shared_ptr<GRU> GRU::from_config(const Json& config) {
  const std::string who = "GRU.from_config";
  GRUCellOptions c = GRUCell::options_from_config(config, who);
  RNNOptions r = options_from_config(config, who);
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  return std::make_shared<GRU>(
      config_get<int64_t>(config, "units", 0, who),
      GRUOptions{.activation = c.activation,
                 .recurrent_activation = c.recurrent_activation,
                 .use_bias = c.use_bias,
                 .kernel_initializer = c.kernel_initializer,
                 .recurrent_initializer = c.recurrent_initializer,
                 .bias_initializer = c.bias_initializer,
                 .kernel_regularizer = c.kernel_regularizer,
                 .recurrent_regularizer = c.recurrent_regularizer,
                 .bias_regularizer = c.bias_regularizer,
                 .activity_regularizer = regularizer_from_config(get("activity_regularizer")),
                 .kernel_constraint = c.kernel_constraint,
                 .recurrent_constraint = c.recurrent_constraint,
                 .bias_constraint = c.bias_constraint,
                 .dropout = c.dropout,
                 .recurrent_dropout = c.recurrent_dropout,
                 .seed = c.seed,
                 .return_sequences = r.return_sequences,
                 .return_state = r.return_state,
                 .go_backwards = r.go_backwards,
                 .stateful = r.stateful,
                 .unroll = r.unroll,
                 .reset_after = c.reset_after,
                 .zero_output_for_mask = r.zero_output_for_mask,
                 .name = c.name,
                 .trainable = c.trainable,
                 .dtype = c.dtype});
}

}  // namespace layers
}  // namespace mz
