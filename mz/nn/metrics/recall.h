// Recall: the fraction of positives that are predicted positive, tp / (tp + fn), at one or more
// thresholds, optionally within the top k predictions or for one class (keras.metrics.Recall).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mz/nn/metrics/metric.h"
#include "mz/nn/metrics/metric_utils.h"

namespace mz::metrics {

// Keras's Recall(thresholds, top_k, class_id, name).
struct RecallOptions {
  // A prediction is positive when > threshold; each in [0, 1]. Empty: 0.5, or with top_k every
  // prediction in the top k.
  std::vector<double> thresholds = {};
  std::optional<int> top_k = std::nullopt;  // only the k largest predictions of the last axis count
  std::optional<int> class_id = std::nullopt;  // only this index of the last axis counts
  std::string name = "recall";
};

class Recall : public Metric {
 public:
  explicit Recall(RecallOptions options = {});
  // Accumulates weighted counts; y_true is 0/1 (nonzero is positive), y_true and y_pred have
  // one shape (after squeeze_or_expand_to_same_rank); sample_weight (batch,) or broadcasting.
  void update_state(const Tensor& y_true, const Tensor& y_pred,
                    const Tensor& sample_weight = {}) override;
  // tp / (tp + fn) at the first threshold (0 when the denominator is 0).
  double result() const override;
  // tp / (tp + fn) at each threshold.
  std::vector<double> result_values() const override;
  void reset_state() override;
  std::string class_name() const override { return "Recall"; }
  // Metric's keys plus "thresholds", "top_k", "class_id".
  Json config() const override;

 private:
  RecallOptions options_;
  detail::ConfusionOptions confusion_;
  detail::ConfusionCounts counts_;
};

}  // namespace mz::metrics
