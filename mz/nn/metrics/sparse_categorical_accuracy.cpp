// SparseCategoricalAccuracy: Keras 3's sparse_categorical_accuracy
// (keras/src/metrics/accuracy_metrics.py).
#include "mz/nn/metrics/sparse_categorical_accuracy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/metrics/metric_utils.h"
#include "mz/ops/ops.h"

namespace mz::metrics {

Tensor sparse_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred) {
  Tensor t = y_true;
  if (t.rank() == y_pred.rank() && t.rank() > 0 && t.shape().back() == 1) t = t.squeeze(-1);
  Tensor matches = cast(eq(cast(t, DType::f64), cast(argmax(y_pred, -1), DType::f64)), DType::f32);
  if (matches.rank() > 1 && matches.shape().back() == 1) matches = matches.squeeze(-1);
  return matches;
}

SparseCategoricalAccuracy::SparseCategoricalAccuracy(SparseCategoricalAccuracyOptions options)
    : MeanMetricWrapper(
          [](const Tensor& t, const Tensor& p) { return sparse_categorical_accuracy(t, p); },
          options.name) {}

}  // namespace mz::metrics
