// ReduceLROnPlateau: divides the learning rate when a monitored metric stops improving.
#pragma once

#include <string>

#include "mz/nn/callbacks/callback.h"
#include "mz/nn/callbacks/callback_utils.h"

namespace mz::callbacks {

// Keras's ReduceLROnPlateau arguments, in Keras's order and with its defaults.
struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  double factor = 0.1;  // new_lr = lr * factor
  // Epochs without improvement before the rate is reduced.
  int patience = 10;
  int verbose = 0;  // 1: print each reduction
  // "min", "max", or "auto": max when the monitor's name holds "acc", else min (as Keras).
  std::string mode = "auto";
  double min_delta = 1e-4;  // an improvement must beat the best by more than this
  int cooldown = 0;         // epochs to wait after a reduction before counting again
  double min_lr = 0.0;      // the rate never goes below this
};

class ReduceLROnPlateau : public Callback, public CheckpointedCallback {
 public:
  // Throws ValueError when factor >= 1 or mode is not "auto", "min" or "max".
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});

  void on_train_begin(const Logs& logs) override;
  // Adds "learning_rate" to the epoch's logs (as Keras does), then checks the monitor.
  // NOTE: the logs are written through a const_cast: fit passes its own, non-const epoch logs,
  // and Keras's callbacks add entries that later callbacks (History, ProgbarLogger) see.
  void on_epoch_end(int epoch, const Logs& logs) override;
  // best, wait and the cooldown counter (the rate itself is the optimizer's, saved with it).
  Json checkpoint_state(std::vector<Tensor>& tensors) const override;
  void restore_checkpoint_state(const Json& state, const std::vector<Tensor>& tensors) override;

  int wait() const { return wait_; }
  int cooldown_counter() const { return cooldown_counter_; }
  double best() const { return best_; }

 private:
  void reset();

  ReduceLROnPlateauOptions o_;
  bool maximize_ = false;
  int wait_ = 0, cooldown_counter_ = 0;
  double best_ = 0.0;
  bool warned_ = false;
};

}  // namespace mz::callbacks
