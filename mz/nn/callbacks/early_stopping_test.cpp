// EarlyStopping driven through its hooks: patience, min_delta, modes, baseline,
// start_from_epoch, restore_best_weights (with and without a stop), warnings and messages.
#include "mz/nn/callbacks/early_stopping.h"

#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "testing.h"

namespace mz::callbacks {
namespace {

std::shared_ptr<Sequential> small_model() {
  auto m = std::make_shared<Sequential>(std::vector<LayerPtr>{Input({2}), layers::Dense(1)});
  m->compile({.optimizer = optimizers::SGD(), .loss = "mse"});
  return m;
}

// Runs the callback over one value of `monitor` per epoch; returns the epoch after which
// stop_training was set, or -1.
int run(EarlyStopping& es, Model& model, const std::string& monitor,
        const std::vector<double>& values) {
  model.stop_training = false;
  es.set_model(&model);
  es.on_train_begin({});
  int stopped = -1;
  for (int e = 0; e < static_cast<int>(values.size()); ++e) {
    es.on_epoch_end(e, {{monitor, values[e]}, {"other", 0.0}});
    if (model.stop_training) {
      stopped = e;
      break;
    }
  }
  es.on_train_end({});
  return stopped;
}

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutImprovement) {
  auto m = small_model();
  EarlyStopping es({.patience = 2});
  EXPECT_EQ(run(es, *m, "val_loss", {1.0, 0.9, 0.95, 0.96, 0.97, 0.98}), 3);
  EXPECT_EQ(es.stopped_epoch(), 3);
  EXPECT_EQ(es.best(), 0.9);
  EXPECT_EQ(es.best_epoch(), 1);
  EXPECT_EQ(es.wait(), 2);
  // Patience 0 stops at the first epoch without improvement (never at epoch 0).
  EarlyStopping eager;
  EXPECT_EQ(run(eager, *m, "val_loss", {1.0, 1.1}), 1);
  EXPECT_EQ(run(eager, *m, "val_loss", {1.0, 0.5, 0.25}), -1);  // reused: state resets
}

TEST(EarlyStopping, MinDeltaDecidesWhatCountsAsImprovement) {
  auto m = small_model();
  EarlyStopping es({.monitor = "loss", .min_delta = -0.1, .patience = 1});  // sign ignored
  EXPECT_EQ(run(es, *m, "loss", {1.0, 0.95}), 1);
  EXPECT_EQ(run(es, *m, "loss", {1.0, 0.85, 0.7, 0.69}), 3);
}

TEST(EarlyStopping, ModesAutoMinMax) {
  auto m = small_model();
  EarlyStopping acc({.monitor = "val_accuracy"});  // auto: higher is better
  EXPECT_EQ(run(acc, *m, "val_accuracy", {0.5, 0.6, 0.55}), 2);
  EarlyStopping acc_min({.monitor = "val_accuracy", .mode = "min"});
  EXPECT_EQ(run(acc_min, *m, "val_accuracy", {0.5, 0.6}), 1);
  EarlyStopping mae_max({.monitor = "mae", .mode = "max"});
  EXPECT_EQ(run(mae_max, *m, "mae", {0.5, 0.4}), 1);
  EXPECT_EQ(metric_direction("val_sparse_categorical_accuracy"), 1);
  EXPECT_EQ(metric_direction("auc"), 1);
  EXPECT_EQ(metric_direction("val_mean_squared_error"), -1);
  EXPECT_EQ(metric_direction("rmse"), -1);
  EXPECT_EQ(metric_direction("val_loss"), -1);
  EXPECT_EQ(metric_direction("my_score"), 0);
  EarlyStopping unknown({.monitor = "my_score"});
  MZ_EXPECT_THROW_MSG(run(unknown, *m, "my_score", {1.0}), ValueError,
                      "EarlyStopping: monitor \"my_score\": cannot tell whether it should be "
                      "minimized or maximized: expected mode \"min\" or \"max\", got \"auto\".");
  MZ_EXPECT_THROW_MSG(EarlyStopping({.mode = "best"}), ValueError,
                      "EarlyStopping: mode must be \"auto\", \"min\" or \"max\", got \"best\".");
}

TEST(EarlyStopping, BaselineMustBeBeatenToResetWaiting) {
  auto m = small_model();
  // Improving but never below the baseline: waiting is not reset, so the first epoch
  // without improvement stops at once.
  EarlyStopping es({.patience = 2, .baseline = 0.5});
  EXPECT_EQ(run(es, *m, "val_loss", {0.9, 0.8, 0.7, 0.75}), 3);
  // Below the baseline: the usual patience.
  EXPECT_EQ(run(es, *m, "val_loss", {0.4, 0.45, 0.46, 0.47}), 2);
}

TEST(EarlyStopping, StartFromEpochSkipsWarmUp) {
  auto m = small_model();
  EarlyStopping es({.start_from_epoch = 2});
  EXPECT_EQ(run(es, *m, "val_loss", {1, 2, 3, 4}), 3);
}

TEST(EarlyStopping, RestoresBestWeightsWhenStoppedAndWhenTrainingCompletes) {
  auto m = small_model();
  auto set_all = [&](double v) {
    std::vector<Tensor> ws = m->get_weights();
    for (Tensor& w : ws) w.fill_(v);
    m->set_weights(ws);
  };
  for (int patience : {1, 10}) {
    EarlyStopping es({.patience = patience, .restore_best_weights = true});
    es.set_model(m.get());
    m->stop_training = false;
    es.on_train_begin({});
    std::vector<double> losses = {3, 1, 2, 2.5};
    for (int e = 0; e < 4 && !m->stop_training; ++e) {
      set_all(10.0 + e);  // "training" changes the weights
      es.on_epoch_end(e, {{"val_loss", losses[e]}});
    }
    EXPECT_EQ(m->stop_training, patience == 1);
    es.on_train_end({});
    for (const Tensor& w : m->get_weights())
      for (float v : w.to_vector<float>()) EXPECT_EQ(v, 11.0f) << "patience " << patience;
  }
}

TEST(EarlyStopping, WarnsOnceWhenTheMonitorIsMissingAndPrintsWhenVerbose) {
  auto m = small_model();
  EarlyStopping es;
  es.set_model(m.get());
  es.on_train_begin({});
  ::testing::internal::CaptureStderr();
  es.on_epoch_end(0, {{"loss", 1.0}, {"accuracy", 0.5}});
  es.on_epoch_end(1, {{"loss", 1.0}, {"accuracy", 0.5}});
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err,
            "WARNING: EarlyStopping: early stopping is conditioned on metric \"val_loss\", "
            "which is not available. Available metrics are: accuracy, loss.\n");
  EXPECT_FALSE(m->stop_training);

  EarlyStopping loud({.patience = 1, .verbose = 1, .restore_best_weights = true});
  ::testing::internal::CaptureStdout();
  run(loud, *m, "val_loss", {1.0, 0.5, 0.7, 0.8});
  EXPECT_EQ(
      ::testing::internal::GetCapturedStdout(),
      "Epoch 3: early stopping\nRestoring model weights from the end of the best epoch: 2.\n");
}

}  // namespace
}  // namespace mz::callbacks
