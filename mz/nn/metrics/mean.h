// Mean: Keras's running (weighted) average; every sample's values are first averaged over
// their non-batch axes. The base of MeanMetricWrapper and the accuracy/regression metrics.
#pragma once

#include <string>

#include "mz/nn/metrics/metric.h"

namespace mz::metrics {

// Keras's Mean(name).
struct MeanOptions {
  std::string name = "mean";
};

class Mean : public Metric {
 public:
  explicit Mean(MeanOptions options = {});
  // Adds values (batch, ...) (or a scalar) weighted by sample_weight, which is (batch,) or
  // broadcasts to the values' shape (Keras's reduce_to_samplewise_values). Not recorded.
  void update_values(const Tensor& values, const Tensor& sample_weight = {});
  // Accumulates y_pred as the values; y_true is not used.
  void update_state(const Tensor& y_true, const Tensor& y_pred,
                    const Tensor& sample_weight = {}) override;
  // total / count (0 before any update).
  double result() const override;
  void reset_state() override;
  std::string class_name() const override { return "Mean"; }
  double total() const { return total_; }
  double count() const { return count_; }

 private:
  double total_ = 0.0, count_ = 0.0;
};

}  // namespace mz::metrics
