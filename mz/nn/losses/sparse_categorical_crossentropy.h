// SparseCategoricalCrossentropy: -log p[label] for integer labels (int32, int64 or whole
// floats), from probabilities or logits; Keras's loss and function. On the training hot path:
// log_softmax, one take_along_axis, one negation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's SparseCategoricalCrossentropy(from_logits, ignore_class, reduction, name), plus the
// axis of Keras's function (only the last axis is valid, so configs leave it out).
struct SparseCategoricalCrossentropyOptions {
  bool from_logits = false;
  // Labels equal to it add nothing and are left out of the mean (e.g. -1 or 255 "void").
  std::optional<int64_t> ignore_class = std::nullopt;
  int axis = -1;
  std::string reduction = "sum_over_batch_size";
  std::string name = "sparse_categorical_crossentropy";
};

// -log p[y_true] per sample: y_pred (batch, ..., classes), y_true (batch, ...) or
// (batch, ..., 1); log p = log_softmax(y_pred) from logits, else log(clip(y_pred /
// sum(y_pred), 1e-7, 1 - 1e-7)). Ignored labels give 0. Throws ValueError for a label outside
// [0, classes): "SparseCategoricalCrossentropy: label 10 at sample 3 is outside [0, 10)."
// options.reduction and options.name are ignored.
Tensor sparse_categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred,
                                       const SparseCategoricalCrossentropyOptions& options = {});

// The SparseCategoricalCrossentropy loss object: call() gives the per-sample values of the function
// above, operator() weights and reduces them (Loss).
class SparseCategoricalCrossentropy : public Loss {
 public:
  explicit SparseCategoricalCrossentropy(SparseCategoricalCrossentropyOptions options = {});
  // The per-sample losses of sparse_categorical_crossentropy().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "SparseCategoricalCrossentropy"; }
  // Loss's keys plus "from_logits", "ignore_class" (null when unset).
  Json config() const override;
  const SparseCategoricalCrossentropyOptions& options() const { return options_; }

 protected:
  // With ignore_class, the mask of labels that count.
  MaskedLosses call_masked(const Tensor& y_true, const Tensor& y_pred) const override;

 private:
  SparseCategoricalCrossentropyOptions options_;
};

}  // namespace mz::losses
