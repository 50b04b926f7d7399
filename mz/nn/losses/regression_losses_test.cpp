// Regression and margin losses: Keras's documented values, reductions, and float64 gradchecks
// (MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
// MeanSquaredLogarithmicError, Huber, LogCosh, KLDivergence, Poisson, Hinge, SquaredHinge,
// CategoricalHinge, CosineSimilarity).
#include "mz/nn/losses/categorical_hinge.h"
#include "mz/nn/losses/cosine_similarity.h"
#include "mz/nn/losses/hinge.h"
#include "mz/nn/losses/huber.h"
#include "mz/nn/losses/kl_divergence.h"
#include "mz/nn/losses/log_cosh.h"
#include "mz/nn/losses/mean_absolute_error.h"
#include "mz/nn/losses/mean_absolute_percentage_error.h"
#include "mz/nn/losses/mean_squared_error.h"
#include "mz/nn/losses/mean_squared_logarithmic_error.h"
#include "mz/nn/losses/poisson.h"
#include "mz/nn/losses/squared_hinge.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using namespace losses;
using testing::all_close;
using testing::grad_ok;

Tensor f64(std::vector<double> v, Shape s) { return tensor(v, s); }
Tensor f32(std::vector<float> v, Shape s) { return tensor(v, s); }

// y_true / y_pred pairs of the Keras docstrings.
const Tensor kTrue01 = f64({0, 1, 0, 0}, {2, 2});
const Tensor kPred01 = f64({0.6, 0.4, 0.4, 0.6}, {2, 2});
// Generic float64 inputs away from kinks and clip bounds, for gradchecks.
const Tensor kTrueSmooth = f64({0.3, 0.8, 0.1, 0.55, 0.2, 0.9}, {2, 3});
const Tensor kPredSmooth = f64({0.45, 0.6, 0.25, 0.35, 0.7, 0.65}, {2, 3});

// d loss(y_true, y_pred) / d y_pred, both unreduced and through the reduction.
::testing::AssertionResult loss_grad_ok(const Loss& loss, const Tensor& y_true,
                                        const Tensor& y_pred) {
  auto per_sample = grad_ok([&](auto& x) { return loss.call(y_true, x[0]); }, {y_pred});
  if (!per_sample) return per_sample;
  return grad_ok([&](auto& x) { return loss(y_true, x[0]); }, {y_pred});
}

TEST(MeanSquaredError, MatchesKerasAndReductions) {
  Tensor t = f32({0, 1, 0, 0}, {2, 2}), p = f32({1, 1, 1, 0}, {2, 2});
  EXPECT_NEAR(MeanSquaredError()(t, p).item(), 0.5, 1e-7);
  EXPECT_NEAR(MeanSquaredError()(t, p, f32({0.3, 0.7}, {2})).item(), 0.25, 1e-7);
  EXPECT_NEAR(MeanSquaredError({.reduction = "sum"})(t, p).item(), 1.0, 1e-7);
  EXPECT_TRUE(all_close(MeanSquaredError({.reduction = "none"})(t, p), f32({0.5, 0.5}, {2}), 1e-7));
  EXPECT_EQ(MeanSquaredError().name(), "mean_squared_error");
}

TEST(MeanSquaredError, SqueezesOrExpandsToTheSameRank) {
  // y_true (3,) against y_pred (3, 1) is compared per sample, not broadcast to (3, 3).
  Tensor t = f64({1, 2, 3}, {3}), p = f64({1, 2, 5}, {3, 1});
  EXPECT_TRUE(all_close(MeanSquaredError({.reduction = "none"})(t, p), f64({0, 0, 4}, {3}), 0));
}

TEST(MeanAbsoluteError, MatchesKeras) {
  Tensor t = f32({0, 1, 0, 0}, {2, 2}), p = f32({1, 1, 1, 0}, {2, 2});
  EXPECT_NEAR(MeanAbsoluteError()(t, p).item(), 0.5, 1e-7);
  EXPECT_NEAR(MeanAbsoluteError()(t, p, f32({0.7, 0.3}, {2})).item(), 0.25, 1e-7);
  EXPECT_NEAR(MeanAbsoluteError({.reduction = "sum"})(t, p).item(), 1.0, 1e-7);
}

TEST(MeanAbsolutePercentageError, MatchesKeras) {
  Tensor t = f64({2, 1, 2, 3}, {2, 2}), p = f64({1, 1, 1, 0}, {2, 2});
  EXPECT_TRUE(all_close(mean_absolute_percentage_error(t, p), f64({25, 75}, {2}), 1e-12));
  EXPECT_NEAR(MeanAbsolutePercentageError()(t, p).item(), 50.0, 1e-12);
  // A zero label divides by epsilon instead of 0.
  double v = MeanAbsolutePercentageError()(f64({0.0}, {1, 1}), f64({1e-8}, {1, 1})).item();
  EXPECT_NEAR(v, 100.0 * 1e-8 / 1e-7, 1e-9);
}

TEST(MeanSquaredLogarithmicError, MatchesKeras) {
  Tensor t = f64({0, 1, 0, 0}, {2, 2}), p = f64({1, 1, 1, 0}, {2, 2});
  EXPECT_TRUE(
      all_close(mean_squared_logarithmic_error(t, p), f64({0.24022644, 0.24022644}, {2}), 1e-7));
  EXPECT_NEAR(MeanSquaredLogarithmicError()(t, p).item(), 0.24022644, 1e-7);
}

TEST(Huber, MatchesKeras) {
  EXPECT_NEAR(Huber()(kTrue01, kPred01).item(), 0.155, 1e-12);
  // Beyond delta the loss is linear: delta |x| - delta^2 / 2.
  Tensor t = f64({0.0}, {1, 1}), p = f64({3.0}, {1, 1});
  EXPECT_NEAR(Huber({.delta = 1.0})(t, p).item(), 2.5, 1e-12);
  EXPECT_NEAR(Huber({.delta = 2.0})(t, p).item(), 4.0, 1e-12);
  EXPECT_EQ(Huber().name(), "huber_loss");
  EXPECT_EQ(Huber({.delta = 2.0}).config()["delta"], 2.0);
}

TEST(LogCosh, MatchesKeras) {
  Tensor t = f64({0, 1, 0, 0}, {2, 2}), p = f64({1, 1, 0, 0}, {2, 2});
  EXPECT_NEAR(LogCosh()(t, p).item(), 0.10844520762075678, 1e-12);
  // Stable for large errors: log(cosh(x)) ~ |x| - log 2.
  double big = LogCosh()(f64({0.0}, {1, 1}), f64({1000.0}, {1, 1})).item();
  EXPECT_NEAR(big, 1000.0 - std::log(2.0), 1e-9);
}

TEST(KLDivergence, MatchesKerasFormulaWithClipping) {
  EXPECT_TRUE(
      all_close(kl_divergence(kTrue01, kPred01), f64({0.916289171, -3.08090749e-06}, {2}), 1e-6));
  EXPECT_EQ(KLDivergence().name(), "kl_divergence");
}

TEST(Poisson, MatchesKerasFormula) {
  Tensor t = f64({0, 1, 0, 0}, {2, 2}), p = f64({1, 1, 0, 0}, {2, 2});
  EXPECT_TRUE(all_close(poisson(t, p), f64({0.99999995, 0.0}, {2}), 1e-12));
}

TEST(Hinge, MapsZeroOneLabelsToSigns) {
  EXPECT_TRUE(all_close(hinge(kTrue01, kPred01), f64({1.1, 1.5}, {2}), 1e-12));
  EXPECT_NEAR(Hinge()(kTrue01, kPred01).item(), 1.3, 1e-12);
  // -1/1 labels are used as they are.
  Tensor signs = f64({-1, 1, -1, -1}, {2, 2});
  EXPECT_TRUE(all_close(hinge(signs, kPred01), hinge(kTrue01, kPred01), 0));
}

TEST(SquaredHinge, MatchesKeras) {
  EXPECT_TRUE(all_close(squared_hinge(kTrue01, kPred01), f64({1.46, 2.26}, {2}), 1e-12));
  EXPECT_NEAR(SquaredHinge()(kTrue01, kPred01).item(), 1.86, 1e-12);
}

TEST(CategoricalHinge, MatchesKeras) {
  EXPECT_TRUE(all_close(categorical_hinge(kTrue01, kPred01), f64({1.2, 1.6}, {2}), 1e-12));
  EXPECT_NEAR(CategoricalHinge()(kTrue01, kPred01).item(), 1.4, 1e-12);
}

TEST(CosineSimilarity, MatchesKeras) {
  Tensor t = f64({0, 1, 1, 1, 1, 1}, {3, 2}), p = f64({1, 0, 1, 1, -1, -1}, {3, 2});
  EXPECT_TRUE(all_close(cosine_similarity(t, p), f64({0, -1, 1}, {3}), 1e-12));
  Tensor t2 = f64({0, 1, 1, 1}, {2, 2}), p2 = f64({1, 0, 1, 1}, {2, 2});
  EXPECT_NEAR(CosineSimilarity()(t2, p2).item(), -0.5, 1e-12);
  // A zero vector gives 0 rather than NaN.
  EXPECT_NEAR(cosine_similarity(f64({0, 0}, {1, 2}), f64({1, 2}, {1, 2})).item(), 0.0, 0.0);
  EXPECT_EQ(CosineSimilarity({.axis = 1}).config()["axis"], 1);
}

TEST(RegressionLosses, MatchFiniteDifferences) {
  EXPECT_TRUE(loss_grad_ok(MeanSquaredError(), kTrueSmooth, kPredSmooth));
  EXPECT_TRUE(loss_grad_ok(MeanAbsoluteError(), kTrueSmooth, kPredSmooth));
  EXPECT_TRUE(loss_grad_ok(MeanAbsolutePercentageError(), kTrueSmooth, kPredSmooth));
  EXPECT_TRUE(loss_grad_ok(MeanSquaredLogarithmicError(), kTrueSmooth, kPredSmooth));
  EXPECT_TRUE(loss_grad_ok(LogCosh(), kTrueSmooth, kPredSmooth * 5.0));
  EXPECT_TRUE(loss_grad_ok(KLDivergence(), kTrueSmooth, kPredSmooth));
  EXPECT_TRUE(loss_grad_ok(Poisson(), kTrueSmooth, kPredSmooth));
  EXPECT_TRUE(loss_grad_ok(CosineSimilarity(), kTrueSmooth - 0.5, kPredSmooth - 0.4));
  // Errors on both sides of delta (none at the kink).
  Tensor far = f64({0.45, 2.6, -1.25, 0.35, 0.75, -2.65}, {2, 3});
  EXPECT_TRUE(loss_grad_ok(Huber(), kTrueSmooth, far));
  EXPECT_TRUE(loss_grad_ok(Huber({.delta = 0.5}), kTrueSmooth, far));
}

TEST(MarginLosses, MatchFiniteDifferences) {
  Tensor signs = f64({-1, 1, -1, 1, 1, -1}, {2, 3});
  Tensor pred = f64({0.3, 0.4, -0.2, 0.8, 1.6, 0.1}, {2, 3});  // margins away from 1
  EXPECT_TRUE(loss_grad_ok(Hinge(), signs, pred));
  EXPECT_TRUE(loss_grad_ok(SquaredHinge(), signs, pred));
  Tensor one_hot = f64({0, 1, 0, 1, 0, 0}, {2, 3});
  EXPECT_TRUE(loss_grad_ok(CategoricalHinge(), one_hot, pred));
}

}  // namespace
}  // namespace mz
