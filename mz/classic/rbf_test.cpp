// Tests for RadialBasisNetwork: newrbe exactness and sinc RMSE, newrb and k-means RBF on
// Mackey-Glass (classic.md §5), and errors.
#include "mz/classic/rbf.h"

#include <cmath>

#include "mz/classic/classic_testing.h"
#include "mz/io/npy.h"
#include "testing.h"

namespace mz::classic {
namespace {

double sinc(double x) { return x == 0 ? 1.0 : std::sin(x) / x; }

std::vector<double> grid(int n, double lo, double hi) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = lo + (hi - lo) * i / (n - 1);
  return v;
}

double rmse(const Tensor& y, const std::vector<double>& t) {
  std::vector<double> v = y.to_vector<double>();
  double s = 0;
  for (std::size_t i = 0; i < t.size(); ++i) s += (v[i] - t[i]) * (v[i] - t[i]);
  return std::sqrt(s / static_cast<double>(t.size()));
}

TEST(RadialBasisNetwork, RadbasCrossesHalfAtTheSpread) {
  EXPECT_NEAR(std::exp(-kRadbasHalf * kRadbasHalf), 0.5, 1e-15);
  RadialBasisNetwork net(mz::tensor(std::vector<double>{0.0}, Shape{1, 1}), mz::tensor({kRadbasHalf / 2.0}),
                         mz::tensor(std::vector<double>{1.0}, Shape{1, 1}), mz::tensor({0.0}));
  EXPECT_NEAR(net.predict(mz::tensor(std::vector<double>{2.0}, Shape{1, 1})).item<double>(), 0.5, 1e-12);
}

// newrbe on sinc at 21 points of [-10, 10]: machine-precision training error; RMSE on 401
// points 0.0306 (spread 0.5) and 0.0028 (spread 1) [R].
TEST(RadialBasisNetwork, NewrbeIsExactAndMatchesReferenceRmse) {
  std::vector<double> x = grid(21, -10, 10), t(21), xs = grid(401, -10, 10), ts(401);
  for (int i = 0; i < 21; ++i) t[i] = sinc(x[i]);
  for (int i = 0; i < 401; ++i) ts[i] = sinc(xs[i]);
  for (auto [spread, expected] : {std::pair{0.5, 0.0306}, std::pair{1.0, 0.0028}}) {
    RadialBasisNetwork net = newrbe(mz::tensor(x, Shape{21, 1}), mz::tensor(t, Shape{21, 1}), spread);
    EXPECT_EQ(net.neurons(), 21);
    EXPECT_LT(rmse(net.predict(mz::tensor(x, Shape{21, 1})), t), 1e-12);
    EXPECT_NEAR(rmse(net.predict(mz::tensor(xs, Shape{401, 1})), ts), expected, 0.005 * expected) << spread;
  }
}

// Parity with NumPy's lstsq (minimum-norm) newrbe: tools/golden/classic.py.
TEST(RadialBasisNetwork, NewrbeMatchesNumpyGolden) {
  Tensor golden = mz::io::read_npy(std::string(MZ_GOLDEN_DIR) + "/classic/newrbe_sinc.npy");
  std::vector<double> x = grid(21, -10, 10), t(21), xs = grid(401, -10, 10);
  for (int i = 0; i < 21; ++i) t[i] = sinc(x[i]);
  int col = 0;
  for (double spread : {0.5, 1.0}) {
    RadialBasisNetwork net = newrbe(mz::tensor(x, Shape{21, 1}), mz::tensor(t, Shape{21, 1}), spread);
    Tensor y = net.predict(mz::tensor(xs, Shape{401, 1}));
    Tensor g = golden.slice(1, col, col + 1).contiguous();
    EXPECT_TRUE(mz::testing::all_close(y, g, 1e-6, 1e-9)) << spread;
    ++col;
  }
}

struct MackeyGlass {
  Tensor x_train, x_test;
  std::vector<double> t_train, t_test;
  double sd_train = 0, sd_test = 0;
};

// Inputs [x(t-18), x(t-12), x(t-6), x(t)] -> x(t+6), t = 118..1117; 500 train, 500 test.
MackeyGlass mackey_glass_split() {
  std::vector<double> s = mz::classic::testing::mackey_glass(1124);
  MackeyGlass mg;
  std::vector<double> xin[2];
  for (int t = 118; t <= 1117; ++t) {
    const int part = t < 618 ? 0 : 1;
    for (int lag : {18, 12, 6, 0}) xin[part].push_back(s[t - lag]);
    (part == 0 ? mg.t_train : mg.t_test).push_back(s[t + 6]);
  }
  mg.x_train = mz::tensor(xin[0], Shape{500, 4});
  mg.x_test = mz::tensor(xin[1], Shape{500, 4});
  for (auto [v, sd] : {std::pair{&mg.t_train, &mg.sd_train}, std::pair{&mg.t_test, &mg.sd_test}}) {
    double m = 0, q = 0;
    for (double y : *v) m += y / 500;
    for (double y : *v) q += (y - m) * (y - m) / 500;
    *sd = std::sqrt(q);
  }
  return mg;
}

TEST(RadialBasisNetwork, MackeyGlassSeriesMatchesReference) {
  std::vector<double> s = mz::classic::testing::mackey_glass(1124);
  EXPECT_NEAR(s[118], 1.1491, 2e-4);
  EXPECT_NEAR(s[1000], 1.0074, 2e-4);
}

// newrb-like greedy, 60 neurons, spread 0.5: NDEI train 0.0128 / test 0.0142 [R].
TEST(RadialBasisNetwork, NewrbOnMackeyGlassReachesReferenceNdei) {
  MackeyGlass mg = mackey_glass_split();
  RadialBasisNetwork net =
      newrb(mg.x_train, mz::tensor(mg.t_train, Shape{500, 1}), {.spread = 0.5, .max_neurons = 60});
  EXPECT_EQ(net.neurons(), 60);
  EXPECT_EQ(net.history().size(), 60u);
  EXPECT_LT(net.history().back(), net.history().front());
  const double train = rmse(net.predict(mg.x_train), mg.t_train) / mg.sd_train;
  const double test = rmse(net.predict(mg.x_test), mg.t_test) / mg.sd_test;
  EXPECT_NEAR(train, 0.0128, 5e-4);  // we get 0.0128 / 0.0142
  EXPECT_NEAR(test, 0.0142, 5e-4);
  // A goal stops it early.
  RadialBasisNetwork coarse = newrb(mg.x_train, mz::tensor(mg.t_train, Shape{500, 1}), {.goal = 1e-3, .spread = 0.5});
  EXPECT_LT(coarse.neurons(), 60);
  EXPECT_LE(coarse.history().back(), 1e-3);
}

// k-means centres + LS output, K = 25, width scale picked from {0.5, 1, 2, 4} on the test set:
// NDEI 0.047 (5 seeds) [R].
TEST(RadialBasisNetwork, KMeansRbfOnMackeyGlassReachesReferenceNdei) {
  MackeyGlass mg = mackey_glass_split();
  double best = 1e9;
  for (double scale : {0.5, 1.0, 2.0, 4.0}) {
    RadialBasisNetwork net = RadialBasisNetwork::kmeans(mg.x_train, mz::tensor(mg.t_train, Shape{500, 1}),
                                                        {.centers = 25, .width_scale = scale, .seed = 1});
    best = std::min(best, rmse(net.predict(mg.x_test), mg.t_test) / mg.sd_test);
  }
  EXPECT_NEAR(best, 0.047, 0.02);
}

TEST(RadialBasisNetwork, BadInputIsReported) {
  Tensor x = mz::zeros({5, 2}, {.dtype = DType::f64}), t = mz::zeros({4, 1}, {.dtype = DType::f64});
  MZ_EXPECT_THROW_MSG(newrbe(x, t), ShapeError,
                      "newrbe: x and t must have one row per sample: expected t with 5 rows, got 4.");
  MZ_EXPECT_THROW_MSG(newrbe(x, mz::zeros({5, 1}, {.dtype = DType::f64}), -1.0), ValueError,
                      "newrbe: spread must be positive: expected > 0, got -1.");
  MZ_EXPECT_THROW_MSG(newrbe(x, mz::zeros({5, 1}, {.dtype = DType::f64})), ValueError,
                      "newrbe: the least-squares system is rank deficient");
  RadialBasisNetwork net = newrbe(mz::tensor(std::vector<double>{0, 1, 2}, Shape{3, 1}),
                                  mz::tensor(std::vector<double>{0, 1, 0}, Shape{3, 1}));
  MZ_EXPECT_THROW_MSG(net.predict(mz::zeros({2, 3}, {.dtype = DType::f64})), ShapeError,
                      "RadialBasisNetwork.predict: x has 3 features per sample, but the centres have 1");
  MZ_EXPECT_THROW_MSG(RadialBasisNetwork::kmeans(x, mz::zeros({5, 1}, {.dtype = DType::f64}), {.centers = 9}),
                      ValueError, "centers must be between 2 and the number of samples: expected 2..5, got 9.");
}

}  // namespace
}  // namespace mz::classic
