// LayerNormalization: conformance (fused trailing axes, composed other axes, rms_scaling),
// values, the Keras int-to-list axis quirk, errors and the Keras config.
#include "mz/nn/layers/layer_normalization.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

Tensor rnd(const Shape& shape, uint64_t seed, DType dtype = DType::f64) {
  Generator gen(seed);
  return uniform(shape, -2.0, 3.0, {.dtype = dtype}, gen);
}

TEST(LayerNormalization, Conforms) {
  expect_layer_conforms([](DType dt) { return L::LayerNormalization({.dtype = dt}); }, {4, 6},
                        {4, 6}, {{6}, {6}});
  expect_layer_conforms(
      [](DType dt) {
        return L::LayerNormalization({.axis = {-2, -1}, .dtype = dt});
      },
      {2, 2, 3}, {2, 2, 3}, {{2, 3}, {2, 3}});
  expect_layer_conforms(
      [](DType dt) { return L::LayerNormalization({.axis = 1, .center = false, .dtype = dt}); },
      {2, 3, 2}, {2, 3, 2}, {{3}});
  expect_layer_conforms(
      [](DType dt) {
        return L::LayerNormalization({.axis = {1, 3}, .epsilon = 0.1, .dtype = dt});
      },
      {2, 3, 1, 2}, {2, 3, 1, 2}, {{3, 2}, {3, 2}});
  expect_layer_conforms(
      [](DType dt) { return L::LayerNormalization({.rms_scaling = true, .dtype = dt}); }, {3, 5},
      {3, 5}, {{5}});
}

TEST(LayerNormalization, NormalisesEachSample) {
  L::LayerNormalization ln({.axis = {1, 2}, .dtype = DType::f64});
  Tensor x = rnd({2, 3, 4}, 1);
  ln(x);
  Tensor g = rnd({3, 4}, 2), b = rnd({3, 4}, 3);
  ln.set_weights({g, b});
  Tensor want = (x - mean(x, {1, 2}, true)) / sqrt(var(x, {1, 2}, true) + 1e-3) * g + b;
  EXPECT_TRUE(all_close(ln(x), want, 1e-12, 1e-13));
  // Listed out of order, the weights keep the listed shape and are reshaped, as Keras does.
  L::LayerNormalization rev({.axis = {2, 1}, .dtype = DType::f64});
  rev(x);
  EXPECT_EQ(rev.gamma()->value.shape(), Shape({4, 3}));
  rev.set_weights({g.reshape({4, 3}), b.reshape({4, 3})});
  EXPECT_TRUE(all_close(rev(x), want, 1e-12, 1e-13));
  // A middle axis (the composed path) equals the trailing case on the transposed input.
  L::LayerNormalization mid({.axis = 1, .dtype = DType::f64}), end({.dtype = DType::f64});
  Tensor ym = mid(x), ye = end(x.transpose(1, 2).contiguous());
  EXPECT_TRUE(all_close(ym, ye.transpose(1, 2), 1e-12, 1e-13));
}

TEST(LayerNormalization, RmsScalingDividesByTheStandardDeviation) {
  // Keras's (deprecated) rms_scaling divides by sqrt(var + eps), not by the root mean square.
  L::LayerNormalization ln({.rms_scaling = true, .dtype = DType::f64});
  Tensor x = rnd({3, 5}, 4);
  Tensor want = x / sqrt(var(x, {1}, true) + 1e-3);
  EXPECT_TRUE(all_close(ln(x), want, 1e-12, 1e-13));
  EXPECT_EQ(ln.beta(), nullptr);
}

TEST(LayerNormalization, IntAxisBecomesAListAtBuild) {
  L::LayerNormalization ln;
  EXPECT_EQ(ln.config()["axis"], Json(-1));
  ln(zeros({2, 3}));
  EXPECT_EQ(ln.config()["axis"], Json::parse("[-1]"));
}

TEST(LayerNormalization, RejectsBadAxesAndInputs) {
  MZ_EXPECT_THROW_MSG(L::LayerNormalization({.axis = 2, .name = "ln"})(zeros({2, 3})), ValueError,
                      "LayerNormalization 'ln': axis 2 is out of range for inputs of rank 2: "
                      "expected -2 to 1, got 2.");
  MZ_EXPECT_THROW_MSG(L::LayerNormalization({.axis = {1, -1}, .name = "ln"})(zeros({2, 3})),
                      ValueError, "LayerNormalization 'ln': axis [1,-1] names axis 1 twice");
  MZ_EXPECT_THROW_MSG(L::LayerNormalization({.axis = 0, .name = "ln"})(zeros({2, 3})), ValueError,
                      "LayerNormalization 'ln': axis 0 includes the batch axis");
  L::LayerNormalization ln({.name = "ln3"});
  ln(zeros({2, 3}));
  MZ_EXPECT_THROW_MSG(ln(zeros({2, 4})), ShapeError,
                      "LayerNormalization 'ln3': input (2, 4) does not match the layer: expected "
                      "rank 2 with the sizes of (-1, 3) along axis [-1], got (2, 4).");
}

TEST(LayerNormalization, ConfigMatchesKeras) {
  // As Keras 3 writes LayerNormalization(name="layer_normalization").get_config() once built.
  Json keras = Json::parse(R"({"name": "layer_normalization", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "axis": [-1], "epsilon": 0.001, "center": true, "scale": true, "rms_scaling": false,
    "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                         "registered_name": null},
    "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones", "config": {},
                          "registered_name": null},
    "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
    "gamma_constraint": null})");
  L::LayerNormalization ln({.name = "layer_normalization"});
  ln(zeros({1, 4}));
  EXPECT_EQ(ln.config(), keras);
  Json custom = keras;
  custom["axis"] = Json::parse("[1, 2]");
  custom["epsilon"] = 1e-6;
  custom["center"] = false;
  LayerPtr layer = layer_from_config({{"class_name", "LayerNormalization"}, {"config", custom}});
  EXPECT_EQ(layer->config(), custom);
  (*layer)(zeros({2, 3, 4}));
  ASSERT_EQ(layer->weights().size(), 1u);
  EXPECT_EQ(layer->weights()[0]->value.shape(), Shape({3, 4}));
  MZ_EXPECT_THROW_MSG(L::LayerNormalization::from_config(Json::parse(R"({"axis": "last"})")),
                      ValueError,
                      "LayerNormalization.from_config: config \"axis\": expected an integer or a "
                      "list of integers, got \"last\".");
}

}  // namespace
}  // namespace mz
