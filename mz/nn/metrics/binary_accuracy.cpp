// BinaryAccuracy: Keras 3's binary_accuracy (keras/src/metrics/accuracy_metrics.py).
#include "mz/nn/metrics/binary_accuracy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/metrics/metric_utils.h"
#include "mz/ops/ops.h"

namespace mz::metrics {

Tensor binary_accuracy(const Tensor& y_true, const Tensor& y_pred, double threshold) {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  Tensor predicted =
      cast(gt(p, scalar(threshold, {.dtype = p.dtype(), .device = p.device()})), DType::f64);
  return cast(eq(cast(t, DType::f64), predicted), DType::f32);
}

BinaryAccuracy::BinaryAccuracy(BinaryAccuracyOptions options)
    : MeanMetricWrapper(
          [threshold = options.threshold](const Tensor& t, const Tensor& p) {
            return binary_accuracy(t, p, threshold);
          },
          options.name),
      threshold_(options.threshold) {}

Json BinaryAccuracy::config() const {
  Json c = Metric::config();
  c["threshold"] = threshold_;
  return c;
}

}  // namespace mz::metrics
