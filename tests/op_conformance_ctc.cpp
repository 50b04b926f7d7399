// Conformance of the CTC loss (ops/ctc.h): the loss and its gradient w.r.t. the logits, each
// fast backend against ref (tests/conformance.h runs the variants and the threads check).
#include "conformance.h"
#include "mz/ops/ctc.h"

namespace mz {
namespace {

using conformance::Entry;
using In = std::vector<Tensor>;

// ctc_loss of logits (batch, steps, classes) against fixed labels of width 4 (lengths 0 to 4,
// some with repeats) and logit lengths steps - (b % 3), all made on the default device.
Tensor loss_of(const Tensor& logits) {
  const int64_t batch = logits.size(0), steps = logits.size(1), classes = logits.size(2);
  std::vector<int64_t> labels(batch * 4), label_len(batch), logit_len(batch);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < 4; ++i)
      labels[b * 4 + i] = 1 + (b % 4 == 1 ? b : 3 * b + 2 * i) % (classes - 1);
    label_len[b] = b % 5;
    logit_len[b] = steps - b % 3;
  }
  return ctc_loss(tensor(labels, {batch, 4}), logits, tensor(label_len, {batch}),
                  tensor(logit_len, {batch}));
}

// d sum(loss * w) / d logits for fixed weights w, with recording on inside.
Tensor loss_grad(const Tensor& logits) {
  EnableGrad grad;
  Tensor leaf = logits.detach().clone().set_requires_grad();
  Tensor loss = loss_of(leaf);
  Tensor w = arange(loss.numel(), {.dtype = loss.dtype()}) * (1.0 / loss.numel()) + 0.5;
  sum(loss * w).backward();
  return leaf.grad();
}

std::vector<Entry> entries() {
  // 11 steps of 6 classes; the large case cuts 64 samples across threads.
  return {
      {.name = "ctc_loss",
       .fn = [](const In& x) { return loss_of(x[0]); },
       .shapes = {{7, 11, 6}},
       .large = {{64, 40, 12}},
       .large_vs_ref = true},
      {.name = "ctc_loss_backward",
       .fn = [](const In& x) { return loss_grad(x[0]); },
       .shapes = {{7, 11, 6}},
       .large = {{64, 40, 12}},
       .large_vs_ref = true},
  };
}

class CtcConformance : public ::testing::TestWithParam<Entry> {};

TEST_P(CtcConformance, MatchesRef) { conformance::check(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Ops, CtcConformance, ::testing::ValuesIn(entries()),
                         conformance::entry_name);

}  // namespace
}  // namespace mz
