// AUC: the area under the ROC or precision-recall curve, approximated by a Riemann sum over
// num_thresholds thresholds (keras.metrics.AUC, single-label).
#pragma once

#include <string>
#include <vector>

#include "mz/nn/metrics/metric.h"
#include "mz/nn/metrics/metric_utils.h"

namespace mz::metrics {

// Keras's AUC(num_thresholds, curve, summation_method, name, thresholds, from_logits); the
// multi_label form is not offered.
struct AUCOptions {
  int num_thresholds = 200;   // > 1; Keras's thresholds: 0 - 1e-7, i / (n - 1) ..., 1 + 1e-7
  std::string curve = "ROC";  // "ROC" or "PR"
  std::string summation_method = "interpolation";  // or "minoring", "majoring"
  // Inner thresholds in [0, 1] instead of the evenly spaced ones (then n = size + 2).
  std::vector<double> thresholds = {};
  bool from_logits = false;  // apply a sigmoid to y_pred first
  std::string name = "auc";
};

class AUC : public Metric {
 public:
  // Throws ValueError for num_thresholds <= 1, an unknown curve or summation method, or a
  // threshold outside [0, 1].
  explicit AUC(AUCOptions options = {});
  // Accumulates weighted tp/fp/tn/fn per threshold; y_true 0/1, y_pred probabilities.
  void update_state(const Tensor& y_true, const Tensor& y_pred,
                    const Tensor& sample_weight = {}) override;
  // The area: interpolated ROC (mid-point rule) or, for PR, Davis & Goadrich's interpolation.
  double result() const override;
  void reset_state() override;
  std::string class_name() const override { return "AUC"; }
  // Metric's keys plus "num_thresholds", "curve", "summation_method", "multi_label",
  // "num_labels", "label_weights", "from_logits", and "thresholds" when given.
  Json config() const override;
  // The full list of thresholds, epsilon ends included.
  const std::vector<double>& thresholds() const { return confusion_.thresholds; }
  const detail::ConfusionCounts& counts() const { return counts_; }

 private:
  double interpolate_pr_auc() const;

  AUCOptions options_;
  detail::ConfusionOptions confusion_;
  detail::ConfusionCounts counts_;
};

}  // namespace mz::metrics
