// Accuracy: Keras 3's accuracy (keras/src/metrics/accuracy_metrics.py).
#include "mz/nn/metrics/accuracy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/metrics/metric_utils.h"
#include "mz/ops/ops.h"

namespace mz::metrics {

Tensor accuracy(const Tensor& y_true, const Tensor& y_pred) {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  DType common = is_floating(p.dtype()) ? p.dtype() : DType::f64;
  return cast(eq(cast(t, common), cast(p, common)), DType::f32);
}

Accuracy::Accuracy(AccuracyOptions options)
    : MeanMetricWrapper([](const Tensor& t, const Tensor& p) { return accuracy(t, p); },
                        options.name) {}

}  // namespace mz::metrics
