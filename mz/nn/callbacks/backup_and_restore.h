// BackupAndRestore: backs training up to a directory and, when fit starts again after an
// interruption, resumes it where the last backup left it, mid-epoch included (Keras 3's
// callback, made exact: the resumed run ends bit-identical to an uninterrupted one).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/callbacks/callback.h"
#include "mz/nn/callbacks/model_checkpoint.h"
#include "mz/nn/config.h"

namespace mz::callbacks {

// Keras's BackupAndRestore arguments after backup_dir, in Keras's order and defaults.
struct BackupAndRestoreOptions {
  // "epoch": back up at each epoch end (written as the next epoch begins, once every callback
  // has seen the end); an integer N: after every N batches.
  SaveFreq save_freq = std::string("epoch");
  // Keep the previous backup too; a corrupt latest backup then falls back to it (with a warning).
  bool double_checkpoint = false;
  // Remove the backup directory when fit completes (not when it is interrupted).
  bool delete_checkpoint = true;
};

// The backup (in backup_dir): training_metadata.json ("epoch", "batch" as in Keras, plus the
// data position, learning rate, the states of the default generator, the model's shuffle
// generator and every layer generator, the state of every other callback of the fit that is a
// CheckpointedCallback (EarlyStopping, ReduceLROnPlateau), and a CRC-32C of itself) naming its
// weights file latest-<n>.weights.h5 (weights, optimizer iterations and slots) and, when a
// callback state holds tensors, latest-<n>.state.npz, each with its size and CRC-32C. Each
// file is written atomically and the data files first, so the metadata always names complete
// files; the previous backup is removed only after the new one is complete (kept as
// training_metadata.json.bkp with double_checkpoint).
// On train begin an existing backup is restored: weights, optimizer state, generator states,
// and fit continues from the saved epoch and batch; the callback states are restored at the
// first epoch begin (after every callback's on_train_begin reset). A latest backup that fails
// its checks (truncated, a flipped byte) falls back, with a warning on stderr naming the file,
// to the previous one (double_checkpoint). The model must be built and compiled.
// NOTE: the loss and metric trackers are not saved: the logs of an epoch resumed mid-way
// average only its batches after the resume (as in Keras), so a callback that monitors a
// training metric may decide differently at that epoch's end; validation metrics are exact.
class BackupAndRestore : public Callback {
 public:
  // Throws ValueError for an empty backup_dir or a save_freq other than "epoch" or N > 0.
  explicit BackupAndRestore(std::string backup_dir, BackupAndRestoreOptions options = {});

  // Restores the backup, if any; throws ValueError for an unbuilt model, and FormatError or
  // IoError naming the file when no readable backup is left.
  void on_train_begin(const Logs& logs) override;
  void on_train_end(const Logs& logs) override;
  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_batch_end(int64_t batch, const Logs& logs) override;

  // Writes a backup of the model's current state now (what the hooks call).
  void save();
  // The epoch and batch the last restore resumed from (0, 0 when nothing was restored).
  int restored_epoch() const { return restored_epoch_; }
  int64_t restored_batch() const { return restored_batch_; }

 private:
  // Restores the backup described by the metadata file at `path`; throws on any problem.
  void restore_from(const std::string& metadata_path);

  std::string dir_;
  BackupAndRestoreOptions o_;
  int64_t every_ = 0;  // batches between backups; 0: per epoch
  int64_t since_last_save_ = 0;
  bool epoch_save_due_ = false;  // an epoch ended: back up at the next epoch begin
  uint64_t serial_ = 0;          // the number of the next weights file
  // The restored callback states, applied at the next epoch begin.
  bool pending_states_ = false;
  Json pending_json_;
  std::vector<std::vector<Tensor>> pending_tensors_;
  int restored_epoch_ = 0;
  int64_t restored_batch_ = 0;
};

}  // namespace mz::callbacks
