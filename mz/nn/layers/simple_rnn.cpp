// SimpleRNN: options split between its SimpleRNNCell and RNN, and the Keras config read back.
#include "mz/nn/layers/simple_rnn.h"

#include "mz/nn/layers/recurrent_options.h"

namespace mz {
namespace layers {

SimpleRNN::SimpleRNN(int64_t units, SimpleRNNOptions options)
    : RNN("SimpleRNN",
          std::make_shared<SimpleRNNCell>(
              units, detail::cell_options_of<SimpleRNNCellOptions>(options, "simple_rnn_cell")),
          detail::rnn_options_of(options)) {
  activity_regularizer_ = options.activity_regularizer.get();
}

std::shared_ptr<SimpleRNN> SimpleRNN::from_config(const Json& config) {
  return detail::layer_from_config<SimpleRNN, SimpleRNNOptions, SimpleRNNCell>(
      config, "SimpleRNN.from_config", &options_from_config);
}

}  // namespace layers
}  // namespace mz
