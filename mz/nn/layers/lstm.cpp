// LSTM: options split between its LSTMCell and RNN, and the Keras config read back.
#include "mz/nn/layers/lstm.h"

#include "mz/nn/layers/recurrent_options.h"

namespace mz {
namespace layers {

LSTM::LSTM(int64_t units, LSTMOptions options)
    : RNN("LSTM",
          std::make_shared<LSTMCell>(
              units, detail::cell_options_of<LSTMCellOptions>(options, "lstm_cell")),
          detail::rnn_options_of(options)) {
  activity_regularizer_ = options.activity_regularizer.get();
}

std::shared_ptr<LSTM> LSTM::from_config(const Json& config) {
  return detail::layer_from_config<LSTM, LSTMOptions, LSTMCell>(config, "LSTM.from_config",
                                                                &options_from_config);
}

}  // namespace layers
}  // namespace mz
