// Model: compile, fit (validation, weights, steps, epochs, callbacks, stopping), evaluate,
// predict, the *_on_batch calls, summary and determinism, on small synthetic problems.
#include "mz/nn/model.h"

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "mz/nn/callbacks/terminate_on_nan.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/losses/mean_squared_error.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::all_equal;

// y = x @ [1, -2, 0.5] + 0.3 (n, 1), x uniform in [-1, 1) (n, 3), from a fixed generator.
std::pair<Tensor, Tensor> regression(int64_t n, uint64_t seed = 3) {
  Generator gen(seed);
  Tensor x = uniform({n, 3}, -1.0, 1.0, {}, gen);
  std::vector<float> xv = x.to_vector<float>(), yv;
  for (int64_t i = 0; i < n; ++i)
    yv.push_back(xv[3 * i] - 2 * xv[3 * i + 1] + 0.5f * xv[3 * i + 2] + 0.3f);
  return {x, tensor(yv, {n, 1})};
}

// Two Gaussian blobs around (-1, -1) (class 0) and (1, 1) (class 1); labels int64 (n,).
std::pair<Tensor, Tensor> blobs(int64_t n, uint64_t seed = 5) {
  Generator gen(seed);
  Tensor noise = normal({n, 2}, 0.0, 0.5, {}, gen);
  std::vector<float> xv = noise.to_vector<float>();
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < n; ++i) {
    int64_t c = i % 2;
    labels.push_back(c);
    xv[2 * i] += c ? 1.0f : -1.0f;
    xv[2 * i + 1] += c ? 1.0f : -1.0f;
  }
  return {tensor(xv, {n, 2}), tensor(labels, {n})};
}

std::shared_ptr<Sequential> regressor(uint64_t seed = 1) {
  set_seed(seed);
  auto model = std::make_shared<Sequential>(
      std::vector<LayerPtr>{Input({3}), L::Dense(8, {.activation = "tanh"}), L::Dense(1)});
  model->compile(
      {.optimizer = optimizers::SGD({.learning_rate = 0.1}), .loss = losses::MeanSquaredError()});
  return model;
}

// Records every hook as text: "train_begin", "epoch_begin 0", "train_batch_end 1", ...
class Recorder : public Callback {
 public:
  std::vector<std::string> events;
  std::vector<Logs> batch_logs;
  int64_t stop_at_batch = -1;
  int stop_at_epoch = -1;

  void on_train_begin(const Logs&) override { events.push_back("train_begin"); }
  void on_train_end(const Logs&) override { events.push_back("train_end"); }
  void on_epoch_begin(int e, const Logs&) override { events.push_back(str("epoch_begin ", e)); }
  void on_epoch_end(int e, const Logs&) override {
    events.push_back(str("epoch_end ", e));
    if (e == stop_at_epoch) model()->stop_training = true;
  }
  void on_train_batch_begin(int64_t b, const Logs&) override {
    events.push_back(str("train_batch_begin ", b));
  }
  void on_train_batch_end(int64_t b, const Logs& logs) override {
    events.push_back(str("train_batch_end ", b));
    batch_logs.push_back(logs);
    if (b == stop_at_batch) model()->stop_training = true;
  }
  void on_test_begin(const Logs&) override { events.push_back("test_begin"); }
  void on_test_end(const Logs&) override { events.push_back("test_end"); }
  void on_test_batch_begin(int64_t b, const Logs&) override {
    events.push_back(str("test_batch_begin ", b));
  }
  void on_test_batch_end(int64_t b, const Logs&) override {
    events.push_back(str("test_batch_end ", b));
  }
  void on_predict_begin(const Logs&) override { events.push_back("predict_begin"); }
  void on_predict_end(const Logs&) override { events.push_back("predict_end"); }
  void on_predict_batch_begin(int64_t b, const Logs&) override {
    events.push_back(str("predict_batch_begin ", b));
  }
  void on_predict_batch_end(int64_t b, const Logs&) override {
    events.push_back(str("predict_batch_end ", b));
  }
  int count(const std::string& prefix) const {
    int n = 0;
    for (const std::string& e : events) n += e.rfind(prefix, 0) == 0;
    return n;
  }
};

TEST(Fit, LowersTheLossOnRegression) {
  auto [x, y] = regression(64);
  auto model = regressor();
  History h = model->fit(x, y, {.batch_size = 16, .epochs = 30, .verbose = 0});
  ASSERT_EQ(h.history["loss"].size(), 30u);
  EXPECT_LT(h.history["loss"].back(), 0.1 * h.history["loss"].front());
  EXPECT_EQ(h.history.count("learning_rate"), 0u);  // Keras 3 does not log it by default
}

TEST(Fit, LearnsTwoBlobs) {
  auto [x, y] = blobs(64);
  set_seed(2);
  Sequential model({Input({2}), L::Dense(4, {.activation = "relu"}), L::Dense(2)});
  model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.2}),
                 .loss = losses::SparseCategoricalCrossentropy({.from_logits = true})});
  History h = model.fit(x, y, {.batch_size = 8, .epochs = 20, .verbose = 0});
  EXPECT_LT(h.history["loss"].back(), 0.5 * h.history["loss"].front());
  Tensor predicted = argmax(model.predict(x), -1);
  std::vector<int64_t> p = predicted.to_vector<int64_t>(), t = y.to_vector<int64_t>();
  int right = 0;
  for (std::size_t i = 0; i < p.size(); ++i) right += p[i] == t[i];
  EXPECT_GE(right, 58);
}

TEST(Fit, ReportsCompiledMetrics) {
  auto [x, y] = blobs(40);
  set_seed(2);
  Sequential model({Input({2}), L::Dense(2)});
  model.compile({.optimizer = "adam",
                 .loss = losses::SparseCategoricalCrossentropy({.from_logits = true}),
                 .metrics = {"accuracy"}});
  History h =
      model.fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0, .validation_split = 0.25});
  std::vector<std::string> keys;
  for (const auto& [key, values] : h.history) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"accuracy", "loss", "val_accuracy", "val_loss"}));
  // The metric resolves to SparseCategoricalAccuracy named "accuracy", as in Keras.
  ASSERT_EQ(model.metrics().size(), 1u);
  EXPECT_EQ(model.metrics()[0]->class_name(), "SparseCategoricalAccuracy");
  Logs logs = model.evaluate(x, y, {.batch_size = 16, .verbose = 0});
  std::vector<int64_t> p = argmax(model.predict(x), -1).to_vector<int64_t>();
  std::vector<int64_t> t = y.to_vector<int64_t>();
  double right = 0;
  for (std::size_t i = 0; i < p.size(); ++i) right += p[i] == t[i];
  EXPECT_NEAR(logs.at("accuracy"), right / 40.0, 1e-6);
  // train_on_batch resets the metrics: each call reports its own batch.
  Tensor x0 = x.slice(0, 0, 1), y0 = y.slice(0, 0, 1);
  double single = model.test_on_batch(x0, y0).at("accuracy");
  EXPECT_TRUE(single == 0.0 || single == 1.0);
  EXPECT_EQ(model.train_on_batch(x0, y0).at("accuracy"), single);
}

TEST(Fit, AddsAProgressBarUnlessSilent) {
  auto [x, y] = regression(8);
  auto model = regressor();
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  model->fit(x, y, {.batch_size = 4, .epochs = 2, .verbose = 0});
  std::string silent = captured.str();
  model->fit(x, y, {.batch_size = 4, .epochs = 2, .verbose = 2});
  std::cout.rdbuf(saved);
  EXPECT_EQ(silent, "");
  EXPECT_NE(captured.str().find("Epoch 2/2"), std::string::npos) << captured.str();
  EXPECT_NE(captured.str().find("loss: "), std::string::npos) << captured.str();
}

TEST(Fit, RejectsMismatchedSampleCounts) {
  auto model = regressor();
  MZ_EXPECT_THROW_MSG(model->fit(zeros({60000, 3}), zeros({59999, 1})), ValueError,
                      "Model.fit: x has 60000 samples but y has 59999.");
  MZ_EXPECT_THROW_MSG(model->fit(zeros({4, 3}), zeros({4, 1}), {.sample_weight = ones({3})}),
                      ValueError, "Model.fit: sample_weight has shape (3,), expected (4,)");
  MZ_EXPECT_THROW_MSG(model->fit(zeros({4, 3}), zeros({4, 1}), {.validation_split = 1.0}),
                      ValueError, "Model.fit: validation_split must be in [0, 1), got 1.");
  MZ_EXPECT_THROW_MSG(model->fit(zeros({4, 3}), zeros({4, 1}), {.batch_size = 0}), ValueError,
                      "Model.fit: batch_size must be positive, got 0.");
  MZ_EXPECT_THROW_MSG(model->fit(zeros({4, 3}), zeros({4, 1}),
                                 {.class_weight = {{0, 1.0}}, .sample_weight = ones({4})}),
                      ValueError,
                      "Model.fit: class_weight and sample_weight cannot be given together");
}

TEST(Fit, NeedsCompile) {
  Sequential model({Input({3}), L::Dense(1)});
  MZ_EXPECT_THROW_MSG(model.fit(zeros({4, 3}), zeros({4, 1})), ValueError,
                      "Model.fit: the model must be compiled first");
  MZ_EXPECT_THROW_MSG(model.compile({.optimizer = "sgd"}), ValueError,
                      "Model.compile: a loss is required");
}

TEST(Fit, ValidationSplitHoldsOutTheTail) {
  auto [x, y] = regression(40);
  auto model = regressor();
  auto rec = std::make_shared<Recorder>();
  History h = model->fit(
      x, y,
      {.batch_size = 8, .epochs = 1, .verbose = 0, .callbacks = {rec}, .validation_split = 0.25});
  EXPECT_EQ(rec->params().steps, 4);  // 30 training samples in batches of 8
  EXPECT_EQ(rec->count("train_batch_end"), 4);
  EXPECT_EQ(rec->count("test_batch_end"), 2);  // the last 10 samples
  Logs tail =
      model->evaluate(x.slice(0, 30, 40), y.slice(0, 30, 40), {.batch_size = 8, .verbose = 0});
  ASSERT_EQ(h.history["val_loss"].size(), 1u);
  EXPECT_EQ(h.history["val_loss"][0], tail["loss"]);
}

TEST(Fit, ValidationDataTakesPrecedence) {
  auto [x, y] = regression(16);
  auto [vx, vy] = regression(6, 9);
  auto model = regressor();
  History h = model->fit(x, y,
                         {.batch_size = 4,
                          .epochs = 2,
                          .verbose = 0,
                          .validation_split = 0.5,
                          .validation_data = {{vx, vy}}});
  Logs val = model->evaluate(vx, vy, {.batch_size = 4, .verbose = 0});
  EXPECT_EQ(h.history["val_loss"][1], val["loss"]);
  EXPECT_EQ(h.history["loss"].size(), 2u);
}

TEST(Fit, ZeroSampleWeightIgnoresSamples) {
  // The same data with different targets on zero-weighted samples trains the same weights.
  auto [x, y] = regression(12);
  std::vector<float> w(12, 1.0f), a = y.to_vector<float>(), b = a;
  for (int i = 8; i < 12; ++i) w[i] = 0.0f, a[i] = 100.0f, b[i] = -100.0f;
  Tensor sw = tensor(w, {12});
  auto m1 = regressor(4), m2 = regressor(4);
  m1->fit(x, tensor(a, {12, 1}), {.batch_size = 4, .epochs = 2, .verbose = 0, .sample_weight = sw});
  m2->fit(x, tensor(b, {12, 1}), {.batch_size = 4, .epochs = 2, .verbose = 0, .sample_weight = sw});
  for (std::size_t i = 0; i < m1->weights().size(); ++i)
    EXPECT_TRUE(all_equal(m1->weights()[i]->value, m2->weights()[i]->value));
}

TEST(Fit, ClassWeightActsAsSampleWeight) {
  auto [x, y] = blobs(16);
  std::vector<float> w;
  for (int64_t label : y.to_vector<int64_t>()) w.push_back(label == 1 ? 3.0f : 1.0f);
  auto train = [&](FitOptions o) {
    set_seed(6);
    Sequential model({Input({2}), L::Dense(2)});
    model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}),
                   .loss = losses::SparseCategoricalCrossentropy({.from_logits = true})});
    model.fit(x, y, o);
    return model.get_weights();
  };
  std::vector<Tensor> by_class =
      train({.batch_size = 4, .verbose = 0, .shuffle = false, .class_weight = {{1, 3.0}}});
  std::vector<Tensor> by_sample =
      train({.batch_size = 4, .verbose = 0, .shuffle = false, .sample_weight = tensor(w, {16})});
  std::vector<Tensor> plain = train({.batch_size = 4, .verbose = 0, .shuffle = false});
  for (std::size_t i = 0; i < by_class.size(); ++i)
    EXPECT_TRUE(all_equal(by_class[i], by_sample[i]));
  EXPECT_FALSE(all_equal(by_class[0], plain[0]));
}

TEST(Fit, ClassWeightReadsOneHotLabels) {
  auto [x, y] = blobs(8);
  Tensor one_hot_y = one_hot(y, 2);
  set_seed(6);
  Sequential model({Input({2}), L::Dense(2, {.activation = "softmax"})});
  model.compile({.optimizer = "sgd", .loss = "categorical_crossentropy"});
  Tensor before = model.get_weights()[0];
  model.fit(x, one_hot_y, {.batch_size = 8, .verbose = 0, .class_weight = {{0, 0.0}, {1, 0.0}}});
  // Every sample weighs 0: nothing moves.
  EXPECT_TRUE(all_equal(model.get_weights()[0], before));
}

TEST(Fit, StepsPerEpochContinuesThePass) {
  // 10 samples in batches of 2 make 5 batches; 3 steps per epoch take 3, then the 2 left
  // (the pass runs out), then 3 of a new pass, as Keras's EpochIterator does.
  auto [x, y] = regression(10);
  auto model = regressor();
  auto rec = std::make_shared<Recorder>();
  History h = model->fit(
      x, y, {.batch_size = 2, .epochs = 3, .verbose = 0, .callbacks = {rec}, .steps_per_epoch = 3});
  EXPECT_EQ(rec->params().steps, 3);
  std::vector<int> per_epoch;
  for (const std::string& e : rec->events) {
    if (e.rfind("epoch_begin", 0) == 0) per_epoch.push_back(0);
    if (e.rfind("train_batch_end", 0) == 0) ++per_epoch.back();
  }
  EXPECT_EQ(per_epoch, (std::vector<int>{3, 2, 3}));
  EXPECT_EQ(model->optimizer()->iterations(), 8);
}

TEST(Fit, InitialEpochSkipsEpochs) {
  auto [x, y] = regression(8);
  auto model = regressor();
  History h = model->fit(x, y, {.batch_size = 4, .epochs = 5, .verbose = 0, .initial_epoch = 3});
  EXPECT_EQ(h.epoch, (std::vector<int>{3, 4}));
  EXPECT_EQ(h.history["loss"].size(), 2u);
  EXPECT_EQ(model->optimizer()->iterations(), 4);
}

TEST(Fit, HistoryHoldsEpochLogs) {
  auto [x, y] = regression(20);
  auto model = regressor();
  auto rec = std::make_shared<Recorder>();
  History h = model->fit(
      x, y,
      {.batch_size = 5, .epochs = 3, .verbose = 0, .callbacks = {rec}, .validation_split = 0.2});
  EXPECT_EQ(h.epoch, (std::vector<int>{0, 1, 2}));
  ASSERT_EQ(h.history.size(), 2u);
  EXPECT_EQ(h.history["loss"].size(), 3u);
  EXPECT_EQ(h.history["val_loss"].size(), 3u);
  // The epoch's loss is the last batch's running mean (weighted by batch size).
  ASSERT_EQ(rec->batch_logs.size(), 12u);  // 16 training samples: 4 batches per epoch
  EXPECT_EQ(rec->batch_logs[3].at("loss"), h.history["loss"][0]);
  EXPECT_EQ(rec->params().epochs, 3);
}

TEST(Fit, RunningLossWeightsBatchesBySize) {
  // Batches of 4 and 2 with shuffle off: the logged loss is (4 * l0 + 2 * l1) / 6.
  auto [x, y] = regression(6);
  auto model = regressor();
  auto probe = regressor();  // same seed, same weights: measures each batch's loss
  double l0 = probe->train_on_batch(x.slice(0, 0, 4), y.slice(0, 0, 4))["loss"];
  double l1 = probe->train_on_batch(x.slice(0, 4, 6), y.slice(0, 4, 6))["loss"];
  History h = model->fit(x, y, {.batch_size = 4, .verbose = 0, .shuffle = false});
  EXPECT_NEAR(h.history["loss"][0], (4 * l0 + 2 * l1) / 6, 1e-12);
}

TEST(Fit, CallsHooksInKerasOrder) {
  auto [x, y] = regression(8);
  auto [vx, vy] = regression(3, 4);
  auto model = regressor();
  auto rec = std::make_shared<Recorder>();
  model->fit(x, y,
             {.batch_size = 4,
              .epochs = 2,
              .verbose = 0,
              .callbacks = {rec},
              .validation_data = {{vx, vy}}});
  std::vector<std::string> epoch = {
      "train_batch_begin 0", "train_batch_end 0",  "train_batch_begin 1", "train_batch_end 1",
      "test_begin",          "test_batch_begin 0", "test_batch_end 0",    "test_end"};
  std::vector<std::string> expected = {"train_begin", "epoch_begin 0"};
  expected.insert(expected.end(), epoch.begin(), epoch.end());
  expected.insert(expected.end(), {"epoch_end 0", "epoch_begin 1"});
  expected.insert(expected.end(), epoch.begin(), epoch.end());
  expected.insert(expected.end(), {"epoch_end 1", "train_end"});
  EXPECT_EQ(rec->events, expected);
  EXPECT_EQ(rec->model(), model.get());

  rec->events.clear();
  model->predict(x, {.batch_size = 5, .callbacks = {rec}});
  EXPECT_EQ(rec->events, (std::vector<std::string>{"predict_begin", "predict_batch_begin 0",
                                                   "predict_batch_end 0", "predict_batch_begin 1",
                                                   "predict_batch_end 1", "predict_end"}));
}

TEST(Fit, StopTrainingEndsAfterTheBatch) {
  auto [x, y] = regression(16);
  auto model = regressor();
  auto rec = std::make_shared<Recorder>();
  rec->stop_at_batch = 1;
  History h = model->fit(x, y, {.batch_size = 4, .epochs = 3, .verbose = 0, .callbacks = {rec}});
  EXPECT_EQ(rec->count("train_batch_end"), 2);
  EXPECT_EQ(h.epoch, (std::vector<int>{0}));
  EXPECT_EQ(rec->events.back(), "train_end");
}

TEST(Fit, StopTrainingEndsAfterTheEpoch) {
  auto [x, y] = regression(16);
  auto model = regressor();
  auto rec = std::make_shared<Recorder>();
  rec->stop_at_epoch = 1;
  History h = model->fit(x, y, {.batch_size = 8, .epochs = 5, .verbose = 0, .callbacks = {rec}});
  EXPECT_EQ(h.epoch, (std::vector<int>{0, 1}));
  EXPECT_EQ(rec->count("train_batch_end"), 4);
}

TEST(Fit, TerminateOnNaNStopsAtTheBadBatch) {
  auto [x, y] = regression(16);
  std::vector<float> xv = x.to_vector<float>();
  xv[9 * 3] = NAN;  // sample 9: batch 2 with batches of 4
  auto nan_guard = std::make_shared<callbacks::TerminateOnNaN>();
  auto model = regressor();
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  History h = model->fit(
      tensor(xv, {16, 3}), y,
      {.batch_size = 4, .epochs = 3, .verbose = 0, .callbacks = {nan_guard}, .shuffle = false});
  std::cout.rdbuf(saved);
  EXPECT_EQ(nan_guard->terminated_batch(), 2);
  EXPECT_EQ(model->optimizer()->iterations(), 3);
  EXPECT_EQ(h.epoch, (std::vector<int>{0}));
  EXPECT_TRUE(std::isnan(h.history["loss"][0]));
}

TEST(Fit, CastsIntegerInputsPerBatch) {
  // uint8 data trains exactly like the same values in float32.
  std::vector<uint8_t> bytes;
  std::vector<float> floats, targets;
  for (int i = 0; i < 12; ++i) {
    bytes.insert(bytes.end(), {uint8_t(i), uint8_t(2 * i % 7), uint8_t(i % 3)});
    floats.insert(floats.end(), {float(i), float(2 * i % 7), float(i % 3)});
    targets.push_back(0.1f * float(i));
  }
  Tensor y = tensor(targets, {12, 1});
  auto a = regressor(8), b = regressor(8);
  a->compile({.optimizer = optimizers::SGD({.learning_rate = 0.001}), .loss = "mse"});
  b->compile({.optimizer = optimizers::SGD({.learning_rate = 0.001}), .loss = "mse"});
  a->fit(tensor(bytes, {12, 3}), y, {.batch_size = 5, .epochs = 2, .verbose = 0});
  b->fit(tensor(floats, {12, 3}), y, {.batch_size = 5, .epochs = 2, .verbose = 0});
  for (std::size_t i = 0; i < a->weights().size(); ++i)
    EXPECT_TRUE(all_equal(a->weights()[i]->value, b->weights()[i]->value));
  EXPECT_EQ(a->predict(tensor(bytes, {12, 3})).dtype(), DType::f32);
}

TEST(Fit, SameSeedGivesBitIdenticalWeights) {
  auto [x, y] = regression(50);
  auto train = [&] {
    set_seed(11);
    Sequential model({Input({3}), L::Dense(16, {.activation = "relu"}), L::Dense(1)});
    model.compile({.optimizer = "adam", .loss = "mse"});
    model.fit(x, y, {.batch_size = 8, .epochs = 1, .verbose = 0});
    return model.get_weights();
  };
  std::vector<Tensor> first = train(), second = train();
  ASSERT_EQ(first.size(), 4u);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_TRUE(all_equal(first[i], second[i]));
}

TEST(Evaluate, AveragesOverBatches) {
  auto [x, y] = regression(10);
  auto model = regressor();
  Logs whole = model->test_on_batch(x, y);
  Logs batched = model->evaluate(x, y, {.batch_size = 3, .verbose = 0});
  ASSERT_EQ(batched.size(), 1u);
  EXPECT_NEAR(batched["loss"], whole["loss"], 1e-6);
  MZ_EXPECT_THROW_MSG(model->evaluate(x, y.slice(0, 0, 9)), ValueError,
                      "Model.evaluate: x has 10 samples but y has 9.");
}

TEST(Evaluate, WeighsSamples) {
  auto [x, y] = regression(6);
  auto model = regressor();
  double plain = model->test_on_batch(x, y)["loss"];
  double doubled = model->test_on_batch(x, y, full({6}, 2.0))["loss"];
  EXPECT_NEAR(doubled, 2 * plain, 1e-6);
}

TEST(Predict, ConcatenatesBatchesInInferenceMode) {
  auto [x, y] = regression(11);
  auto model = regressor();
  Tensor batched = model->predict(x, {.batch_size = 4});
  EXPECT_EQ(batched.shape(), (Shape{11, 1}));
  EXPECT_FALSE(batched.requires_grad());
  EXPECT_TRUE(all_close(batched, model->predict_on_batch(x), 1e-6, 1e-7));
  MZ_EXPECT_THROW_MSG(model->predict(zeros({0, 3})), ValueError,
                      "Model.predict: x has no samples.");
}

TEST(TrainOnBatch, ReportsTheBatchBeforeTheStep) {
  auto [x, y] = regression(8);
  auto model = regressor();
  double before = model->test_on_batch(x, y)["loss"];
  Logs first = model->train_on_batch(x, y);
  EXPECT_NEAR(first["loss"], before, 1e-7);  // the loss of the weights it started from
  Logs second = model->train_on_batch(x, y);
  EXPECT_LT(second["loss"], first["loss"]);  // metrics reset: this batch only
  EXPECT_EQ(model->optimizer()->iterations(), 2);
}

TEST(TrainOnBatch, AddsRegularizationToTheLoss) {
  set_seed(3);
  Sequential model({Input({3}), L::Dense(2, {.kernel_regularizer = "l2"})});
  model.compile({.optimizer = "sgd", .loss = "mse"});
  Tensor x = ones({4, 3}), y = zeros({4, 2});
  Tensor kernel = model.weights()[0]->value;
  double l2 = 0.01 * sum(square(kernel)).item<double>();
  double mse = mean(square(model.predict_on_batch(x))).item<double>();
  EXPECT_NEAR(model.test_on_batch(x, y)["loss"], mse + l2, 1e-6);
}

TEST(Summary, PrintsKerasTable) {
  clear_session();
  Sequential model({Input({784}), L::Dense(128, {.activation = "relu"}), L::Dense(10)});
  const char* expected =
      "Model: \"sequential\"\n"
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
      "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"
      "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
      "│ dense (Dense)                   │ (None, 128)            │       100,480 │\n"
      "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
      "│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │\n"
      "└─────────────────────────────────┴────────────────────────┴───────────────┘\n"
      " Total params: 101,770 (397.54 KB)\n"
      " Trainable params: 101,770 (397.54 KB)\n"
      " Non-trainable params: 0 (0.00 B)\n";
  EXPECT_EQ(model.summary(76), expected);
  setenv("COLUMNS", "80", 1);  // Keras: min(88, terminal width - 4)
  EXPECT_EQ(model.summary(), expected);
  unsetenv("COLUMNS");
}

TEST(Summary, ShowsUnbuiltLayersAndWrapsLongNames) {
  clear_session();
  Sequential model({L::Dense(3), L::Dense(1, {.name = "a_very_long_layer_name_for_wrapping"})});
  const char* expected =
      "Model: \"sequential\"\n"
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓\n"
      "┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃\n"
      "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩\n"
      "│ dense (Dense)                        │ ?                           │     0 (unbuilt) │\n"
      "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤\n"
      "│ a_very_long_layer_name_for_wrapping  │ ?                           │     0 (unbuilt) │\n"
      "│ (Dense)                              │                             │                 │\n"
      "└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘\n"
      " Total params: 0 (0.00 B)\n"
      " Trainable params: 0 (0.00 B)\n"
      " Non-trainable params: 0 (0.00 B)\n";
  EXPECT_EQ(model.summary(88), expected);
  // Narrower: a word longer than its column is cut with an ellipsis (rich's overflow).
  const char* narrow =
      "Model: \"sequential\"\n"
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓\n"
      "┃ Layer (type)             ┃ Output Shape      ┃   Param # ┃\n"
      "┡━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩\n"
      "│ dense (Dense)            │ ?                 │         0 │\n"
      "│                          │                   │ (unbuilt) │\n"
      "├──────────────────────────┼───────────────────┼───────────┤\n"
      "│ a_very_long_layer_name_… │ ?                 │         0 │\n"
      "│ (Dense)                  │                   │ (unbuilt) │\n"
      "└──────────────────────────┴───────────────────┴───────────┘\n"
      " Total params: 0 (0.00 B)\n"
      " Trainable params: 0 (0.00 B)\n"
      " Non-trainable params: 0 (0.00 B)\n";
  EXPECT_EQ(model.summary(60), narrow);
}

TEST(Summary, CountsOptimizerSlotsOnceBuilt) {
  Sequential model({L::Dense(3), L::Dense(1)});
  model.compile({.optimizer = "adam", .loss = "mse"});
  EXPECT_EQ(model.summary(76).find("Optimizer params"), std::string::npos);
  model.train_on_batch(ones({2, 4}), ones({2, 1}));
  std::string text = model.summary(76);
  EXPECT_NE(text.find("│ (None, 3)"), std::string::npos) << text;
  EXPECT_NE(text.find(" Trainable params: 19 (76.00 B)\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" Optimizer params: "), std::string::npos) << text;
}

}  // namespace
}  // namespace mz
