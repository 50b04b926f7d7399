// SparseTopKCategoricalAccuracy: Keras 3's sparse_top_k_categorical_accuracy
// (keras/src/metrics/accuracy_metrics.py).
#include "mz/nn/metrics/sparse_top_k_categorical_accuracy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/metrics/metric_utils.h"
#include "mz/ops/ops.h"

namespace mz::detail {

Tensor in_top_k(const Tensor& targets, const Tensor& predictions, int k) {
  const int64_t classes = predictions.rank() == 0 ? 1 : predictions.shape().back();
  std::vector<double> p = host_doubles(predictions), t = host_doubles(targets);
  if (static_cast<int64_t>(t.size()) * classes != static_cast<int64_t>(p.size()))
    throw ValueError(
        str("in_top_k: targets must have predictions' shape without the class axis: ", "expected ",
            static_cast<int64_t>(p.size()) / std::max<int64_t>(classes, 1), " targets, got shape ",
            targets.shape(), "."));
  std::vector<float> hit(t.size(), 0.0f);
  for (std::size_t r = 0; r < t.size(); ++r) {
    double label = t[r];
    if (!(label >= 0 && label < static_cast<double>(classes))) continue;
    const double* row = p.data() + r * classes;
    double at = row[static_cast<int64_t>(label)];
    if (std::isnan(at)) at = -INFINITY;
    int64_t larger = 0;
    for (int64_t j = 0; j < classes; ++j) larger += row[j] > at;
    hit[r] = larger < k ? 1.0f : 0.0f;
  }
  return tensor(hit, targets.shape());
}

}  // namespace mz::detail

namespace mz::metrics {
Tensor sparse_top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int k) {
  Tensor t = y_true;
  if (t.rank() == y_pred.rank() && t.rank() > 0 && t.shape().back() == 1) t = t.squeeze(-1);
  return detail::in_top_k(t, y_pred, k);
}

SparseTopKCategoricalAccuracy::SparseTopKCategoricalAccuracy(
    SparseTopKCategoricalAccuracyOptions options)
    : MeanMetricWrapper(
          [k = options.k](const Tensor& t, const Tensor& p) {
            return sparse_top_k_categorical_accuracy(t, p, k);
          },
          options.name),
      k_(options.k) {}

Json SparseTopKCategoricalAccuracy::config() const {
  Json c = Metric::config();
  c["k"] = k_;
  c["from_sorted_ids"] = false;
  return c;
}

}  // namespace mz::metrics
