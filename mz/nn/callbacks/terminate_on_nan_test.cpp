// TerminateOnNaN driven through its hooks (the end-to-end fit test is
// tests/terminate_on_nan_test.cpp).
#include "mz/nn/callbacks/terminate_on_nan.h"

#include <cmath>
#include <limits>

#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "testing.h"

namespace mz::callbacks {
namespace {

TEST(TerminateOnNaN, StopsAtTheFirstNonFiniteLoss) {
  Sequential m({Input({2}), layers::Dense(1)});
  TerminateOnNaN cb;
  cb.set_model(&m);
  cb.on_train_begin({});
  cb.on_epoch_begin(0, {});
  ::testing::internal::CaptureStdout();
  cb.on_train_batch_end(0, {{"loss", 1.0}});
  cb.on_train_batch_end(1, {{"accuracy", std::nan("")}});  // only "loss" counts
  EXPECT_FALSE(m.stop_training);
  EXPECT_FALSE(cb.terminated_batch().has_value());
  cb.on_epoch_begin(1, {});
  cb.on_train_batch_end(3, {{"loss", std::numeric_limits<double>::infinity()}});
  EXPECT_EQ(::testing::internal::GetCapturedStdout(),
            "Batch 3: Invalid loss, terminating training\n");
  EXPECT_TRUE(m.stop_training);
  EXPECT_EQ(cb.terminated_batch(), 3);
  EXPECT_EQ(cb.terminated_epoch(), 1);
}

TEST(TerminateOnNaN, RaiseErrorThrows) {
  Sequential m({Input({2}), layers::Dense(1)});
  TerminateOnNaN cb({.raise_error = true});
  cb.set_model(&m);
  cb.on_train_begin({});
  cb.on_epoch_begin(0, {});
  MZ_EXPECT_THROW_MSG(cb.on_train_batch_end(7, {{"loss", std::nan("")}}), ValueError,
                      "TerminateOnNaN: NaN or Inf loss encountered at batch 7 (epoch 1): loss is "
                      "nan. Terminating training immediately.");
  EXPECT_EQ(cb.terminated_batch(), 7);
}

}  // namespace
}  // namespace mz::callbacks
