// MeanAbsolutePercentageError: 100 * mean(|(y_true - y_pred) / y_true|) over the last axis.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's MeanAbsolutePercentageError(reduction, name).
struct MeanAbsolutePercentageErrorOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "mean_absolute_percentage_error";
};

// 100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), 1e-7)), axis=-1).
Tensor mean_absolute_percentage_error(const Tensor& y_true, const Tensor& y_pred);

// The MeanAbsolutePercentageError loss object: call() gives the per-sample values of the function
// above, operator() weights and reduces them (Loss).
class MeanAbsolutePercentageError : public Loss {
 public:
  explicit MeanAbsolutePercentageError(MeanAbsolutePercentageErrorOptions options = {});
  // The per-sample losses of mean_absolute_percentage_error().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "MeanAbsolutePercentageError"; }
};

}  // namespace mz::losses
