// BinaryFocalCrossentropy: binary crossentropy scaled by the focal factor (1 - p_t)^gamma and,
// optionally, the class weight alpha / 1 - alpha (Lin et al. 2018); Keras's loss and function.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's BinaryFocalCrossentropy(apply_class_balancing, alpha, gamma, from_logits,
// label_smoothing, axis, reduction, name).
struct BinaryFocalCrossentropyOptions {
  bool apply_class_balancing = false;
  double alpha = 0.25;  // weight of class 1; class 0 gets 1 - alpha
  double gamma = 2.0;
  bool from_logits = false;
  double label_smoothing = 0.0;
  int axis = -1;
  std::string reduction = "sum_over_batch_size";
  std::string name = "binary_focal_crossentropy";
};

// mean over axis of (1 - p_t)^gamma * bce(t, p) [* (t alpha + (1 - t)(1 - alpha))], with
// p = sigmoid(y_pred) from logits, p_t = t p + (1 - t)(1 - p), bce from clipped probabilities
// (as Keras). options.reduction and options.name are ignored.
Tensor binary_focal_crossentropy(const Tensor& y_true, const Tensor& y_pred,
                                 const BinaryFocalCrossentropyOptions& options = {});

// The BinaryFocalCrossentropy loss object: call() gives the per-sample values of the function
// above, operator() weights and reduces them (Loss).
class BinaryFocalCrossentropy : public Loss {
 public:
  explicit BinaryFocalCrossentropy(BinaryFocalCrossentropyOptions options = {});
  // The per-sample losses of binary_focal_crossentropy().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "BinaryFocalCrossentropy"; }
  // Loss's keys plus "from_logits", "label_smoothing", "axis", "apply_class_balancing",
  // "alpha", "gamma".
  Json config() const override;
  const BinaryFocalCrossentropyOptions& options() const { return options_; }

 private:
  BinaryFocalCrossentropyOptions options_;
};

}  // namespace mz::losses
