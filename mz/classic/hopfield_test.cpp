// Tests for Hopfield: capacity figures (classic.md §9.1), neurolab's letters, projection rule,
// energy, 2-cycles and errors.
#include "mz/classic/hopfield.h"

#include <cmath>

#include "mz/io/npy.h"
#include "mz/ops/creation.h"
#include "testing.h"

namespace mz::classic {
namespace {

std::vector<double> random_bipolar(Generator& gen, int64_t count) {
  std::vector<double> v(count);
  for (double& x : v) x = gen.uniform() < 0.5 ? -1.0 : 1.0;
  return v;
}

double overlap(const std::vector<double>& a, const std::vector<double>& b, int64_t off, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += a[off + i] * b[off + i];
  return s / static_cast<double>(n);
}

// One synchronous step from every stored pattern: bit-flip fraction vs the theory
// 1/2 (1 - erf(sqrt(N / 2P))): 0.0010 at alpha 0.105, 0.0036 at 0.138 (Hertz-Krogh-Palmer).
TEST(Hopfield, OneStepErrorRateMatchesTheoryAtCapacity) {
  const int64_t n = 500;
  for (auto [p, theory, tol] : {std::tuple{int64_t{69}, 0.0036, 0.0012}, std::tuple{int64_t{52}, 0.0010, 0.0006}}) {
    Generator gen(p);
    std::vector<double> pats = random_bipolar(gen, p * n);
    Tensor x = mz::tensor(pats, Shape{p, n});
    Hopfield net(n);
    net.store(x);
    std::vector<double> after = net.step(x).to_vector<double>();
    int64_t flips = 0;
    for (std::size_t i = 0; i < after.size(); ++i) flips += after[i] != pats[i];
    const double rate = static_cast<double>(flips) / static_cast<double>(p * n);
    EXPECT_NEAR(rate, theory, tol) << "P = " << p;
    EXPECT_NEAR(0.5 * (1 - std::erf(std::sqrt(n / (2.0 * p)))), theory, 0.0002);
  }
}

// Full-size figures for docs/classic.md (run with --gtest_also_run_disabled_tests): N = 1000,
// 5 repetitions of one synchronous step from every stored pattern.
TEST(Hopfield, DISABLED_FullFigures) {
  const int64_t n = 1000;
  for (int64_t p : {105, 138, 185}) {
    int64_t flips = 0;
    for (int rep = 0; rep < 5; ++rep) {
      Generator gen(100 * p + rep);
      std::vector<double> pats = random_bipolar(gen, p * n);
      Tensor x = mz::tensor(pats, Shape{p, n});
      Hopfield net(n);
      net.store(x);
      std::vector<double> after = net.step(x).to_vector<double>();
      for (std::size_t i = 0; i < after.size(); ++i) flips += after[i] != pats[i];
    }
    std::printf("Hopfield N=1000 P=%lld: one-step flip fraction %.5f (theory %.5f)\n", (long long)p,
                flips / (5.0 * p * n), 0.5 * (1 - std::erf(std::sqrt(n / (2.0 * p)))));
  }
}

// N = 100, Hebb, asynchronous random order, 20 pattern sets (classic.md §9.1 table):
// P = 10: fixed points 0.955, overlap from 10% flipped 0.991; P = 20: 0.355, 0.836, 0.771.
TEST(Hopfield, RetrievalCollapsesPastCapacityAsPublished) {
  const int64_t n = 100;
  struct Row { int64_t p; double fixed, from_stored, from_noisy; };
  for (Row row : {Row{10, 0.955, 0.995, 0.991}, Row{20, 0.355, 0.836, 0.771}}) {
    double fixed = 0, ov_stored = 0, ov_noisy = 0;
    const int sets = 20;
    Generator gen(1000 + row.p);
    for (int s = 0; s < sets; ++s) {
      std::vector<double> pats = random_bipolar(gen, row.p * n);
      Tensor x = mz::tensor(pats, Shape{row.p, n});
      Hopfield net(n);
      net.store(x);
      std::vector<double> one = net.step(x).to_vector<double>();
      for (int64_t k = 0; k < row.p; ++k) fixed += (overlap(one, pats, k * n, n) == 1.0) / double(row.p * sets);
      std::vector<double> noisy = pats;
      for (int64_t k = 0; k < row.p; ++k)
        for (int64_t f = 0; f < 10; ++f) {  // flip 10 distinct bits
          int64_t i;
          do i = static_cast<int64_t>(gen.below(n)); while (noisy[k * n + i] != pats[k * n + i]);
          noisy[k * n + i] = -noisy[k * n + i];
        }
      std::vector<double> r1 = net.recall(x, {.seed = uint64_t(s)}).states.to_vector<double>();
      std::vector<double> r2 =
          net.recall(mz::tensor(noisy, Shape{row.p, n}), {.seed = uint64_t(s)}).states.to_vector<double>();
      for (int64_t k = 0; k < row.p; ++k) {
        ov_stored += overlap(r1, pats, k * n, n) / double(row.p * sets);
        ov_noisy += overlap(r2, pats, k * n, n) / double(row.p * sets);
      }
    }
    EXPECT_NEAR(fixed, row.fixed, 0.08) << "P = " << row.p;
    EXPECT_NEAR(ov_stored, row.from_stored, 0.06) << "P = " << row.p;
    EXPECT_NEAR(ov_noisy, row.from_noisy, 0.08) << "P = " << row.p;
  }
}

// neurolab example newhop.py: letters N, E, R, O (5x5); a defaced N (7 bits off) is restored.
TEST(Hopfield, NeurolabLettersAreRecalled) {
  std::vector<double> letters = {
      1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1,  // N
      1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1,  // E
      1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1,  // R
      0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0}; // O
  std::vector<double> defaced = {0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1};
  for (double& v : letters) v = 2 * v - 1;
  for (double& v : defaced) v = 2 * v - 1;
  Tensor x = mz::tensor(letters, Shape{4, 25});
  Hopfield net(25);
  net.store(x);
  EXPECT_TRUE(mz::testing::all_equal(net.step(x), x));
  HopfieldRecall r = net.recall(mz::tensor(defaced, Shape{1, 25}), {.mode = "synchronous"});
  EXPECT_TRUE(mz::testing::all_equal(r.states, x.slice(0, 0, 1)));
  EXPECT_TRUE(r.converged[0]);
  EXPECT_LE(r.sweeps[0], 3);
}

// The projection rule stores 30 random patterns in 100 units (alpha 0.3) as exact fixed points.
TEST(Hopfield, ProjectionRuleStoresBeyondHebbCapacity) {
  const int64_t n = 100, p = 30;
  Generator gen(5);
  std::vector<double> pats = random_bipolar(gen, p * n);
  Tensor x = mz::tensor(pats, Shape{p, n});
  Hopfield proj(n), hebb(n);
  proj.store(x, "projection");
  hebb.store(x, "hebb");
  EXPECT_TRUE(mz::testing::all_equal(proj.step(x), x));
  EXPECT_FALSE(mz::testing::all_equal(hebb.step(x), x));
  std::vector<double> w = proj.weights().to_vector<double>();
  for (int64_t i = 0; i < n; ++i) EXPECT_EQ(w[i * n + i], 0.0);
  EXPECT_NEAR(w[3 * n + 7], w[7 * n + 3], 1e-12);
}

// Parity with NumPy's X (X^T X)^-1 X^T: tools/golden/classic.py.
TEST(Hopfield, ProjectionWeightsMatchNumpyGolden) {
  Tensor golden = mz::io::read_npy(std::string(MZ_GOLDEN_DIR) + "/classic/hopfield_projection.npy");
  Hopfield net(8);
  net.store(mz::tensor(std::vector<double>{1, -1, 1, -1, 1, -1, 1, -1, 1, 1, -1, -1, 1, 1, -1, -1,
                                           1, 1, 1, 1, -1, -1, -1, 1},
                       Shape{3, 8}),
            "projection");
  EXPECT_TRUE(mz::testing::all_close(net.weights(), golden, 1e-12, 1e-13));
}

TEST(Hopfield, AsynchronousEnergyNeverIncreases) {
  const int64_t n = 64;
  Generator gen(9);
  Hopfield net(n);
  net.store(mz::tensor(random_bipolar(gen, 12 * n), Shape{12, n}));
  HopfieldRecall r = net.recall(mz::tensor(random_bipolar(gen, 5 * n), Shape{5, n}), {.seed = 3});
  for (int k = 0; k < 5; ++k) {
    EXPECT_TRUE(r.converged[k]);
    ASSERT_GE(r.energy[k].size(), 2u);
    for (std::size_t t = 1; t < r.energy[k].size(); ++t) EXPECT_LE(r.energy[k][t], r.energy[k][t - 1] + 1e-12);
    EXPECT_NEAR(r.energy[k].back(), net.energy(r.states.slice(0, k, k + 1))[0], 1e-12);
  }
}

TEST(Hopfield, SynchronousUpdatesCanTwoCycle) {
  Hopfield net(2);
  net.set_weights(mz::tensor(std::vector<double>{0, -1, -1, 0}, Shape{2, 2}));
  HopfieldRecall r = net.recall(mz::tensor(std::vector<double>{1, 1}, Shape{1, 2}),
                                {.mode = "synchronous", .max_sweeps = 10});
  EXPECT_FALSE(r.converged[0]);
  EXPECT_EQ(r.states.to_vector<double>(), (std::vector<double>{1, 1}));  // even number of steps
  HopfieldRecall a = net.recall(mz::tensor(std::vector<double>{1, 1}, Shape{1, 2}));
  EXPECT_TRUE(a.converged[0]);
}

TEST(Hopfield, BadInputIsReported) {
  Hopfield net(4);
  MZ_EXPECT_THROW_MSG(net.store(mz::tensor(std::vector<double>{1, 0, 1, -1}, Shape{1, 4})), ValueError,
                      "Hopfield.store: patterns must be bipolar: expected -1 or +1, got 0 at pattern 0, unit 1.");
  MZ_EXPECT_THROW_MSG(net.store(mz::tensor(std::vector<double>{1, -1, 1}, Shape{1, 3})), ShapeError,
                      "Hopfield.store: patterns has 3 units per pattern, but the network has 4");
  MZ_EXPECT_THROW_MSG(net.store(mz::ones({2, 4}, {.dtype = DType::f64}), "storkey"), ValueError,
                      "Hopfield.store: rule must be \"hebb\" or \"projection\", got \"storkey\".");
  MZ_EXPECT_THROW_MSG(net.store(mz::ones({2, 4}, {.dtype = DType::f64}), "projection"), ValueError,
                      "projection rule needs linearly independent patterns");
  MZ_EXPECT_THROW_MSG(net.set_weights(mz::tensor(std::vector<double>{0, 1, 2, 0}, Shape{2, 2})), ShapeError,
                      "expected (4, 4), got (2, 2)");
  MZ_EXPECT_THROW_MSG(net.recall(mz::ones({1, 4}, {.dtype = DType::f64}), {.mode = "parallel"}), ValueError,
                      "mode must be \"asynchronous\" or \"synchronous\", got \"parallel\".");
}

}  // namespace
}  // namespace mz::classic
