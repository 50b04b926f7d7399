// DepthwiseConv1D: conformance and shapes.
#include "mz/nn/layers/depthwise_conv1d.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(DepthwiseConv1D, Conforms) {
  expect_layer_conforms(
      [](DType dt) { return L::DepthwiseConv1D(3, {.depth_multiplier = 2, .dtype = dt}); },
      {2, 6, 2}, {2, 4, 4}, {{3, 2, 2}, {4}});
  expect_layer_conforms(
      [](DType dt) {
        return L::DepthwiseConv1D(
            2, {.padding = "same", .dilation_rate = 2, .use_bias = false, .dtype = dt});
      },
      {1, 5, 3}, {1, 5, 3}, {{2, 3, 1}});
}

TEST(DepthwiseConv1D, RejectsCausalPadding) {
  MZ_EXPECT_THROW_MSG(L::DepthwiseConv1D(3, {.padding = "causal", .name = "d"}), ValueError,
                      "DepthwiseConv1D 'd': padding must be \"valid\" or \"same\", got "
                      "\"causal\".");
}

}  // namespace
}  // namespace mz
