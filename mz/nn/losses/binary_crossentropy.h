// BinaryCrossentropy: the crossentropy of independent 0/1 labels, from probabilities (clipped
// to [1e-7, 1 - 1e-7]) or logits, averaged over `axis`; Keras's loss and function.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's BinaryCrossentropy(from_logits, label_smoothing, axis, reduction, name).
struct BinaryCrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;  // labels become t (1 - s) + s / 2
  int axis = -1;
  std::string reduction = "sum_over_batch_size";
  std::string name = "binary_crossentropy";
};

// Element-wise (Keras's ops.binary_crossentropy): from logits x, softplus(x) - t x (stable and
// smooth at 0); from probabilities, -(t log p + (1 - t) log(1 - p)) with p clipped to
// [1e-7, 1 - 1e-7], so a prediction of exactly 0 or 1 stays finite.
Tensor binary_crossentropy_elementwise(const Tensor& target, const Tensor& output,
                                       bool from_logits);
// mean over options.axis of the element-wise crossentropy of the smoothed labels;
// options.reduction and options.name are ignored.
Tensor binary_crossentropy(const Tensor& y_true, const Tensor& y_pred,
                           const BinaryCrossentropyOptions& options = {});

// The BinaryCrossentropy loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class BinaryCrossentropy : public Loss {
 public:
  explicit BinaryCrossentropy(BinaryCrossentropyOptions options = {});
  // The per-sample losses of binary_crossentropy().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "BinaryCrossentropy"; }
  // Loss's keys plus "from_logits", "label_smoothing", "axis".
  Json config() const override;
  const BinaryCrossentropyOptions& options() const { return options_; }

 private:
  BinaryCrossentropyOptions options_;
};

}  // namespace mz::losses
