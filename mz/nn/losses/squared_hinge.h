// SquaredHinge: mean(square(maximum(1 - y_true * y_pred, 0))) over the last axis, labels -1/1
// (0/1 labels are mapped to -1/1 first); Keras's loss and function.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's SquaredHinge(reduction, name).
struct SquaredHingeOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "squared_hinge";
};

// mean(square(maximum(1 - t * y_pred, 0)), axis=-1), t = convert_binary_labels_to_hinge(y_true).
Tensor squared_hinge(const Tensor& y_true, const Tensor& y_pred);

// The SquaredHinge loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class SquaredHinge : public Loss {
 public:
  explicit SquaredHinge(SquaredHingeOptions options = {});
  // The per-sample losses of squared_hinge().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "SquaredHinge"; }
};

}  // namespace mz::losses
