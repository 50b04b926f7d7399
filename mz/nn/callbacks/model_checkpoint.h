// ModelCheckpoint: saves the model (".keras") or its weights (".weights.h5") during fit, every
// epoch or every N batches, optionally only when a monitored metric improves (Keras 3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "mz/nn/callbacks/callback.h"

namespace mz::callbacks {

// "epoch" or a number of batches (Keras's save_freq).
using SaveFreq = std::variant<std::string, int64_t>;

// Keras's ModelCheckpoint arguments after filepath, in Keras's order and with its defaults.
struct ModelCheckpointOptions {
  std::string monitor = "val_loss";
  int verbose = 0;  // 1: print a line at each save (or each skipped save)
  // Save only when `monitor` improves on the best value so far.
  bool save_best_only = false;
  // Save the weights (save_weights) rather than the whole model (save_model).
  bool save_weights_only = false;
  // "min", "max", or "auto": min for losses and errors, max for accuracy-like metrics.
  std::string mode = "auto";
  // "epoch": at each epoch end; an integer N: after every N batches.
  SaveFreq save_freq = std::string("epoch");
  // The best value to beat at the start (save_best_only); none: +inf for min, -inf for max.
  std::optional<double> initial_value_threshold;
};

class ModelCheckpoint : public Callback {
 public:
  // filepath may hold Python format fields filled at save time: {epoch} (1-based), {batch}
  // (1-based, batch saves), any log key ({val_loss:.2f}, {loss:.4f}, {epoch:02d}). Throws
  // ValueError for a path not ending in ".keras" (or ".weights.h5" with save_weights_only),
  // a mode other than "auto", "min", "max", or a save_freq other than "epoch" or N > 0.
  explicit ModelCheckpoint(std::string filepath, ModelCheckpointOptions options = {});

  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;

  // The best monitored value so far (save_best_only).
  double best() const { return best_; }
  // The path of the last file written; empty before the first save.
  const std::string& last_saved() const { return last_saved_; }

 private:
  // Picks min or max on first use; throws ValueError when "auto" cannot tell.
  void set_monitor_op();
  bool should_save_on_batch(int64_t batch);
  // batch < 0: an epoch save.
  void save(int epoch, int64_t batch, const Logs& logs);
  void write(const std::string& path) const;

  std::string filepath_;
  ModelCheckpointOptions o_;
  int64_t every_ = 0;  // batches between saves; 0: per epoch
  int direction_ = 0;  // -1 min, +1 max, 0 not chosen yet
  double best_ = 0.0;
  int current_epoch_ = 0;
  int64_t since_last_save_ = 0, last_batch_seen_ = -1;
  std::string last_saved_;
};

// Python's str.format for checkpoint paths: each {name} or {name:spec} (spec: [[fill]align]
// [sign][0][width][.precision][type], type one of d, f, F, e, E, g, G, %) replaced by the
// value of `name` (integers are "epoch" and "batch"), {{ and }} by braces. Throws ValueError
// naming the template for an unknown key, a bad spec or "d" on a non-integer value.
std::string format_filepath(const std::string& pattern, const Logs& logs, int64_t epoch,
                            std::optional<int64_t> batch);

}  // namespace mz::callbacks
