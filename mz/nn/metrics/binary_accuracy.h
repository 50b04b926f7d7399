// BinaryAccuracy: how often (y_pred > threshold) matches 0/1 labels (Keras's metric and function).
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's BinaryAccuracy(threshold, name).
struct BinaryAccuracyOptions {
  double threshold = 0.5;
  std::string name = "binary_accuracy";
};

// 1 where (y_pred > threshold) equals y_true, else 0, element-wise; float32.
Tensor binary_accuracy(const Tensor& y_true, const Tensor& y_pred, double threshold = 0.5);

// The running (weighted) mean of the per-sample values above (Mean); result() is that mean.
class BinaryAccuracy : public MeanMetricWrapper {
 public:
  explicit BinaryAccuracy(BinaryAccuracyOptions options = {});
  std::string class_name() const override { return "BinaryAccuracy"; }
  // Metric's keys plus "threshold".
  Json config() const override;

 private:
  double threshold_;
};

}  // namespace mz::metrics
