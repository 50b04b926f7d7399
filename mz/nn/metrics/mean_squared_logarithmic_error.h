// MeanSquaredLogarithmicError metric: the running mean of mean(square(log(y_pred + 1) - log(y_true
// + 1))) per sample (keras.metrics.MeanSquaredLogarithmicError); the per-sample values come from
// mz::losses::mean_squared_logarithmic_error.
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's MeanSquaredLogarithmicError(name).
struct MeanSquaredLogarithmicErrorOptions {
  std::string name = "mean_squared_logarithmic_error";
};

// The running (weighted) mean of losses::mean_squared_logarithmic_error per sample (Mean); result()
// is that mean.
class MeanSquaredLogarithmicError : public MeanMetricWrapper {
 public:
  explicit MeanSquaredLogarithmicError(MeanSquaredLogarithmicErrorOptions options = {});
  std::string class_name() const override { return "MeanSquaredLogarithmicError"; }
};

}  // namespace mz::metrics
