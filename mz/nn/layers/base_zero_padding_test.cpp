// ZeroPadding1D/2D/3D (BaseZeroPadding): conformance, values, Keras's argument forms and
// config, errors.
#include "mz/nn/layers/base_zero_padding.h"

#include "layer_conformance.h"
#include "mz/nn/layers/zero_padding1d.h"
#include "mz/nn/layers/zero_padding2d.h"
#include "mz/nn/layers/zero_padding3d.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(ZeroPadding, EveryVariantConforms) {
  expect_layer_conforms([](DType dt) { return L::ZeroPadding1D({.dtype = dt}); }, {2, 3, 4},
                        {2, 5, 4}, {});
  expect_layer_conforms(
      [](DType dt) {
        return L::ZeroPadding2D({.padding = {{1, 2}, {0, 3}}, .dtype = dt});
      },
      {1, 2, 3, 1}, {1, 5, 6, 1}, {});
  expect_layer_conforms(
      [](DType dt) {
        return L::ZeroPadding3D({.padding = {{2, 0}}, .dtype = dt});
      },
      {1, 1, 2, 1, 1}, {1, 3, 4, 3, 1}, {});
}

TEST(ZeroPadding, AddsZerosAroundTheSpatialAxes) {
  // Keras's docstring example: ZeroPadding1D(padding=2) on (2, 2, 3).
  Tensor x = arange(12).reshape({2, 2, 3});
  Tensor y = L::ZeroPadding1D({.padding = {{2, 2}}})(x);
  EXPECT_EQ(y.shape(), (Shape{2, 6, 3}));
  std::vector<float> v = y.to_vector<float>();
  EXPECT_EQ(std::vector<float>(v.begin(), v.begin() + 18),
            (std::vector<float>{0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0}));
  // 2-D, asymmetric: one row on top, one column on the right.
  Tensor img = ones({1, 2, 2, 1});
  Tensor p = L::ZeroPadding2D({.padding = {{1, 0}, {0, 1}}})(img);
  EXPECT_EQ(p.to_vector<float>(), (std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1, 0}));
  EXPECT_EQ(L::ZeroPadding2D().compute_output_shape({-1, -1, 5, 3}), (Shape{-1, -1, 7, 3}));
}

TEST(ZeroPadding, ConfigMatchesKeras) {
  EXPECT_EQ(L::ZeroPadding1D().config()["padding"], Json::parse("[1, 1]"));
  EXPECT_FALSE(L::ZeroPadding1D().config().contains("data_format"));
  Json c2 = L::ZeroPadding2D({.padding = {{1, 2}, {3, 4}}}).config();
  EXPECT_EQ(c2["padding"], Json::parse("[[1, 2], [3, 4]]"));
  EXPECT_EQ(c2["data_format"], "channels_last");
  EXPECT_EQ(L::ZeroPadding3D().config()["padding"], Json::parse("[[1, 1], [1, 1], [1, 1]]"));
  // Keras's int, per-axis int and pair forms.
  using P = L::SpatialPairs;
  EXPECT_EQ(L::ZeroPadding2D::from_config(Json::parse(R"({"padding": 2})"))->padding(),
            (P{{2, 2}, {2, 2}}));
  EXPECT_EQ(L::ZeroPadding2D::from_config(Json::parse(R"({"padding": [1, 3]})"))->padding(),
            (P{{1, 1}, {3, 3}}));
  EXPECT_EQ(L::ZeroPadding1D::from_config(Json::parse(R"({"padding": [0, 3]})"))->padding(),
            (P{{0, 3}}));
  MZ_EXPECT_THROW_MSG(L::ZeroPadding2D::from_config(Json::parse(R"({"padding": [1, 2, 3]})")),
                      ValueError,
                      "ZeroPadding2D.from_config: config \"padding\": expected an integer, a list "
                      "of one integer per axis or of one [before, after] list per axis, got "
                      "[1,2,3].");
}

TEST(ZeroPadding, RejectsBadArguments) {
  MZ_EXPECT_THROW_MSG(L::ZeroPadding2D({.padding = {{1, -1}}, .name = "z"}), ValueError,
                      "ZeroPadding2D 'z': padding must be non-negative: got ((1, -1),).");
  MZ_EXPECT_THROW_MSG(L::ZeroPadding3D({.padding = {{1, 1}, {1, 1}}, .name = "z"}), ValueError,
                      "ZeroPadding3D 'z': padding needs 1 or 3 (before, after) pairs");
  MZ_EXPECT_THROW_MSG(L::ZeroPadding2D({.data_format = "channels_first", .name = "z"}), ValueError,
                      "ZeroPadding2D 'z': data_format \"channels_first\" is not "
                      "supported");
  MZ_EXPECT_THROW_MSG(L::ZeroPadding1D({.name = "z"})(zeros({2, 3, 4, 5})), ShapeError,
                      "ZeroPadding1D 'z': input must be (batch, steps, features): expected rank "
                      "3, got (2, 3, 4, 5).");
}

}  // namespace
}  // namespace mz
