// matmul and linear: shape rules (NumPy's, with batch broadcasting and 1-D promotion), the
// hand-off to the GEMM kernels, and the gradients written as more matmuls.
#include "mz/ops/linalg.h"

#include <algorithm>

#include "mz/autograd/node.h"
#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/reduce.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;
using autograd::needs;

// True when t's last two dimensions reach GEMM as they are: stride 1 in one of them and a
// leading dimension that covers the other (a transposed view such as x.mT() qualifies).
// Dimensions of size 1 may carry any positive stride. The kernels read the layout the same way.
bool gemm_ready(const Tensor& t) {
  const int r = t.rank();
  const int64_t rows = t.shape()[r - 2], cols = t.shape()[r - 1];
  const int64_t s0 = t.strides()[r - 2], s1 = t.strides()[r - 1];
  if (rows == 1) return cols == 1 || s1 >= 1;
  if (cols == 1) return s0 >= 1;
  return (s1 == 1 && s0 >= cols) || (s0 == 1 && s1 >= rows);
}

// t itself when GEMM can read it, else a contiguous copy (cut from the graph: the op records
// its own backward).
Tensor gemm_operand(const Tensor& t) { return gemm_ready(t) ? t : t.detach().contiguous(); }

// The leading (batch) dimensions of t, without the last two.
Shape batch_of(const Tensor& t) {
  Shape s;
  for (int i = 0; i + 2 < t.rank(); ++i) s.push_back(t.shape()[i]);
  return s;
}

// t (rows..., K) as a (rows, K) matrix.
Tensor as_rows(const Tensor& t) { return t.reshape({-1, t.shape().back()}); }

// a @ b for rank >= 2 operands, recorded with its own backward.
Tensor matmul_nd(const Tensor& a, const Tensor& b) {
  Shape batch_a = batch_of(a), batch_b = batch_of(b);
  Shape batch;
  {
    const int r = std::max(batch_a.rank(), batch_b.rank());
    for (int i = 0; i < r; ++i) {
      int ia = i - (r - batch_a.rank()), ib = i - (r - batch_b.rank());
      int64_t da = ia >= 0 ? batch_a[ia] : 1, db = ib >= 0 ? batch_b[ib] : 1;
      if (da != db && da != 1 && db != 1)
        throw ShapeError(str("matmul: batch dimensions do not broadcast: a is ", a.shape(),
                             ", b is ", b.shape(), "."));
      batch.push_back(da == 1 ? db : da);
    }
  }
  const int64_t M = a.shape()[a.rank() - 2], K = a.shape().back(), N = b.shape().back();
  Shape out_shape = batch;
  out_shape.push_back(M);
  out_shape.push_back(N);
  Tensor y = Tensor::empty(out_shape, {.dtype = a.dtype(), .device = a.device()});
  if (batch.empty()) {
    // The hot path (Dense, 2-D GEMM): no views made, only the output allocated.
    detail::dispatch(Op::matmul, {gemm_operand(a), gemm_operand(b)}, {y});
  } else {
    Shape sa = batch, sb = batch;
    sa.push_back(M);
    sa.push_back(K);
    sb.push_back(K);
    sb.push_back(N);
    detail::dispatch(Op::matmul,
                     {gemm_operand(a.detach().expand(sa)), gemm_operand(b.detach().expand(sb))},
                     {y});
  }
  if (autograd::should_record({a, b})) {
    Tensor ad = a.detach(), bd = b.detach();
    autograd::record("matmul", y, {a, b}, [ad, bd](const Tensor& g, GradMask need) {
      Grads out(2);
      if (needs(need, 0)) out[0] = sum_to(matmul(g, bd.mT()), ad.shape());
      if (needs(need, 1)) {
        // A 2-D b shared by a batch: one tall product instead of a batch summed afterwards.
        out[1] = bd.rank() == 2 && ad.rank() > 2 ? matmul(as_rows(ad).mT(), as_rows(g))
                                                 : sum_to(matmul(ad.mT(), g), bd.shape());
      }
      return out;
    });
  }
  return y;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  detail::common_device({a, b}, "matmul");
  detail::expect_floating(a, "matmul");
  detail::expect_same_dtype(a, b, "matmul");
  if (a.rank() == 0 || b.rank() == 0)
    throw ShapeError(str("matmul: operands need at least one dimension, got a ", a.shape(), ", b ",
                         b.shape(), "."));
  const int64_t ka = a.shape().back();
  const int64_t kb = b.rank() == 1 ? b.shape()[0] : b.shape()[b.rank() - 2];
  if (ka != kb)
    throw ShapeError(
        str("matmul: inner dimensions differ: a is ", a.shape(), ", b is ", b.shape(), "."));
  if (a.rank() >= 2 && b.rank() >= 2) return matmul_nd(a, b);
  // NumPy's promotion: a (K,) becomes (1, K), b (K,) becomes (K, 1), and the added dimension
  // is dropped from the result.
  Tensor y = matmul_nd(a.rank() == 1 ? a.unsqueeze(0) : a, b.rank() == 1 ? b.unsqueeze(1) : b);
  if (b.rank() == 1) y = y.squeeze(-1);
  if (a.rank() == 1) y = y.squeeze(b.rank() == 1 ? -1 : -2);
  return y;
}

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b, Act act) {
  detail::common_device({x, w, b}, "linear");
  detail::expect_floating(x, "linear");
  detail::expect_same_dtype(x, w, "linear");
  if (b.defined()) detail::expect_same_dtype(x, b, "linear");
  if (w.rank() != 2) throw ShapeError(str("linear: w must be 2-D (in, out), got ", w.shape(), "."));
  if (x.rank() == 0 || x.shape().back() != w.shape()[0])
    throw ShapeError(
        str("linear: inner dimensions differ: x is ", x.shape(), ", w is ", w.shape(), "."));
  const int64_t units = w.shape()[1];
  if (b.defined() && !(b.rank() == 1 && b.shape()[0] == units))
    throw ShapeError(
        str("linear: b is ", b.shape(), ", expected (", units, ",) to match w ", w.shape(), "."));
  Shape out_shape = x.shape();
  out_shape[x.rank() - 1] = units;
  Tensor y = Tensor::empty(out_shape, {.dtype = x.dtype(), .device = x.device()});
  // Kernel contract: x contiguous, or 2-D and GEMM-ready; w GEMM-ready; b contiguous.
  const bool x_ok = x.rank() == 2 ? gemm_ready(x) : x.is_contiguous();
  const Tensor& xk = x_ok ? x : x.detach().contiguous();
  const Tensor& wk = gemm_operand(w);
  OpAttrs attrs;
  attrs.act = act;
  if (b.defined()) {
    detail::dispatch(Op::linear, {xk, wk, b.is_contiguous() ? b : b.detach().contiguous()}, {y},
                     attrs);
  } else {
    detail::dispatch(Op::linear, {xk, wk}, {y}, attrs);
  }
  if (autograd::should_record({x, w, b})) {
    Tensor xd = x.detach(), wd = w.detach(), yd = y.detach();
    autograd::record("linear", y, {x, w, b}, [xd, wd, yd, act](const Tensor& g, GradMask need) {
      // dz = dy * act'(z), from y; then the three products of Dense's backward.
      Tensor dz = act == Act::linear ? g : act_grad(g, yd, act);
      Grads out(3);
      if (needs(need, 0)) out[0] = matmul(dz, wd.mT());  // (..., in)
      if (needs(need, 1) || needs(need, 2)) {
        Tensor dz_rows = as_rows(dz);                                    // (rows, out)
        if (needs(need, 1)) out[1] = matmul(as_rows(xd).mT(), dz_rows);  // x^T dz: (in, out)
        if (needs(need, 2)) out[2] = sum(dz_rows, {0});                  // (out,)
      }
      return out;
    });
  }
  return y;
}

}  // namespace mz
