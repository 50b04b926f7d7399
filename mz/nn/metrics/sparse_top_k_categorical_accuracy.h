// SparseTopKCategoricalAccuracy: how often the integer label is among the k largest predictions
// (Keras's metric and function).
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's SparseTopKCategoricalAccuracy(k, name).
struct SparseTopKCategoricalAccuracyOptions {
  int k = 5;
  std::string name = "sparse_top_k_categorical_accuracy";
};

// 1 where y_true's class is in the top k of y_pred (fewer than k larger values), else 0;
// y_true (batch, ...) or (batch, ..., 1), y_pred (batch, ..., classes) -> (batch, ...).
Tensor sparse_top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int k = 5);

// The running (weighted) mean of the per-sample values above (Mean); result() is that mean.
class SparseTopKCategoricalAccuracy : public MeanMetricWrapper {
 public:
  explicit SparseTopKCategoricalAccuracy(SparseTopKCategoricalAccuracyOptions options = {});
  std::string class_name() const override { return "SparseTopKCategoricalAccuracy"; }
  // Metric's keys plus "k", "from_sorted_ids".
  Json config() const override;

 private:
  int k_;
};

}  // namespace mz::metrics

namespace mz::detail {

// Keras's ops.in_top_k: 1 where the prediction at each target is beaten by fewer than k others
// (NaN counts as -inf; targets outside [0, classes) give 0), as float32 of targets' shape.
Tensor in_top_k(const Tensor& targets, const Tensor& predictions, int k);

}  // namespace mz::detail
