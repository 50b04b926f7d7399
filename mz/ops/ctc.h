// Connectionist temporal classification loss (Graves et al. 2006) with Keras 3's
// keras.ops.ctc_loss semantics; the alpha-beta recursions run in the backend (Op::ctc_loss).
// Decoding (greedy and beam search) is in ops/ctc_decode.h.
#pragma once

#include <cstdint>

#include "mz/core/tensor.h"

namespace mz {

// Per-sample negative log likelihood -log p(labels[b] | logits[b]), shape (batch,), in
// logits' dtype. logits (batch, steps, classes) are un-normalised scores (log_softmax is
// applied inside); labels (batch, max_label_length) int32/int64, padded past each
// label_lengths[b] with anything; label_lengths and logit_lengths (batch,) int32/int64; steps
// past logit_lengths[b] are ignored. Differentiable w.r.t. logits: softmax - occupancy
// (zero past each sample's logit length). Throws ShapeError for wrong ranks or batch sizes and
// ValueError for lengths out of range, labels outside [0, classes) or equal to `blank`, and a
// label that cannot fit its input sequence (it needs label length + repeats steps: repeated
// neighbours need a blank between them), e.g.
//   ctc_loss: label of sample 1 needs more steps than its input sequence has: expected at most
//   3 steps (logit length), got 4 (label length 3 + 1 repeat).
Tensor ctc_loss(const Tensor& labels, const Tensor& logits, const Tensor& label_lengths,
                const Tensor& logit_lengths, int64_t blank = 0);

}  // namespace mz
