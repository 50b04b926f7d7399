// Activation layer: conformance, values, unknown names, config.
#include "mz/nn/layers/activation.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(ActivationLayer, Conforms) {
  for (const char* name : {"tanh", "sigmoid", "softmax", "elu", "linear"})
    expect_layer_conforms([name](DType dt) { return L::Activation(name, {.dtype = dt}); }, {3, 4},
                          {3, 4}, {});
}

TEST(ActivationLayer, AppliesTheNamedFunction) {
  Tensor x = tensor({-1.0f, 0.5f, 2.0f}).reshape({1, 3});
  EXPECT_EQ(L::Activation("relu")(x).to_vector<float>(), (std::vector<float>{0.0f, 0.5f, 2.0f}));
  EXPECT_TRUE(testing::all_close(L::Activation("sigmoid")(x), sigmoid(x), 0.0));
}

TEST(ActivationLayer, RejectsUnknownNames) {
  MZ_EXPECT_THROW_MSG(L::Activation("rellu", {.name = "act"}), ValueError,
                      "Activation 'act': unknown activation: expected one of ");
}

TEST(ActivationLayer, ConfigHasTheName) {
  L::Activation a("relu", {.name = "a1"});
  EXPECT_EQ(a.config()["activation"], "relu");
  EXPECT_EQ(a.config()["name"], "a1");
  EXPECT_EQ(L::Activation::from_config(a.config())->activation(), "relu");
}

}  // namespace
}  // namespace mz
