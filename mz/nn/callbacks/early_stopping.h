// EarlyStopping: stops fit when a monitored metric stops improving (Keras 3 semantics).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/callbacks/callback.h"
#include "mz/nn/callbacks/callback_utils.h"

namespace mz::callbacks {

// Keras's EarlyStopping arguments, in Keras's order and with its defaults.
struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  // Smallest change that counts as an improvement (its sign is ignored).
  double min_delta = 0.0;
  // Epochs without improvement before stopping.
  int patience = 0;
  int verbose = 0;  // 1: print "Epoch N: early stopping" and the restore
  // "min", "max", or "auto": min for losses and errors, max for accuracy-like metrics.
  std::string mode = "auto";
  // Training stops unless the metric beats this value within `patience` epochs.
  std::optional<double> baseline;
  // At the end of training, restore the weights of the best epoch (also when no stop happened).
  bool restore_best_weights = false;
  // Epochs to run before monitoring starts.
  int start_from_epoch = 0;
};

class EarlyStopping : public Callback, public CheckpointedCallback {
 public:
  // Throws ValueError when mode is not "auto", "min" or "max", or patience is negative.
  explicit EarlyStopping(EarlyStoppingOptions options = {});

  void on_train_begin(const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;
  // best, wait, stopped_epoch, best_epoch, the chosen mode and the best weights (as tensors).
  Json checkpoint_state(std::vector<Tensor>& tensors) const override;
  void restore_checkpoint_state(const Json& state, const std::vector<Tensor>& tensors) override;

  // Epochs since the last improvement.
  int wait() const { return wait_; }
  // The epoch (0-based) that set stop_training; 0 when training was not stopped.
  int stopped_epoch() const { return stopped_epoch_; }
  // The best monitored value so far and its epoch.
  double best() const { return best_; }
  int best_epoch() const { return best_epoch_; }

 private:
  // Picks min or max on the first epoch end; throws ValueError when "auto" cannot tell.
  void set_monitor_op();
  bool is_improvement(double value, double reference) const;

  EarlyStoppingOptions o_;
  int direction_ = 0;  // -1 min, +1 max, 0 not chosen yet
  double min_delta_ = 0.0;
  int wait_ = 0, stopped_epoch_ = 0, best_epoch_ = 0;
  double best_ = 0.0;
  bool warned_ = false;
  bool have_best_weights_ = false;
  std::vector<Tensor> best_weights_;
};

// Whether a metric name is better high (+1: accuracy, auc, precision, ...), low (-1: loss,
// errors, crossentropies, ...), or unknown (0); a "val_" prefix is ignored. Keras 3 reads this
// from each metric's direction; merezha decides by the names its metrics carry.
int metric_direction(const std::string& name);

}  // namespace mz::callbacks
