// CategoricalAccuracy: how often argmax(y_pred) equals argmax(y_true) for one-hot labels (Keras's
// metric and function).
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's CategoricalAccuracy(name).
struct CategoricalAccuracyOptions {
  std::string name = "categorical_accuracy";
};

// 1 where argmax(y_true, -1) == argmax(y_pred, -1), else 0: (batch, ..., classes) -> (batch, ...).
Tensor categorical_accuracy(const Tensor& y_true, const Tensor& y_pred);

// The running (weighted) mean of the per-sample values above (Mean); result() is that mean.
class CategoricalAccuracy : public MeanMetricWrapper {
 public:
  explicit CategoricalAccuracy(CategoricalAccuracyOptions options = {});
  std::string class_name() const override { return "CategoricalAccuracy"; }
};

}  // namespace mz::metrics
