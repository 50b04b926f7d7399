// Conv1DTranspose: conformance and Keras's output sizes.
#include "mz/nn/layers/conv1d_transpose.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(Conv1DTranspose, Conforms) {
  expect_layer_conforms(
      [](DType dt) { return L::Conv1DTranspose(2, 3, {.strides = 2, .dtype = dt}); }, {2, 3, 2},
      {2, 7, 2}, {{3, 2, 2}, {2}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv1DTranspose(
            3, 2, {.padding = "same", .dilation_rate = 2, .activation = "tanh", .dtype = dt});
      },
      {1, 4, 2}, {1, 4, 3}, {{2, 3, 2}, {3}});
}

TEST(Conv1DTranspose, OutputShapesFollowKeras) {
  EXPECT_EQ(L::Conv1DTranspose(4, 5, {.strides = 3}).compute_output_shape({-1, 6, 2}),
            (Shape{-1, 20, 4}));
  EXPECT_EQ(
      L::Conv1DTranspose(4, 5, {.strides = 3, .padding = "same"}).compute_output_shape({-1, 6, 2}),
      (Shape{-1, 18, 4}));
  L::Conv1DTranspose t(4, 5, {.strides = 3, .padding = "same", .output_padding = 2});
  EXPECT_EQ(t.compute_output_shape({-1, 6, 2}), (Shape{-1, 18, 4}));
  EXPECT_EQ(t(zeros({2, 6, 2})).shape(), (Shape{2, 18, 4}));
}

}  // namespace
}  // namespace mz
