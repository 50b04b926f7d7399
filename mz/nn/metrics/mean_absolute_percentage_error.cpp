// MeanAbsolutePercentageError metric: Keras 3's MeanAbsolutePercentageError
// (keras/src/metrics/regression_metrics.py).
#include "mz/nn/metrics/mean_absolute_percentage_error.h"

#include "mz/nn/losses/mean_absolute_percentage_error.h"

namespace mz::metrics {

MeanAbsolutePercentageError::MeanAbsolutePercentageError(MeanAbsolutePercentageErrorOptions options)
    : MeanMetricWrapper(
          [](const Tensor& t, const Tensor& p) {
            return losses::mean_absolute_percentage_error(t, p);
          },
          options.name) {}

}  // namespace mz::metrics
