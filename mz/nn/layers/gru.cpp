// GRU: options split between its GRUCell and RNN, and the Keras config read back.
#include "mz/nn/layers/gru.h"

#include "mz/nn/layers/recurrent_options.h"

namespace mz {
namespace layers {

GRU::GRU(int64_t units, GRUOptions options)
    : RNN("GRU",
          std::make_shared<GRUCell>(units,
                                    detail::cell_options_of<GRUCellOptions>(options, "gru_cell")),
          detail::rnn_options_of(options)) {
  activity_regularizer_ = options.activity_regularizer.get();
}

std::shared_ptr<GRU> GRU::from_config(const Json& config) {
  return detail::layer_from_config<GRU, GRUOptions, GRUCell>(config, "GRU.from_config",
                                                             &options_from_config);
}

}  // namespace layers
}  // namespace mz
