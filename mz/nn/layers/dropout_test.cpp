// Dropout layer: conformance, the training flag, scaling, seeds, noise_shape, errors, config.
#include "mz/nn/layers/dropout.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(DropoutLayer, Conforms) {
  expect_layer_conforms([](DType dt) { return L::Dropout(0.3, {.seed = 4, .dtype = dt}); }, {4, 6},
                        {4, 6}, {});
}

TEST(DropoutLayer, DropsOnlyWhileTraining) {
  L::Dropout d(0.5);
  Tensor x = ones({100, 100});
  EXPECT_TRUE(testing::all_equal(d(x, false), x));
  std::vector<float> y = d(x, true).to_vector<float>();
  int64_t kept = 0;
  for (float v : y) {
    EXPECT_TRUE(v == 0.0f || v == 2.0f) << v;
    kept += v != 0.0f;
  }
  EXPECT_NEAR(double(kept) / double(y.size()), 0.5, 0.03);
}

TEST(DropoutLayer, SeedGivesItsOwnStream) {
  Tensor x = ones({8, 8});
  L::Dropout a(0.5, {.seed = 1}), b(0.5, {.seed = 1});
  Tensor ya = a(x, true);
  EXPECT_TRUE(testing::all_equal(ya, b(x, true)));
  EXPECT_FALSE(testing::all_equal(a(x, true), ya));  // the stream advances
}

TEST(DropoutLayer, NoiseShapeSharesTheMask) {
  L::Dropout d(0.5, {.noise_shape = {-1, 1}, .seed = 2});
  std::vector<float> y = d(ones({20, 5}), true).to_vector<float>();
  for (int r = 0; r < 20; ++r)
    for (int c = 1; c < 5; ++c) EXPECT_EQ(y[r * 5 + c], y[r * 5]) << "row " << r;
  MZ_EXPECT_THROW_MSG(L::Dropout(0.5, {.noise_shape = {3, 1}, .name = "dn"})(ones({20, 5}), true),
                      ShapeError, "Dropout 'dn': noise_shape does not broadcast to the input");
}

TEST(DropoutLayer, RejectsRatesOutsideZeroOne) {
  MZ_EXPECT_THROW_MSG(L::Dropout(1.0, {.name = "drop"}), ValueError,
                      "Dropout 'drop': rate must be in [0, 1): expected 0 <= rate < 1, got 1.");
  MZ_EXPECT_THROW_MSG(L::Dropout(-0.1, {.name = "drop"}), ValueError, "got -0.1.");
}

TEST(DropoutLayer, ConfigMatchesKeras) {
  L::Dropout d(0.2, {.name = "dropout_k"});
  Json c = d.config();
  EXPECT_EQ(c["rate"], 0.2);
  EXPECT_TRUE(c["seed"].is_null());
  EXPECT_TRUE(c["noise_shape"].is_null());
  Json with = L::Dropout(0.2, {.noise_shape = {-1, 1, 4}, .seed = 9}).config();
  EXPECT_EQ(with["noise_shape"], Json::parse("[null, 1, 4]"));
  EXPECT_EQ(L::Dropout::from_config(with)->config(), with);
}

}  // namespace
}  // namespace mz
