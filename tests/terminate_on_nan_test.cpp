// End to end: a NaN in one training sample stops fit under TerminateOnNaN right after the batch
// holding it (shuffle off), and the callback reports that batch (specs/reliability.md N2).
#include "mz/nn/callbacks/terminate_on_nan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "mz/nn/callbacks/lambda_callback.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/creation.h"
#include "testing.h"

namespace {

namespace C = mz::callbacks;

// 24 samples of 3 features; sample `poisoned` holds a NaN. Batches of 4: it falls in batch
// poisoned / 4.
struct Data {
  mz::Tensor x, y;
};
Data make_data(int poisoned) {
  std::vector<float> x, y;
  for (int i = 0; i < 24; ++i) {
    for (int j = 0; j < 3; ++j) x.push_back(std::sin(0.7f * i + j));
    y.push_back(std::cos(0.3f * i));
  }
  x[poisoned * 3 + 1] = std::nanf("");
  return {mz::tensor(x, {24, 3}), mz::tensor(y, {24, 1})};
}

std::shared_ptr<mz::Sequential> make_model() {
  mz::set_seed(7);
  auto m = std::make_shared<mz::Sequential>(std::vector<mz::LayerPtr>{
      mz::Input({3}), mz::layers::Dense(4, {.activation = "tanh"}), mz::layers::Dense(1)});
  m->compile({.optimizer = mz::optimizers::SGD({.learning_rate = 0.05}), .loss = "mse"});
  return m;
}

TEST(TerminateOnNaN, FitStopsAfterTheBatchHoldingTheNaN) {
  Data d = make_data(/*poisoned=*/13);  // batch 3
  auto model = make_model();
  auto guard = std::make_shared<C::TerminateOnNaN>();
  std::vector<int64_t> batches;
  std::vector<double> losses;
  C::LambdaCallback record({.on_train_batch_end = [&](int64_t b, const mz::Logs& logs) {
    batches.push_back(b);
    losses.push_back(logs.at("loss"));
  }});
  ::testing::internal::CaptureStdout();
  mz::History h = model->fit(
      d.x, d.y,
      {.batch_size = 4, .epochs = 5, .verbose = 0, .callbacks = {guard, record}, .shuffle = false});
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(out, "Batch 3: Invalid loss, terminating training\n");
  EXPECT_EQ(guard->terminated_batch(), 3);
  EXPECT_EQ(guard->terminated_epoch(), 0);
  EXPECT_EQ(batches, (std::vector<int64_t>{0, 1, 2, 3}));
  for (int b = 0; b < 3; ++b) EXPECT_TRUE(std::isfinite(losses[b])) << "batch " << b;
  EXPECT_TRUE(std::isnan(losses[3]));
  ASSERT_EQ(h.epoch.size(), 1u);  // the first epoch ended early and no other began
  EXPECT_TRUE(model->stop_training);
}

TEST(TerminateOnNaN, FitWithRaiseErrorThrowsAtTheBatch) {
  Data d = make_data(/*poisoned=*/21);  // batch 5
  auto model = make_model();
  MZ_EXPECT_THROW_MSG(model->fit(d.x, d.y,
                                 {.batch_size = 4,
                                  .epochs = 2,
                                  .verbose = 0,
                                  .callbacks = {C::TerminateOnNaN({.raise_error = true})},
                                  .shuffle = false}),
                      mz::ValueError,
                      "TerminateOnNaN: NaN or Inf loss encountered at batch 5 (epoch 1): loss is "
                      "nan.");
}

}  // namespace
