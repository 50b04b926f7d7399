// Dense: conformance, values, rank > 2 inputs, activations, options, errors, config.
#include "mz/nn/layers/dense.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

TEST(Dense, Conforms) {
  for (const char* act : {"", "relu", "tanh", "sigmoid", "softplus"})
    expect_layer_conforms([act](DType dt) { return L::Dense(3, {.activation = act, .dtype = dt}); },
                          {4, 5}, {4, 3}, {{5, 3}, {3}});
  expect_layer_conforms(
      [](DType dt) { return L::Dense(2, {.use_bias = false, .name = "nobias", .dtype = dt}); },
      {3, 2, 4}, {3, 2, 2}, {{4, 2}});
}

TEST(Dense, ComputesActOfXWPlusB) {
  L::Dense d(2, {.activation = "relu"});
  d(zeros({1, 3}));
  d.set_weights(
      {tensor(std::vector<float>{1, -1, 2, -2, 3, 0.5f}, {3, 2}), tensor({0.5f, -20.0f})});
  Tensor y = d(tensor(std::vector<float>{1, 1, 1}, {1, 3}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{6.5f, 0.0f}));
}

TEST(Dense, AppliesToTheLastAxis) {
  L::Dense d(3, {.kernel_initializer = "ones"});
  Tensor y = d(ones({2, 4, 5}));
  EXPECT_EQ(y.shape(), Shape({2, 4, 3}));
  EXPECT_EQ(y.to_vector<float>(), std::vector<float>(24, 5.0f));
  EXPECT_EQ(d.compute_output_shape({-1, 7, 5}), Shape({-1, 7, 3}));
}

TEST(Dense, UnfusedActivationMatchesComposition) {
  L::Dense d(4, {.activation = "softmax"});
  Tensor x = uniform({3, 5}, -1.0, 1.0);
  Tensor y = d(x);
  Tensor expected = softmax(matmul(x, d.kernel()->value) + d.bias()->value);
  EXPECT_TRUE(all_close(y, expected, 1e-6, 1e-7));
}

TEST(Dense, WrongInputWidthNamesLayerAndShapes) {
  clear_session();
  L::Dense a(10), b(10), c(10);
  c(zeros({2, 128}));
  MZ_EXPECT_THROW_MSG(c(zeros({2, 784})), ShapeError,
                      "Dense 'dense_2': input last dimension is 784, but the layer was built for "
                      "128 (kernel (128, 10)). Put Flatten or Reshape before it, or rebuild the "
                      "model.");
  MZ_EXPECT_THROW_MSG(L::Dense(3, {.name = "d1"})(zeros({4})), ShapeError,
                      "Dense 'd1': input must have rank >= 2: expected (batch, ..., features), "
                      "got rank 1.");
}

TEST(Dense, RejectsBadArgumentsAtConstruction) {
  MZ_EXPECT_THROW_MSG(L::Dense(3, {.activation = "relux", .name = "d"}), ValueError,
                      "Dense 'd': unknown activation: expected one of ");
  MZ_EXPECT_THROW_MSG(L::Dense(3, {.activation = "relux", .name = "d"}), ValueError,
                      "got \"relux\".");
  MZ_EXPECT_THROW_MSG(L::Dense(0, {.name = "d"}), ValueError,
                      "Dense 'd': units must be positive: expected units >= 1, got 0.");
  MZ_EXPECT_THROW_MSG(L::Dense(3, {.kernel_initializer = "xavier"}), ValueError,
                      "get_initializer: unknown initializer");
}

TEST(Dense, WeightsCarryInitializersRegularizersAndConstraints) {
  L::Dense d(2, {.kernel_initializer = initializers::Constant(0.5),
                 .bias_initializer = "ones",
                 .kernel_regularizer = "l2",
                 .kernel_constraint = constraints::NonNeg(),
                 .name = "head"});
  d(zeros({1, 3}));
  EXPECT_EQ(d.kernel()->path, "head/kernel");
  EXPECT_EQ(d.bias()->path, "head/bias");
  EXPECT_EQ(d.kernel()->value.to_vector<float>(), std::vector<float>(6, 0.5f));
  EXPECT_EQ(d.bias()->value.to_vector<float>(), std::vector<float>(2, 1.0f));
  ASSERT_NE(d.kernel()->regularizer, nullptr);
  EXPECT_EQ(d.kernel()->regularizer->class_name(), "L2");
  ASSERT_NE(d.kernel()->constraint, nullptr);
  EXPECT_EQ(d.bias()->constraint, nullptr);
}

TEST(Dense, ConfigMatchesKeras) {
  L::Dense d(10, {.activation = "relu",
                  .kernel_regularizer = regularizers::L2(0.001),
                  .activity_regularizer = "l1",
                  .name = "dense_k"});
  Json expected = Json::parse(R"({
    "name": "dense_k", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "units": 10, "activation": "relu", "use_bias": true,
    "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                           "config": {"seed": null}, "registered_name": null},
    "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                         "registered_name": null},
    "kernel_regularizer": {"module": "keras.regularizers", "class_name": "L2",
                           "config": {"l2": 0.001}, "registered_name": null},
    "bias_regularizer": null,
    "activity_regularizer": {"module": "keras.regularizers", "class_name": "L1",
                             "config": {"l1": 0.01}, "registered_name": null},
    "kernel_constraint": null, "bias_constraint": null})");
  EXPECT_EQ(d.config(), expected) << d.config().dump(2);
  EXPECT_EQ(L::Dense(3).config()["activation"], "linear");
}

TEST(Dense, ReadsAKerasConfig) {
  // As Keras 3.x writes it in config.json (extra keys such as quantization_config ignored).
  Json keras = Json::parse(R"({"name": "dense_1", "trainable": false,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "units": 64, "activation": "tanh", "use_bias": true,
    "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal",
                           "config": {"seed": 1}, "registered_name": null},
    "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                         "registered_name": null},
    "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null,
    "bias_constraint": null, "quantization_config": null})");
  std::shared_ptr<L::Dense> d = L::Dense::from_config(keras);
  EXPECT_EQ(d->name(), "dense_1");
  EXPECT_EQ(d->units(), 64);
  EXPECT_EQ(d->activation(), "tanh");
  EXPECT_FALSE(d->trainable());
  (*d)(zeros({1, 8}));
  EXPECT_TRUE(d->trainable_weights().empty());
  EXPECT_TRUE(all_close(d->kernel()->value, initializers::HeNormal(1)({8, 64}), 0.0));
}

}  // namespace
}  // namespace mz
