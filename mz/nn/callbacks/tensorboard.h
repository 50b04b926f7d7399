// TensorBoard: writes fit's logs as TensorBoard event files, as Keras's TensorBoard callback
// does (log_dir/train and log_dir/validation; tags "epoch_<metric>", "batch_<metric>").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "mz/io/tensorboard_events.h"
#include "mz/nn/callbacks/callback.h"

namespace mz::callbacks {

// Keras's TensorBoard arguments after log_dir.
struct TensorBoardOptions {
  // Weight histograms every this many epochs (tags "<layer>/<weight>/histogram", step =
  // epoch); 0: none.
  int histogram_freq = 0;
  // The model's config at train begin, as Keras writes it (tag "keras", plugin
  // "graph_keras_model"), for TensorBoard's graph tab.
  bool write_graph = true;
  // "epoch": scalars per epoch only; "batch" or an integer N: also "batch_<metric>" every N
  // training batches (step = batches since fit began).
  std::variant<std::string, int64_t> update_freq = std::string("epoch");
};

class TensorBoard : public Callback {
 public:
  // Throws ValueError for histogram_freq < 0, update_freq other than "epoch", "batch" or a
  // positive integer.
  explicit TensorBoard(std::string log_dir = "logs", TensorBoardOptions options = {});

  // Opens log_dir/train (IoError when it cannot be made) and writes the graph.
  void on_train_begin(const Logs& logs) override;
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  // "epoch_<name>" for each log at step = epoch: train logs into train/, "val_<name>" logs as
  // "epoch_<name>" into validation/; then histograms when due; flushed.
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;

  // The event files written in the last fit (empty before one).
  std::string train_file() const { return train_ ? train_->path() : train_path_; }
  std::string validation_file() const { return val_ ? val_->path() : val_path_; }

 private:
  std::string log_dir_;
  TensorBoardOptions o_;
  int64_t batch_every_ = 0;  // 0: per epoch only
  int64_t global_batch_ = 0;
  std::unique_ptr<io::EventFileWriter> train_, val_;
  std::string train_path_, val_path_;  // kept after the writers close
};

}  // namespace mz::callbacks
