// Mean-based and regression metrics: Keras's docstring examples for Mean, MeanSquaredError,
// RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
// MeanSquaredLogarithmicError, R2Score and the crossentropy metrics.
#include <cmath>

#include "mz/nn/metrics/binary_crossentropy.h"
#include "mz/nn/metrics/categorical_crossentropy.h"
#include "mz/nn/metrics/mean.h"
#include "mz/nn/metrics/mean_absolute_error.h"
#include "mz/nn/metrics/mean_absolute_percentage_error.h"
#include "mz/nn/metrics/mean_squared_error.h"
#include "mz/nn/metrics/mean_squared_logarithmic_error.h"
#include "mz/nn/metrics/r2_score.h"
#include "mz/nn/metrics/root_mean_squared_error.h"
#include "mz/nn/metrics/sparse_categorical_crossentropy.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using namespace metrics;

Tensor f32(std::vector<float> v, Shape s) { return tensor(v, s); }

const Tensor kTrue = f32({0, 1, 0, 0}, {2, 2});
const Tensor kPred = f32({1, 1, 0, 0}, {2, 2});

TEST(Mean, WeightsSamplesAndAveragesTheirValues) {
  Mean m;
  m.update_values(f32({1, 3, 5, 7}, {4}));
  EXPECT_NEAR(m.result(), 4.0, 1e-12);
  m.reset_state();
  m.update_values(f32({1, 3, 5, 7}, {4}), f32({1, 1, 0, 0}, {4}));
  EXPECT_NEAR(m.result(), 2.0, 1e-12);
  // (batch, steps) values with (batch,) weights: each sample's mean, weighted.
  Mean seq;
  seq.update_values(f32({1, 3, 10, 20}, {2, 2}), f32({1, 3}, {2}));
  EXPECT_NEAR(seq.result(), (2.0 + 3 * 15.0) / 4.0, 1e-12);
  EXPECT_EQ(Mean().result(), 0.0);
}

TEST(MeanSquaredErrorMetric, MatchesKerasExample) {
  metrics::MeanSquaredError m;
  m.update_state(kTrue, kPred);
  EXPECT_NEAR(m.result(), 0.25, 1e-12);
  m.reset_state();
  m.update_state(kTrue, kPred, f32({1, 0}, {2}));
  EXPECT_NEAR(m.result(), 0.5, 1e-12);
  EXPECT_EQ(m.name(), "mean_squared_error");
}

TEST(RootMeanSquaredError, MatchesKerasExample) {
  RootMeanSquaredError m;
  m.update_state(kTrue, kPred);
  EXPECT_NEAR(m.result(), 0.5, 1e-12);
  m.reset_state();
  m.update_state(kTrue, kPred, f32({1, 0}, {2}));
  EXPECT_NEAR(m.result(), std::sqrt(0.5), 1e-12);
}

TEST(MeanAbsoluteErrorMetric, MatchesKerasExample) {
  metrics::MeanAbsoluteError m;
  m.update_state(kTrue, kPred);
  EXPECT_NEAR(m.result(), 0.25, 1e-12);
  m.reset_state();
  m.update_state(kTrue, kPred, f32({1, 0}, {2}));
  EXPECT_NEAR(m.result(), 0.5, 1e-12);
}

TEST(MeanAbsolutePercentageErrorMetric, MatchesKerasExample) {
  metrics::MeanAbsolutePercentageError m;
  m.update_state(kTrue, kPred);
  EXPECT_NEAR(m.result(), 250000000.0, 1e-6 * 250000000.0);
  m.reset_state();
  m.update_state(kTrue, kPred, f32({1, 0}, {2}));
  EXPECT_NEAR(m.result(), 500000000.0, 1e-6 * 500000000.0);
}

TEST(MeanSquaredLogarithmicErrorMetric, MatchesKerasExample) {
  metrics::MeanSquaredLogarithmicError m;
  m.update_state(kTrue, kPred);
  EXPECT_NEAR(m.result(), 0.12011322, 1e-6);
  m.reset_state();
  m.update_state(kTrue, kPred, f32({1, 0}, {2}));
  EXPECT_NEAR(m.result(), 0.24022643, 1e-6);
}

TEST(R2Score, MatchesKerasExample) {
  R2Score m;
  m.update_state(f32({1, 4, 3}, {3, 1}), f32({2, 4, 4}, {3, 1}));
  EXPECT_NEAR(m.result(), 0.5714285714285716, 1e-6);
  m.reset_state();
  EXPECT_TRUE(std::isnan(m.result()));  // as Keras: 0 / 0 with no samples since the reset
}

TEST(R2Score, AggregationsWeightsAndAdjustment) {
  Tensor t = f32({1, 2, 4, 3, 3, 7, 0, 1}, {4, 2});
  Tensor p = f32({2, 2.5f, 4, 3.5f, 4, 6, 0.5f, 1}, {4, 2});
  auto score = [&](R2ScoreOptions o, const Tensor& w = {}) {
    R2Score m(o);
    // Two batches accumulate like one.
    m.update_state(t.slice(0, 0, 2), p.slice(0, 0, 2), w.defined() ? w.slice(0, 0, 2) : w);
    m.update_state(t.slice(0, 2, 4), p.slice(0, 2, 4), w.defined() ? w.slice(0, 2, 4) : w);
    return m;
  };
  EXPECT_NEAR(score({}).result(), 0.8513554216867469, 1e-9);
  EXPECT_NEAR(score({.class_aggregation = "variance_weighted_average"}).result(),
              0.8780487804878049, 1e-9);
  std::vector<double> per = score({.class_aggregation = std::nullopt}).result_values();
  ASSERT_EQ(per.size(), 2u);
  EXPECT_NEAR(per[0], 0.775, 1e-9);
  EXPECT_NEAR(per[1], 0.92771084, 1e-7);
  EXPECT_NEAR(score({}, f32({1, 2, 0.5f, 1}, {4})).result(), 0.8837792642140468, 1e-9);
  EXPECT_NEAR(score({.num_regressors = 2}).result(), 0.7918975903614457, 1e-9);
  MZ_EXPECT_THROW_MSG(R2Score({.class_aggregation = "median"}), ValueError,
                      "R2Score 'r2_score': class_aggregation must be \"uniform_average\", "
                      "\"variance_weighted_average\" or unset, got \"median\".");
}

TEST(CrossentropyMetrics, MatchKerasExamples) {
  metrics::BinaryCrossentropy bce;
  bce.update_state(kTrue, f32({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2}));
  EXPECT_NEAR(bce.result(), 0.81492424, 1e-6);
  Tensor one_hot = f32({0, 1, 0, 0, 0, 1}, {2, 3});
  Tensor probs = f32({0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f}, {2, 3});
  metrics::CategoricalCrossentropy cce;
  cce.update_state(one_hot, probs);
  EXPECT_NEAR(cce.result(), 1.1769392, 1e-6);
  metrics::SparseCategoricalCrossentropy scce;
  scce.update_state(f32({1, 2}, {2}), probs);
  EXPECT_NEAR(scce.result(), 1.1769392, 1e-6);
  metrics::SparseCategoricalCrossentropy logits({.from_logits = true});
  logits.update_state(f32({1, 2}, {2}), log(probs + 1e-30));
  EXPECT_NEAR(logits.result(), scce.result(), 1e-5);
  EXPECT_EQ(logits.config()["from_logits"], true);
}

}  // namespace
}  // namespace mz
