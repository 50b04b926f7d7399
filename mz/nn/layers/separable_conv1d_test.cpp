// SeparableConv1D: conformance and shapes.
#include "mz/nn/layers/separable_conv1d.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(SeparableConv1D, Conforms) {
  expect_layer_conforms(
      [](DType dt) { return L::SeparableConv1D(3, 2, {.depth_multiplier = 2, .dtype = dt}); },
      {2, 5, 2}, {2, 4, 3}, {{2, 2, 2}, {1, 4, 3}, {3}});
  EXPECT_EQ(
      L::SeparableConv1D(3, 3, {.strides = 2, .padding = "same"}).compute_output_shape({-1, 7, 2}),
      (Shape{-1, 4, 3}));
}

}  // namespace
}  // namespace mz
