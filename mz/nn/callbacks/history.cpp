// History: the callback fit() always adds; it records every epoch's logs.
#include "mz/nn/callbacks/callback.h"

namespace mz {

// As Keras 3: a new run restarts the epoch list; history keeps appending per key.
void History::on_train_begin(const Logs& /*logs*/) { epoch.clear(); }

void History::on_epoch_end(int epoch_index, const Logs& logs) {
  epoch.push_back(epoch_index);
  for (const auto& [key, value] : logs) history[key].push_back(value);
}

}  // namespace mz
