// Conformance of the recurrence ops (ops/rnn.h): the fused cell kernels and their backward
// kernels, and the whole-sequence recurrences (forward and backpropagation through time), each
// fast backend against ref (tests/conformance.h runs the variants and the threads check).
#include "conformance.h"
#include "mz/ops/rnn.h"

namespace mz {
namespace {

using conformance::Entry;
using In = std::vector<Tensor>;

// The gradients of sum(out * weights) with respect to each input, flattened and joined, for
// inputs copied into fresh leaves (recording is on inside, whatever the caller's mode).
Tensor joined_grads(const In& x, const std::function<Tensor(const In&)>& fn) {
  EnableGrad grad;
  In leaves;
  for (const Tensor& t : x) leaves.push_back(t.detach().clone().set_requires_grad());
  Tensor out = fn(leaves);
  // Fixed weights, different for every output element.
  Tensor w = (arange(out.numel(), {.dtype = out.dtype()}) * (1.0 / out.numel()) - 0.5)
                 .reshape(out.shape());
  sum(out * w).backward();
  In flat;
  for (const Tensor& t : leaves) flat.push_back(t.grad().reshape({-1}));
  return concat(flat, 0);
}

// A (batch, steps) mask with gaps, made on the device under test.
Tensor gap_mask(int64_t batch, int64_t steps) {
  std::vector<uint8_t> m;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < steps; ++t) m.push_back((b + 2 * t) % 3 != 0 ? 1 : 0);
  return tensor(m, {batch, steps});
}

Tensor lstm_seq(const In& x, const RecurrenceOptions& o) {
  return lstm_sequence(x[0], x[1], x[2], x[3], o);
}
Tensor gru_seq(const In& x, const RecurrenceOptions& o) {
  return gru_sequence(x[0], x[1], x[2], x[3], o);
}
Tensor simple_seq(const In& x, const RecurrenceOptions& o) {
  return simple_rnn_sequence(x[0], x[1], x[2], Act::tanh, o);
}

std::vector<Entry> entries() {
  // Rows of 13 units (not a multiple of the vector width); the large cases cut 64 rows of 256
  // units across threads.
  const conformance::Tolerance seq_f32{1e-4, 1e-5};
  const std::string seq_why = "float32 GEMM sums in another order each step, over 6 steps";
  std::vector<Entry> e = {
      {.name = "lstm_cell",
       .fn = [](const In& x) { return lstm_cell(x[0], x[1]); },
       .shapes = {{7, 52}, {7, 13}},
       .large = {{64, 1024}, {64, 256}},
       .large_vs_ref = true},
      {.name = "lstm_cell_grad",
       .fn =
           [](const In& x) {
             auto [dg, dc] = detail::lstm_cell_grad(x[0], x[1], x[2], x[3], x[4]);
             return concat({dg, dc}, 1);
           },
       .shapes = {{7, 52}, {7, 13}, {7, 13}, {7, 13}, {7, 13}},
       .lo = -1.0,
       .hi = 1.0,
       .large = {{64, 1024}, {64, 256}, {64, 256}, {64, 256}, {64, 256}},
       .large_vs_ref = true},
      {.name = "gru_cell",
       .fn = [](const In& x) { return gru_cell(x[0], x[1], x[2]); },
       .shapes = {{7, 39}, {7, 39}, {7, 13}},
       .large = {{64, 768}, {64, 768}, {64, 256}},
       .large_vs_ref = true},
      {.name = "gru_cell_grad",
       .fn =
           [](const In& x) {
             auto [dxg, dhg, dh] = detail::gru_cell_grad(x[0], x[1], x[2], x[3]);
             return concat({dxg, dhg, dh}, 1);
           },
       .shapes = {{7, 39}, {7, 39}, {7, 13}, {7, 13}},
       .lo = -1.0,
       .hi = 1.0,
       .large = {{64, 768}, {64, 768}, {64, 256}, {64, 256}},
       .large_vs_ref = true},
      {.name = "lstm_cell_backward",
       .fn =
           [](const In& x) {
             return joined_grads(x, [](const In& v) { return lstm_cell(v[0], v[1]); });
           },
       .shapes = {{7, 52}, {7, 13}}},
  };
  // Whole sequences: (steps 6, batch 5, blocks x 9 units), forward and backward, plain, with
  // go_backwards and with a mask.
  struct Seq {
    const char* name;
    Tensor (*fn)(const In&, const RecurrenceOptions&);
    std::vector<Shape> shapes;
  };
  const std::vector<Seq> seqs = {
      {"lstm_sequence", lstm_seq, {{6, 5, 36}, {5, 9}, {5, 9}, {9, 36}}},
      {"gru_sequence", gru_seq, {{6, 5, 27}, {5, 9}, {9, 27}, {27}}},
      {"simple_rnn_sequence", simple_seq, {{6, 5, 9}, {5, 9}, {9, 9}}},
  };
  for (const Seq& s : seqs) {
    for (int variant = 0; variant < 3; ++variant) {
      const char* suffix = variant == 0 ? "" : variant == 1 ? "_backwards" : "_masked";
      auto options = [variant]() {
        RecurrenceOptions o;
        if (variant == 1) o.go_backwards = true;
        if (variant == 2) o.mask = gap_mask(5, 6);
        return o;
      };
      auto fn = s.fn;
      e.push_back({.name = std::string(s.name) + suffix,
                   .fn = [fn, options](const In& x) { return fn(x, options()); },
                   .shapes = s.shapes,
                   .lo = -1.0,
                   .hi = 1.0,
                   .f32 = seq_f32,
                   .looser = seq_why});
      e.push_back({.name = std::string(s.name) + suffix + "_grad",
                   .fn =
                       [fn, options](const In& x) {
                         return joined_grads(x, [&](const In& v) { return fn(v, options()); });
                       },
                   .shapes = s.shapes,
                   .lo = -1.0,
                   .hi = 1.0,
                   .f32 = seq_f32,
                   .looser = seq_why});
    }
  }
  return e;
}

class RnnConformance : public ::testing::TestWithParam<Entry> {};

TEST_P(RnnConformance, MatchesRef) { conformance::check(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Ops, RnnConformance, ::testing::ValuesIn(entries()),
                         conformance::entry_name);

}  // namespace
}  // namespace mz
