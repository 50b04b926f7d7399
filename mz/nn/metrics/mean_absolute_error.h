// MeanAbsoluteError metric: the running mean of the mean of absolute errors per sample
// (keras.metrics.MeanAbsoluteError); the per-sample values come from
// mz::losses::mean_absolute_error.
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's MeanAbsoluteError(name).
struct MeanAbsoluteErrorOptions {
  std::string name = "mean_absolute_error";
};

// The running (weighted) mean of losses::mean_absolute_error per sample (Mean); result() is that
// mean.
class MeanAbsoluteError : public MeanMetricWrapper {
 public:
  explicit MeanAbsoluteError(MeanAbsoluteErrorOptions options = {});
  std::string class_name() const override { return "MeanAbsoluteError"; }
};

}  // namespace mz::metrics
