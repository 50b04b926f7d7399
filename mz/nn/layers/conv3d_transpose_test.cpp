// Conv3DTranspose: conformance and Keras's output sizes.
#include "mz/nn/layers/conv3d_transpose.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(Conv3DTranspose, Conforms) {
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv3DTranspose(2, {1, 2, 2}, {.strides = {1, 2, 1}, .dtype = dt});
      },
      {1, 2, 2, 2, 2}, {1, 2, 4, 3, 2}, {{1, 2, 2, 2, 2}, {2}});
}

TEST(Conv3DTranspose, OutputShapesFollowKeras) {
  EXPECT_EQ(L::Conv3DTranspose(3, 2, {.strides = 2, .padding = "same"})
                .compute_output_shape({-1, 2, 3, 4, 1}),
            (Shape{-1, 4, 6, 8, 3}));
  L::Conv3DTranspose t(3, 3, {.strides = 2});
  EXPECT_EQ(t.compute_output_shape({-1, 2, 3, 4, 1}), (Shape{-1, 5, 7, 9, 3}));
  EXPECT_EQ(t(zeros({1, 2, 3, 4, 1})).shape(), (Shape{1, 5, 7, 9, 3}));
}

}  // namespace
}  // namespace mz
