// TerminateOnNaN: ends training at the first batch whose loss is NaN or infinite.
#pragma once

#include <optional>

#include "mz/nn/callbacks/callback.h"

namespace mz::callbacks {

struct TerminateOnNaNOptions {
  // Throw ValueError at once (skipping on_train_end of other callbacks) instead of stopping.
  bool raise_error = false;
};

class TerminateOnNaN : public Callback {
 public:
  explicit TerminateOnNaN(TerminateOnNaNOptions options = {});

  // Checks logs["loss"]; on NaN/Inf prints "Batch k: Invalid loss, terminating training" and
  // sets model()->stop_training, or throws ValueError naming the batch with raise_error.
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  void on_train_begin(const Logs& logs) override;
  void on_epoch_begin(int epoch, const Logs& logs) override;

  // The batch (0-based, within its epoch) and epoch where training was terminated; unset if not.
  std::optional<int64_t> terminated_batch() const { return batch_; }
  std::optional<int> terminated_epoch() const { return epoch_; }

 private:
  TerminateOnNaNOptions o_;
  int current_epoch_ = 0;
  std::optional<int64_t> batch_;
  std::optional<int> epoch_;
};

}  // namespace mz::callbacks
