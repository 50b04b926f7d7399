// Poisson: mean(y_pred - y_true * log(y_pred + 1e-7)) over the last axis.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's Poisson(reduction, name).
struct PoissonOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "poisson";
};

// mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1).
Tensor poisson(const Tensor& y_true, const Tensor& y_pred);

// The Poisson loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class Poisson : public Loss {
 public:
  explicit Poisson(PoissonOptions options = {});
  // The per-sample losses of poisson().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "Poisson"; }
};

}  // namespace mz::losses
