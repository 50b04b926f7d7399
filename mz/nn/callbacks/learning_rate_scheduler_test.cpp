// LearningRateScheduler driven through its hooks.
#include "mz/nn/callbacks/learning_rate_scheduler.h"

#include <cmath>

#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "testing.h"

namespace mz::callbacks {
namespace {

TEST(LearningRateScheduler, SetsTheRateEachEpochAndLogsIt) {
  Sequential m({Input({2}), layers::Dense(1)});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.5}), .loss = "mse"});
  LearningRateScheduler cb([](int epoch, double lr) { return epoch < 1 ? lr : lr * 0.5; }, 1);
  cb.set_model(&m);
  ::testing::internal::CaptureStdout();
  std::vector<double> seen;
  for (int e = 0; e < 3; ++e) {
    cb.on_epoch_begin(e, {});
    Logs logs = {{"loss", 1.0}};
    cb.on_epoch_end(e, logs);
    seen.push_back(logs.at("learning_rate"));
  }
  EXPECT_EQ(seen, (std::vector<double>{0.5, 0.25, 0.125}));
  EXPECT_EQ(::testing::internal::GetCapturedStdout(),
            "\nEpoch 1: LearningRateScheduler setting learning rate to 0.5.\n"
            "\nEpoch 2: LearningRateScheduler setting learning rate to 0.25.\n"
            "\nEpoch 3: LearningRateScheduler setting learning rate to 0.125.\n");
}

TEST(LearningRateScheduler, RejectsNonFiniteRates) {
  Sequential m({Input({2}), layers::Dense(1)});
  m.compile({.optimizer = optimizers::SGD(), .loss = "mse"});
  LearningRateScheduler cb([](int, double) { return std::nan(""); });
  cb.set_model(&m);
  MZ_EXPECT_THROW_MSG(cb.on_epoch_begin(4, {}), ValueError,
                      "LearningRateScheduler: the schedule gave nan for epoch 4: expected a "
                      "finite learning rate.");
}

}  // namespace
}  // namespace mz::callbacks
