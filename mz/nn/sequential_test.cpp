// Sequential: building with and without an Input, add/pop, calls, trainability, Keras config.
#include <cmath>

#include "mz/nn/layers/activation.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;

TEST(Sequential, BuildsAtOnceWithAnInput) {
  Sequential model({Input({3}), L::Dense(4), L::Dense(2)});
  EXPECT_TRUE(model.built());
  EXPECT_EQ(model.layers().size(), 2u);  // Keras: the InputLayer is not among model.layers
  ASSERT_EQ(model.weights().size(), 4u);
  EXPECT_EQ(model.weights()[0]->value.shape(), (Shape{3, 4}));
  EXPECT_EQ(model.count_params(), 3 * 4 + 4 + 4 * 2 + 2);
  EXPECT_EQ(model.compute_output_shape({-1, 3}), (Shape{-1, 2}));
}

TEST(Sequential, BuildsAtTheFirstCallWithoutAnInput) {
  Sequential model({L::Dense(4), L::Dense(2)});
  EXPECT_FALSE(model.built());
  EXPECT_TRUE(model.weights().empty());
  Tensor y = model(ones({5, 3}));
  EXPECT_EQ(y.shape(), (Shape{5, 2}));
  EXPECT_TRUE(model.built());
  EXPECT_EQ(model.weights().size(), 4u);
  // As Keras 3, the model now has an InputLayer for the shape it was built with.
  Json c = model.config();
  ASSERT_EQ(c["layers"].size(), 3u);
  EXPECT_EQ(c["layers"][0]["class_name"], "InputLayer");
  EXPECT_EQ(c["layers"][0]["config"]["batch_shape"], Json::parse("[null, 3]"));
  EXPECT_EQ(c["build_input_shape"], Json::parse("[null, 3]"));
}

TEST(Sequential, CallRunsTheLayersInOrder) {
  Sequential model({Input({3}), L::Dense(4), L::Activation("relu"), L::Dense(2)});
  Tensor x = uniform({6, 3}, -1.0, 1.0);
  Tensor expected = x;
  for (const LayerPtr& layer : model.layers()) expected = (*layer)(expected);
  EXPECT_TRUE(all_close(model(x), expected, 0.0));
}

TEST(Sequential, AddBuildsAndPopRemoves) {
  Sequential model;
  model.add(Input({5}));
  EXPECT_FALSE(model.built());
  model.add(L::Dense(3));
  EXPECT_TRUE(model.built());
  model.add(L::Dense(1));
  EXPECT_EQ(model.weights().size(), 4u);
  EXPECT_EQ(model.compute_output_shape({-1, 5}), (Shape{-1, 1}));
  model.pop();
  EXPECT_EQ(model.layers().size(), 1u);
  EXPECT_EQ(model.weights().size(), 2u);
  EXPECT_EQ(model(ones({2, 5})).shape(), (Shape{2, 3}));
  MZ_EXPECT_THROW_MSG((Sequential{}.pop()), ValueError, "pop: there are no layers to remove.");
}

TEST(Sequential, RejectsBadAdds) {
  clear_session();
  Sequential model({Input({2}), L::Dense(1, {.name = "out"})});
  MZ_EXPECT_THROW_MSG(model.add(Input({2})), ValueError,
                      "Sequential 'sequential': add: the model already takes inputs of shape "
                      "(None, 2); a second Input cannot be added.");
  MZ_EXPECT_THROW_MSG(model.add(L::Dense(1, {.name = "out"})), ValueError,
                      "layer names must be unique in a model: \"out\" is already the name");
  Sequential late({L::Dense(1)});
  MZ_EXPECT_THROW_MSG(late.add(Input({2})), ValueError, "an Input must come first");
}

TEST(Sequential, InputShapeMismatchNamesBothShapes) {
  Sequential model({Input({3}), L::Dense(2)});
  MZ_EXPECT_THROW_MSG(model(ones({4, 5})), ShapeError, "expected (None, 3), got (4, 5)");
}

TEST(Sequential, SetTrainableFreezesEveryLayer) {
  Sequential model({Input({3}), L::Dense(4), L::Dense(2)});
  model.set_trainable(false);
  EXPECT_TRUE(model.trainable_weights().empty());
  EXPECT_EQ(model.non_trainable_weights().size(), 4u);
  EXPECT_NE(model.summary(76).find(" Non-trainable params: 26 (104.00 B)\n"), std::string::npos);
  model.set_trainable(true);
  EXPECT_EQ(model.trainable_weights().size(), 4u);
  model.layers()[0]->set_trainable(false);
  EXPECT_EQ(model.trainable_weights().size(), 2u);
}

TEST(Sequential, ConfigHasKerasShape) {
  clear_session();
  Sequential model({Input({784}), L::Dense(10, {.activation = "softmax"})});
  Json c = model.config();
  EXPECT_EQ(c["name"], "sequential");
  EXPECT_EQ(c["trainable"], true);
  EXPECT_EQ(c["dtype"]["config"]["name"], "float32");
  EXPECT_EQ(c["build_input_shape"], Json::parse("[null, 784]"));
  ASSERT_EQ(c["layers"].size(), 2u);
  const Json& input = c["layers"][0];
  EXPECT_EQ(input["module"], "keras.layers");
  EXPECT_EQ(input["class_name"], "InputLayer");
  EXPECT_TRUE(input["registered_name"].is_null());
  EXPECT_FALSE(input.contains("build_config"));
  EXPECT_EQ(input["config"]["name"], "input_layer");
  const Json& dense = c["layers"][1];
  EXPECT_EQ(dense["module"], "keras.layers");
  EXPECT_EQ(dense["class_name"], "Dense");
  EXPECT_EQ(dense["config"]["name"], "dense");
  EXPECT_EQ(dense["config"]["units"], 10);
  EXPECT_EQ(dense["build_config"], Json::parse(R"({"input_shape": [null, 784]})"));
}

TEST(Sequential, NestsAsALayer) {
  auto inner = std::make_shared<Sequential>(std::vector<LayerPtr>{Input({3}), L::Dense(4)});
  Sequential outer({Input({3}), LayerPtr(inner), L::Dense(1)});
  EXPECT_EQ(outer.weights().size(), 4u);
  EXPECT_EQ(outer(ones({2, 3})).shape(), (Shape{2, 1}));
  EXPECT_EQ(outer.config()["layers"][1]["module"], "keras");
  EXPECT_EQ(outer.config()["layers"][1]["class_name"], "Sequential");
}

}  // namespace
}  // namespace mz
