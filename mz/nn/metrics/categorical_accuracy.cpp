// CategoricalAccuracy: Keras 3's categorical_accuracy (keras/src/metrics/accuracy_metrics.py).
#include "mz/nn/metrics/categorical_accuracy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/metrics/metric_utils.h"
#include "mz/ops/ops.h"

namespace mz::metrics {

Tensor categorical_accuracy(const Tensor& y_true, const Tensor& y_pred) {
  return cast(eq(argmax(y_true, -1), argmax(y_pred, -1)), DType::f32);
}

CategoricalAccuracy::CategoricalAccuracy(CategoricalAccuracyOptions options)
    : MeanMetricWrapper([](const Tensor& t, const Tensor& p) { return categorical_accuracy(t, p); },
                        options.name) {}

}  // namespace mz::metrics
