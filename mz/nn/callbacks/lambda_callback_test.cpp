// LambdaCallback: every hook reaches its function; unset ones do nothing.
#include "mz/nn/callbacks/lambda_callback.h"

#include "testing.h"

namespace mz::callbacks {
namespace {

TEST(LambdaCallback, CallsEachSetFunction) {
  std::vector<std::string> calls;
  auto note = [&](std::string what) { calls.push_back(std::move(what)); };
  LambdaCallback cb({
      .on_epoch_begin = [&](int e, const Logs&) { note(str("epoch_begin ", e)); },
      .on_epoch_end = [&](int e, const Logs& l) { note(str("epoch_end ", e, " ", l.at("loss"))); },
      .on_train_begin = [&](const Logs&) { note("train_begin"); },
      .on_train_end = [&](const Logs&) { note("train_end"); },
      .on_train_batch_begin = [&](int64_t b, const Logs&) { note(str("batch_begin ", b)); },
      .on_train_batch_end = [&](int64_t b, const Logs&) { note(str("batch_end ", b)); },
      .on_test_begin = [&](const Logs&) { note("test_begin"); },
      .on_test_end = [&](const Logs&) { note("test_end"); },
      .on_test_batch_begin = [&](int64_t b, const Logs&) { note(str("test_batch_begin ", b)); },
      .on_test_batch_end = [&](int64_t b, const Logs&) { note(str("test_batch_end ", b)); },
      .on_predict_begin = [&](const Logs&) { note("predict_begin"); },
      .on_predict_end = [&](const Logs&) { note("predict_end"); },
      .on_predict_batch_begin = [&](int64_t b,
                                    const Logs&) { note(str("predict_batch_begin ", b)); },
      .on_predict_batch_end = [&](int64_t b, const Logs&) { note(str("predict_batch_end ", b)); },
  });
  cb.on_train_begin({});
  cb.on_epoch_begin(0, {});
  cb.on_train_batch_begin(0, {});
  cb.on_train_batch_end(0, {});
  cb.on_test_begin({});
  cb.on_test_batch_begin(0, {});
  cb.on_test_batch_end(0, {});
  cb.on_test_end({});
  cb.on_epoch_end(0, {{"loss", 0.5}});
  cb.on_train_end({});
  cb.on_predict_begin({});
  cb.on_predict_batch_begin(2, {});
  cb.on_predict_batch_end(2, {});
  cb.on_predict_end({});
  EXPECT_EQ(calls, (std::vector<std::string>{"train_begin", "epoch_begin 0", "batch_begin 0",
                                             "batch_end 0", "test_begin", "test_batch_begin 0",
                                             "test_batch_end 0", "test_end", "epoch_end 0 0.5",
                                             "train_end", "predict_begin", "predict_batch_begin 2",
                                             "predict_batch_end 2", "predict_end"}));
}

TEST(LambdaCallback, UnsetFunctionsDoNothing) {
  int ends = 0;
  LambdaCallback cb({.on_epoch_end = [&](int, const Logs&) { ++ends; }});
  cb.on_train_begin({});
  cb.on_epoch_begin(0, {});
  cb.on_epoch_end(0, {});
  cb.on_train_end({});
  EXPECT_EQ(ends, 1);
}

}  // namespace
}  // namespace mz::callbacks
