// Cropping1D/2D/3D (BaseCropping): conformance, values, views, Keras's defaults and config,
// errors.
#include "mz/nn/layers/base_cropping.h"

#include "layer_conformance.h"
#include "mz/nn/layers/cropping1d.h"
#include "mz/nn/layers/cropping2d.h"
#include "mz/nn/layers/cropping3d.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(Cropping, EveryVariantConforms) {
  expect_layer_conforms([](DType dt) { return L::Cropping1D({.dtype = dt}); }, {2, 5, 3}, {2, 3, 3},
                        {});
  expect_layer_conforms(
      [](DType dt) {
        return L::Cropping2D({.cropping = {{1, 0}, {0, 2}}, .dtype = dt});
      },
      {2, 4, 5, 2}, {2, 3, 3, 2}, {});
  expect_layer_conforms([](DType dt) { return L::Cropping3D({.dtype = dt}); }, {2, 3, 4, 5, 2},
                        {2, 1, 2, 3, 2}, {});
}

TEST(Cropping, CutsTheEdgesAsAView) {
  // Keras's docstring example: Cropping1D(cropping=1) on (2, 3, 2) keeps the middle step.
  Tensor x = arange(12).reshape({2, 3, 2});
  Tensor y = L::Cropping1D({.cropping = {1, 1}})(x);
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{2, 3, 8, 9}));
  EXPECT_TRUE(y.shares_storage(x));
  Tensor img = arange(16).reshape({1, 4, 4, 1});
  Tensor c = L::Cropping2D({.cropping = {{1, 2}, {0, 3}}})(img);
  EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{4}));
  EXPECT_EQ(L::Cropping2D().compute_output_shape({-1, 4, -1, 3}), (Shape{-1, 4, -1, 3}));
}

TEST(Cropping, ConfigMatchesKeras) {
  Json c1 = L::Cropping1D().config();
  EXPECT_EQ(c1["cropping"], Json::parse("[1, 1]"));
  EXPECT_FALSE(c1.contains("data_format"));
  Json c2 = L::Cropping2D().config();
  EXPECT_EQ(c2["cropping"], Json::parse("[[0, 0], [0, 0]]"));
  EXPECT_EQ(c2["data_format"], "channels_last");
  EXPECT_EQ(L::Cropping3D().config()["cropping"], Json::parse("[[1, 1], [1, 1], [1, 1]]"));
  EXPECT_EQ(L::Cropping1D::from_config(Json::parse(R"({"cropping": [2, 0]})"))->cropping(),
            (L::SpatialPairs{{2, 0}}));
  EXPECT_EQ(L::Cropping3D::from_config(Json::parse(R"({"cropping": 2})"))->cropping(),
            (L::SpatialPairs{{2, 2}, {2, 2}, {2, 2}}));
}

TEST(Cropping, RejectsCroppingTheWholeAxis) {
  MZ_EXPECT_THROW_MSG(
      L::Cropping2D({.cropping = {{2, 2}, {0, 0}}, .name = "c"})(zeros({1, 4, 3, 1})), ShapeError,
      "Cropping2D 'c': cropping (2, 2) leaves nothing of spatial axis 0 of input "
      "(1, 4, 3, 1): expected a total below 4, got 4.");
  MZ_EXPECT_THROW_MSG(L::Cropping1D({.cropping = {-1, 0}, .name = "c"}), ValueError,
                      "Cropping1D 'c': cropping must be non-negative: got ((-1, 0),).");
  MZ_EXPECT_THROW_MSG(L::Cropping3D({.data_format = "channels_first", .name = "c"}), ValueError,
                      "Cropping3D 'c': data_format \"channels_first\" is not supported");
}

}  // namespace
}  // namespace mz
