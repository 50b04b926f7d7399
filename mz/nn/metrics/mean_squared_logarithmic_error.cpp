// MeanSquaredLogarithmicError metric: Keras 3's MeanSquaredLogarithmicError
// (keras/src/metrics/regression_metrics.py).
#include "mz/nn/metrics/mean_squared_logarithmic_error.h"

#include "mz/nn/losses/mean_squared_logarithmic_error.h"

namespace mz::metrics {

MeanSquaredLogarithmicError::MeanSquaredLogarithmicError(MeanSquaredLogarithmicErrorOptions options)
    : MeanMetricWrapper(
          [](const Tensor& t, const Tensor& p) {
            return losses::mean_squared_logarithmic_error(t, p);
          },
          options.name) {}

}  // namespace mz::metrics
