// Reshape layer: conformance, the inferred dimension, errors naming the shapes, config.
#include "mz/nn/layers/reshape.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(ReshapeLayer, Conforms) {
  expect_layer_conforms(
      [](DType dt) {
        return L::Reshape({3, 4}, {.dtype = dt});
      },
      {2, 12}, {2, 3, 4}, {});
  expect_layer_conforms(
      [](DType dt) {
        return L::Reshape({-1, 2}, {.dtype = dt});
      },
      {2, 3, 4}, {2, 6, 2}, {});
}

TEST(ReshapeLayer, InfersOneDimension) {
  L::Reshape r({2, -1});
  EXPECT_EQ(r(arange(24).reshape({2, 12})).shape(), Shape({2, 2, 6}));
  EXPECT_EQ(r.compute_output_shape({-1, 12}), Shape({-1, 2, 6}));
}

TEST(ReshapeLayer, ErrorsNameLayerAndShapes) {
  MZ_EXPECT_THROW_MSG(L::Reshape({5, 3}, {.name = "r"})(zeros({2, 12})), ShapeError,
                      "Reshape 'r': input (2, 12) does not fit target shape (5, 3): expected 15 "
                      "values per sample, got 12.");
  MZ_EXPECT_THROW_MSG(L::Reshape({5, -1}, {.name = "r"})(zeros({2, 12})), ShapeError,
                      "Reshape 'r': input (2, 12) does not fit target shape (5, -1): expected a "
                      "multiple of 5 values per sample, got 12.");
  MZ_EXPECT_THROW_MSG(L::Reshape({-1, -1}, {.name = "r"}), ValueError,
                      "Reshape 'r': target_shape needs positive sizes and at most one -1: got "
                      "(-1, -1).");
}

TEST(ReshapeLayer, ConfigMatchesKeras) {
  L::Reshape r({7, -1});
  EXPECT_EQ(r.config()["target_shape"], Json::parse("[7, -1]"));
  EXPECT_EQ(L::Reshape::from_config(r.config())->target_shape(), Shape({7, -1}));
}

}  // namespace
}  // namespace mz
