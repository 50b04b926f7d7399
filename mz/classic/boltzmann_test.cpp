// Tests for BoltzmannMachine: Gibbs sampling matches the Boltzmann distribution, annealing
// finds ground states, (p+ - p-) learning raises the exact likelihood, schedules and errors.
// (classic.md §11.1: the encoder success rate is not an acceptance figure; mechanics are.)
#include "mz/classic/boltzmann.h"

#include <cmath>

#include "mz/ops/creation.h"
#include "testing.h"

namespace mz::classic {
namespace {

Tensor symmetric(Generator& gen, int64_t n, double scale) {
  std::vector<double> w(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < i; ++j) w[i * n + j] = w[j * n + i] = scale * (2 * gen.uniform() - 1);
  return mz::tensor(w, Shape{n, n});
}

TEST(BoltzmannMachine, GibbsSamplesFollowTheBoltzmannDistribution) {
  Generator gen(1);
  BoltzmannMachine bm(4, 0, {.seed = 2});
  bm.set_weights(symmetric(gen, 4, 1.5), mz::tensor({0.3, -0.5, 0.2, -0.1}));
  for (double temperature : {1.0, 2.0}) {
    std::vector<double> all;
    for (int code = 0; code < 16; ++code)
      for (int i = 0; i < 4; ++i) all.push_back((code >> i) & 1);
    std::vector<double> e = bm.energy(mz::tensor(all, Shape{16, 4})), p(16);
    double z = 0;
    for (int c = 0; c < 16; ++c) z += p[c] = std::exp(-e[c] / temperature);
    std::vector<double> freq(16, 0.0);
    const int count = 20000;
    std::vector<double> s = bm.sample(count, temperature).to_vector<double>();
    for (int q = 0; q < count; ++q) {
      int code = 0;
      for (int i = 0; i < 4; ++i) code |= static_cast<int>(s[q * 4 + i]) << i;
      freq[code] += 1.0 / count;
    }
    double tv = 0;
    for (int c = 0; c < 16; ++c) tv += 0.5 * std::abs(freq[c] - p[c] / z);
    EXPECT_LT(tv, 0.03) << "T = " << temperature;
  }
}

TEST(BoltzmannMachine, AnnealingFindsTheGroundState) {
  Generator gen(7);
  const int n = 10;
  BoltzmannMachine bm(n, 0, {.seed = 5});
  bm.set_weights(symmetric(gen, n, 1.0), mz::zeros({n}, {.dtype = DType::f64}));
  std::vector<double> all;
  for (int code = 0; code < (1 << n); ++code)
    for (int i = 0; i < n; ++i) all.push_back((code >> i) & 1);
  std::vector<double> e = bm.energy(mz::tensor(all, Shape{1 << n, n}));
  const double ground = *std::min_element(e.begin(), e.end());
  int found = 0;
  std::vector<double> start(10 * n, 0.0);
  std::vector<double> end = bm.anneal(mz::tensor(start, Shape{10, n}), geometric_schedule(5.0, 0.9, 0.02, 2))
                                .to_vector<double>();
  for (double v : bm.energy(mz::tensor(end, Shape{10, n}))) found += std::abs(v - ground) < 1e-12;
  EXPECT_GE(found, 8);
}

// Two visible units that are always equal (00 or 11) plus one hidden unit: exact
// log-likelihood rises from ln(1/4) = -1.386 toward the optimum ln(1/2) = -0.693.
TEST(BoltzmannMachine, LearningRaisesTheExactLikelihood) {
  Tensor data = mz::tensor(std::vector<double>{0, 0, 1, 1}, Shape{2, 2});
  BoltzmannMachine bm(2, 1, {.learning_rate = 0.5, .schedule = {{1.0, 3}}, .statistics_sweeps = 10,
                             .free_chains = 4, .seed = 3});
  EXPECT_NEAR(bm.log_likelihood(data), std::log(0.25), 1e-12);
  for (int epoch = 0; epoch < 300; ++epoch) bm.fit_epoch(data);
  EXPECT_GT(bm.log_likelihood(data), -0.95);
  std::vector<double> w = bm.weights().to_vector<double>();
  EXPECT_GT(w[0 * 3 + 1], 1.0);  // the two visible units excite each other
  EXPECT_EQ(w[1 * 3 + 0], w[0 * 3 + 1]);
}

TEST(BoltzmannMachine, Schedules) {
  std::vector<AnnealingStage> a = ackley_schedule();
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].temperature, 20);
  EXPECT_EQ(a[3].sweeps, 4);
  std::vector<AnnealingStage> g = geometric_schedule(1.0, 0.5, 0.1, 3);
  ASSERT_EQ(g.size(), 4u);  // 1, 0.5, 0.25, 0.125
  EXPECT_DOUBLE_EQ(g.back().temperature, 0.125);
  EXPECT_EQ(g.back().sweeps, 3);
}

TEST(BoltzmannMachine, BadInputIsReported) {
  BoltzmannMachine bm(3, 1);
  MZ_EXPECT_THROW_MSG(bm.fit_epoch(mz::full({2, 3}, 0.5, {.dtype = DType::f64})), ValueError,
                      "BoltzmannMachine.fit_epoch: units are binary: expected 0 or 1, got 0.5 at row 0, column 0.");
  MZ_EXPECT_THROW_MSG(bm.fit_epoch(mz::zeros({2, 4}, {.dtype = DType::f64})), ShapeError,
                      "BoltzmannMachine.fit_epoch: rows have 4 units, expected 3: expected (n, 3), got (2, 4).");
  MZ_EXPECT_THROW_MSG(bm.set_weights(mz::ones({4, 4}, {.dtype = DType::f64}), mz::zeros({4}, {.dtype = DType::f64})),
                      ValueError, "the diagonal must be zero: expected w[0][0] = 0, got 1.");
  MZ_EXPECT_THROW_MSG(geometric_schedule(1.0, 1.5, 0.1), ValueError, "geometric_schedule: expected t0 > 0");
  MZ_EXPECT_THROW_MSG(BoltzmannMachine(20, 5).log_likelihood(mz::zeros({1, 20}, {.dtype = DType::f64})), ValueError,
                      "exact enumeration needs at most 20 units: expected <= 20, got 25.");
}

}  // namespace
}  // namespace mz::classic
