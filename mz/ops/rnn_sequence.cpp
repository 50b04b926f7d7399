// Whole-sequence recurrences (LSTM, GRU, SimpleRNN): the time loop runs the step kernels on
// preallocated buffers (one GEMM and one fused cell kernel per step, no tape), and one autograd
// node runs backpropagation through time with the fused backward kernels. Masked steps keep
// their state (Keras's backend.rnn); masking is composed from where() and products.
#include <utility>
#include <vector>

#include "mz/autograd/node.h"
#include "mz/core/grad_mode.h"
#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/linalg.h"
#include "mz/ops/reduce.h"
#include "mz/ops/rnn.h"
#include "mz/ops/shape.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;
using autograd::needs;

enum class Cell { lstm, gru, simple };

// Gate blocks per cell: 4 (i, f, c, o), 3 (z, r, h), 1.
int64_t blocks(Cell cell) { return cell == Cell::lstm ? 4 : cell == Cell::gru ? 3 : 1; }

const char* cell_name(Cell cell) {
  return cell == Cell::lstm  ? "lstm_sequence"
         : cell == Cell::gru ? "gru_sequence"
                             : "simple_rnn_sequence";
}

// Detached and contiguous: what the kernels read.
Tensor dense(const Tensor& t) {
  Tensor d = t.detach();
  return d.is_contiguous() ? d : d.contiguous();
}

// Row i of a (n, ...) buffer as a view without the leading axis.
Tensor row(const Tensor& t, int64_t i) {
  Shape s = t.shape();
  s.erase(0);
  return t.slice(0, i, i + 1).reshape(s);
}

// The problem: dimensions, options and the operands as the kernels read them.
struct Problem {
  Cell cell;
  Act act = Act::linear;                               // SimpleRNN's activation
  int64_t steps = 0, batch = 0, units = 0, width = 0;  // width = blocks * units
  bool go_backwards = false, zero_output = false;
  Tensor xg, h0, c0, r, rb;  // dense; c0 for LSTM, rb (recurrent bias) for GRU, may be undefined
  Shape xg_shape;            // as given: (steps, batch, width) or (steps * batch, width)
  Tensor mask;               // (steps, batch, 1) uint8, time order; undefined: no mask
  Tensor mask_f;             // the same in the operands' dtype (backward)

  // The time index of processing step s.
  int64_t time(int64_t s) const { return go_backwards ? steps - 1 - s : s; }
  Tensor empty(const Shape& shape) const {
    return Tensor::empty(shape, {.dtype = xg.dtype(), .device = xg.device()});
  }
};

// Checks the operands and fills a Problem; throws ShapeError/ValueError naming the op.
Problem make_problem(Cell cell, const Tensor& xg, const Tensor& h0, const Tensor& c0,
                     const Tensor& r, const Tensor& rb, const RecurrenceOptions& options) {
  const char* who = cell_name(cell);
  detail::common_device({xg, h0, c0, r, rb, options.mask}, who);
  detail::expect_floating(xg, who);
  for (const Tensor* t : {&h0, &c0, &r, &rb})
    if (t->defined()) detail::expect_same_dtype(xg, *t, who);
  if (xg.rank() != 3 && xg.rank() != 2)
    throw ShapeError(str(who, ": xg must be (steps, batch, ", blocks(cell),
                         " * units) or (steps * batch, ", blocks(cell),
                         " * units), time-major: got ", xg.shape(), "."));
  if (h0.rank() != 2)
    throw ShapeError(str(who, ": h0 must be (batch, units): got ", h0.shape(), "."));
  Problem p{.cell = cell};
  p.batch = h0.shape()[0], p.units = h0.shape()[1];
  p.width = blocks(cell) * p.units;
  // Rows of a 2-D xg are (step, sample) pairs, time-major.
  const int64_t rows = xg.rank() == 3 ? xg.shape()[0] * xg.shape()[1] : xg.shape()[0];
  p.steps = xg.rank() == 3 ? xg.shape()[0] : (p.batch > 0 ? rows / p.batch : 0);
  if (xg.shape().back() != p.width || p.steps * p.batch != rows ||
      (xg.rank() == 3 && xg.shape()[1] != p.batch))
    throw ShapeError(str(who, ": xg is ", xg.shape(), ", expected (steps, ", p.batch, ", ", p.width,
                         ") or (steps * ", p.batch, ", ", p.width, ") for h0 ", h0.shape(), " (",
                         blocks(cell), " gate blocks of units)."));
  if (p.steps < 1)
    throw ValueError(
        str(who, ": the sequence has no steps: expected at least 1, got xg ", xg.shape(), "."));
  if (cell == Cell::lstm && !(c0.shape() == h0.shape()))
    throw ShapeError(str(who, ": c0 is ", c0.shape(), ", expected ", h0.shape(), " like h0."));
  if (!(r.shape() == Shape{p.units, p.width}))
    throw ShapeError(str(who, ": recurrent_kernel is ", r.shape(), ", expected ",
                         Shape{p.units, p.width}, " (units, ", blocks(cell), " * units)."));
  if (rb.defined() && !(rb.shape() == Shape{p.width}))
    throw ShapeError(
        str(who, ": recurrent_bias is ", rb.shape(), ", expected ", Shape{p.width}, "."));
  p.xg = dense(xg).reshape({p.steps, p.batch, p.width});
  p.xg_shape = xg.shape();
  p.h0 = dense(h0), p.r = dense(r);
  if (c0.defined()) p.c0 = dense(c0);
  if (rb.defined()) p.rb = dense(rb);
  p.go_backwards = options.go_backwards;
  p.zero_output = options.zero_output_for_mask;
  if (options.mask.defined()) {
    const Tensor& m = options.mask;
    if (!(m.shape() == Shape{p.batch, p.steps}))
      throw ShapeError(str(who, ": mask is ", m.shape(),
                           ", expected (batch, steps) = ", Shape{p.batch, p.steps}, "."));
    Tensor keep = m.detach();
    if (keep.dtype() != DType::u8)
      keep = ne(keep, zeros({}, {.dtype = keep.dtype(), .device = keep.device()}));
    p.mask = keep.transpose(0, 1).contiguous().reshape({p.steps, p.batch, 1});
    p.mask_f = cast(p.mask, xg.dtype());
  }
  return p;
}

// y = act(x) through the activation kernels (SimpleRNN).
void activate_into(Act act, const Tensor& x, Tensor y) {
  switch (act) {
    case Act::linear:
      y.copy_(x);
      return;
    case Act::relu:
      return detail::dispatch(Op::relu, {x}, {y});
    case Act::tanh:
      return detail::dispatch(Op::tanh, {x}, {y});
    case Act::sigmoid:
      return detail::dispatch(Op::sigmoid, {x}, {y});
  }
}

// What the forward pass keeps for backward, each (steps[+1], batch, ...) in processing order.
struct Saved {
  Tensor h;      // (steps + 1, batch, units): h[s] is the state step s starts from
  Tensor c;      // LSTM: the same for the cell state
  Tensor h_new;  // (steps, batch, units): the cell's new h (h[s + 1] when unmasked)
  Tensor c_new;  // LSTM: the cell's new c
  Tensor act;    // LSTM, GRU: (steps, batch, width) activated gates
  Tensor hg;     // GRU: (steps, batch, width) recurrent projections h @ r + rb
};

// The time loop. Returns (steps + states, batch, units) and fills `saved`.
Tensor run_forward(const Problem& p, Saved& s) {
  const int64_t T = p.steps, B = p.batch, U = p.units, W = p.width;
  const bool masked = p.mask.defined();
  const int n_states = p.cell == Cell::lstm ? 2 : 1;
  // Unmasked, the states are the outputs: one buffer holds h0, the steps' h and the final
  // states, so that the result is its rows 1... and nothing is copied. Masked, the states
  // (h) and the outputs (out) differ.
  Tensor out;
  if (masked) {
    out = p.empty({T + n_states, B, U});
    s.h = p.empty({T + 1, B, U});
  } else {
    Tensor all = p.empty({T + 1 + n_states, B, U});
    out = all.slice(0, 1, T + 1 + n_states);
    s.h = all.slice(0, 0, T + 1);
  }
  row(s.h, 0).copy_(p.h0);
  s.h_new = masked ? p.empty({T, B, U}) : s.h.slice(0, 1, T + 1);
  if (p.cell == Cell::lstm) {
    s.c = p.empty({T + 1, B, U});
    row(s.c, 0).copy_(p.c0);
    s.c_new = masked ? p.empty({T, B, U}) : s.c.slice(0, 1, T + 1);
  }
  if (p.cell != Cell::simple) s.act = p.empty({T, B, W});
  if (p.cell == Cell::gru) s.hg = p.empty({T, B, W});
  Tensor scratch = p.cell == Cell::gru ? Tensor() : p.empty({B, W});
  Tensor zero = zeros({}, {.dtype = p.xg.dtype(), .device = p.xg.device()});
  for (int64_t i = 0; i < T; ++i) {
    const int64_t t = p.time(i);
    const Tensor h_prev = row(s.h, i), x = row(p.xg, t), h_new = row(s.h_new, i);
    switch (p.cell) {
      case Cell::lstm:  // gates = h @ r, + xg inside the kernel
        detail::dispatch(Op::matmul, {h_prev, p.r}, {scratch});
        detail::dispatch(Op::lstm_cell, {scratch, row(s.c, i), x},
                         {h_new, row(s.c_new, i), row(s.act, i)});
        break;
      case Cell::gru: {
        const Tensor hg = row(s.hg, i);
        if (p.rb.defined()) {
          detail::dispatch(Op::linear, {h_prev, p.r, p.rb}, {hg});
        } else {
          detail::dispatch(Op::matmul, {h_prev, p.r}, {hg});
        }
        detail::dispatch(Op::gru_cell, {x, hg, h_prev}, {h_new, row(s.act, i)});
        break;
      }
      case Cell::simple:
        detail::dispatch(Op::matmul, {h_prev, p.r}, {scratch});
        add_(scratch, x);
        activate_into(p.act, scratch, h_new);
        break;
    }
    if (masked) {
      const Tensor m = row(p.mask, t);
      row(s.h, i + 1).copy_(where(m, h_new, h_prev));
      if (p.cell == Cell::lstm) row(s.c, i + 1).copy_(where(m, row(s.c_new, i), row(s.c, i)));
      const Tensor before = p.zero_output || i == 0 ? zero : row(out, i - 1);
      row(out, i).copy_(where(m, h_new, before));
    }
  }
  row(out, T).copy_(row(s.h, T));
  if (p.cell == Cell::lstm) row(out, T + 1).copy_(row(s.c, T));
  return out;
}

// Backpropagation through time: g is the gradient of run_forward's result. Returns the
// gradients of (xg, h0, c0 or nothing, r, rb or nothing) as `need` asks.
struct Backward {
  Tensor dxg, dh0, dc0, dr, drb;
};

Backward run_backward(const Problem& p, const Saved& s, const Tensor& g_in, bool need_xg,
                      bool need_r, bool need_rb) {
  const int64_t T = p.steps, B = p.batch, U = p.units, W = p.width;
  const bool masked = p.mask.defined();
  const Tensor g = dense(g_in);
  const Tensor rt = p.r.mT();  // (W, U), a transposed view GEMM reads as is
  Tensor dh = p.empty({B, U});
  dh.copy_(row(g, T));
  Tensor dc, dc_next;
  if (p.cell == Cell::lstm) {
    dc = p.empty({B, U});
    dc.copy_(row(g, T + 1));
    dc_next = p.empty({B, U});
  }
  // d of the recurrent projections (h @ r [+ rb]) per step; for LSTM and SimpleRNN also d xg.
  Tensor d_rec = p.empty({T, B, W});
  Tensor d_x = p.cell == Cell::gru ? p.empty({T, B, W}) : d_rec;
  Tensor dh_direct = p.cell == Cell::gru ? p.empty({B, U}) : Tensor();
  Tensor carry;  // d of the previous output, through masked steps that repeat it
  for (int64_t i = T - 1; i >= 0; --i) {
    const int64_t t = p.time(i);
    Tensor g_out = row(g, i);
    if (carry.defined()) g_out = g_out + carry;
    Tensor dh_new, dc_new, m, keep_h, keep_c;  // keep_*: d of the state carried past step i
    if (!masked) {
      dh_new = add_(dh, g_out);
      dc_new = dc;
    } else {
      m = row(p.mask_f, t);
      const Tensor skip = 1.0 - m;
      dh_new = (g_out + dh) * m;
      keep_h = dh * skip;
      if (p.cell == Cell::lstm) {
        dc_new = dc * m;
        keep_c = dc * skip;
      }
      if (!p.zero_output) carry = g_out * skip;
    }
    const Tensor d_rec_i = row(d_rec, i);
    switch (p.cell) {
      case Cell::lstm:
        detail::dispatch(
            Op::lstm_cell_grad,
            {row(s.act, i), row(s.c, i), row(s.c_new, i), dense(dh_new), dense(dc_new)},
            {d_rec_i, dc_next});
        std::swap(dc, dc_next);
        if (masked) add_(dc, keep_c);
        break;
      case Cell::gru:
        detail::dispatch(Op::gru_cell_grad,
                         {row(s.act, i), row(s.hg, i), row(s.h, i), dense(dh_new)},
                         {row(d_x, i), d_rec_i, dh_direct});
        break;
      case Cell::simple: {
        OpAttrs attrs;
        attrs.act = p.act;
        detail::dispatch(Op::act_grad, {dense(dh_new), row(s.h_new, i)}, {d_rec_i}, attrs);
        break;
      }
    }
    // d h_prev = d_rec @ r^T (+ the GRU's direct z term, + what a masked step carried past).
    detail::dispatch(Op::matmul, {d_rec_i, rt}, {dh});
    if (p.cell == Cell::gru) add_(dh, dh_direct);
    if (masked) add_(dh, keep_h);
  }
  Backward out;
  out.dh0 = dh;
  out.dc0 = dc;
  if (need_xg) {
    if (!p.go_backwards) {
      out.dxg = d_x.reshape(p.xg_shape);
    } else {  // processing order back to time order
      Tensor dxg = p.empty({T, B, W});
      for (int64_t i = 0; i < T; ++i) row(dxg, p.time(i)).copy_(row(d_x, i));
      out.dxg = dxg.reshape(p.xg_shape);
    }
  }
  const Tensor d_rows = d_rec.reshape({T * B, W});
  if (need_r) out.dr = matmul(s.h.slice(0, 0, T).reshape({T * B, U}).mT(), d_rows);
  if (need_rb) out.drb = sum(d_rows, {0});
  return out;
}

// The op: checks, forward without a tape, one node for backward.
Tensor run(Cell cell, Act act, const Tensor& xg, const Tensor& h0, const Tensor& c0,
           const Tensor& r, const Tensor& rb, const RecurrenceOptions& options) {
  Problem p = make_problem(cell, xg, h0, c0, r, rb, options);
  p.act = act;
  std::vector<Tensor> inputs{xg, h0};
  if (cell == Cell::lstm) inputs.push_back(c0);
  inputs.push_back(r);
  if (cell == Cell::gru) inputs.push_back(rb);
  const bool record = autograd::should_record(inputs);
  Saved saved;
  Tensor out;
  {
    NoGrad no_grad;
    out = run_forward(p, saved);
  }
  if (record) {
    autograd::record(cell_name(cell), out, inputs, [p, saved](const Tensor& g, GradMask need) {
      const bool lstm = p.cell == Cell::lstm, gru = p.cell == Cell::gru;
      const int r_index = lstm ? 3 : 2;
      Backward b = run_backward(p, saved, g, needs(need, 0), needs(need, r_index),
                                gru && needs(need, 3) && p.rb.defined());
      Grads grads{b.dxg, b.dh0};
      if (lstm) grads.push_back(b.dc0);
      grads.push_back(b.dr);
      if (gru) grads.push_back(b.drb);
      return grads;
    });
  }
  return out;
}

}  // namespace

Tensor lstm_sequence(const Tensor& xg, const Tensor& h0, const Tensor& c0,
                     const Tensor& recurrent_kernel, const RecurrenceOptions& options) {
  if (!c0.defined())
    throw ValueError("lstm_sequence: c0 is undefined: expected the initial cell state.");
  return run(Cell::lstm, Act::linear, xg, h0, c0, recurrent_kernel, Tensor(), options);
}

Tensor gru_sequence(const Tensor& xg, const Tensor& h0, const Tensor& recurrent_kernel,
                    const Tensor& recurrent_bias, const RecurrenceOptions& options) {
  return run(Cell::gru, Act::linear, xg, h0, Tensor(), recurrent_kernel, recurrent_bias, options);
}

Tensor simple_rnn_sequence(const Tensor& xg, const Tensor& h0, const Tensor& recurrent_kernel,
                           Act act, const RecurrenceOptions& options) {
  return run(Cell::simple, act, xg, h0, Tensor(), recurrent_kernel, Tensor(), options);
}

}  // namespace mz
