// MeanSquaredError: the mean of squared errors over the last axis (Keras's loss and function).
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's MeanSquaredError(reduction, name).
struct MeanSquaredErrorOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "mean_squared_error";
};

// mean(square(y_true - y_pred), axis=-1): (batch, ..., d) -> (batch, ...).
Tensor mean_squared_error(const Tensor& y_true, const Tensor& y_pred);

// The MeanSquaredError loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class MeanSquaredError : public Loss {
 public:
  explicit MeanSquaredError(MeanSquaredErrorOptions options = {});
  // The per-sample losses of mean_squared_error().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "MeanSquaredError"; }
};

}  // namespace mz::losses
