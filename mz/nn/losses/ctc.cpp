// CTC: Keras 3's ctc (keras/src/losses/losses.py): label lengths from the nonzero entries of
// y_true, logit lengths all equal to the number of steps, then ops' ctc_loss with blank 0.
#include "mz/nn/losses/ctc.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/ctc.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz::losses {

Tensor ctc(const Tensor& y_true, const Tensor& y_pred) {
  if (y_true.rank() != 2)
    throw ShapeError(str("CTC: y_true must be integer labels (batch_size, max_length): ",
                         "expected rank 2, got shape ", y_true.shape(), "."));
  if (y_pred.rank() != 3)
    throw ShapeError(str("CTC: y_pred must be logits (batch_size, max_length, num_classes): ",
                         "expected rank 3, got shape ", y_pred.shape(), "."));
  constexpr int64_t kMaskIndex = 0;
  Tensor labels =
      y_true.dtype() == DType::i64 ? y_true.detach() : cast(y_true.detach(), DType::i64);
  Tensor label_lengths = sum(ne(labels, zeros_like(labels)).to(DType::i64), {-1});
  Tensor logit_lengths = full({y_pred.size(0)}, static_cast<double>(y_pred.size(1)),
                              {.dtype = DType::i64, .device = y_pred.device()});
  return ctc_loss(labels, y_pred, label_lengths, logit_lengths, kMaskIndex);
}

CTC::CTC(CTCOptions options) : Loss(std::move(options.name), std::move(options.reduction)) {}

Tensor CTC::call(const Tensor& y_true, const Tensor& y_pred) const { return ctc(y_true, y_pred); }

}  // namespace mz::losses
