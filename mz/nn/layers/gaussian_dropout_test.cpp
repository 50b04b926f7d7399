// GaussianDropout: conformance, multiplicative noise N(1, rate / (1 - rate)) in training only
// (seeded statistics), config, errors.
#include "mz/nn/layers/gaussian_dropout.h"

#include <cmath>

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_equal;
using testing::expect_layer_conforms;

TEST(GaussianDropout, Conforms) {
  expect_layer_conforms([](DType dt) { return L::GaussianDropout(0.3, {.dtype = dt}); }, {3, 4},
                        {3, 4}, {});
}

// rate 0.2: factors N(1, 0.25), deviation 0.5. Over 40,000 draws the mean factor is within
// 0.01 of 1 (4 standard errors) and the deviation within 2% of 0.5 (5 standard errors); the
// variance 0.25 taken as the deviation, or the rate itself, would fail.
TEST(GaussianDropout, MultipliesByOneCentredNoiseWhileTraining) {
  L::GaussianDropout drop(0.2, {.seed = 17});
  Tensor x = full({100, 400}, 2.0);
  EXPECT_TRUE(all_equal(drop(x, false), x));
  Tensor factor = drop(x, true) / x;
  const double m = mean(factor).item();
  const double s = std::sqrt(mean(square(factor - m)).item());
  EXPECT_NEAR(m, 1.0, 0.01);
  EXPECT_NEAR(s / 0.5, 1.0, 0.02);
  EXPECT_TRUE(all_equal(L::GaussianDropout(0.0)(x, true), x));
}

TEST(GaussianDropout, ConfigAndErrors) {
  Json c = L::GaussianDropout(0.4).config();
  EXPECT_EQ(c["rate"], 0.4);
  EXPECT_TRUE(c["seed"].is_null());
  EXPECT_EQ(L::GaussianDropout::from_config(c)->rate(), 0.4);
  MZ_EXPECT_THROW_MSG(L::GaussianDropout(1.0, {.name = "gd"}), ValueError,
                      "GaussianDropout 'gd': rate must be in [0, 1): expected 0 <= rate < 1, "
                      "got 1.");
}

}  // namespace
}  // namespace mz
