// SpatialDropout1D/2D/3D (BaseSpatialDropout): conformance, whole maps dropped in training at
// the given rate (seeded statistics), inference identity, seeds, Keras's exact config, errors.
#include "mz/nn/layers/base_spatial_dropout.h"

#include "layer_conformance.h"
#include "mz/nn/layers/spatial_dropout1d.h"
#include "mz/nn/layers/spatial_dropout2d.h"
#include "mz/nn/layers/spatial_dropout3d.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_equal;
using testing::expect_layer_conforms;

TEST(SpatialDropout, EveryVariantConforms) {
  expect_layer_conforms([](DType dt) { return L::SpatialDropout1D(0.3, {.seed = 1, .dtype = dt}); },
                        {2, 4, 3}, {2, 4, 3}, {});
  expect_layer_conforms([](DType dt) { return L::SpatialDropout2D(0.3, {.dtype = dt}); },
                        {2, 3, 3, 2}, {2, 3, 3, 2}, {});
  expect_layer_conforms([](DType dt) { return L::SpatialDropout3D(0.5, {.dtype = dt}); },
                        {1, 2, 2, 2, 3}, {1, 2, 2, 2, 3}, {});
}

// Drops whole (sample, channel) maps at rate 0.3: every map is all 0 or all 1 / 0.7, and of
// 64 x 64 = 4096 maps 30% +- 3% (over 4 standard deviations) are dropped. A layer dropping
// elements independently fails the first check, a wrong rate the second.
TEST(SpatialDropout, DropsWholeChannelsAtTheRate) {
  L::SpatialDropout2D drop(0.3, {.seed = 42});
  Tensor x = ones({64, 3, 4, 64});
  std::vector<float> y = drop(x, true).to_vector<float>();
  int64_t dropped = 0;
  for (int b = 0; b < 64; ++b)
    for (int c = 0; c < 64; ++c) {
      const float first = y[(b * 12) * 64 + c];
      EXPECT_TRUE(first == 0.0f || std::abs(first - 1.0f / 0.7f) < 1e-6f) << first;
      for (int s = 1; s < 12; ++s) ASSERT_EQ(y[(b * 12 + s) * 64 + c], first);
      dropped += first == 0.0f;
    }
  EXPECT_NEAR(double(dropped) / 4096.0, 0.3, 0.03);
  EXPECT_TRUE(all_equal(drop(x, false), x));
}

TEST(SpatialDropout, OneDimensionDropsFeaturesForEveryStep) {
  L::SpatialDropout1D drop(0.5, {.seed = 3});
  std::vector<float> y = drop(ones({8, 10, 16}), true).to_vector<float>();
  for (int b = 0; b < 8; ++b)
    for (int f = 0; f < 16; ++f)
      for (int t = 1; t < 10; ++t) ASSERT_EQ(y[(b * 10 + t) * 16 + f], y[b * 160 + f]);
  // The same seed gives the same masks; the stream advances between calls.
  L::SpatialDropout3D a(0.5, {.seed = 9}), b(0.5, {.seed = 9});
  Tensor v = ones({4, 2, 2, 2, 8});
  Tensor ya = a(v, true);
  EXPECT_TRUE(all_equal(ya, b(v, true)));
  EXPECT_FALSE(all_equal(a(v, true), ya));
}

TEST(SpatialDropout, ConfigIsKerasExactly) {
  Json c1 = L::SpatialDropout1D(0.2, {.name = "sd"}).config();
  EXPECT_EQ(c1, Json::parse(R"({"rate": 0.2, "seed": null, "name": "sd", "dtype": "float32"})"));
  Json c2 = L::SpatialDropout2D(0.4, {.seed = 5, .name = "sd2"}).config();
  EXPECT_EQ(c2, Json::parse(R"({"rate": 0.4, "seed": 5, "name": "sd2", "dtype": "float32",
                                "data_format": "channels_last"})"));
  EXPECT_EQ(L::SpatialDropout3D::from_config(c2)->rate(), 0.4);
}

TEST(SpatialDropout, RejectsBadArguments) {
  MZ_EXPECT_THROW_MSG(L::SpatialDropout1D(1.0, {.name = "sd"}), ValueError,
                      "SpatialDropout1D 'sd': rate must be in [0, 1): expected 0 <= rate < 1, "
                      "got 1.");
  MZ_EXPECT_THROW_MSG(L::SpatialDropout2D(0.5, {.data_format = "channels_first", .name = "sd"}),
                      ValueError,
                      "SpatialDropout2D 'sd': data_format \"channels_first\" is not supported");
  MZ_EXPECT_THROW_MSG(L::SpatialDropout2D(0.5, {.name = "sd"})(zeros({2, 3, 4})), ShapeError,
                      "SpatialDropout2D 'sd': input must be (batch, height, width, channels): "
                      "expected rank 4, got (2, 3, 4).");
}

}  // namespace
}  // namespace mz
