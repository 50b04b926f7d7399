// Tests for RestrictedBoltzmannMachine: exact likelihood, bars-and-stripes 3x3 (classic.md
// §11.2), CD-k and PCD mechanics, errors.
#include "mz/classic/rbm.h"

#include <cmath>

#include "mz/ops/creation.h"
#include "testing.h"

namespace mz::classic {
namespace {

TEST(RestrictedBoltzmannMachine, BarsAndStripesHasFourteenPatterns) {
  EXPECT_EQ(bars_and_stripes(3).shape(), (Shape{14, 9}));
  EXPECT_EQ(bars_and_stripes(4).shape(), (Shape{30, 16}));
}

TEST(RestrictedBoltzmannMachine, ExactLikelihoodOfAnUntrainedModelIsUniform) {
  RBM rbm(9, 16, {.init_std = 0.0});
  EXPECT_NEAR(rbm.log_likelihood(bars_and_stripes(3)), -9 * std::log(2.0), 1e-12);  // -6.238
  // Enumerating the hidden side (fewer hidden units) gives the same log Z.
  RBM a(6, 3, {.init_std = 0.5, .seed = 4});
  std::vector<double> all;
  for (int code = 0; code < 64; ++code)
    for (int i = 0; i < 6; ++i) all.push_back((code >> i) & 1);
  std::vector<double> f = a.free_energy(mz::tensor(all, Shape{64, 6}));
  double z = 0;
  for (double x : f) z += std::exp(-x);
  EXPECT_NEAR(a.log_partition(), std::log(z), 1e-10);
}

// RBM 9-16, full batch, lr 0.1, W ~ N(0, 0.01^2), CD-1: mean LL -3.27 [-3.38, -3.19] after
// 20 000 epochs (5 seeds); optimum -ln 14 = -2.639, uniform -6.238. 4 000 epochs here.
TEST(RestrictedBoltzmannMachine, Cd1LearnsBarsAndStripes) {
  Tensor data = bars_and_stripes(3);
  RBM rbm(9, 16, {.learning_rate = 0.1, .k = 1, .seed = 1});
  const double before = rbm.log_likelihood(data);
  std::vector<double> recon = rbm.fit(data, 4000);
  const double after = rbm.log_likelihood(data);
  EXPECT_NEAR(before, -6.238, 0.01);
  EXPECT_GT(after, -4.0);
  EXPECT_LT(after, -std::log(14.0) + 1e-9);
  EXPECT_LT(recon.back(), recon.front());
}

TEST(RestrictedBoltzmannMachine, PersistentChainsAndMiniBatchesTrain) {
  Tensor data = bars_and_stripes(3);
  RBM rbm(9, 8, {.learning_rate = 0.05, .k = 1, .persistent = true, .batch_size = 7, .chains = 20, .seed = 2});
  rbm.fit(data, 1500);
  EXPECT_GT(rbm.log_likelihood(data), -5.6);  // uniform: -6.238
  EXPECT_EQ(rbm.hidden_probabilities(data).shape(), (Shape{14, 8}));
  EXPECT_EQ(rbm.visible_probabilities(mz::zeros({3, 8}, {.dtype = DType::f64})).shape(), (Shape{3, 9}));
}

TEST(RestrictedBoltzmannMachine, SameSeedSameWeights) {
  Tensor data = bars_and_stripes(3);
  RBM a(9, 4, {.seed = 3}), b(9, 4, {.seed = 3});
  a.fit(data, 20), b.fit(data, 20);
  EXPECT_TRUE(mz::testing::all_equal(a.weights(), b.weights()));
}

TEST(RestrictedBoltzmannMachine, BadInputIsReported) {
  RBM rbm(9, 4);
  MZ_EXPECT_THROW_MSG(rbm.fit(mz::zeros({3, 8}, {.dtype = DType::f64}), 1), ShapeError,
                      "RestrictedBoltzmannMachine.fit: data has 8 units per row, but the machine has 9 visible units: "
                      "expected (n, 9), got (3, 8).");
  MZ_EXPECT_THROW_MSG(rbm.fit(mz::full({2, 9}, 2.0, {.dtype = DType::f64}), 1), ValueError,
                      "data must be binary or probabilities: expected values in [0, 1], got 2 at row 0, column 0.");
  MZ_EXPECT_THROW_MSG(RBM(30, 30).log_partition(), ValueError,
                      "exact enumeration needs a layer of at most 24 units: expected <= 24, got 30");
  MZ_EXPECT_THROW_MSG(RBM(4, 4, {.k = 0}), ValueError,
                      "RestrictedBoltzmannMachine: k must be positive: expected >= 1, got 0.");
}

// Full-size figures for docs/classic.md (run with --gtest_also_run_disabled_tests).
TEST(RestrictedBoltzmannMachine, DISABLED_FullFigures) {
  Tensor data = bars_and_stripes(3);
  for (int64_t k : {1, 10}) {
    double sum = 0;
    for (uint64_t seed = 0; seed < 5; ++seed) {
      RBM rbm(9, 16, {.learning_rate = 0.1, .k = k, .seed = seed});
      rbm.fit(data, 20000);
      const double ll = rbm.log_likelihood(data);
      std::printf("RBM 9-16 CD-%lld seed %llu: LL %.4f\n", (long long)k, (unsigned long long)seed, ll);
      sum += ll / 5;
    }
    std::printf("RBM 9-16 CD-%lld 20000 epochs, mean of 5 seeds: %.4f\n", (long long)k, sum);
  }
}

}  // namespace
}  // namespace mz::classic
