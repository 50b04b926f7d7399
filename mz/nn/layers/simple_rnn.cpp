// SimpleRNN: options split between its SimpleRNNCell and RNN, and the Keras config read back.
#include "mz/nn/layers/simple_rnn.h"

namespace mz {
namespace layers {
namespace {

std::shared_ptr<SimpleRNNCell> make_cell(int64_t units, const SimpleRNNOptions& o) {
  return std::make_shared<SimpleRNNCell>(
      units, SimpleRNNCellOptions{.activation = o.activation,
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
                                  .seed = o.seed,
                                  .name = "simple_rnn_cell",
                                  .trainable = o.trainable,
                                  .dtype = o.dtype});
}

RNNOptions rnn_options(const SimpleRNNOptions& o) {
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

SimpleRNN::SimpleRNN(int64_t units, SimpleRNNOptions options)
    : RNN("SimpleRNN", make_cell(units, options), rnn_options(options)) {
  activity_regularizer_ = options.activity_regularizer.get();
}

std::shared_ptr<SimpleRNN> SimpleRNN::from_config(const Json& config) {
  const std::string who = "SimpleRNN.from_config";
  SimpleRNNCellOptions c = SimpleRNNCell::options_from_config(config, who);
  RNNOptions r = options_from_config(config, who);
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  return std::make_shared<SimpleRNN>(
      config_get<int64_t>(config, "units", 0, who),
      SimpleRNNOptions{.activation = c.activation,
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
                       .return_sequences = r.return_sequences,
                       .return_state = r.return_state,
                       .go_backwards = r.go_backwards,
                       .stateful = r.stateful,
                       .unroll = r.unroll,
                       .seed = c.seed,
                       .zero_output_for_mask = r.zero_output_for_mask,
                       .name = c.name,
                       .trainable = c.trainable,
                       .dtype = c.dtype});
}

}  // namespace layers
}  // namespace mz
