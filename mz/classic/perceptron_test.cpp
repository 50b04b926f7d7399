// Tests for Perceptron and Adaline: AND/OR/XOR and iris epochs (classic.md §2), diabetes
// least squares and LMS (classic.md §3, diabetes vendored from scikit-learn 1.2.1).
#include "mz/classic/perceptron.h"

#include <fstream>
#include <sstream>

#include "mz/classic/classic_testing.h"
#include "mz/core/generator.h"
#include "testing.h"

namespace mz::classic {
namespace {

const std::vector<double> kGate = {0, 0, 0, 1, 1, 0, 1, 1};

TEST(Perceptron, AndOrConvergeInTheReferenceEpochs) {
  Perceptron p_and = newp(2);
  PerceptronFit f = p_and.train(mz::tensor(kGate, Shape{4, 2}), mz::tensor(std::vector<double>{0, 0, 0, 1}, Shape{4, 1}));
  EXPECT_TRUE(f.converged);
  EXPECT_EQ(f.epochs, 6);
  EXPECT_EQ(p_and.weights().to_vector<double>(), (std::vector<double>{2, 1}));
  EXPECT_EQ(p_and.bias().to_vector<double>(), (std::vector<double>{-3}));
  Perceptron p_or = newp(2);
  f = p_or.train(mz::tensor(kGate, Shape{4, 2}), mz::tensor(std::vector<double>{0, 1, 1, 1}, Shape{4, 1}));
  EXPECT_EQ(f.epochs, 4);
  EXPECT_EQ(p_or.weights().to_vector<double>(), (std::vector<double>{1, 1}));
  EXPECT_EQ(p_or.bias().to_vector<double>(), (std::vector<double>{-1}));
}

TEST(Perceptron, XorNeverConverges) {
  Perceptron p = newp(2);
  Tensor x = mz::tensor(kGate, Shape{4, 2});
  std::vector<double> t = {0, 1, 1, 0};
  PerceptronFit f = p.train(x, mz::tensor(t, Shape{4, 1}), 200);
  EXPECT_FALSE(f.converged);
  EXPECT_EQ(f.epochs, 200);
  std::vector<double> y = p.predict(x).to_vector<double>();
  int right = 0;
  for (int i = 0; i < 4; ++i) right += y[i] == t[i];
  EXPECT_LE(right, 3);
}

// Iris setosa vs rest, raw features, file order: 4 epochs, 100% accuracy; versicolor vs
// virginica is not separable.
TEST(Perceptron, IrisSetosaIsSeparableVersicolorIsNot) {
  testing::Dataset d = testing::iris();
  std::vector<double> t(d.n);
  for (int64_t i = 0; i < d.n; ++i) t[i] = d.label[i] == 0;
  Perceptron p = newp(4);
  PerceptronFit f = p.train(testing::as_tensor(d), mz::tensor(t, Shape{d.n, 1}));
  EXPECT_TRUE(f.converged);
  EXPECT_EQ(f.epochs, 4);
  std::vector<double> xs(d.x.begin() + 50 * 4, d.x.end()), ts(100);
  for (int i = 0; i < 100; ++i) ts[i] = d.label[50 + i] == 1;
  Perceptron q = newp(4);
  EXPECT_FALSE(q.train(mz::tensor(xs, Shape{100, 4}), mz::tensor(ts, Shape{100, 1}), 50).converged);
}

TEST(Perceptron, NormalisedRuleAndBipolarTransfer) {
  Perceptron p(2, 1, {.transfer = "hardlims", .rule = "learnpn"});
  std::vector<double> x = {0, 0, 0, 100, 100, 0, 100, 100};  // an outlier-length input scale
  PerceptronFit f = p.train(mz::tensor(x, Shape{4, 2}), mz::tensor(std::vector<double>{-1, -1, -1, 1}, Shape{4, 1}), 100);
  EXPECT_TRUE(f.converged);
  EXPECT_EQ(p.predict(mz::tensor(x, Shape{4, 2})).to_vector<double>(), (std::vector<double>{-1, -1, -1, 1}));
}

testing::Dataset diabetes() {
  std::ifstream in(std::string(MZ_GOLDEN_DIR) + "/classic/diabetes.csv");
  testing::Dataset out;
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string cell;
    std::vector<double> row;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    out.x.insert(out.x.end(), row.begin(), row.begin() + 10);
    out.label.push_back(static_cast<int>(row[10]));
    ++out.n;
  }
  out.d = 10;
  return out;
}

double r2(const Tensor& y, const std::vector<int>& t) {
  std::vector<double> v = y.to_vector<double>();
  double m = 0, ss = 0, st = 0;
  for (int x : t) m += x / static_cast<double>(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) ss += (t[i] - v[i]) * (t[i] - v[i]), st += (t[i] - m) * (t[i] - m);
  return 1 - ss / st;
}

// Least squares on the raw diabetes data: R^2 = 0.5177 (sklearn LinearRegression); batch LMS
// at maxlinlr on z-scored inputs approaches it (0.5173 after 500 epochs).
TEST(Adaline, DiabetesLeastSquaresAndLmsReachReferenceR2) {
  testing::Dataset d = diabetes();
  ASSERT_EQ(d.n, 442);
  std::vector<double> t(d.label.begin(), d.label.end());
  Tensor tt = mz::tensor(t, Shape{442, 1});
  Adaline exact(10);
  exact.solve(testing::as_tensor(d), tt);
  EXPECT_NEAR(r2(exact.predict(testing::as_tensor(d)), d.label), 0.5177, 1e-4);
  Tensor z = testing::as_tensor(testing::zscore(d));
  Adaline lms = newlin(10, 1, maxlinlr(z));
  std::vector<double> mse = lms.train(z, tt, 500);
  EXPECT_LT(mse.back(), mse.front());
  EXPECT_NEAR(r2(lms.predict(z), d.label), 0.5173, 5e-4);
}

TEST(Adaline, OnlineLmsLearnsALinearMap) {
  std::vector<double> x, t;
  Generator gen(3);
  for (int i = 0; i < 50; ++i) {
    double a = gen.uniform() * 2 - 1, b = gen.uniform() * 2 - 1;
    x.push_back(a), x.push_back(b), t.push_back(0.5 * a - 2 * b + 0.25);
  }
  Adaline lin(2, 1, {.learning_rate = 0.05, .mode = "online"});
  lin.train(mz::tensor(x, Shape{50, 2}), mz::tensor(t, Shape{50, 1}), 300);
  EXPECT_TRUE(mz::testing::all_close(lin.weights(), mz::tensor(std::vector<double>{0.5, -2}, Shape{1, 2}), 0, 1e-6));
  EXPECT_NEAR(lin.bias().item<double>(), 0.25, 1e-6);
}

TEST(Perceptron, BadInputIsReported) {
  Perceptron p = newp(2);
  MZ_EXPECT_THROW_MSG(p.train(mz::zeros({4, 3}, {.dtype = DType::f64}), mz::zeros({4, 1}, {.dtype = DType::f64})),
                      ShapeError, "Perceptron.train: x has 3 inputs per sample, but the perceptron has 2: expected (Q, 2), got (4, 3).");
  MZ_EXPECT_THROW_MSG(p.train(mz::tensor(kGate, Shape{4, 2}), mz::full({4, 1}, -1.0, {.dtype = DType::f64})),
                      ValueError, "Perceptron.train: targets must match the transfer hardlim: expected 0 or 1, got -1.");
  MZ_EXPECT_THROW_MSG(p.train(mz::tensor(kGate, Shape{4, 2}), mz::zeros({3, 1}, {.dtype = DType::f64})), ShapeError,
                      "Perceptron.train: t must be (Q, S): expected (4, 1), got (3, 1).");
  MZ_EXPECT_THROW_MSG(Perceptron(2, 1, {.transfer = "tansig"}), ValueError,
                      "Perceptron: transfer must be \"hardlim\" or \"hardlims\", got \"tansig\".");
  MZ_EXPECT_THROW_MSG(p.train(mz::zeros({0, 2}, {.dtype = DType::f64}), mz::zeros({0, 1}, {.dtype = DType::f64})),
                      ValueError, "Perceptron.train: x is empty");
}

}  // namespace
}  // namespace mz::classic
