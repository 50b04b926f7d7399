// MeanAbsoluteError metric: Keras 3's MeanAbsoluteError (keras/src/metrics/regression_metrics.py).
#include "mz/nn/metrics/mean_absolute_error.h"

#include "mz/nn/losses/mean_absolute_error.h"

namespace mz::metrics {

MeanAbsoluteError::MeanAbsoluteError(MeanAbsoluteErrorOptions options)
    : MeanMetricWrapper(
          [](const Tensor& t, const Tensor& p) { return losses::mean_absolute_error(t, p); },
          options.name) {}

}  // namespace mz::metrics
