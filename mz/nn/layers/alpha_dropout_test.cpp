// AlphaDropout: conformance, the self-normalising property and the drop rate (seeded
// statistics), noise_shape, config, errors.
#include "mz/nn/layers/alpha_dropout.h"

#include <cmath>

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_equal;
using testing::expect_layer_conforms;

TEST(AlphaDropout, Conforms) {
  expect_layer_conforms([](DType dt) { return L::AlphaDropout(0.2, {.dtype = dt}); }, {3, 4},
                        {3, 4}, {});
}

// On 40,000 standard normal inputs at rate 0.2: 20% +- 2% (10 standard errors) of the outputs
// are the dropped value a * alpha' + b, and the output keeps mean 0 (+- 0.03) and variance 1
// (+- 0.05). Keras's constants: alpha' = -1.7581, a = 0.8802, b = 0.3095 at rate 0.2.
TEST(AlphaDropout, KeepsMeanAndVarianceWhileTraining) {
  const double rate = 0.2, alpha_p = -1.6732632423543772 * 1.0507009873554805;
  const double a = std::pow((1 - rate) * (1 + rate * alpha_p * alpha_p), -0.5);
  const double b = -a * alpha_p * rate;
  Generator gen(23);
  Tensor x = normal({200, 200}, 0.0, 1.0, {.dtype = DType::f64}, gen);
  L::AlphaDropout drop(rate, {.seed = 29, .dtype = DType::f64});
  EXPECT_TRUE(all_equal(drop(x, false), x));
  Tensor y = drop(x, true);
  std::vector<double> v = y.to_vector<double>(), in = x.to_vector<double>();
  int64_t dropped = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::abs(v[i] - (a * alpha_p + b)) < 1e-12) {
      ++dropped;
    } else {
      ASSERT_NEAR(v[i], a * in[i] + b, 1e-12) << i;  // kept: the affine map of x
    }
  }
  EXPECT_NEAR(double(dropped) / double(v.size()), rate, 0.02);
  const double m = mean(y).item();
  EXPECT_NEAR(m, 0.0, 0.03);
  EXPECT_NEAR(mean(square(y - m)).item(), 1.0, 0.05);
}

TEST(AlphaDropout, NoiseShapeSharesTheMask) {
  L::AlphaDropout drop(0.5, {.noise_shape = {-1, 1}, .seed = 2});
  std::vector<float> y = drop(zeros({30, 6}), true).to_vector<float>();
  for (int r = 0; r < 30; ++r)
    for (int c = 1; c < 6; ++c) EXPECT_EQ(y[r * 6 + c], y[r * 6]) << "row " << r;
  MZ_EXPECT_THROW_MSG(
      L::AlphaDropout(0.5, {.noise_shape = {3, 1}, .name = "ad"})(zeros({30, 6}), true), ShapeError,
      "AlphaDropout 'ad': noise_shape does not broadcast to the input");
}

TEST(AlphaDropout, ConfigAndErrors) {
  Json c = L::AlphaDropout(0.1, {.noise_shape = {-1, 1, 4}, .seed = 8}).config();
  EXPECT_EQ(c["rate"], 0.1);
  EXPECT_EQ(c["seed"], 8);
  EXPECT_EQ(c["noise_shape"], Json::parse("[null, 1, 4]"));
  EXPECT_EQ(L::AlphaDropout::from_config(c)->config(), c);
  EXPECT_TRUE(L::AlphaDropout(0.1).config()["noise_shape"].is_null());
  MZ_EXPECT_THROW_MSG(L::AlphaDropout(-0.1, {.name = "ad"}), ValueError,
                      "AlphaDropout 'ad': rate must be in [0, 1): expected 0 <= rate < 1, got "
                      "-0.1.");
}

}  // namespace
}  // namespace mz
