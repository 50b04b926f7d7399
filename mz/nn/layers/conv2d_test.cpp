// Conv2D: conformance, Keras's output shapes, values through mz::conv, bad input and argument
// messages, and the Keras config both ways. ConvBase's shared code is tested here.
#include "mz/nn/layers/conv2d.h"

#include "layer_conformance.h"
#include "mz/ops/conv.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

TEST(Conv2D, Conforms) {
  expect_layer_conforms([](DType dt) { return L::Conv2D(3, 2, {.dtype = dt}); }, {2, 5, 4, 2},
                        {2, 4, 3, 3}, {{2, 2, 2, 3}, {3}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv2D(2, {3, 2},
                         {.strides = 2, .padding = "same", .activation = "tanh", .dtype = dt});
      },
      {1, 5, 6, 3}, {1, 3, 3, 2}, {{3, 2, 3, 2}, {2}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv2D(4, 2,
                         {.dilation_rate = {1, 2}, .groups = 2, .use_bias = false, .dtype = dt});
      },
      {1, 4, 5, 2}, {1, 3, 3, 4}, {{2, 2, 1, 4}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv2D(2, 3, {.padding = "same", .activation = "softplus", .dtype = dt});
      },
      {1, 3, 3, 1}, {1, 3, 3, 2}, {{3, 3, 1, 2}, {2}});
}

TEST(Conv2D, OutputShapesFollowKeras) {
  // Keras 3: valid floor((n - window) / s) + 1, same ceil(n / s).
  L::Conv2D valid(8, 3, {.strides = 2});
  EXPECT_EQ(valid.compute_output_shape({-1, 7, 8, 3}), (Shape{-1, 3, 3, 8}));
  L::Conv2D same(8, 3, {.strides = 2, .padding = "same"});
  EXPECT_EQ(same.compute_output_shape({-1, 7, 8, 3}), (Shape{-1, 4, 4, 8}));
  L::Conv2D dilated(8, 3, {.dilation_rate = 2});
  EXPECT_EQ(dilated.compute_output_shape({-1, 7, 9, 3}), (Shape{-1, 3, 5, 8}));
  EXPECT_EQ(dilated.compute_output_shape({-1, -1, 9, 3}), (Shape{-1, -1, 5, 8}));
  L::Conv2D lenet(6, 5);
  EXPECT_EQ(lenet(zeros({2, 28, 28, 1})).shape(), (Shape{2, 24, 24, 6}));
  EXPECT_EQ(L::Conv2D(6, 5, {.padding = "SAME"})(zeros({2, 28, 28, 1})).shape(),
            (Shape{2, 28, 28, 6}));
}

TEST(Conv2D, ComputesTheConvolutionPlusBias) {
  L::Conv2D c(3, {2, 3},
              {.strides = {1, 2},
               .padding = "same",
               .activation = "relu",
               .bias_initializer = initializers::Constant(0.25)});
  Tensor x = uniform({2, 5, 6, 2}, -1.0, 1.0);
  Tensor y = c(x);
  // "same" with kernel (2, 3), strides (1, 2) on (5, 6): pads (0, 1) and (0, 1).
  Tensor want = relu(
      conv(x, c.kernel()->value, {.strides = {1, 2}, .pads_before = {0, 0}, .pads_after = {1, 1}}) +
      0.25);
  EXPECT_TRUE(all_close(y, want, 1e-6, 1e-6));
  EXPECT_EQ(c.kernel()->path, c.name() + "/kernel");
  EXPECT_EQ(c.bias()->path, c.name() + "/bias");
}

TEST(Conv2D, WrongRankAndTooSmallInputsNameTheLayer) {
  clear_session();
  L::Conv2D c(6, 5);
  MZ_EXPECT_THROW_MSG(c(zeros({28, 28, 1})), ShapeError,
                      "Conv2D 'conv2d': expected input of rank 4 (batch, rows, cols, channels), "
                      "got rank 3: (None, 28, 1).");
  MZ_EXPECT_THROW_MSG(c(zeros({2, 3, 3, 1})), ShapeError,
                      "Conv2D 'conv2d': the input is smaller than the kernel with padding "
                      "\"valid\": expected spatial sizes >= (5, 5) (kernel_size (5, 5), "
                      "dilation_rate (1, 1)), got (3, 3) in input shape (None, 3, 3, 1). Use "
                      "padding=\"same\" or a smaller kernel_size.");
  c(zeros({2, 28, 28, 1}));
  MZ_EXPECT_THROW_MSG(c(zeros({2, 28, 28, 3})), ShapeError,
                      "Conv2D 'conv2d': input channels differ from the build: expected 1 (kernel "
                      "(5, 5, 1, 6)), got 3 in input shape (2, 28, 28, 3).");
  MZ_EXPECT_THROW_MSG(L::Conv2D(4, 2, {.groups = 2, .name = "g"})(zeros({1, 4, 4, 3})), ShapeError,
                      "Conv2D 'g': input channels must be divisible by groups: expected a "
                      "multiple of 2, got 3 channels in input shape (None, 4, 4, 3).");
}

TEST(Conv2D, RejectsBadArgumentsAtConstruction) {
  MZ_EXPECT_THROW_MSG(L::Conv2D(8, 3, {.padding = "full", .name = "conv2d"}), ValueError,
                      "Conv2D 'conv2d': padding must be \"valid\" or \"same\", got \"full\".");
  MZ_EXPECT_THROW_MSG(L::Conv2D(8, 3, {.padding = "causal", .name = "c"}), ValueError,
                      "Conv2D 'c': padding must be \"valid\" or \"same\", got \"causal\".");
  MZ_EXPECT_THROW_MSG(L::Conv2D(8, 3, {.data_format = "channels_first", .name = "c"}), ValueError,
                      "Conv2D 'c': data_format \"channels_first\" is not supported: expected "
                      "\"channels_last\", got \"channels_first\". Permute the input to (batch, "
                      "..., channels) instead.");
  MZ_EXPECT_THROW_MSG(L::Conv2D(0, 3, {.name = "c"}), ValueError,
                      "Conv2D 'c': filters must be positive: expected filters >= 1, got 0.");
  MZ_EXPECT_THROW_MSG(
      L::Conv2D(8, {3, 0}, {.name = "c"}), ValueError,
      "Conv2D 'c': kernel_size must be positive: expected values >= 1, got (3, 0).");
  MZ_EXPECT_THROW_MSG(L::Conv2D(8, {3, 3, 3}, {.name = "c"}), ValueError,
                      "Conv2D 'c': kernel_size must be an int or 2 ints: expected 1 or 2 values, "
                      "got (3, 3, 3).");
  MZ_EXPECT_THROW_MSG(L::Conv2D(8, 3, {.groups = 3, .name = "c"}), ValueError,
                      "Conv2D 'c': filters must be divisible by groups: expected a multiple of 3, "
                      "got filters 8.");
  MZ_EXPECT_THROW_MSG(L::Conv2D(8, 3, {.strides = 2, .dilation_rate = 2, .name = "c"}), ValueError,
                      "Conv2D 'c': strides > 1 is not supported with dilation_rate > 1 (as in "
                      "Keras): expected one of them all ones, got strides (2, 2) and "
                      "dilation_rate (2, 2).");
  MZ_EXPECT_THROW_MSG(L::Conv2D(8, 3, {.activation = "rellu", .name = "c"}), ValueError,
                      "Conv2D 'c': unknown activation: expected one of ");
}

TEST(Conv2D, ConfigMatchesKeras) {
  L::Conv2D c(32, 3,
              {.strides = {2, 1},
               .padding = "same",
               .activation = "relu",
               .kernel_regularizer = regularizers::L2(0.001),
               .name = "conv2d_k"});
  Json expected = Json::parse(R"({
    "name": "conv2d_k", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "filters": 32, "kernel_size": [3, 3], "strides": [2, 1], "padding": "same",
    "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
    "activation": "relu", "use_bias": true,
    "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                           "config": {"seed": null}, "registered_name": null},
    "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                         "registered_name": null},
    "kernel_regularizer": {"module": "keras.regularizers", "class_name": "L2",
                           "config": {"l2": 0.001}, "registered_name": null},
    "bias_regularizer": null, "activity_regularizer": null,
    "kernel_constraint": null, "bias_constraint": null})");
  EXPECT_EQ(c.config(), expected) << c.config().dump(2);
}

TEST(Conv2D, ReadsAKerasConfig) {
  // As Keras 3.x writes it in config.json.
  Json keras = Json::parse(R"({"name": "conv2d_1", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "filters": 16, "kernel_size": [5, 5], "strides": [1, 1], "padding": "valid",
    "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
    "activation": "relu", "use_bias": true,
    "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal",
                           "config": {"seed": 3}, "registered_name": null},
    "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                         "registered_name": null},
    "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
    "kernel_constraint": null, "bias_constraint": null})");
  std::shared_ptr<L::Conv2D> c = L::Conv2D::from_config(keras);
  EXPECT_EQ(c->name(), "conv2d_1");
  EXPECT_EQ(c->filters(), 16);
  EXPECT_EQ(c->kernel_size(), (std::vector<int64_t>{5, 5}));
  EXPECT_EQ(c->activation(), "relu");
  EXPECT_EQ((*c)(zeros({1, 12, 12, 6})).shape(), (Shape{1, 8, 8, 16}));
  EXPECT_TRUE(all_close(c->kernel()->value, initializers::HeNormal(3)({5, 5, 6, 16}), 0.0));
  MZ_EXPECT_THROW_MSG(L::Conv2D::from_config(Json::parse(R"({"filters": 3})")), ValueError,
                      "Conv2D.from_config: config needs \"filters\" and \"kernel_size\"");
}

}  // namespace
}  // namespace mz
