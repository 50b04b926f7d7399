// ctc_loss: argument checks (ranks, lengths, labels, feasibility) on the host, log_softmax,
// one Op::ctc_loss kernel call giving the loss and, while autograd records, its gradient
// w.r.t. the log-probabilities; the backward scales that gradient by the incoming one.
#include "mz/ops/ctc.h"

#include <vector>

#include "mz/autograd/node.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/softmax.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;

constexpr const char* kWho = "ctc_loss";

void expect_rank(const Tensor& t, int rank, const char* name, const char* layout) {
  if (t.rank() != rank)
    throw ShapeError(str(kWho, ": ", name, " must be ", layout, ": expected rank ", rank,
                         ", got shape ", t.shape(), "."));
}

void expect_integer(const Tensor& t, const char* name) {
  if (is_floating(t.dtype()))
    throw ValueError(str(kWho, ": ", name, " must hold integers: expected int32 or int64, got ",
                         dtype_name(t.dtype()), "."));
}

// Checks (batch,) lengths and returns them; each must lie in [0, max].
std::vector<int64_t> read_lengths(const Tensor& t, const char* name, int64_t batch, int64_t max,
                                  const char* bound) {
  expect_rank(t, 1, name, "(batch,)");
  expect_integer(t, name);
  if (t.size(0) != batch)
    throw ShapeError(str(kWho, ": ", name, " must have one length per sample: expected shape ",
                         Shape{batch}, ", got ", t.shape(), "."));
  std::vector<int64_t> v = t.to_vector<int64_t>();
  for (int64_t b = 0; b < batch; ++b)
    if (v[b] < 0 || v[b] > max)
      throw ValueError(str(kWho, ": ", name, "[", b, "] is out of range: expected 0 to ", max, " (",
                           bound, "), got ", v[b], "."));
  return v;
}

// Checks every label inside its length and that it fits its input sequence: a path needs one
// step per label plus one blank between each pair of equal neighbours.
void check_labels(const std::vector<int64_t>& labels, int64_t width,
                  const std::vector<int64_t>& label_len, const std::vector<int64_t>& logit_len,
                  int64_t classes, int64_t blank) {
  const auto batch = static_cast<int64_t>(label_len.size());
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t* row = labels.data() + b * width;
    int64_t repeats = 0;
    for (int64_t i = 0; i < label_len[b]; ++i) {
      if (row[i] < 0 || row[i] >= classes)
        throw ValueError(str(kWho, ": label ", row[i], " of sample ", b, " at position ", i,
                             " is out of range: expected 0 to ", classes - 1, " (classes ", classes,
                             "), got ", row[i], "."));
      if (row[i] == blank)
        throw ValueError(str(kWho, ": label of sample ", b, " at position ", i,
                             " equals the blank index: expected labels other than ", blank,
                             ", got ", row[i], ". Shift the labels or pass another blank."));
      if (i > 0 && row[i] == row[i - 1]) ++repeats;
    }
    if (label_len[b] > logit_len[b])
      throw ValueError(str(kWho, ": label of sample ", b,
                           " is longer than its input sequence: expected at most ", logit_len[b],
                           " labels (logit length), got ", label_len[b], "."));
    if (label_len[b] + repeats > logit_len[b])
      throw ValueError(str(kWho, ": label of sample ", b,
                           " needs more steps than its input sequence has: expected at most ",
                           logit_len[b], " steps (logit length), got ", label_len[b] + repeats,
                           " (label length ", label_len[b], " + ", repeats,
                           repeats == 1 ? " repeat)." : " repeats)."));
  }
}

}  // namespace

Tensor ctc_loss(const Tensor& labels, const Tensor& logits, const Tensor& label_lengths,
                const Tensor& logit_lengths, int64_t blank) {
  expect_rank(logits, 3, "logits", "(batch, steps, classes)");
  detail::expect_floating(logits, kWho);
  expect_rank(labels, 2, "labels", "(batch, max_label_length)");
  expect_integer(labels, "labels");
  const int64_t batch = logits.size(0), steps = logits.size(1), classes = logits.size(2);
  if (labels.size(0) != batch)
    throw ShapeError(str(kWho, ": labels ", labels.shape(), " and logits ", logits.shape(),
                         " differ in batch size: expected ", batch, ", got ", labels.size(0), "."));
  if (blank < 0 || blank >= classes)
    throw ValueError(str(kWho, ": blank index is out of range: expected 0 to ", classes - 1,
                         " (classes ", classes, "), got ", blank, "."));
  const int64_t width = labels.size(1);
  std::vector<int64_t> label_len =
      read_lengths(label_lengths, "label_lengths", batch, width, "labels' width");
  std::vector<int64_t> logit_len =
      read_lengths(logit_lengths, "logit_lengths", batch, steps, "logits' steps");
  std::vector<int64_t> host_labels = labels.to_vector<int64_t>();
  check_labels(host_labels, width, label_len, logit_len, classes, blank);

  // The kernel reads contiguous int64 labels and lengths on logits' device.
  const Device dev = logits.device();
  const TensorOptions i64{.dtype = DType::i64, .device = dev};
  Tensor lab = tensor(host_labels, labels.shape(), i64);
  Tensor lab_len = tensor(label_len, Shape{batch}, i64);
  Tensor log_len = tensor(logit_len, Shape{batch}, i64);

  Tensor log_probs = log_softmax(logits, -1);
  const TensorOptions real{.dtype = logits.dtype(), .device = dev};
  Tensor loss = Tensor::empty({batch}, real);
  OpAttrs attrs;
  attrs.count = blank;
  Tensor lp = log_probs.detach().contiguous();
  if (!autograd::should_record({log_probs})) {
    detail::dispatch(Op::ctc_loss, {lp, lab, lab_len, log_len}, {loss}, attrs);
    return loss;
  }
  // d loss[b] / d log_probs[b, t, k] = -occupancy(t, k): the kernel's second output.
  Tensor grad = Tensor::empty({batch, steps, classes}, real);
  detail::dispatch(Op::ctc_loss, {lp, lab, lab_len, log_len}, {loss, grad}, attrs);
  autograd::record(kWho, loss, {log_probs}, [grad, batch](const Tensor& g, GradMask) {
    return Grads{g.reshape({batch, 1, 1}) * grad};
  });
  return loss;
}

}  // namespace mz
