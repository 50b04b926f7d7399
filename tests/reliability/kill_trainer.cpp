// The training run of the kill test (R2): an MLP with Dropout on 2,000 Fashion-MNIST images,
// 2 epochs, shuffled, Nadam, BackupAndRestore every 5 batches with EarlyStopping and
// ReduceLROnPlateau beside it. Run again with the same backup directory, it resumes.
//   mz_kill_trainer <data dir> <backup dir> <result file> [<die at step>]
// <die at step> > 0: the process raises SIGKILL at the start of that optimizer step (counted
// over the whole training, from 1). MEREZHA_TEST_KILL_IN_WRITE=<n> (mz/io/file.h) kills it
// inside its n-th atomic write. When fit completes, the weights and optimizer variables go to
// <result file> as raw float64 values, in order (bitwise comparable). Each run appends the
// optimizer step it starts from, and the epoch and batch it resumes at, to <backup dir>.log.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "mz/core/generator.h"
#include "mz/core/thread_pool.h"
#include "mz/io/idx.h"
#include "mz/nn/callbacks/backup_and_restore.h"
#include "mz/nn/callbacks/early_stopping.h"
#include "mz/nn/callbacks/reduce_lr_on_plateau.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/dropout.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/rescaling.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/nadam.h"

namespace {

using namespace mz;

// Raises SIGKILL when the optimizer is about to make step `step` (from 1).
class DieAtStep : public Callback {
 public:
  explicit DieAtStep(int64_t step) : step_(step) {}
  void on_train_batch_begin(int64_t, const Logs&) override {
    if (model()->optimizer()->iterations() + 1 == step_) std::raise(SIGKILL);
  }

 private:
  int64_t step_;
};

// Appends "<iterations at train begin> <epoch> <batch>" to `log` when fit starts (after the
// backup's restore), so the driver can tell that every run resumed.
class LogStart : public Callback {
 public:
  explicit LogStart(std::string log) : log_(std::move(log)) {}
  void on_train_begin(const Logs&) override {
    std::ofstream(log_, std::ios::app)
        << model()->optimizer()->iterations() << " "
        << (model()->resume_from ? model()->resume_from->epoch : 0) << " "
        << (model()->resume_from ? model()->resume_from->batch : 0) << "\n";
  }

 private:
  std::string log_;
};

int run(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: mz_kill_trainer <data dir> <backup dir> <result file> [<die at step>]\n";
    return 2;
  }
  const std::string data_dir = argv[1], backup = argv[2], result = argv[3];
  const int64_t die_at = argc == 5 ? std::atoll(argv[4]) : 0;
  set_num_threads(1);
  set_seed(2026);
  const int64_t n_train = 2000, n_val = 200;
  Tensor images = io::read_idx(data_dir + "/t10k-images-idx3-ubyte.gz");
  Tensor labels = io::read_idx(data_dir + "/t10k-labels-idx1-ubyte.gz");
  const Tensor x = images.slice(0, 0, n_train).reshape({n_train, 784});
  const Tensor y = labels.slice(0, 0, n_train);
  const Tensor x_val = images.slice(0, n_train, n_train + n_val).reshape({n_val, 784});
  const Tensor y_val = labels.slice(0, n_train, n_train + n_val);

  namespace L = layers;
  auto model = std::make_shared<Sequential>(
      std::vector<LayerPtr>{Input({784}), L::Rescaling(1.0 / 255),
                            L::Dense(32, {.activation = "relu"}), L::Dropout(0.2), L::Dense(10)});
  model->compile({.optimizer = optimizers::Nadam({.learning_rate = 2e-3}),
                  .loss = losses::SparseCategoricalCrossentropy({.from_logits = true})});
  model->predict_on_batch(x.slice(0, 0, 1));  // builds the model (no random draws)

  std::vector<CallbackSpec> callbacks;
  if (die_at > 0) callbacks.push_back(DieAtStep(die_at));
  callbacks.push_back(callbacks::BackupAndRestore(
      backup, {.save_freq = int64_t{5}, .double_checkpoint = true, .delete_checkpoint = false}));
  callbacks.push_back(LogStart(backup + ".log"));
  // A min_delta no epoch beats: the rate halves after epoch 1, so epoch 2 depends on the
  // callback state and the rate being restored.
  callbacks.push_back(callbacks::ReduceLROnPlateau(
      {.monitor = "val_loss", .factor = 0.5, .patience = 1, .min_delta = 100.0}));
  callbacks.push_back(callbacks::EarlyStopping(
      {.monitor = "val_loss", .patience = 5, .restore_best_weights = true}));
  model->fit(x, y,
             {.batch_size = 32,
              .epochs = 2,
              .verbose = 0,
              .callbacks = callbacks,
              .validation_data = std::make_pair(Tensors(x_val), Tensors(y_val)),
              .shuffle = true});

  std::vector<double> values;
  for (const Tensor& w : model->get_weights())
    for (double v : w.to_vector<double>()) values.push_back(v);
  for (const Tensor& v : model->optimizer()->variables())
    for (double d : v.to_vector<double>()) values.push_back(d);
  std::ofstream out(result, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(double)));
  return out.good() ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "mz_kill_trainer: " << e.what() << "\n";
    return 1;
  }
}
