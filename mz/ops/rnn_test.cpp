// Recurrence ops: the fused cells and whole-sequence recurrences against the same math
// composed from plain ops (Keras's formulas, masking as Keras's backend.rnn), float64
// gradchecks of every op and option, and the error messages, on ref and every fast backend.
#include "mz/ops/rnn.h"

#include <functional>

#include "mz/core/generator.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::grad_ok;

std::vector<Device> all_devices() {
  std::vector<Device> devices = {Device::ref()};
  for (Device d : testing::fast_backends()) devices.push_back(d);
  return devices;
}

Tensor rand(const Shape& shape, uint64_t seed, DType dtype = DType::f64, double scale = 1.0) {
  Generator gen(seed);
  return uniform(shape, -scale, scale, {.dtype = dtype}, gen);
}

// Columns [q u, (q + 1) u) of a (batch, k u) matrix.
Tensor block(const Tensor& t, int q, int64_t u) { return t.slice(1, q * u, (q + 1) * u); }

// Keras's LSTMCell math (implementation 2) in plain ops: (2, batch, units).
Tensor lstm_step(const Tensor& gates, const Tensor& c_prev) {
  const int64_t u = c_prev.size(1);
  Tensor i = sigmoid(block(gates, 0, u)), f = sigmoid(block(gates, 1, u));
  Tensor g = tanh(block(gates, 2, u)), o = sigmoid(block(gates, 3, u));
  Tensor c = f * c_prev + i * g;
  return stack({o * tanh(c), c}, 0);
}

// Keras's GRUCell math (reset_after) in plain ops.
Tensor gru_step(const Tensor& xg, const Tensor& hg, const Tensor& h_prev) {
  const int64_t u = h_prev.size(1);
  Tensor z = sigmoid(block(xg, 0, u) + block(hg, 0, u));
  Tensor r = sigmoid(block(xg, 1, u) + block(hg, 1, u));
  Tensor hh = tanh(block(xg, 2, u) + r * block(hg, 2, u));
  return z * h_prev + (1.0 - z) * hh;
}

enum class Kind { lstm, gru, simple };

// The recurrences step by step in plain ops, masked as Keras's backend.rnn: the reference.
Tensor sequence_by_steps(Kind kind, const Tensor& xg, const Tensor& h0, const Tensor& c0,
                         const Tensor& r, const Tensor& rb, const RecurrenceOptions& o) {
  const int64_t steps = xg.size(0);
  Tensor h = h0, c = c0, prev = zeros_like(h0);
  std::vector<Tensor> outs;
  for (int64_t s = 0; s < steps; ++s) {
    const int64_t t = o.go_backwards ? steps - 1 - s : s;
    Tensor x = xg.slice(0, t, t + 1).squeeze(0);
    Tensor hn, cn;
    if (kind == Kind::lstm) {
      Tensor hc = lstm_step(x + matmul(h, r), c);
      hn = hc.slice(0, 0, 1).squeeze(0), cn = hc.slice(0, 1, 2).squeeze(0);
    } else if (kind == Kind::gru) {
      Tensor hg = matmul(h, r);
      if (rb.defined()) hg = hg + rb;
      hn = gru_step(x, hg, h);
    } else {
      hn = tanh(x + matmul(h, r));
    }
    Tensor out = hn;
    if (o.mask.defined()) {
      Tensor m = ne(o.mask.slice(1, t, t + 1), zeros({}, {.dtype = o.mask.dtype()}));
      h = where(m, hn, h);
      if (kind == Kind::lstm) c = where(m, cn, c);
      out = where(m, hn, o.zero_output_for_mask ? zeros_like(hn) : prev);
    } else {
      h = hn, c = cn;
    }
    prev = out;
    outs.push_back(out);
  }
  outs.push_back(h);
  if (kind == Kind::lstm) outs.push_back(c);
  return stack(outs, 0);
}

// The fused op of `kind` (SimpleRNN with tanh).
Tensor sequence_fused(Kind kind, const Tensor& xg, const Tensor& h0, const Tensor& c0,
                      const Tensor& r, const Tensor& rb, const RecurrenceOptions& o) {
  if (kind == Kind::lstm) return lstm_sequence(xg, h0, c0, r, o);
  if (kind == Kind::gru) return gru_sequence(xg, h0, r, rb, o);
  return simple_rnn_sequence(xg, h0, r, Act::tanh, o);
}

int64_t gate_blocks(Kind kind) { return kind == Kind::lstm ? 4 : kind == Kind::gru ? 3 : 1; }

// A (batch 2, steps 4) mask: sample 0 skips steps 0 and 2, sample 1 skips the last step.
Tensor test_mask() { return tensor(std::vector<uint8_t>{0, 1, 0, 1, 1, 1, 1, 0}, {2, 4}); }

TEST(LstmCell, MatchesKerasFormula) {
  for (Device device : all_devices()) {
    DeviceGuard guard(device);
    for (DType dtype : {DType::f32, DType::f64}) {
      Tensor gates = rand({3, 20}, 1, dtype, 3.0).to(device);
      Tensor c = rand({3, 5}, 2, dtype).to(device);
      const double tol = dtype == DType::f32 ? 1e-6 : 1e-14;
      EXPECT_TRUE(all_close(lstm_cell(gates, c), lstm_step(gates, c), tol, tol))
          << device << " " << dtype_name(dtype);
    }
  }
}

TEST(LstmCell, MatchesFiniteDifferences) {
  for (Device device : all_devices()) {
    DeviceGuard guard(device);
    EXPECT_TRUE(grad_ok([](auto& in) { return lstm_cell(in[0], in[1]); },
                        {rand({2, 12}, 3, DType::f64, 2.0), rand({2, 3}, 4)}))
        << device;
  }
}

TEST(GruCell, MatchesKerasFormula) {
  for (Device device : all_devices()) {
    DeviceGuard guard(device);
    for (DType dtype : {DType::f32, DType::f64}) {
      Tensor xg = rand({3, 15}, 5, dtype, 2.0).to(device),
             hg = rand({3, 15}, 6, dtype, 2.0).to(device);
      Tensor h = rand({3, 5}, 7, dtype).to(device);
      const double tol = dtype == DType::f32 ? 1e-6 : 1e-14;
      EXPECT_TRUE(all_close(gru_cell(xg, hg, h), gru_step(xg, hg, h), tol, tol))
          << device << " " << dtype_name(dtype);
    }
  }
}

TEST(GruCell, MatchesFiniteDifferences) {
  for (Device device : all_devices()) {
    DeviceGuard guard(device);
    EXPECT_TRUE(grad_ok(
        [](auto& in) { return gru_cell(in[0], in[1], in[2]); },
        {rand({2, 9}, 8, DType::f64, 2.0), rand({2, 9}, 9, DType::f64, 2.0), rand({2, 3}, 10)}))
        << device;
  }
}

TEST(CellGrads, AreTheGradientsOfTheComposedSteps) {
  for (Device device : all_devices()) {
    DeviceGuard guard(device);
    Tensor gates = rand({2, 12}, 11, DType::f64, 2.0).set_requires_grad();
    Tensor c_prev = rand({2, 3}, 12).set_requires_grad();
    Tensor dhc = rand({2, 2, 3}, 13);
    lstm_step(gates, c_prev).backward(dhc);
    auto [act, h, c] = detail::lstm_cell_forward(gates, c_prev);
    auto [d_gates, d_c_prev] = detail::lstm_cell_grad(act, c_prev, c, dhc.slice(0, 0, 1).squeeze(0),
                                                      dhc.slice(0, 1, 2).squeeze(0));
    EXPECT_TRUE(all_close(d_gates, gates.grad(), 1e-13, 1e-14)) << device;
    EXPECT_TRUE(all_close(d_c_prev, c_prev.grad(), 1e-13, 1e-14)) << device;

    Tensor xg = rand({2, 9}, 14, DType::f64, 2.0).set_requires_grad();
    Tensor hg = rand({2, 9}, 15, DType::f64, 2.0).set_requires_grad();
    Tensor hp = rand({2, 3}, 16).set_requires_grad();
    Tensor dh = rand({2, 3}, 17);
    gru_step(xg, hg, hp).backward(dh);
    auto [gact, gh] = detail::gru_cell_forward(xg, hg, hp);
    auto [dxg, dhg, dh_direct] = detail::gru_cell_grad(gact, hg, hp, dh);
    EXPECT_TRUE(all_close(dxg, xg.grad(), 1e-13, 1e-14)) << device;
    EXPECT_TRUE(all_close(dhg, hg.grad(), 1e-13, 1e-14)) << device;
    // h_prev's full gradient adds the path through hg, which the caller takes through R.
    EXPECT_TRUE(all_close(dh_direct, dh * block(gact, 0, 3), 1e-13, 1e-14)) << device;
  }
}

// Every option combination of one recurrence against the step-by-step reference, forward
// values in float32 and float64 and gradients in float64.
void expect_sequence_matches(Kind kind) {
  const int64_t steps = 4, batch = 2, units = 2, w = gate_blocks(kind) * units;
  std::vector<RecurrenceOptions> variants = {
      {},
      {.go_backwards = true},
      {.mask = test_mask()},
      {.mask = test_mask(), .go_backwards = true, .zero_output_for_mask = true},
      {.mask = test_mask().to(DType::f32), .zero_output_for_mask = true}};
  for (Device device : all_devices()) {
    DeviceGuard guard(device);
    for (std::size_t v = 0; v < variants.size(); ++v) {
      RecurrenceOptions o = variants[v];
      if (o.mask.defined()) o.mask = o.mask.to(device);
      SCOPED_TRACE(str(device, " variant ", v));
      for (DType dtype : {DType::f32, DType::f64}) {
        Tensor xg = rand({steps, batch, w}, 20, dtype, 2.0).to(device);
        Tensor h0 = rand({batch, units}, 21, dtype).to(device);
        Tensor c0 = kind == Kind::lstm ? rand({batch, units}, 22, dtype).to(device) : Tensor();
        Tensor r = rand({units, w}, 23, dtype).to(device);
        Tensor rb = kind == Kind::gru ? rand({w}, 24, dtype).to(device) : Tensor();
        const double tol = dtype == DType::f32 ? 1e-5 : 1e-13;
        EXPECT_TRUE(all_close(sequence_fused(kind, xg, h0, c0, r, rb, o),
                              sequence_by_steps(kind, xg, h0, c0, r, rb, o), tol, tol))
            << dtype_name(dtype);
      }
      // Three steps; the inputs the op takes: xg, h0, [c0,] r[, rb].
      std::vector<Tensor> in = {rand({3, batch, w}, 25, DType::f64, 2.0), rand({batch, units}, 26)};
      if (kind == Kind::lstm) in.push_back(rand({batch, units}, 27));
      in.push_back(rand({units, w}, 28));
      if (kind == Kind::gru) in.push_back(rand({w}, 29));
      RecurrenceOptions o3 = o;
      if (o3.mask.defined()) o3.mask = o3.mask.slice(1, 0, 3);
      // Random projections of the output (3 of them) keep the check fast.
      EXPECT_TRUE(grad_ok(
          [kind, o3](auto& x) {
            const bool lstm = kind == Kind::lstm;
            return sequence_fused(kind, x[0], x[1], lstm ? x[2] : Tensor(), x[lstm ? 3 : 2],
                                  kind == Kind::gru ? x[3] : Tensor(), o3);
          },
          in, {.max_full_outputs = 1}));
    }
  }
}

TEST(LstmSequence, MatchesStepsAndFiniteDifferences) { expect_sequence_matches(Kind::lstm); }
TEST(GruSequence, MatchesStepsAndFiniteDifferences) { expect_sequence_matches(Kind::gru); }
TEST(SimpleRnnSequence, MatchesStepsAndFiniteDifferences) { expect_sequence_matches(Kind::simple); }

TEST(SimpleRnnSequence, EveryActivationMatchesFiniteDifferences) {
  for (Act act : {Act::linear, Act::relu, Act::sigmoid}) {
    std::vector<Tensor> in = {rand({3, 2, 2}, 30, DType::f64, 2.0), rand({2, 2}, 31),
                              rand({2, 2}, 32)};
    EXPECT_TRUE(grad_ok([act](auto& x) { return simple_rnn_sequence(x[0], x[1], x[2], act); }, in))
        << static_cast<int>(act);
  }
}

TEST(GruSequence, WithoutRecurrentBias) {
  Tensor xg = rand({3, 2, 6}, 33), h0 = rand({2, 2}, 34), r = rand({2, 6}, 35);
  EXPECT_TRUE(all_close(gru_sequence(xg, h0, r, Tensor()),
                        sequence_by_steps(Kind::gru, xg, h0, Tensor(), r, Tensor(), {}), 1e-13));
  EXPECT_TRUE(
      grad_ok([](auto& x) { return gru_sequence(x[0], x[1], x[2], Tensor()); }, {xg, h0, r}));
}

TEST(LstmSequence, TakesTimeMajorRows) {
  // xg as (steps * batch, width): the shape one GEMM over time-major rows gives.
  Tensor xg = rand({4, 2, 8}, 36), h0 = rand({2, 2}, 37), c0 = rand({2, 2}, 38);
  Tensor r = rand({2, 8}, 39);
  Tensor rows = xg.reshape({8, 8}).detach().set_requires_grad();
  EXPECT_TRUE(all_close(lstm_sequence(rows, h0, c0, r), lstm_sequence(xg, h0, c0, r), 0.0));
  sum(lstm_sequence(rows, h0, c0, r, {.go_backwards = true})).backward();
  EXPECT_EQ(rows.grad().shape(), Shape({8, 8}));
  EXPECT_TRUE(grad_ok([&](auto& x) { return lstm_sequence(x[0], h0, c0, r); }, {rows},
                      {.max_full_outputs = 1}));
  MZ_EXPECT_THROW_MSG(lstm_sequence(zeros({7, 8}, {.dtype = DType::f64}), h0, c0, r), ShapeError,
                      "lstm_sequence: xg is (7, 8), expected (steps, 2, 8) or (steps * 2, 8)");
}

TEST(Recurrence, RejectsMismatchedShapes) {
  Tensor c = zeros({2, 3});
  MZ_EXPECT_THROW_MSG(lstm_cell(zeros({2, 11}), c), ShapeError,
                      "lstm_cell: gates is (2, 11), expected (2, 12) for c_prev (batch, units)");
  MZ_EXPECT_THROW_MSG(gru_cell(zeros({2, 9}), zeros({2, 8}), c), ShapeError,
                      "gru_cell: hg is (2, 8), expected (2, 9)");
  MZ_EXPECT_THROW_MSG(lstm_sequence(zeros({4, 2, 12}), c, c, zeros({3, 8})), ShapeError,
                      "lstm_sequence: recurrent_kernel is (3, 8), expected (3, 12)");
  MZ_EXPECT_THROW_MSG(lstm_sequence(zeros({4, 2, 12}), c, zeros({2, 2}), zeros({3, 12})),
                      ShapeError, "lstm_sequence: c0 is (2, 2), expected (2, 3) like h0.");
  MZ_EXPECT_THROW_MSG(gru_sequence(zeros({4, 2, 8}), c, zeros({3, 9}), Tensor()), ShapeError,
                      "gru_sequence: xg is (4, 2, 8), expected (steps, 2, 9)");
  MZ_EXPECT_THROW_MSG(
      simple_rnn_sequence(zeros({4, 2, 3}), c, zeros({3, 3}), Act::tanh, {.mask = zeros({2, 5})}),
      ShapeError, "simple_rnn_sequence: mask is (2, 5), expected (batch, steps) = (2, 4).");
  MZ_EXPECT_THROW_MSG(simple_rnn_sequence(zeros({0, 2, 3}), c, zeros({3, 3}), Act::tanh),
                      ValueError, "simple_rnn_sequence: the sequence has no steps");
  MZ_EXPECT_THROW_MSG(lstm_cell(zeros({2, 12}), zeros({2, 3}, {.dtype = DType::f64})), ValueError,
                      "lstm_cell: dtypes differ");
}

}  // namespace
}  // namespace mz
