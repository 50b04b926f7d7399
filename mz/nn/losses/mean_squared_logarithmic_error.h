// MeanSquaredLogarithmicError: mean(square(log(y_pred + 1) - log(y_true + 1))) over the last axis.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's MeanSquaredLogarithmicError(reduction, name).
struct MeanSquaredLogarithmicErrorOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "mean_squared_logarithmic_error";
};

// mean(square(log(maximum(y_pred, 1e-7) + 1) - log(maximum(y_true, 1e-7) + 1)), axis=-1).
Tensor mean_squared_logarithmic_error(const Tensor& y_true, const Tensor& y_pred);

// The MeanSquaredLogarithmicError loss object: call() gives the per-sample values of the function
// above, operator() weights and reduces them (Loss).
class MeanSquaredLogarithmicError : public Loss {
 public:
  explicit MeanSquaredLogarithmicError(MeanSquaredLogarithmicErrorOptions options = {});
  // The per-sample losses of mean_squared_logarithmic_error().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "MeanSquaredLogarithmicError"; }
};

}  // namespace mz::losses
