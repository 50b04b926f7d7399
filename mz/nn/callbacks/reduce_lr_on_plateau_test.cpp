// ReduceLROnPlateau driven through its hooks: reductions, cooldown, min_lr, modes, logs.
#include "mz/nn/callbacks/reduce_lr_on_plateau.h"

#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "testing.h"

namespace mz::callbacks {
namespace {

std::shared_ptr<Sequential> small_model(double lr) {
  auto m = std::make_shared<Sequential>(std::vector<LayerPtr>{Input({2}), layers::Dense(1)});
  m->compile({.optimizer = optimizers::SGD({.learning_rate = lr}), .loss = "mse"});
  return m;
}

// The learning rate after each epoch's end, one monitored value per epoch.
std::vector<double> rates(ReduceLROnPlateau& cb, Model& m, const std::string& monitor,
                          const std::vector<double>& values) {
  cb.set_model(&m);
  cb.on_train_begin({});
  std::vector<double> out;
  for (int e = 0; e < static_cast<int>(values.size()); ++e) {
    Logs logs = {{monitor, values[e]}};
    cb.on_epoch_end(e, logs);
    out.push_back(m.optimizer()->learning_rate());
  }
  return out;
}

TEST(ReduceLROnPlateau, ReducesAfterPatienceAndLogsTheRate) {
  auto m = small_model(0.1);
  ReduceLROnPlateau cb({.factor = 0.5, .patience = 2});
  cb.set_model(m.get());
  cb.on_train_begin({});
  Logs logs = {{"val_loss", 1.0}};
  cb.on_epoch_end(0, logs);
  EXPECT_EQ(logs.at("learning_rate"), 0.1);
  EXPECT_EQ(rates(cb, *m, "val_loss", {1, 1, 1, 0.5, 0.6, 0.7}),
            (std::vector<double>{0.1, 0.1, 0.05, 0.05, 0.05, 0.025}));
}

TEST(ReduceLROnPlateau, CooldownPausesCounting) {
  auto m = small_model(0.1);
  ReduceLROnPlateau cb({.factor = 0.5, .patience = 1, .cooldown = 2});
  EXPECT_EQ(rates(cb, *m, "val_loss", {1, 1, 1, 1, 1, 1}),
            (std::vector<double>{0.1, 0.05, 0.05, 0.025, 0.025, 0.0125}));
}

TEST(ReduceLROnPlateau, MinDeltaMinLrAndModes) {
  auto m = small_model(0.1);
  // 0.99995 is not below 1 - 1e-4: no improvement.
  ReduceLROnPlateau cb({.patience = 1, .min_lr = 0.05});
  EXPECT_EQ(rates(cb, *m, "val_loss", {1, 0.99995, 0.5, 0.5}),
            (std::vector<double>{0.1, 0.05, 0.05, 0.05}));
  auto acc = small_model(0.1);
  ReduceLROnPlateau up({.monitor = "val_accuracy", .factor = 0.5, .patience = 1});
  EXPECT_EQ(rates(up, *acc, "val_accuracy", {0.5, 0.6, 0.55}),
            (std::vector<double>{0.1, 0.1, 0.05}));
  MZ_EXPECT_THROW_MSG(ReduceLROnPlateau({.factor = 1.0}), ValueError,
                      "ReduceLROnPlateau: factor must be below 1.0, got 1.");
  MZ_EXPECT_THROW_MSG(ReduceLROnPlateau({.mode = "up"}), ValueError,
                      "mode must be \"auto\", \"min\" or \"max\", got \"up\".");
}

TEST(ReduceLROnPlateau, VerboseMessageAndMissingMonitorWarning) {
  auto m = small_model(0.1);
  ReduceLROnPlateau cb({.factor = 0.5, .patience = 1, .verbose = 1});
  ::testing::internal::CaptureStdout();
  rates(cb, *m, "val_loss", {1, 1});
  EXPECT_EQ(::testing::internal::GetCapturedStdout(),
            "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.05.\n");
  ::testing::internal::CaptureStderr();
  rates(cb, *m, "loss", {1, 1});
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "WARNING: ReduceLROnPlateau: learning rate reduction is conditioned on metric "
            "\"val_loss\", which is not available. Available metrics are: learning_rate, loss.\n");
}

}  // namespace
}  // namespace mz::callbacks
