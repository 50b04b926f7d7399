// TopKCategoricalAccuracy: Keras 3's top_k_categorical_accuracy
// (keras/src/metrics/accuracy_metrics.py).
#include "mz/nn/metrics/top_k_categorical_accuracy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/metrics/metric_utils.h"
#include "mz/nn/metrics/sparse_top_k_categorical_accuracy.h"
#include "mz/ops/ops.h"

namespace mz::metrics {

Tensor top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int k) {
  return detail::in_top_k(argmax(y_true, -1), y_pred, k);
}

TopKCategoricalAccuracy::TopKCategoricalAccuracy(TopKCategoricalAccuracyOptions options)
    : MeanMetricWrapper(
          [k = options.k](const Tensor& t, const Tensor& p) {
            return top_k_categorical_accuracy(t, p, k);
          },
          options.name),
      k_(options.k) {}

Json TopKCategoricalAccuracy::config() const {
  Json c = Metric::config();
  c["k"] = k_;
  return c;
}

}  // namespace mz::metrics
