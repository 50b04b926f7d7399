// RootMeanSquaredError: sqrt of the running (weighted) mean of squared errors
// (keras.metrics.RootMeanSquaredError).
#pragma once

#include <string>

#include "mz/nn/metrics/mean.h"

namespace mz::metrics {

// Keras's RootMeanSquaredError(name).
struct RootMeanSquaredErrorOptions {
  std::string name = "root_mean_squared_error";
};

class RootMeanSquaredError : public Mean {
 public:
  explicit RootMeanSquaredError(RootMeanSquaredErrorOptions options = {});
  // Accumulates square(y_pred - y_true) (after squeeze_or_expand_to_same_rank) as Mean does.
  void update_state(const Tensor& y_true, const Tensor& y_pred,
                    const Tensor& sample_weight = {}) override;
  // sqrt(total / count).
  double result() const override;
  std::string class_name() const override { return "RootMeanSquaredError"; }
};

}  // namespace mz::metrics
