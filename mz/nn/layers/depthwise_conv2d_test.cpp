// DepthwiseConv2D: conformance, per-channel filters, weight layout and config keys.
#include "mz/nn/layers/depthwise_conv2d.h"

#include "layer_conformance.h"
#include "mz/ops/conv.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(DepthwiseConv2D, Conforms) {
  expect_layer_conforms([](DType dt) { return L::DepthwiseConv2D(2, {.dtype = dt}); }, {2, 4, 3, 3},
                        {2, 3, 2, 3}, {{2, 2, 3, 1}, {3}});
  expect_layer_conforms(
      [](DType dt) {
        return L::DepthwiseConv2D(3, {.strides = 2,
                                      .padding = "same",
                                      .depth_multiplier = 2,
                                      .activation = "tanh",
                                      .dtype = dt});
      },
      {1, 4, 5, 2}, {1, 2, 3, 4}, {{3, 3, 2, 2}, {4}});
}

TEST(DepthwiseConv2D, FiltersEachChannelSeparately) {
  L::DepthwiseConv2D d(3, {.padding = "same", .depth_multiplier = 2, .use_bias = false});
  Tensor x = uniform({2, 5, 5, 3}, -1.0, 1.0);
  Tensor y = d(x);
  EXPECT_EQ(y.shape(), (Shape{2, 5, 5, 6}));
  Tensor want = depthwise_conv(x, d.kernel()->value, {.pads_before = {1}, .pads_after = {1}});
  EXPECT_TRUE(testing::all_close(y, want, 1e-6, 1e-6));
  EXPECT_EQ(d.kernel()->name, "kernel");
}

TEST(DepthwiseConv2D, ConfigHasKerasKeys) {
  L::DepthwiseConv2D d(3, {.depth_multiplier = 2, .depthwise_regularizer = "l2", .name = "dw"});
  Json c = d.config();
  EXPECT_EQ(c["depth_multiplier"], 2);
  EXPECT_EQ(c["kernel_size"], Json::parse("[3, 3]"));
  EXPECT_TRUE(c.contains("depthwise_initializer"));
  EXPECT_EQ(c["depthwise_regularizer"]["class_name"], "L2");
  EXPECT_FALSE(c.contains("filters"));
  EXPECT_FALSE(c.contains("kernel_initializer"));
  EXPECT_EQ(L::DepthwiseConv2D::from_config(c)->config(), c);
  MZ_EXPECT_THROW_MSG(L::DepthwiseConv2D(3, {.depth_multiplier = 0, .name = "dw"}), ValueError,
                      "DepthwiseConv2D 'dw': depth_multiplier must be positive: expected "
                      "depth_multiplier >= 1, got 0.");
}

}  // namespace
}  // namespace mz
