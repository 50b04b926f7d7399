// MeanAbsoluteError: the mean of absolute errors over the last axis (Keras's loss and function).
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's MeanAbsoluteError(reduction, name).
struct MeanAbsoluteErrorOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "mean_absolute_error";
};

// mean(abs(y_true - y_pred), axis=-1): (batch, ..., d) -> (batch, ...).
Tensor mean_absolute_error(const Tensor& y_true, const Tensor& y_pred);

// The MeanAbsoluteError loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class MeanAbsoluteError : public Loss {
 public:
  explicit MeanAbsoluteError(MeanAbsoluteErrorOptions options = {});
  // The per-sample losses of mean_absolute_error().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "MeanAbsoluteError"; }
};

}  // namespace mz::losses
