// SparseCategoricalAccuracy: how often argmax(y_pred) equals integer labels (Keras's metric and
// function).
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's SparseCategoricalAccuracy(name).
struct SparseCategoricalAccuracyOptions {
  std::string name = "sparse_categorical_accuracy";
};

// 1 where y_true == argmax(y_pred, -1), else 0: y_true (batch, ...) or (batch, ..., 1), y_pred
// (batch, ..., classes) -> (batch, ...).
Tensor sparse_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred);

// The running (weighted) mean of the per-sample values above (Mean); result() is that mean.
class SparseCategoricalAccuracy : public MeanMetricWrapper {
 public:
  explicit SparseCategoricalAccuracy(SparseCategoricalAccuracyOptions options = {});
  std::string class_name() const override { return "SparseCategoricalAccuracy"; }
};

}  // namespace mz::metrics
