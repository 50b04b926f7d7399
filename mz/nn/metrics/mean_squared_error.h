// MeanSquaredError metric: the running mean of the mean of squared errors per sample
// (keras.metrics.MeanSquaredError); the per-sample values come from mz::losses::mean_squared_error.
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's MeanSquaredError(name).
struct MeanSquaredErrorOptions {
  std::string name = "mean_squared_error";
};

// The running (weighted) mean of losses::mean_squared_error per sample (Mean); result() is that
// mean.
class MeanSquaredError : public MeanMetricWrapper {
 public:
  explicit MeanSquaredError(MeanSquaredErrorOptions options = {});
  std::string class_name() const override { return "MeanSquaredError"; }
};

}  // namespace mz::metrics
