// get_metric: Keras's resolution of "accuracy"/"acc" and "crossentropy"/"ce" by the loss and the
// first batch's shapes, the other names, the error listing valid names; make_metric and
// MetricSpec.
#include "mz/nn/metrics/metric.h"

#include "mz/nn/losses/binary_crossentropy.h"
#include "mz/nn/losses/categorical_crossentropy.h"
#include "mz/nn/losses/mean_squared_error.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/metrics/binary_crossentropy.h"
#include "mz/nn/metrics/mean_metric_wrapper.h"
#include "mz/nn/metrics/sparse_categorical_crossentropy.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

Tensor f32(std::vector<float> v, Shape s) { return tensor(v, s); }

std::string resolved(const std::string& name, const Loss* loss, Shape y_true, Shape y_pred) {
  return get_metric(name, loss, y_true, y_pred)->class_name();
}

TEST(GetMetric, AccuracyFollowsTheLoss) {
  losses::SparseCategoricalCrossentropy scce({.from_logits = true});
  losses::CategoricalCrossentropy cce;
  losses::BinaryCrossentropy bce;
  EXPECT_EQ(resolved("accuracy", &scce, {32}, {32, 10}), "SparseCategoricalAccuracy");
  EXPECT_EQ(resolved("accuracy", &cce, {32, 10}, {32, 10}), "CategoricalAccuracy");
  // Multi-label outputs under binary crossentropy stay binary.
  EXPECT_EQ(resolved("accuracy", &bce, {32, 5}, {32, 5}), "BinaryAccuracy");
  EXPECT_EQ(resolved("acc", get_loss("binary_focal_crossentropy").get(), {8, 1}, {8, 1}),
            "BinaryAccuracy");
  MetricPtr m = get_metric("acc", &scce, {32}, {32, 10});
  EXPECT_EQ(m->name(), "acc");
}

TEST(GetMetric, AccuracyFollowsTheShapesForOtherLosses) {
  losses::MeanSquaredError mse;
  EXPECT_EQ(resolved("accuracy", &mse, {32, 1}, {32, 1}), "BinaryAccuracy");
  EXPECT_EQ(resolved("accuracy", &mse, {32}, {32, 10}), "SparseCategoricalAccuracy");
  EXPECT_EQ(resolved("accuracy", &mse, {32, 1}, {32, 10}), "SparseCategoricalAccuracy");
  EXPECT_EQ(resolved("accuracy", &mse, {32, 10}, {32, 10}), "CategoricalAccuracy");
  EXPECT_EQ(resolved("Accuracy", nullptr, {32, 10}, {32, 10}), "CategoricalAccuracy");
  LossPtr custom = make_loss([](const Tensor& t, const Tensor&) { return t; });
  EXPECT_EQ(resolved("accuracy", custom.get(), {4}, {4, 3}), "SparseCategoricalAccuracy");
}

TEST(GetMetric, CrossentropyFollowsTheLossAndItsLogits) {
  losses::SparseCategoricalCrossentropy scce({.from_logits = true});
  MetricPtr m = get_metric("crossentropy", &scce, {4}, {4, 3});
  auto* sparse = dynamic_cast<metrics::SparseCategoricalCrossentropy*>(m.get());
  ASSERT_NE(sparse, nullptr);
  EXPECT_EQ(sparse->config()["from_logits"], true);
  EXPECT_EQ(m->name(), "crossentropy");
  EXPECT_EQ(resolved("ce", nullptr, {4, 1}, {4, 1}), "BinaryCrossentropy");
  EXPECT_EQ(resolved("ce", nullptr, {4, 3}, {4, 3}), "CategoricalCrossentropy");
}

TEST(GetMetric, ResolvesKerasNames) {
  struct Case {
    const char* name;
    const char* class_name;
  };
  for (Case c :
       std::vector<Case>{{"mse", "MeanSquaredError"},
                         {"mean_squared_error", "MeanSquaredError"},
                         {"mae", "MeanAbsoluteError"},
                         {"mape", "MeanAbsolutePercentageError"},
                         {"msle", "MeanSquaredLogarithmicError"},
                         {"rmse", "RootMeanSquaredError"},
                         {"root_mean_squared_error", "RootMeanSquaredError"},
                         {"auc", "AUC"},
                         {"AUC", "AUC"},
                         {"precision", "Precision"},
                         {"recall", "Recall"},
                         {"f1_score", "F1Score"},
                         {"r2_score", "R2Score"},
                         {"top_k_categorical_accuracy", "TopKCategoricalAccuracy"},
                         {"sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy"},
                         {"binary_accuracy", "BinaryAccuracy"},
                         {"CategoricalAccuracy", "CategoricalAccuracy"},
                         {"bce", "BinaryCrossentropy"},
                         {"hinge", "MeanMetricWrapper"},
                         {"kld", "MeanMetricWrapper"}}) {
    MetricPtr m = get_metric(c.name, nullptr, {4, 3}, {4, 3});
    EXPECT_EQ(m->class_name(), c.class_name) << c.name;
    EXPECT_EQ(m->name(), c.name);  // Keras 3 names the metric by the string given
  }
}

TEST(GetMetric, UnknownNameListsTheValidOnes) {
  MZ_EXPECT_THROW_MSG(get_metric("accuracyy", nullptr, {4}, {4, 3}), ValueError,
                      "get_metric: unknown metric: expected one of \"accuracy\", \"acc\", "
                      "\"crossentropy\", \"ce\", ");
  MZ_EXPECT_THROW_MSG(get_metric("accuracyy", nullptr, {4}, {4, 3}), ValueError,
                      "\"top_k_categorical_accuracy\" or a class name such as "
                      "\"CategoricalAccuracy\", got \"accuracyy\".");
}

TEST(MakeMetric, AveragesACallablesValues) {
  MetricPtr m =
      make_metric([](const Tensor& t, const Tensor& p) { return abs(t - p); }, "abs_error");
  EXPECT_EQ(m->name(), "abs_error");
  m->update_state(f32({0, 0}, {2}), f32({1, 3}, {2}));
  m->update_state(f32({0}, {1}), f32({5}, {1}));
  EXPECT_NEAR(m->result(), 3.0, 1e-12);
  EXPECT_EQ(m->result_values(), std::vector<double>{3.0});
}

TEST(MetricSpec, ResolvesNamesAndKeepsObjects) {
  losses::SparseCategoricalCrossentropy scce;
  MetricSpec by_name("accuracy");
  EXPECT_EQ(by_name.resolve(&scce, {4}, {4, 3})->class_name(), "SparseCategoricalAccuracy");
  MetricPtr mine = make_metric([](const Tensor& t, const Tensor&) { return t; }, "mine");
  EXPECT_EQ(MetricSpec(mine).resolve(&scce, {4}, {4, 3}), mine);
  EXPECT_EQ(MetricSpec(metrics::BinaryCrossentropy()).resolve(nullptr, {4}, {4})->class_name(),
            "BinaryCrossentropy");
  Json c = get_metric("auc", nullptr, {4}, {4})->config();
  EXPECT_EQ(c["name"], "auc");
  EXPECT_EQ(c["dtype"], "float32");
}

}  // namespace
}  // namespace mz
