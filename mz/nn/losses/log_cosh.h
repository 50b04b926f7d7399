// LogCosh: mean(log(cosh(y_pred - y_true))) over the last axis, in Keras's stable form.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's LogCosh(reduction, name).
struct LogCoshOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "log_cosh";
};

// mean(x + softplus(-2x) - log(2), axis=-1) with x = y_pred - y_true (= log(cosh(x))).
Tensor log_cosh(const Tensor& y_true, const Tensor& y_pred);

// The LogCosh loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class LogCosh : public Loss {
 public:
  explicit LogCosh(LogCoshOptions options = {});
  // The per-sample losses of log_cosh().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "LogCosh"; }
};

}  // namespace mz::losses
