// MeanSquaredError metric: Keras 3's MeanSquaredError (keras/src/metrics/regression_metrics.py).
#include "mz/nn/metrics/mean_squared_error.h"

#include "mz/nn/losses/mean_squared_error.h"

namespace mz::metrics {

MeanSquaredError::MeanSquaredError(MeanSquaredErrorOptions options)
    : MeanMetricWrapper(
          [](const Tensor& t, const Tensor& p) { return losses::mean_squared_error(t, p); },
          options.name) {}

}  // namespace mz::metrics
