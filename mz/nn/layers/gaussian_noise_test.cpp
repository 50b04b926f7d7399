// GaussianNoise: conformance, additive noise of the right spread in training only (seeded
// statistics), seeds, config, errors.
#include "mz/nn/layers/gaussian_noise.h"

#include <cmath>

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_equal;
using testing::expect_layer_conforms;

TEST(GaussianNoise, Conforms) {
  expect_layer_conforms([](DType dt) { return L::GaussianNoise(0.5, {.dtype = dt}); }, {3, 4},
                        {3, 4}, {});
}

// 40,000 draws of N(0, 0.3^2): the mean is within 0.01 of 0 (6 standard errors) and the
// standard deviation within 2% of 0.3 (5 standard errors); a variance used as the deviation
// (0.09) or noise in inference would fail.
TEST(GaussianNoise, AddsNoiseOfStddevOnlyWhileTraining) {
  L::GaussianNoise noise(0.3, {.seed = 11});
  Tensor x = full({100, 400}, 2.0);
  EXPECT_TRUE(all_equal(noise(x, false), x));
  Tensor d = noise(x, true) - x;
  const double m = mean(d).item();
  const double s = std::sqrt(mean(square(d - m)).item());
  EXPECT_NEAR(m, 0.0, 0.01);
  EXPECT_NEAR(s / 0.3, 1.0, 0.02);
  EXPECT_TRUE(noise.supports_masking());
}

TEST(GaussianNoise, SeedGivesItsOwnStream) {
  Tensor x = zeros({4, 4});
  L::GaussianNoise a(0.1, {.seed = 5}), b(0.1, {.seed = 5});
  Tensor ya = a(x, true);
  EXPECT_TRUE(all_equal(ya, b(x, true)));
  EXPECT_FALSE(all_equal(a(x, true), ya));
}

TEST(GaussianNoise, ConfigAndErrors) {
  Json c = L::GaussianNoise(0.25, {.seed = 3}).config();
  EXPECT_EQ(c["stddev"], 0.25);
  EXPECT_EQ(c["seed"], 3);
  EXPECT_EQ(L::GaussianNoise::from_config(c)->stddev(), 0.25);
  EXPECT_TRUE(L::GaussianNoise(0.1).config()["seed"].is_null());
  MZ_EXPECT_THROW_MSG(L::GaussianNoise(1.5, {.name = "gn"}), ValueError,
                      "GaussianNoise 'gn': stddev must be in [0, 1]: expected 0 <= stddev <= 1, "
                      "got 1.5.");
}

}  // namespace
}  // namespace mz
