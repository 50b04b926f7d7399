// Layer base: names, lazy build, weights and their flags, losses, set/get_weights, shape
// tracing, autocast and Keras's base config.
#include "mz/nn/layer.h"

#include "mz/nn/initializers.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/regularizers.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;

// A minimal custom layer: y = x * w with w of shape (features,), plus a non-trainable counter.
class Scale : public Layer {
 public:
  explicit Scale(LayerCommon common = {}) : Layer("Scale", std::move(common)) {}
  void build(const Shape& input_shape) override {
    ++builds;
    w = add_weight("w", {input_shape.back()}, std::make_shared<initializers::Constant>(2.0));
    count = add_weight("count", {}, std::make_shared<initializers::Zeros>(), false);
  }
  Tensor call(const Tensor& x, bool) override { return x * w->value; }
  VariablePtr w, count;
  int builds = 0;
};

TEST(Layer, SnakeCaseFollowsKeras) {
  EXPECT_EQ(to_snake_case("Dense"), "dense");
  EXPECT_EQ(to_snake_case("BatchNormalization"), "batch_normalization");
  EXPECT_EQ(to_snake_case("Conv2D"), "conv2d");
  EXPECT_EQ(to_snake_case("GlobalAveragePooling2D"), "global_average_pooling2d");
  EXPECT_EQ(to_snake_case("InputLayer"), "input_layer");
  EXPECT_EQ(to_snake_case("LSTM"), "lstm");
  EXPECT_EQ(to_snake_case("PReLU"), "p_re_lu");
}

TEST(Layer, NamesAreUniqueUntilClearSession) {
  clear_session();
  EXPECT_EQ(L::Dense(2).name(), "dense");
  EXPECT_EQ(L::Dense(2).name(), "dense_1");
  EXPECT_EQ(L::Dense(2, {.name = "head"}).name(), "head");
  L::Dense d(2);
  EXPECT_EQ(d.name(), "dense_2");
  EXPECT_EQ(d.who(), "Dense 'dense_2'");
  EXPECT_EQ(Scale().name(), "scale");
  clear_session();
  EXPECT_EQ(L::Dense(2).name(), "dense");
}

TEST(Layer, BuildsOnFirstCallWithUnknownBatch) {
  Scale s({.name = "s"});
  EXPECT_FALSE(s.built());
  Tensor y = s(ones({4, 3}));
  EXPECT_TRUE(s.built());
  ASSERT_EQ(s.build_shapes().size(), 1u);
  EXPECT_EQ(s.build_shapes()[0], Shape({-1, 3}));
  EXPECT_EQ(y.to_vector<float>(), std::vector<float>(12, 2.0f));
  s(ones({5, 3}));
  s.maybe_build({{-1, 3}});
  EXPECT_EQ(s.builds, 1);
  EXPECT_EQ(s.weights().size(), 2u);
}

TEST(Layer, AddWeightNamesInitialisesAndFlags) {
  Scale s({.name = "scale_a"});
  s(ones({1, 3}));
  EXPECT_EQ(s.w->name, "w");
  EXPECT_EQ(s.w->path, "scale_a/w");
  EXPECT_TRUE(s.w->value.requires_grad());
  EXPECT_FALSE(s.count->value.requires_grad());
  EXPECT_EQ(s.trainable_weights().size(), 1u);
  EXPECT_EQ(s.non_trainable_weights().size(), 1u);
  EXPECT_EQ(s.count_params(), 4);
}

TEST(Layer, FrozenLayerReportsEveryWeightNonTrainable) {
  Scale s({.trainable = false});
  s(ones({1, 3}));
  EXPECT_TRUE(s.trainable_weights().empty());
  EXPECT_EQ(s.non_trainable_weights().size(), 2u);
  EXPECT_FALSE(s.w->value.requires_grad());
  s.set_trainable(true);
  EXPECT_EQ(s.trainable_weights().size(), 1u);
  EXPECT_TRUE(s.w->value.requires_grad());
  EXPECT_FALSE(s.count->trainable);  // created non-trainable: stays so
  s.set_trainable(false);
  EXPECT_FALSE(s.w->trainable);
  EXPECT_FALSE(s.w->value.requires_grad());
}

TEST(Layer, LossesHoldWeightAndActivityPenalties) {
  L::Dense d(2, {.kernel_initializer = initializers::Constant(0.5),
                 .kernel_regularizer = regularizers::L2(0.1),
                 .activity_regularizer = regularizers::L1(0.01)});
  EXPECT_TRUE(d.losses().empty());
  Tensor y = d(ones({1, 3}));
  std::vector<Tensor> losses = d.losses();
  ASSERT_EQ(losses.size(), 2u);
  // activity: 0.01 * sum(|y|), y = 1.5 in each of 2 units; kernel: 0.1 * 6 * 0.25.
  EXPECT_NEAR(losses[0].item(), 0.01 * 3.0, 1e-6);
  EXPECT_NEAR(losses[1].item(), 0.1 * 1.5, 1e-6);
  d.set_trainable(false);
  EXPECT_EQ(d.losses().size(), 1u);  // frozen weights add no penalty (Keras 3)
}

TEST(Layer, SetWeightsChecksCountAndShapes) {
  L::Dense d(4, {.name = "dense_w"});
  d(ones({2, 3}));
  MZ_EXPECT_THROW_MSG(d.set_weights({zeros({3, 4})}), ValueError,
                      "Dense 'dense_w': set_weights: expected 2 arrays (kernel (3, 4), bias "
                      "(4,)), got 1.");
  MZ_EXPECT_THROW_MSG(d.set_weights({zeros({4, 3}), zeros({4})}), ShapeError,
                      "Dense 'dense_w': set_weights: weight \"kernel\" has the wrong shape: "
                      "expected (3, 4), got (4, 3).");
  d.set_weights({full({3, 4}, 0.25, {.dtype = DType::f64}), ones({4})});
  std::vector<Tensor> got = d.get_weights();
  EXPECT_EQ(got[0].dtype(), DType::f32);
  EXPECT_EQ(got[0].to_vector<float>(), std::vector<float>(12, 0.25f));
  got[1].fill_(7.0);  // a copy: the layer keeps its bias
  EXPECT_EQ(d.bias()->value.to_vector<float>(), std::vector<float>(4, 1.0f));
  EXPECT_FALSE(got[0].requires_grad());
}

TEST(Layer, DefaultOutputShapeTracesCall) {
  Scale s;
  EXPECT_EQ(s.compute_output_shape({-1, 5}), Shape({-1, 5}));
  EXPECT_TRUE(s.built());
  EXPECT_EQ(s.build_shapes()[0], Shape({-1, 5}));
  EXPECT_EQ(s.compute_output_shapes({{-1, 5}, {7, 5}}), (std::vector<Shape>{{-1, 5}, {7, 5}}));
  MZ_EXPECT_THROW_MSG(Scale({.name = "sc"}).compute_output_shape({-1, -1}), ShapeError,
                      "Scale 'sc': cannot infer the output shape");
}

TEST(Layer, MultiInputCallMapsEachInput) {
  Scale s;
  std::vector<Tensor> ys = s({ones({2, 3}), full({1, 3}, 3.0)});
  ASSERT_EQ(ys.size(), 2u);
  EXPECT_EQ(ys[1].to_vector<float>(), std::vector<float>(3, 6.0f));
}

TEST(Layer, FloatingInputsAreCastToTheLayerDtype) {
  L::Dense d(2);
  Tensor y = d(ones({1, 3}, {.dtype = DType::f64}));
  EXPECT_EQ(y.dtype(), DType::f32);
  L::Dense d64(2, {.dtype = DType::f64});
  EXPECT_EQ(d64(ones({1, 3})).dtype(), DType::f64);
  EXPECT_EQ(d64.kernel()->value.dtype(), DType::f64);
}

TEST(Layer, ConfigWritesKerasDtypePolicy) {
  Scale s({.name = "sp", .trainable = false, .dtype = DType::f64});
  Json c = s.config();
  EXPECT_EQ(c["name"], "sp");
  EXPECT_EQ(c["trainable"], false);
  EXPECT_EQ(c["dtype"], Json::parse(R"({"module": "keras", "class_name": "DTypePolicy",
                                        "config": {"name": "float64"}, "registered_name": null})"));
  EXPECT_FALSE(c.contains("activity_regularizer"));
  LayerCommon back = layer_common_from_config(c, "Scale");
  EXPECT_EQ(back.name, "sp");
  EXPECT_FALSE(back.trainable);
  EXPECT_EQ(back.dtype, DType::f64);
}

TEST(Layer, DtypeFromConfigAcceptsNamesAndPolicies) {
  EXPECT_EQ(dtype_from_config("float64", "t"), DType::f64);
  EXPECT_EQ(dtype_from_config(nullptr, "t"), DType::f32);
  EXPECT_EQ(dtype_from_config(dtype_policy_config(DType::f64), "t"), DType::f64);
  MZ_EXPECT_THROW_MSG(dtype_from_config("mixed_float16", "Dense.from_config"), ValueError,
                      "Dense.from_config: config \"dtype\": unsupported dtype: expected float32, "
                      "float64, int32, int64 or uint8, got \"mixed_float16\".");
  MZ_EXPECT_THROW_MSG(layer_common_from_config({{"trainable", "yes"}}, "X"), ValueError,
                      "X: config \"trainable\": expected a boolean, got \"yes\".");
}

TEST(Layer, BackwardReachesWeights) {
  Scale s;
  Tensor x = tensor({1.0f, 2.0f, 3.0f}).reshape({1, 3});
  sum(s(x)).backward();
  EXPECT_EQ(s.w->value.grad().to_vector<float>(), (std::vector<float>{1, 2, 3}));
}

}  // namespace
}  // namespace mz
