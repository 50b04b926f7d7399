// CategoricalHinge: maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) per sample.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's CategoricalHinge(reduction, name).
struct CategoricalHingeOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "categorical_hinge";
};

// maximum(neg - pos + 1, 0) with pos = sum(t * p, -1), neg = max((1 - t) * p, -1).
Tensor categorical_hinge(const Tensor& y_true, const Tensor& y_pred);

// The CategoricalHinge loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class CategoricalHinge : public Loss {
 public:
  explicit CategoricalHinge(CategoricalHingeOptions options = {});
  // The per-sample losses of categorical_hinge().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "CategoricalHinge"; }
};

}  // namespace mz::losses
