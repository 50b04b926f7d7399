// Accuracy: how often y_pred equals y_true exactly, element-wise (Keras's metric and function).
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's Accuracy(name).
struct AccuracyOptions {
  std::string name = "accuracy";
};

// 1 where y_true == y_pred (after squeeze_or_expand_to_same_rank), else 0; float32.
Tensor accuracy(const Tensor& y_true, const Tensor& y_pred);

// The running (weighted) mean of the per-sample values above (Mean); result() is that mean.
class Accuracy : public MeanMetricWrapper {
 public:
  explicit Accuracy(AccuracyOptions options = {});
  std::string class_name() const override { return "Accuracy"; }
};

}  // namespace mz::metrics
