// TopKCategoricalAccuracy: how often the one-hot target is among the k largest predictions (Keras's
// metric and function).
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's TopKCategoricalAccuracy(k, name).
struct TopKCategoricalAccuracyOptions {
  int k = 5;
  std::string name = "top_k_categorical_accuracy";
};

// 1 where the class argmax(y_true) is in the top k of y_pred (fewer than k larger values), else 0.
Tensor top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int k = 5);

// The running (weighted) mean of the per-sample values above (Mean); result() is that mean.
class TopKCategoricalAccuracy : public MeanMetricWrapper {
 public:
  explicit TopKCategoricalAccuracy(TopKCategoricalAccuracyOptions options = {});
  std::string class_name() const override { return "TopKCategoricalAccuracy"; }
  // Metric's keys plus "k".
  Json config() const override;

 private:
  int k_;
};

}  // namespace mz::metrics
