// MeanAbsolutePercentageError metric: the running mean of 100 * mean(|(y_true - y_pred) / y_true|)
// per sample (keras.metrics.MeanAbsolutePercentageError); the per-sample values come from
// mz::losses::mean_absolute_percentage_error.
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's MeanAbsolutePercentageError(name).
struct MeanAbsolutePercentageErrorOptions {
  std::string name = "mean_absolute_percentage_error";
};

// The running (weighted) mean of losses::mean_absolute_percentage_error per sample (Mean); result()
// is that mean.
class MeanAbsolutePercentageError : public MeanMetricWrapper {
 public:
  explicit MeanAbsolutePercentageError(MeanAbsolutePercentageErrorOptions options = {});
  std::string class_name() const override { return "MeanAbsolutePercentageError"; }
};

}  // namespace mz::metrics
