// Confusion-matrix metrics: Keras's docstring examples and hand-computed cases for Precision,
// Recall (thresholds, top_k, class_id), AUC (ROC, PR, summation methods) and F1Score /
// FBetaScore (each average).
#include "mz/nn/metrics/auc.h"
#include "mz/nn/metrics/f1_score.h"
#include "mz/nn/metrics/f_beta_score.h"
#include "mz/nn/metrics/precision.h"
#include "mz/nn/metrics/recall.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using namespace metrics;

Tensor f32(std::vector<float> v, Shape s) { return tensor(v, s); }

void expect_values(const std::vector<double>& actual, const std::vector<double>& expected,
                   double tol) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], tol) << i;
}

TEST(Precision, MatchesKerasExamples) {
  Precision m;
  m.update_state(f32({0, 1, 1, 1}, {4}), f32({1, 0, 1, 1}, {4}));
  EXPECT_NEAR(m.result(), 2.0 / 3.0, 1e-12);
  m.reset_state();
  m.update_state(f32({0, 1, 1, 1}, {4}), f32({1, 0, 1, 1}, {4}), f32({0, 0, 1, 0}, {4}));
  EXPECT_NEAR(m.result(), 1.0, 1e-12);
  // top_k keeps the first k of tied predictions.
  Precision top2({.top_k = 2});
  top2.update_state(f32({0, 0, 1, 1}, {4}), f32({1, 1, 1, 1}, {4}));
  EXPECT_NEAR(top2.result(), 0.0, 1e-12);
  Precision top4({.top_k = 4});
  top4.update_state(f32({0, 0, 1, 1}, {4}), f32({1, 1, 1, 1}, {4}));
  EXPECT_NEAR(top4.result(), 0.5, 1e-12);
}

TEST(Precision, ClassIdAndSeveralThresholds) {
  Tensor t = f32({0, 1, 1, 0, 1, 0}, {3, 2});
  Tensor p = f32({0.3f, 0.8f, 0.6f, 0.2f, 0.4f, 0.9f}, {3, 2});
  Precision per_class({.class_id = 1});
  per_class.update_state(t, p);
  EXPECT_NEAR(per_class.result(), 0.5, 1e-12);  // column 1: predicted 0.8 (yes), 0.9 (no)
  Precision many({.thresholds = {0.25, 0.5, 0.85}});
  many.update_state(t, p);
  expect_values(many.result_values(), {3.0 / 5.0, 2.0 / 3.0, 0.0}, 1e-12);
  EXPECT_NEAR(many.result(), 0.6, 1e-12);
  MZ_EXPECT_THROW_MSG(Precision({.thresholds = {1.5}}), ValueError,
                      "Precision 'precision': thresholds must lie in [0, 1], got 1.5.");
  Precision bad({.class_id = 4});
  MZ_EXPECT_THROW_MSG(bad.update_state(t, p), ValueError,
                      "Precision 'precision': class_id must lie in [0, 2), got 4.");
}

TEST(Recall, MatchesKerasExamples) {
  Recall m;
  m.update_state(f32({0, 1, 1, 1}, {4}), f32({1, 0, 1, 1}, {4}));
  EXPECT_NEAR(m.result(), 2.0 / 3.0, 1e-12);
  m.reset_state();
  m.update_state(f32({0, 1, 1, 1}, {4}), f32({1, 0, 1, 1}, {4}), f32({0, 0, 1, 0}, {4}));
  EXPECT_NEAR(m.result(), 1.0, 1e-12);
  // Per-sample weights of (batch, classes) predictions cover each row.
  Recall rows;
  rows.update_state(f32({1, 0, 1, 1}, {2, 2}), f32({0.9f, 0.1f, 0.2f, 0.7f}, {2, 2}),
                    f32({1, 3}, {2}));
  EXPECT_NEAR(rows.result(), 4.0 / 7.0, 1e-12);
  EXPECT_TRUE(rows.config()["thresholds"].is_null());
}

TEST(AUC, MatchesKerasExample) {
  AUC m({.num_thresholds = 3});
  expect_values(m.thresholds(), {-1e-7, 0.5, 1 + 1e-7}, 1e-15);
  m.update_state(f32({0, 0, 1, 1}, {4}), f32({0, 0.5f, 0.3f, 0.9f}, {4}));
  expect_values(m.counts().tp, {2, 1, 0}, 0);
  expect_values(m.counts().fp, {2, 0, 0}, 0);
  expect_values(m.counts().fn, {0, 1, 2}, 0);
  expect_values(m.counts().tn, {0, 2, 2}, 0);
  EXPECT_NEAR(m.result(), 0.75, 1e-12);
  m.reset_state();
  m.update_state(f32({0, 0, 1, 1}, {4}), f32({0, 0.5f, 0.3f, 0.9f}, {4}), f32({1, 0, 0, 1}, {4}));
  EXPECT_NEAR(m.result(), 1.0, 1e-12);
}

TEST(AUC, CurvesAndSummationMethods) {
  Tensor t = f32({0, 1, 1, 0, 1, 0, 1, 1}, {8});
  Tensor p = f32({0.1f, 0.4f, 0.35f, 0.8f, 0.7f, 0.2f, 0.9f, 0.55f}, {8});
  auto area = [&](AUCOptions o) {
    AUC m(o);
    m.update_state(t, p);
    return m.result();
  };
  // With 200 thresholds ROC AUC is the exact Mann-Whitney statistic here: 11 / 15.
  EXPECT_NEAR(area({}), 0.7333333333333334, 1e-9);
  EXPECT_NEAR(area({.curve = "PR"}), 0.7802775422663781, 1e-9);
  EXPECT_NEAR(area({.curve = "PR", .summation_method = "minoring"}), 0.5433333333333333, 1e-9);
  EXPECT_NEAR(area({.summation_method = "majoring"}), 0.7333333333333334, 1e-9);
  EXPECT_NEAR(area({.num_thresholds = 5}), 0.7, 1e-9);
  // Explicit, unevenly spaced thresholds take the threshold-by-threshold path.
  EXPECT_NEAR(area({.thresholds = {0.3, 0.5, 0.6}}), area({.thresholds = {0.6, 0.3, 0.5}}), 0);
  // Logits: a sigmoid first.
  AUC logits({.from_logits = true});
  logits.update_state(t, log(p / (1.0 - p)));
  EXPECT_NEAR(logits.result(), 0.7333333333333334, 1e-6);
}

TEST(AUC, RejectsBadOptions) {
  MZ_EXPECT_THROW_MSG(AUC({.num_thresholds = 1}), ValueError,
                      "AUC 'auc': num_thresholds must be > 1, got 1.");
  MZ_EXPECT_THROW_MSG(AUC({.curve = "DET"}), ValueError,
                      "AUC 'auc': curve must be \"ROC\" or \"PR\", got \"DET\".");
  MZ_EXPECT_THROW_MSG(AUC({.summation_method = "trapezoid"}), ValueError,
                      "AUC 'auc': summation_method must be \"interpolation\", \"minoring\" or "
                      "\"majoring\", got \"trapezoid\".");
  EXPECT_EQ(AUC().config()["num_thresholds"], 200);
  EXPECT_EQ(AUC({.curve = "pr"}).config()["curve"], "PR");
}

const Tensor kF1True = f32({1, 1, 1, 1, 0, 0, 1, 1, 0}, {3, 3});
const Tensor kF1Pred = f32({0.2f, 0.6f, 0.7f, 0.2f, 0.6f, 0.6f, 0.6f, 0.8f, 0.0f}, {3, 3});

TEST(F1Score, MatchesKerasExample) {
  F1Score m({.threshold = 0.5});
  m.update_state(kF1True, kF1Pred);
  expect_values(m.result_values(), {0.5, 0.8, 0.6666667}, 1e-6);
  EXPECT_NEAR(m.result(), 0.65555548, 1e-6);  // the mean of the per-class scores
  m.reset_state();
  expect_values(m.result_values(), {0, 0, 0}, 0);
  EXPECT_FALSE(m.config().contains("beta"));
  EXPECT_EQ(m.name(), "f1_score");
}

TEST(F1Score, Averages) {
  auto score = [](F1ScoreOptions o, const Tensor& w = {}) {
    F1Score m(o);
    m.update_state(kF1True, kF1Pred, w);
    return m.result();
  };
  EXPECT_NEAR(score({.average = "micro", .threshold = 0.5}), 0.66666661, 1e-6);
  EXPECT_NEAR(score({.average = "macro", .threshold = 0.5}), 0.65555548, 1e-6);
  EXPECT_NEAR(score({.average = "weighted", .threshold = 0.5}), 0.62777769, 1e-6);
  // No threshold: each row's maximum counts as the prediction.
  F1Score top;
  top.update_state(kF1True, kF1Pred);
  expect_values(top.result_values(), {0.0, 0.49999993, 0.66666658}, 1e-6);
  F1Score weighted({.threshold = 0.5});
  weighted.update_state(kF1True, kF1Pred, f32({0.5f, 1, 2}, {3}));
  expect_values(weighted.result_values(), {0.72727265, 0.83333326, 0.49999991}, 1e-6);
  MZ_EXPECT_THROW_MSG(F1Score({.average = "samples"}), ValueError,
                      "'f1_score': average must be unset, \"micro\", \"macro\" or \"weighted\", "
                      "got \"samples\".");
  F1Score flat;
  MZ_EXPECT_THROW_MSG(flat.update_state(f32({1, 0}, {2}), f32({0.6f, 0.1f}, {2})), ValueError,
                      "y_true and y_pred must be (batch_size, output_dim): expected two equal 2-D "
                      "shapes, got y_true (2,) and y_pred (2,).");
}

TEST(FBetaScore, MatchesKerasExample) {
  FBetaScore m({.beta = 2.0, .threshold = 0.5});
  m.update_state(kF1True, kF1Pred);
  expect_values(m.result_values(), {0.3846154, 0.90909094, 0.8333334}, 1e-6);
  EXPECT_EQ(m.config()["beta"], 2.0);
  FBetaScore micro({.average = "micro", .beta = 2.0, .threshold = 0.5});
  micro.update_state(kF1True, kF1Pred);
  EXPECT_NEAR(micro.result(), 0.66666664, 1e-6);
  MZ_EXPECT_THROW_MSG(FBetaScore({.beta = 0}), ValueError, "beta must be > 0, got 0.");
}

}  // namespace
}  // namespace mz
