// Accuracy metrics: Keras's docstring examples (update_state / result / reset_state), sample
// weights and shapes (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
// TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy).
#include "mz/nn/metrics/accuracy.h"
#include "mz/nn/metrics/binary_accuracy.h"
#include "mz/nn/metrics/categorical_accuracy.h"
#include "mz/nn/metrics/sparse_categorical_accuracy.h"
#include "mz/nn/metrics/sparse_top_k_categorical_accuracy.h"
#include "mz/nn/metrics/top_k_categorical_accuracy.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using namespace metrics;

Tensor f32(std::vector<float> v, Shape s) { return tensor(v, s); }

TEST(Accuracy, MatchesKerasExample) {
  Accuracy m;
  m.update_state(f32({1, 2, 3, 4}, {4, 1}), f32({0, 2, 3, 4}, {4, 1}));
  EXPECT_NEAR(m.result(), 0.75, 1e-12);
  m.reset_state();
  EXPECT_EQ(m.result(), 0.0);
  m.update_state(f32({1, 2, 3, 4}, {4, 1}), f32({0, 2, 3, 4}, {4, 1}), f32({1, 1, 0, 0}, {4}));
  EXPECT_NEAR(m.result(), 0.5, 1e-12);
  EXPECT_EQ(m.name(), "accuracy");
  EXPECT_EQ(m.class_name(), "Accuracy");
}

TEST(Accuracy, AccumulatesAcrossBatches) {
  Accuracy m;
  m.update_state(f32({1, 2}, {2}), f32({1, 0}, {2}));
  m.update_state(f32({1, 2, 3, 4}, {4}), f32({1, 2, 3, 4}, {4}));
  EXPECT_NEAR(m.result(), 5.0 / 6.0, 1e-12);
}

TEST(BinaryAccuracy, MatchesKerasExample) {
  BinaryAccuracy m;
  Tensor t = f32({1, 1, 0, 0}, {4, 1}), p = f32({0.98f, 1, 0, 0.6f}, {4, 1});
  m.update_state(t, p);
  EXPECT_NEAR(m.result(), 0.75, 1e-12);
  m.reset_state();
  m.update_state(t, p, f32({1, 0, 0, 1}, {4}));
  EXPECT_NEAR(m.result(), 0.5, 1e-12);
  BinaryAccuracy strict({.threshold = 0.7});
  strict.update_state(t, p);
  EXPECT_NEAR(strict.result(), 1.0, 1e-12);
  EXPECT_EQ(strict.config()["threshold"], 0.7);
  // Multi-label rows: each sample's share of right labels, then the mean over samples.
  BinaryAccuracy multi;
  multi.update_state(f32({1, 0, 1, 1}, {2, 2}), f32({0.9f, 0.2f, 0.1f, 0.8f}, {2, 2}));
  EXPECT_NEAR(multi.result(), 0.75, 1e-12);
}

TEST(CategoricalAccuracy, MatchesKerasExample) {
  CategoricalAccuracy m;
  Tensor t = f32({0, 0, 1, 0, 1, 0}, {2, 3});
  Tensor p = f32({0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0}, {2, 3});
  m.update_state(t, p);
  EXPECT_NEAR(m.result(), 0.5, 1e-12);
  m.reset_state();
  m.update_state(t, p, f32({0.7f, 0.3f}, {2}));
  EXPECT_NEAR(m.result(), 0.3, 1e-7);
}

TEST(SparseCategoricalAccuracy, MatchesKerasExample) {
  SparseCategoricalAccuracy m;
  Tensor p = f32({0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0}, {2, 3});
  m.update_state(f32({2, 1}, {2, 1}), p);
  EXPECT_NEAR(m.result(), 0.5, 1e-12);
  m.reset_state();
  m.update_state(f32({2, 1}, {2, 1}), p, f32({0.7f, 0.3f}, {2}));
  EXPECT_NEAR(m.result(), 0.3, 1e-7);
  // Integer labels of shape (batch,) work the same.
  m.reset_state();
  m.update_state(tensor(std::vector<int64_t>{1, 1}, {2}), p);
  EXPECT_NEAR(m.result(), 1.0, 1e-12);
  EXPECT_EQ(sparse_categorical_accuracy(f32({2, 1}, {2, 1}), p).shape(), Shape({2}));
}

TEST(TopKCategoricalAccuracy, MatchesKerasExample) {
  TopKCategoricalAccuracy m({.k = 1});
  Tensor t = f32({0, 0, 1, 0, 1, 0}, {2, 3});
  Tensor p = f32({0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0}, {2, 3});
  m.update_state(t, p);
  EXPECT_NEAR(m.result(), 0.5, 1e-12);
  m.reset_state();
  m.update_state(t, p, f32({0.7f, 0.3f}, {2}));
  EXPECT_NEAR(m.result(), 0.3, 1e-7);
  TopKCategoricalAccuracy two({.k = 2});
  two.update_state(t, p);
  EXPECT_NEAR(two.result(), 1.0, 1e-12);
  EXPECT_EQ(TopKCategoricalAccuracy().config()["k"], 5);
}

TEST(SparseTopKCategoricalAccuracy, MatchesKerasExample) {
  SparseTopKCategoricalAccuracy m({.k = 1});
  Tensor p = f32({0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0}, {2, 3});
  m.update_state(f32({2, 1}, {2}), p);
  EXPECT_NEAR(m.result(), 0.5, 1e-12);
  m.reset_state();
  m.update_state(f32({2, 1}, {2}), p, f32({0.7f, 0.3f}, {2}));
  EXPECT_NEAR(m.result(), 0.3, 1e-7);
  // Ties with the target count as in the top k (fewer than k strictly larger values).
  Tensor tie = f32({0.5f, 0.5f, 0.0f}, {1, 3});
  EXPECT_EQ(sparse_top_k_categorical_accuracy(f32({1}, {1}), tie, 1).item(), 1.0);
  EXPECT_EQ(sparse_top_k_categorical_accuracy(f32({2}, {1}), tie, 2).item(), 0.0);
}

TEST(AccuracyMetrics, AcceptOutputsThatRequireGrad) {
  Tensor p = f32({0.1f, 0.6f, 0.3f}, {1, 3});
  p.set_requires_grad(true);
  Tensor y = p * 2.0;
  SparseCategoricalAccuracy m;
  m.update_state(f32({1}, {1}), y);
  EXPECT_NEAR(m.result(), 1.0, 0.0);
}

}  // namespace
}  // namespace mz
