// CTC: Keras 3's connectionist temporal classification loss and function, over padded integer
// labels (0 is both the padding and the blank) and per-step logits.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's CTC(reduction, name).
struct CTCOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "ctc";
};

// Per-sample CTC loss (batch,), as keras.losses.ctc: y_true (batch, max_length) labels padded
// with 0 (any dtype; floats are truncated to integers), y_pred (batch, steps, classes) logits.
// Class 0 is the blank; each label's length is its count of nonzero entries, every logit
// length is `steps`. Throws ShapeError for other ranks; ctc_loss's errors otherwise (a label
// longer than the sequence, a 0 inside a label, ...).
Tensor ctc(const Tensor& y_true, const Tensor& y_pred);

// The CTC loss object: call() gives the per-sample values of ctc(), operator() weights and
// reduces them (Loss). Config: Loss's keys only, as Keras.
class CTC : public Loss {
 public:
  explicit CTC(CTCOptions options = {});
  // The per-sample losses of ctc().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "CTC"; }
};

}  // namespace mz::losses
