// UpSampling1D/2D/3D (BaseUpSampling): conformance (nearest and bilinear), values, Keras's
// config, errors. Bilinear parity with PyTorch is in tests/pool_parity_test.cpp.
#include "mz/nn/layers/base_up_sampling.h"

#include "layer_conformance.h"
#include "mz/nn/layers/up_sampling1d.h"
#include "mz/nn/layers/up_sampling2d.h"
#include "mz/nn/layers/up_sampling3d.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

TEST(UpSampling, EveryVariantConforms) {
  expect_layer_conforms([](DType dt) { return L::UpSampling1D({.size = 3, .dtype = dt}); },
                        {2, 3, 2}, {2, 9, 2}, {});
  expect_layer_conforms(
      [](DType dt) {
        return L::UpSampling2D({.size = {1, 2}, .dtype = dt});
      },
      {2, 2, 3, 2}, {2, 2, 6, 2}, {});
  expect_layer_conforms(
      [](DType dt) {
        return L::UpSampling2D({.size = {2, 3}, .interpolation = "bilinear", .dtype = dt});
      },
      {1, 2, 2, 1}, {1, 4, 6, 1}, {});
  expect_layer_conforms([](DType dt) { return L::UpSampling3D({.dtype = dt}); }, {1, 2, 2, 1, 1},
                        {1, 4, 4, 2, 1}, {});
}

TEST(UpSampling, NearestRepeatsEachCell) {
  // Keras's docstring example: UpSampling2D(size=(1, 2)) on (2, 2, 1, 3).
  Tensor x = arange(12).reshape({2, 2, 1, 3});
  Tensor y = L::UpSampling2D({.size = {1, 2}})(x);
  EXPECT_EQ(y.shape(), (Shape{2, 2, 2, 3}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0, 1, 2, 0, 1, 2, 3, 4,  5,  3, 4,  5,
                                                      6, 7, 8, 6, 7, 8, 9, 10, 11, 9, 10, 11}));
  Tensor s = L::UpSampling1D()(tensor(std::vector<float>{1, 2}, {1, 2, 1}));
  EXPECT_EQ(s.to_vector<float>(), (std::vector<float>{1, 1, 2, 2}));
  EXPECT_EQ(L::UpSampling3D({.size = {1, 2, 3}}).compute_output_shape({-1, 2, -1, 4, 5}),
            (Shape{-1, 2, -1, 12, 5}));
}

TEST(UpSampling, BilinearUsesHalfPixelCentres) {
  // One row [0, 4] doubled: sources -0.25, 0.25, 0.75, 1.25 -> clamped lerps 0, 1, 3, 4.
  Tensor x = tensor(std::vector<float>{0, 4}, {1, 1, 2, 1});
  Tensor y = L::UpSampling2D({.size = {1, 2}, .interpolation = "bilinear"})(x);
  EXPECT_TRUE(all_close(y, tensor(std::vector<float>{0, 1, 3, 4}, {1, 1, 4, 1}), 1e-7));
  // Tripled: sources -1/3, 0, 1/3, 2/3, 1, 4/3.
  Tensor t = L::UpSampling2D({.size = {1, 3}, .interpolation = "BILINEAR"})(x);
  EXPECT_TRUE(
      all_close(t, tensor(std::vector<float>{0, 0, 4.0f / 3, 8.0f / 3, 4, 4}, {1, 1, 6, 1}), 1e-6));
}

TEST(UpSampling, ConfigMatchesKeras) {
  Json c1 = L::UpSampling1D({.size = 3}).config();
  EXPECT_EQ(c1["size"], 3);
  EXPECT_FALSE(c1.contains("data_format"));
  EXPECT_FALSE(c1.contains("interpolation"));
  Json c2 = L::UpSampling2D().config();
  EXPECT_EQ(c2["size"], Json::parse("[2, 2]"));
  EXPECT_EQ(c2["data_format"], "channels_last");
  EXPECT_EQ(c2["interpolation"], "nearest");
  Json c3 = L::UpSampling3D().config();
  EXPECT_EQ(c3["size"], Json::parse("[2, 2, 2]"));
  EXPECT_FALSE(c3.contains("interpolation"));
  EXPECT_EQ(L::UpSampling2D::from_config(Json::parse(R"({"size": 3})"))->size(),
            (std::vector<int64_t>{3, 3}));
}

TEST(UpSampling, RejectsBadArguments) {
  MZ_EXPECT_THROW_MSG(L::UpSampling2D({.interpolation = "bicubic", .name = "u"}), ValueError,
                      "UpSampling2D 'u': interpolation must be \"nearest\" or \"bilinear\", got "
                      "\"bicubic\".");
  MZ_EXPECT_THROW_MSG(L::UpSampling1D({.size = 0, .name = "u"}), ValueError,
                      "UpSampling1D 'u': size values must be at least 1: got (0,).");
  MZ_EXPECT_THROW_MSG(L::UpSampling3D({.data_format = "channels_first", .name = "u"}), ValueError,
                      "UpSampling3D 'u': data_format \"channels_first\" is not supported");
  MZ_EXPECT_THROW_MSG(L::UpSampling2D({.name = "u"})(zeros({2, 3, 4})), ShapeError,
                      "UpSampling2D 'u': input must be (batch, height, width, channels): "
                      "expected rank 4, got (2, 3, 4).");
}

}  // namespace
}  // namespace mz
