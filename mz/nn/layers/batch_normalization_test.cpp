// BatchNormalization: conformance, training vs inference statistics, the moving-average update
// (by hand and through Model::fit), trainable = false, masks, other axes, gradients in
// training mode, errors and the Keras config.
#include "mz/nn/layers/batch_normalization.h"

#include <cmath>

#include "layer_conformance.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/losses/mean_squared_error.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;
using testing::grad_ok;

Tensor rnd(const Shape& shape, uint64_t seed, DType dtype = DType::f32) {
  Generator gen(seed);
  return uniform(shape, -2.0, 3.0, {.dtype = dtype}, gen);
}

TEST(BatchNormalization, Conforms) {
  expect_layer_conforms([](DType dt) { return L::BatchNormalization({.dtype = dt}); }, {4, 3},
                        {4, 3}, {{3}, {3}, {3}, {3}});
  expect_layer_conforms(
      [](DType dt) { return L::BatchNormalization({.center = false, .dtype = dt}); }, {2, 3, 5},
      {2, 3, 5}, {{5}, {5}, {5}});
  expect_layer_conforms(
      [](DType dt) { return L::BatchNormalization({.scale = false, .dtype = dt}); }, {2, 3, 5},
      {2, 3, 5}, {{5}, {5}, {5}});
  expect_layer_conforms(
      [](DType dt) {
        return L::BatchNormalization({.axis = 1,
                                      .momentum = 0.9,
                                      .epsilon = 0.01,
                                      .moving_mean_initializer = "ones",
                                      .dtype = dt});
      },
      {2, 3, 4}, {2, 3, 4}, {{3}, {3}, {3}, {3}});
}

TEST(BatchNormalization, WeightsFollowKerasOrderAndFlags) {
  L::BatchNormalization bn({.name = "bn"});
  bn(zeros({2, 4}));
  std::vector<VariablePtr> w = bn.weights();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0]->path, "bn/gamma");
  EXPECT_EQ(w[1]->path, "bn/beta");
  EXPECT_EQ(w[2]->path, "bn/moving_mean");
  EXPECT_EQ(w[3]->path, "bn/moving_variance");
  EXPECT_EQ(bn.trainable_weights().size(), 2u);
  EXPECT_EQ(bn.non_trainable_weights().size(), 2u);
  EXPECT_FALSE(bn.moving_mean()->trainable);
  EXPECT_TRUE(all_close(bn.moving_variance()->value, ones({4}), 0.0));
  EXPECT_TRUE(all_close(bn.gamma()->value, ones({4}), 0.0));
}

// Batch mean and biased variance per column of a (rows, c) tensor, in double.
void moments(const Tensor& x, std::vector<double>& mean, std::vector<double>& var) {
  const int64_t c = x.shape().back(), rows = x.numel() / c;
  std::vector<double> v = x.to_vector<double>();
  mean.assign(c, 0.0);
  var.assign(c, 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < c; ++j) mean[j] += v[r * c + j] / rows;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < c; ++j) var[j] += std::pow(v[r * c + j] - mean[j], 2) / rows;
}

TEST(BatchNormalization, TrainingUsesBatchStatisticsAndUpdatesMovingOnes) {
  L::BatchNormalization bn({.momentum = 0.9, .epsilon = 0.01});
  Tensor x = rnd({8, 3}, 1, DType::f64).to(DType::f32);
  std::vector<double> mean, var;
  moments(x, mean, var);
  Tensor y = bn(x, /*training=*/true);
  std::vector<double> xv = x.to_vector<double>(), want(xv.size());
  for (std::size_t i = 0; i < xv.size(); ++i)
    want[i] = (xv[i] - mean[i % 3]) / std::sqrt(var[i % 3] + 0.01);
  EXPECT_TRUE(all_close(y, tensor(want, {8, 3}), 1e-5, 1e-6));
  // moving = moving * momentum + batch * (1 - momentum), with the biased batch variance.
  std::vector<double> mm(3), mv(3);
  for (int j = 0; j < 3; ++j) mm[j] = 0.1 * mean[j], mv[j] = 0.9 + 0.1 * var[j];
  EXPECT_TRUE(all_close(bn.moving_mean()->value, tensor(mm, {3}), 1e-6, 1e-7));
  EXPECT_TRUE(all_close(bn.moving_variance()->value, tensor(mv, {3}), 1e-6));
  bn(x, true);
  for (int j = 0; j < 3; ++j)
    mm[j] = 0.9 * mm[j] + 0.1 * mean[j], mv[j] = 0.9 * mv[j] + 0.1 * var[j];
  EXPECT_TRUE(all_close(bn.moving_mean()->value, tensor(mm, {3}), 1e-6, 1e-7));
  EXPECT_TRUE(all_close(bn.moving_variance()->value, tensor(mv, {3}), 1e-6));
  // Inference reads the moving statistics and leaves them alone.
  Tensor yi = bn(x, false);
  for (std::size_t i = 0; i < xv.size(); ++i)
    want[i] = (xv[i] - mm[i % 3]) / std::sqrt(mv[i % 3] + 0.01);
  EXPECT_TRUE(all_close(yi, tensor(want, {8, 3}), 1e-5, 1e-6));
  EXPECT_TRUE(all_close(bn.moving_mean()->value, tensor(mm, {3}), 1e-6, 1e-7));
}

TEST(BatchNormalization, FrozenLayerRunsInInferenceMode) {
  L::BatchNormalization bn;
  Tensor x = rnd({6, 2}, 2);
  bn(x, true);
  Tensor mm = bn.moving_mean()->value.clone(), mv = bn.moving_variance()->value.clone();
  bn.set_trainable(false);
  Tensor y = bn(x, /*training=*/true);  // Keras 3: trainable = false means inference
  EXPECT_TRUE(all_close(y, bn(x, false), 0.0));
  EXPECT_TRUE(all_close(bn.moving_mean()->value, mm, 0.0));
  EXPECT_TRUE(all_close(bn.moving_variance()->value, mv, 0.0));
  EXPECT_TRUE(bn.trainable_weights().empty());
}

TEST(BatchNormalization, OtherAxisMatchesChannelsLast) {
  // axis 1 of (n, c, w) is channels_last on its transpose (n, w, c).
  L::BatchNormalization first({.axis = 1, .momentum = 0.5}), last({.momentum = 0.5});
  Tensor x = rnd({4, 3, 5}, 3);
  Tensor y1 = first(x, true);
  Tensor y2 = last(x.transpose(1, 2).contiguous(), true);
  EXPECT_TRUE(all_close(y1, y2.transpose(1, 2), 1e-5, 1e-6));
  EXPECT_TRUE(all_close(first.moving_mean()->value, last.moving_mean()->value, 1e-6, 1e-7));
  EXPECT_TRUE(all_close(first.moving_variance()->value, last.moving_variance()->value, 1e-6));
}

TEST(BatchNormalization, TrainingModeMatchesFiniteDifferences) {
  for (int axis : {-1, 1}) {
    L::BatchNormalization bn({.axis = axis, .dtype = DType::f64});
    Tensor x = rnd({3, 4, 2}, 4, DType::f64);
    bn(x, true);
    auto fn = [&bn](const std::vector<Tensor>& in) {
      Tensor g = bn.gamma()->value, b = bn.beta()->value;
      bn.gamma()->value = in[1];
      bn.beta()->value = in[2];
      Tensor y = bn(in[0], /*training=*/true);
      bn.gamma()->value = g;
      bn.beta()->value = b;
      return y;
    };
    const int64_t c = axis == 1 ? 4 : 2;
    EXPECT_TRUE(grad_ok(fn, {x, rnd({c}, 5, DType::f64), rnd({c}, 6, DType::f64)}))
        << "axis " << axis;
  }
}

TEST(BatchNormalization, MaskedStatisticsCountOnlyRealSteps) {
  L::BatchNormalization bn({.momentum = 0.0, .dtype = DType::f64});
  Tensor x = rnd({2, 3, 2}, 7, DType::f64);
  Tensor mask = tensor(std::vector<uint8_t>{1, 1, 0, 1, 0, 0}, {2, 3});
  std::vector<Tensor> out_masks;
  Tensor y = bn.call_with_masks({x}, {mask}, true, &out_masks).at(0);
  // Keras: sums over real steps, divided by (count + 1e-7); momentum 0 keeps the batch values.
  std::vector<double> xv = x.to_vector<double>(), mean(2, 0.0), var(2, 0.0);
  const std::vector<int> real = {0, 1, 3};  // (batch, step) positions with mask 1
  for (int p : real)
    for (int j = 0; j < 2; ++j) mean[j] += xv[p * 2 + j] / (3 + 1e-7);
  for (int p : real)
    for (int j = 0; j < 2; ++j) var[j] += std::pow(xv[p * 2 + j] - mean[j], 2) / (3 + 1e-7);
  EXPECT_TRUE(all_close(bn.moving_mean()->value, tensor(mean, {2}), 1e-12));
  EXPECT_TRUE(all_close(bn.moving_variance()->value, tensor(var, {2}), 1e-12));
  std::vector<double> want(xv.size());
  for (std::size_t i = 0; i < xv.size(); ++i)
    want[i] = (xv[i] - mean[i % 2]) / std::sqrt(var[i % 2] + 1e-3);
  EXPECT_TRUE(all_close(y, tensor(want, {2, 3, 2}), 1e-12, 1e-13));
  ASSERT_EQ(out_masks.size(), 1u);
  EXPECT_TRUE(testing::all_equal(out_masks[0], mask));  // the mask passes through
  MZ_EXPECT_THROW_MSG(
      bn.call_with_masks({x}, {ones({2, 3, 1}, {.dtype = DType::u8})}, true, nullptr), ShapeError,
      "the mask must have one axis less than the input: expected "
      "rank 2, got mask (2, 3, 1) for input (2, 3, 2).");
}

TEST(BatchNormalization, FitUpdatesTheMovingStatistics) {
  // BN first, so its input never changes: after e one-batch epochs the moving mean is
  // m * (1 - 0.99^e) and the moving variance 0.99^e + v * (1 - 0.99^e).
  set_seed(3);
  auto bn = std::make_shared<L::BatchNormalization>();
  Sequential model({Input({3}), LayerPtr(bn), L::Dense(1)});
  model.compile(
      {.optimizer = optimizers::SGD({.learning_rate = 0.01}), .loss = losses::MeanSquaredError()});
  Tensor x = rnd({16, 3}, 8), y = rnd({16, 1}, 9);
  model.fit(x, y, {.batch_size = 16, .epochs = 3, .verbose = 0, .shuffle = false});
  std::vector<double> mean, var, mm(3), mv(3);
  moments(x, mean, var);
  const double k = std::pow(0.99, 3);
  for (int j = 0; j < 3; ++j) mm[j] = mean[j] * (1 - k), mv[j] = k + var[j] * (1 - k);
  EXPECT_TRUE(all_close(bn->moving_mean()->value, tensor(mm, {3}), 1e-5, 1e-7));
  EXPECT_TRUE(all_close(bn->moving_variance()->value, tensor(mv, {3}), 1e-5));
  // predict runs in inference mode and changes nothing.
  model.predict(x);
  EXPECT_TRUE(all_close(bn->moving_mean()->value, tensor(mm, {3}), 1e-5, 1e-7));
}

TEST(BatchNormalization, RejectsBadArgumentsAndInputs) {
  MZ_EXPECT_THROW_MSG(L::BatchNormalization({.synchronized = true, .name = "bn"}), ValueError,
                      "BatchNormalization 'bn': synchronized batch statistics are not supported: "
                      "expected synchronized = false, got true");
  MZ_EXPECT_THROW_MSG(L::BatchNormalization({.axis = 2, .name = "bn"})(zeros({2, 3})), ValueError,
                      "BatchNormalization 'bn': axis 2 is out of range for inputs of rank 2: "
                      "expected -2 to 1, got 2.");
  L::BatchNormalization bn({.name = "bn4"});
  bn(zeros({2, 4}));
  MZ_EXPECT_THROW_MSG(bn(zeros({2, 5})), ShapeError,
                      "BatchNormalization 'bn4': input (2, 5) does not match the layer: expected "
                      "rank 2 with 4 channels along axis -1 (built for (-1, 4)), got (2, 5).");
  MZ_EXPECT_THROW_MSG(bn(zeros({2, 3, 4})), ShapeError, "expected rank 2 with 4 channels");
}

TEST(BatchNormalization, ConfigMatchesKeras) {
  // As Keras 3 writes BatchNormalization(name="batch_normalization").get_config().
  Json keras = Json::parse(R"({"name": "batch_normalization", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": true, "scale": true,
    "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                         "registered_name": null},
    "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones", "config": {},
                          "registered_name": null},
    "moving_mean_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                                "config": {}, "registered_name": null},
    "moving_variance_initializer": {"module": "keras.initializers", "class_name": "Ones",
                                    "config": {}, "registered_name": null},
    "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
    "gamma_constraint": null, "synchronized": false})");
  EXPECT_EQ(L::BatchNormalization({.name = "batch_normalization"}).config(), keras);
  std::shared_ptr<L::BatchNormalization> read = L::BatchNormalization::from_config(keras);
  EXPECT_EQ(read->config(), keras);
  Json custom = keras;
  custom["axis"] = 1;
  custom["momentum"] = 0.9;
  custom["center"] = false;
  custom["trainable"] = false;
  custom["gamma_regularizer"] = Json::parse(
      R"({"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01},
          "registered_name": null})");
  LayerPtr layer = layer_from_config({{"class_name", "BatchNormalization"}, {"config", custom}});
  EXPECT_EQ(layer->config(), custom);
  auto* bn = dynamic_cast<L::BatchNormalization*>(layer.get().get());
  ASSERT_NE(bn, nullptr);
  EXPECT_EQ(bn->axis(), 1);
  EXPECT_DOUBLE_EQ(bn->momentum(), 0.9);
  (*layer)(zeros({2, 3, 4}));
  EXPECT_EQ(layer->weights().size(), 3u);  // no beta
  EXPECT_EQ(bn->gamma()->value.shape(), Shape({3}));
  ASSERT_NE(bn->gamma()->regularizer, nullptr);
  EXPECT_TRUE(layer->losses().empty());  // frozen: Keras counts trainable weights' penalties only
  layer->set_trainable(true);
  EXPECT_EQ(layer->losses().size(), 1u);  // the gamma regularizer
}

}  // namespace
}  // namespace mz
