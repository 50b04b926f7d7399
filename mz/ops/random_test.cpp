// Random tensors and dropout: ranges, moments, determinism per seed, the mask's gradient.
#include "mz/ops/random.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_equal;
using testing::grad_ok;

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double std_of(const std::vector<double>& v) {
  double m = mean_of(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size()));
}

TEST(Random, SameSeedGivesSameValues) {
  Generator a(42), b(42), c(43);
  Tensor x = normal({100}, 0.0, 1.0, {}, a), y = normal({100}, 0.0, 1.0, {}, b);
  EXPECT_TRUE(all_equal(x, y));
  EXPECT_FALSE(all_equal(x, normal({100}, 0.0, 1.0, {}, c)));
  // The default generator follows set_seed, on every backend.
  set_seed(7);
  Tensor u1 = uniform({50}, 0.0, 1.0, {.dtype = DType::f64, .device = Device::ref()});
  set_seed(7);
  Tensor u2 = uniform({50}, 0.0, 1.0, {.dtype = DType::f64, .device = Device::cpu()});
  EXPECT_EQ(u1.to_vector<double>(), u2.to_vector<double>());
}

TEST(Random, UniformStaysInItsHalfOpenRange) {
  Generator gen(1);
  std::vector<double> v =
      uniform({20000}, -2.0, 3.0, {.dtype = DType::f64}, gen).to_vector<double>();
  EXPECT_GE(*std::min_element(v.begin(), v.end()), -2.0);
  EXPECT_LT(*std::max_element(v.begin(), v.end()), 3.0);
  EXPECT_NEAR(mean_of(v), 0.5, 0.05);
  // float32 rounding never reaches `high`, even for a range of one float.
  std::vector<float> f = uniform({1000}, 1.0, 1.0000001, {}, gen).to_vector<float>();
  for (float x : f) EXPECT_LT(x, 1.0000001f);
  MZ_EXPECT_THROW_MSG(uniform({2}, 1.0, 1.0, {}, gen), ValueError,
                      "uniform: low must be below high, got low 1, high 1.");
  MZ_EXPECT_THROW_MSG(uniform({2}, 0.0, 1.0, {.dtype = DType::i32}, gen), ValueError,
                      "uniform: expected float32 or float64, got int32.");
}

TEST(Random, NormalAndTruncatedNormalHaveTheirMoments) {
  Generator gen(2);
  std::vector<double> n = normal({20000}, 1.0, 2.0, {.dtype = DType::f64}, gen).to_vector<double>();
  EXPECT_NEAR(mean_of(n), 1.0, 0.05);
  EXPECT_NEAR(std_of(n), 2.0, 0.05);
  std::vector<double> t =
      truncated_normal({20000}, 1.0, 2.0, {.dtype = DType::f64}, gen).to_vector<double>();
  for (double x : t) ASSERT_LE(std::fabs(x - 1.0), 4.0);
  EXPECT_NEAR(mean_of(t), 1.0, 0.05);
  // A standard normal cut at +-2 has standard deviation 0.8796.
  EXPECT_NEAR(std_of(t), 2.0 * 0.8796, 0.03);
}

TEST(Random, BernoulliHitsItsProbability) {
  Generator gen(3);
  std::vector<double> b = bernoulli({20000}, 0.3, {}, gen).to_vector<double>();
  for (double x : b) ASSERT_TRUE(x == 0.0 || x == 1.0);
  EXPECT_NEAR(mean_of(b), 0.3, 0.02);
  EXPECT_EQ(bernoulli({3}, 1.0, {.dtype = DType::u8}, gen).to_vector<int>(),
            (std::vector<int>{1, 1, 1}));
  MZ_EXPECT_THROW_MSG(bernoulli({3}, 1.5, {}, gen), ValueError,
                      "bernoulli: p must be in [0, 1], got 1.5.");
}

TEST(Random, PermutationIsAPermutation) {
  Generator gen(4), again(4);
  Tensor p = permutation(100, gen);
  EXPECT_EQ(p.dtype(), DType::i64);
  std::vector<int64_t> v = p.to_vector<int64_t>(), sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 100; ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_NE(v, sorted);
  EXPECT_EQ(permutation(100, again).to_vector<int64_t>(), v);
  EXPECT_EQ(permutation(0, gen).numel(), 0);
  MZ_EXPECT_THROW_MSG(permutation(-1, gen), ValueError,
                      "permutation: n must be non-negative, got -1.");
}

TEST(Dropout, ZeroesAboutRateAndScalesTheRest) {
  Generator gen(5);
  Tensor x = ones({10001});
  std::vector<float> y = dropout(x, 0.25, true, gen).to_vector<float>();
  int zeros = 0;
  for (float v : y) {
    if (v == 0.0f)
      ++zeros;
    else
      ASSERT_FLOAT_EQ(v, 1.0f / 0.75f);
  }
  EXPECT_NEAR(zeros / 10001.0, 0.25, 0.02);
  // Inference and rate 0 are the identity.
  EXPECT_TRUE(all_equal(dropout(x, 0.5, false, gen), x));
  EXPECT_TRUE(all_equal(dropout(x, 0.0, true, gen), x));
}

TEST(Dropout, RejectsRatesOutsideZeroToOne) {
  Generator gen(6);
  MZ_EXPECT_THROW_MSG(dropout(ones({3}), 1.0, true, gen), ValueError,
                      "dropout: rate must be in [0, 1), got 1.");
  MZ_EXPECT_THROW_MSG(dropout(ones({3}), -0.1, true, gen), ValueError,
                      "dropout: rate must be in [0, 1), got -0.1.");
}

TEST(Dropout, GradientIsTheScaledMask) {
  // A fixed generator per call: every evaluation draws the same mask.
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& v) {
        Generator gen(9);
        return dropout(v[0], 0.4, true, gen);
      },
      {normal({3, 5}, 0.0, 1.0, {.dtype = DType::f64})}));
  Generator gen(10);
  Tensor x = ones({64}, {.dtype = DType::f64}).set_requires_grad();
  Tensor y = dropout(x, 0.5, true, gen);
  sum(y).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), y.detach().to_vector<double>());  // mask / (1 - rate)
}

}  // namespace
}  // namespace mz
