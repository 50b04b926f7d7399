// Conv3D: conformance and Keras's output shapes.
#include "mz/nn/layers/conv3d.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(Conv3D, Conforms) {
  expect_layer_conforms([](DType dt) { return L::Conv3D(2, 2, {.dtype = dt}); }, {1, 3, 3, 4, 2},
                        {1, 2, 2, 3, 2}, {{2, 2, 2, 2, 2}, {2}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv3D(
            2, {1, 2, 2},
            {.strides = {1, 2, 1}, .padding = "same", .activation = "sigmoid", .dtype = dt});
      },
      {1, 2, 3, 3, 1}, {1, 2, 2, 3, 2}, {{1, 2, 2, 1, 2}, {2}});
}

TEST(Conv3D, OutputShapesFollowKeras) {
  EXPECT_EQ(L::Conv3D(4, 3).compute_output_shape({-1, 5, 6, 7, 2}), (Shape{-1, 3, 4, 5, 4}));
  EXPECT_EQ(
      L::Conv3D(4, 3, {.strides = 2, .padding = "same"}).compute_output_shape({-1, 5, 6, 7, 2}),
      (Shape{-1, 3, 3, 4, 4}));
  MZ_EXPECT_THROW_MSG(L::Conv3D(4, 3, {.name = "c3"})(zeros({1, 5, 6, 2})), ShapeError,
                      "Conv3D 'c3': expected input of rank 5 (batch, depth, rows, cols, "
                      "channels), got rank 4: (None, 5, 6, 2).");
}

}  // namespace
}  // namespace mz
