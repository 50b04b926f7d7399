// SeparableConv2D: conformance, depthwise then pointwise, weight names and config keys.
#include "mz/nn/layers/separable_conv2d.h"

#include "layer_conformance.h"
#include "mz/ops/conv.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(SeparableConv2D, Conforms) {
  expect_layer_conforms([](DType dt) { return L::SeparableConv2D(3, 2, {.dtype = dt}); },
                        {2, 4, 3, 2}, {2, 3, 2, 3}, {{2, 2, 2, 1}, {1, 1, 2, 3}, {3}});
  expect_layer_conforms(
      [](DType dt) {
        return L::SeparableConv2D(2, 3,
                                  {.strides = 2,
                                   .padding = "same",
                                   .depth_multiplier = 2,
                                   .activation = "tanh",
                                   .dtype = dt});
      },
      {1, 4, 3, 2}, {1, 2, 2, 2}, {{3, 3, 2, 2}, {1, 1, 4, 2}, {2}});
}

TEST(SeparableConv2D, IsDepthwiseThenPointwise) {
  L::SeparableConv2D s(
      4, 3,
      {.padding = "same", .depth_multiplier = 2, .bias_initializer = initializers::Constant(0.5)});
  Tensor x = uniform({2, 5, 6, 3}, -1.0, 1.0);
  Tensor y = s(x);
  EXPECT_EQ(y.shape(), (Shape{2, 5, 6, 4}));
  Tensor z = depthwise_conv(x, s.kernel()->value, {.pads_before = {1}, .pads_after = {1}});
  Tensor want = conv(z, s.pointwise_kernel()->value) + 0.5;
  EXPECT_TRUE(testing::all_close(y, want, 1e-5, 1e-6));
  EXPECT_EQ(s.kernel()->name, "depthwise_kernel");
  EXPECT_EQ(s.pointwise_kernel()->name, "pointwise_kernel");
}

TEST(SeparableConv2D, ConfigHasKerasKeys) {
  L::SeparableConv2D s(8, 3, {.pointwise_constraint = "non_neg", .name = "sep"});
  Json c = s.config();
  for (const char* key : {"depth_multiplier", "filters", "depthwise_initializer",
                          "pointwise_initializer", "depthwise_regularizer", "pointwise_regularizer",
                          "depthwise_constraint", "pointwise_constraint"})
    EXPECT_TRUE(c.contains(key)) << key;
  EXPECT_EQ(c["pointwise_constraint"]["class_name"], "NonNeg");
  EXPECT_EQ(L::SeparableConv2D::from_config(c)->config(), c);
}

}  // namespace
}  // namespace mz
