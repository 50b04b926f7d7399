// R2Score: the coefficient of determination, 1 - SS_res / SS_tot per output, aggregated
// (keras.metrics.R2Score).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mz/nn/metrics/metric.h"

namespace mz::metrics {

// Keras's R2Score(class_aggregation, num_regressors, name).
struct R2ScoreOptions {
  // "uniform_average" (mean over outputs), "variance_weighted_average", or unset (one score per
  // output: result() gives their mean, result_values() each).
  std::optional<std::string> class_aggregation = "uniform_average";
  int num_regressors = 0;  // > 0 gives the adjusted R2 with n = the number of label values
  std::string name = "r2_score";
};

class R2Score : public Metric {
 public:
  // Throws ValueError for an unknown class_aggregation or num_regressors < 0.
  explicit R2Score(R2ScoreOptions options = {});
  // y_true and y_pred (batch, outputs) after squeeze_or_expand_to_same_rank; sample_weight
  // (batch,) or (batch, outputs). Throws ValueError for other ranks or a changed output count.
  void update_state(const Tensor& y_true, const Tensor& y_pred,
                    const Tensor& sample_weight = {}) override;
  double result() const override;
  // One score per output when class_aggregation is unset, else {result()}.
  std::vector<double> result_values() const override;
  void reset_state() override;
  std::string class_name() const override { return "R2Score"; }
  // Metric's keys plus "class_aggregation", "num_regressors".
  Json config() const override;

 private:
  std::vector<double> raw_scores() const;
  double adjust(double r2) const;

  R2ScoreOptions options_;
  std::vector<double> sum_, squared_sum_, total_mse_, count_;  // per output
  double num_samples_ = 0.0;
  int64_t outputs_ = -1;  // fixed by the first batch
};

}  // namespace mz::metrics
