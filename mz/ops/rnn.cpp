// The fused cell ops: lstm_cell and gru_cell (one kernel for a step's gate math, one for its
// backward), with their shape rules. The whole-sequence recurrences are in rnn_sequence.cpp.
#include "mz/ops/rnn.h"

#include "mz/autograd/node.h"
#include "mz/ops/creation.h"
#include "mz/ops/dispatch.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;
using autograd::needs;

// t as a kernel input: detached and contiguous (the kernels read dense rows).
Tensor dense(const Tensor& t) {
  Tensor d = t.detach();
  return d.is_contiguous() ? d : d.contiguous();
}

// Row i of a (n, ...) tensor as a view without the leading axis.
Tensor row(const Tensor& t, int64_t i) {
  Shape s = t.shape();
  s.erase(0);
  return t.slice(0, i, i + 1).reshape(s);
}

Tensor empty_like_shape(const Tensor& like, const Shape& shape) {
  return Tensor::empty(shape, {.dtype = like.dtype(), .device = like.device()});
}

// Common checks of the cell ops: one device, floating, one dtype, 2-D operands.
void check_operands(std::initializer_list<Tensor> ts, const char* who) {
  detail::common_device(ts, who);
  const Tensor& first = *ts.begin();
  detail::expect_floating(first, who);
  for (const Tensor& t : ts) {
    detail::expect_same_dtype(first, t, who);
    if (t.rank() != 2)
      throw ShapeError(str(who, ": operands must be 2-D (batch, features): got ", t.shape(), "."));
  }
}

// Throws ShapeError unless t is (batch, width).
void expect_shape(const Tensor& t, int64_t batch, int64_t width, const char* who, const char* name,
                  const char* because) {
  if (t.shape()[0] != batch || t.shape()[1] != width)
    throw ShapeError(str(who, ": ", name, " is ", t.shape(), ", expected ", Shape{batch, width},
                         " ", because, "."));
}

// The checks of lstm_cell: gates (batch, 4u) against c_prev (batch, u).
void check_lstm(const Tensor& gates, const Tensor& c_prev, const char* who) {
  check_operands({gates, c_prev}, who);
  const int64_t b = c_prev.shape()[0], u = c_prev.shape()[1];
  expect_shape(gates, b, 4 * u, who, "gates", "for c_prev (batch, units), 4 blocks i, f, c, o");
}

// The checks of gru_cell: xg and hg (batch, 3u) against h_prev (batch, u).
void check_gru(const Tensor& xg, const Tensor& hg, const Tensor& h_prev, const char* who) {
  check_operands({xg, hg, h_prev}, who);
  const int64_t b = h_prev.shape()[0], u = h_prev.shape()[1];
  expect_shape(xg, b, 3 * u, who, "xg", "for h_prev (batch, units), 3 blocks z, r, h");
  expect_shape(hg, b, 3 * u, who, "hg", "for h_prev (batch, units), 3 blocks z, r, h");
}

}  // namespace

namespace detail {

std::tuple<Tensor, Tensor, Tensor> lstm_cell_forward(const Tensor& gates, const Tensor& c_prev) {
  check_lstm(gates, c_prev, "lstm_cell");
  const int64_t b = c_prev.shape()[0], u = c_prev.shape()[1];
  Tensor h = empty_like_shape(c_prev, {b, u}), c = empty_like_shape(c_prev, {b, u});
  Tensor act = empty_like_shape(c_prev, {b, 4 * u});
  dispatch(Op::lstm_cell, {dense(gates), dense(c_prev)}, {h, c, act});
  return {act, h, c};
}

std::pair<Tensor, Tensor> lstm_cell_grad(const Tensor& act, const Tensor& c_prev, const Tensor& c,
                                         const Tensor& dh, const Tensor& dc) {
  const char* who = "lstm_cell_grad";
  check_operands({act, c_prev, c, dh, dc}, who);
  const int64_t b = c_prev.shape()[0], u = c_prev.shape()[1];
  expect_shape(act, b, 4 * u, who, "act", "for c_prev (batch, units)");
  for (const Tensor* t : {&c, &dh, &dc}) expect_shape(*t, b, u, who, "a state", "like c_prev");
  Tensor d_gates = empty_like_shape(c_prev, {b, 4 * u}),
         d_c_prev = empty_like_shape(c_prev, {b, u});
  dispatch(Op::lstm_cell_grad, {dense(act), dense(c_prev), dense(c), dense(dh), dense(dc)},
           {d_gates, d_c_prev});
  return {d_gates, d_c_prev};
}

std::pair<Tensor, Tensor> gru_cell_forward(const Tensor& xg, const Tensor& hg,
                                           const Tensor& h_prev) {
  check_gru(xg, hg, h_prev, "gru_cell");
  const int64_t b = h_prev.shape()[0], u = h_prev.shape()[1];
  Tensor h = empty_like_shape(h_prev, {b, u}), act = empty_like_shape(h_prev, {b, 3 * u});
  dispatch(Op::gru_cell, {dense(xg), dense(hg), dense(h_prev)}, {h, act});
  return {act, h};
}

std::tuple<Tensor, Tensor, Tensor> gru_cell_grad(const Tensor& act, const Tensor& hg,
                                                 const Tensor& h_prev, const Tensor& dh) {
  const char* who = "gru_cell_grad";
  check_operands({act, hg, h_prev, dh}, who);
  const int64_t b = h_prev.shape()[0], u = h_prev.shape()[1];
  expect_shape(act, b, 3 * u, who, "act", "for h_prev (batch, units)");
  expect_shape(hg, b, 3 * u, who, "hg", "for h_prev (batch, units)");
  expect_shape(dh, b, u, who, "dh", "like h_prev");
  Tensor dxg = empty_like_shape(h_prev, {b, 3 * u}), dhg = empty_like_shape(h_prev, {b, 3 * u});
  Tensor dh_prev = empty_like_shape(h_prev, {b, u});
  dispatch(Op::gru_cell_grad, {dense(act), dense(hg), dense(h_prev), dense(dh)},
           {dxg, dhg, dh_prev});
  return {dxg, dhg, dh_prev};
}

}  // namespace detail

Tensor lstm_cell(const Tensor& gates, const Tensor& c_prev) {
  check_lstm(gates, c_prev, "lstm_cell");
  const int64_t b = c_prev.shape()[0], u = c_prev.shape()[1];
  // h and c are written straight into the two rows of the result.
  Tensor hc = empty_like_shape(c_prev, {2, b, u});
  Tensor act = empty_like_shape(c_prev, {b, 4 * u});
  Tensor c = row(hc, 1);
  detail::dispatch(Op::lstm_cell, {dense(gates), dense(c_prev)}, {row(hc, 0), c, act});
  if (autograd::should_record({gates, c_prev})) {
    Tensor cp = dense(c_prev);
    autograd::record("lstm_cell", hc, {gates, c_prev}, [act, cp, c](const Tensor& g, GradMask) {
      Tensor gd = dense(g);
      auto [d_gates, d_c_prev] = detail::lstm_cell_grad(act, cp, c, row(gd, 0), row(gd, 1));
      return Grads{d_gates, d_c_prev};
    });
  }
  return hc;
}

Tensor gru_cell(const Tensor& xg, const Tensor& hg, const Tensor& h_prev) {
  auto [act, h] = detail::gru_cell_forward(xg, hg, h_prev);
  if (autograd::should_record({xg, hg, h_prev})) {
    Tensor hgd = dense(hg), hp = dense(h_prev);
    autograd::record(
        "gru_cell", h, {xg, hg, h_prev}, [act = act, hgd, hp](const Tensor& g, GradMask need) {
          auto [dxg, dhg, dh_prev] = detail::gru_cell_grad(act, hgd, hp, g);
          return Grads{needs(need, 0) ? dxg : Tensor(), needs(need, 1) ? dhg : Tensor(), dh_prev};
        });
  }
  return h;
}

}  // namespace mz
