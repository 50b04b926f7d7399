// Hinge: mean(maximum(1 - y_true * y_pred, 0)) over the last axis, labels -1/1 (0/1 labels are
// mapped to -1/1 first); Keras's loss and function.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's Hinge(reduction, name).
struct HingeOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "hinge";
};

// y_true in y_pred's dtype, mapped to 2 y - 1 when every label is 0 or 1 (checked on the host),
// else unchanged: Keras's convert_binary_labels_to_hinge.
Tensor convert_binary_labels_to_hinge(const Tensor& y_true, const Tensor& y_pred);
// mean(maximum(1 - t * y_pred, 0), axis=-1) with t = convert_binary_labels_to_hinge(y_true).
Tensor hinge(const Tensor& y_true, const Tensor& y_pred);

// The Hinge loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class Hinge : public Loss {
 public:
  explicit Hinge(HingeOptions options = {});
  // The per-sample losses of hinge().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "Hinge"; }
};

}  // namespace mz::losses
