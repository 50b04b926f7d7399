// CategoricalCrossentropy: -sum(y_true * log(p)) over the class axis for one-hot (or soft)
// labels, from probabilities or logits; Keras's loss and function. On the training hot path.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's CategoricalCrossentropy(from_logits, label_smoothing, axis, reduction, name).
struct CategoricalCrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;  // labels become t (1 - s) + s / classes
  int axis = -1;
  std::string reduction = "sum_over_batch_size";
  std::string name = "categorical_crossentropy";
};

// -sum(t * log_p, axis): log_p = log_softmax(y_pred) from logits, else log(clip(y_pred /
// sum(y_pred), 1e-7, 1 - 1e-7)). y_true and y_pred (batch, ..., classes) must have one shape
// (ValueError otherwise). options.reduction and options.name are ignored.
Tensor categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred,
                                const CategoricalCrossentropyOptions& options = {});

// The CategoricalCrossentropy loss object: call() gives the per-sample values of the function
// above, operator() weights and reduces them (Loss).
class CategoricalCrossentropy : public Loss {
 public:
  explicit CategoricalCrossentropy(CategoricalCrossentropyOptions options = {});
  // The per-sample losses of categorical_crossentropy().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "CategoricalCrossentropy"; }
  // Loss's keys plus "from_logits", "label_smoothing", "axis".
  Json config() const override;
  const CategoricalCrossentropyOptions& options() const { return options_; }

 private:
  CategoricalCrossentropyOptions options_;
};

}  // namespace mz::losses
