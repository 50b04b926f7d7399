// Matrix products as the obvious triple loops, accumulated in double: matmul (batched, any
// strides, stride 0 in broadcast batch dimensions) and linear = act(x @ w + b).
#include <cmath>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// The last two dimensions of t split off: the batch shape/strides and the matrix strides.
struct MatrixView {
  Shape batch, batch_strides;
  int64_t row_stride = 0, col_stride = 0;
};

MatrixView matrix_view(const Tensor& t) {
  MatrixView v;
  for (int i = 0; i + 2 < t.rank(); ++i) {
    v.batch.push_back(t.shape()[i]);
    v.batch_strides.push_back(t.strides()[i]);
  }
  v.row_stride = t.strides()[t.rank() - 2];
  v.col_stride = t.strides()[t.rank() - 1];
  return v;
}

// C (M, N) = A (M, K) @ B (K, N) for one matrix of a batch; each operand given by its first
// element and its (row, column) strides in elements.
template <class T>
void matmul_one(const T* a, int64_t a_m, int64_t a_k, const T* b, int64_t b_k, int64_t b_n, T* c,
                int64_t c_m, int64_t M, int64_t N, int64_t K) {
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double acc = 0.0;
      for (int64_t k = 0; k < K; ++k)
        acc +=
            static_cast<double>(a[m * a_m + k * a_k]) * static_cast<double>(b[k * b_k + n * b_n]);
      c[m * c_m + n] = static_cast<T>(acc);
    }
}

// matmul: in[0] = a (batch..., M, K), in[1] = b (batch..., K, N), any strides, both with
// out's batch dimensions (stride 0 where broadcast); out (batch..., M, N) contiguous.
template <class T>
void matmul(const KernelArgs& k) {
  const Tensor &a = k.in[0], &b = k.in[1], &out = k.out[0];
  const int r = out.rank();
  const int64_t M = out.shape()[r - 2], N = out.shape()[r - 1], K = a.shape()[r - 1];
  MatrixView va = matrix_view(a), vb = matrix_view(b), vo = matrix_view(out);
  const T *pa = base<T>(a), *pb = base<T>(b);
  T* po = mutable_base<T>(out);
  for_each_strided<3>(vo.batch, {va.batch_strides, vb.batch_strides, vo.batch_strides},
                      {a.offset(), b.offset(), out.offset()}, [&](const std::array<int64_t, 3>& o) {
                        matmul_one(pa + o[0], va.row_stride, va.col_stride, pb + o[1],
                                   vb.row_stride, vb.col_stride, po + o[2], N, M, N, K);
                      });
}

// The fused activations, in double.
double activate(double v, Act act) {
  switch (act) {
    case Act::linear:
      return v;
    case Act::relu:
      return v < 0.0 ? 0.0 : v;  // keeps NaN, as the relu op
    case Act::tanh:
      return std::tanh(v);
    case Act::sigmoid:
      return 1.0 / (1.0 + std::exp(-v));
  }
  return v;
}

// linear: in[0] = x (..., in), in[1] = w (in, out), optional in[2] = b (out,), any strides;
// out (..., out) contiguous; out = act(x @ w + b) with attrs.act.
template <class T>
void linear(const KernelArgs& k) {
  const Tensor &x = k.in[0], &w = k.in[1], &out = k.out[0];
  const Tensor* bias = k.n_in > 2 && k.in[2].defined() ? &k.in[2] : nullptr;
  const int64_t K = w.shape()[0], N = w.shape()[1];
  const int64_t xk = x.strides()[x.rank() - 1];
  const int64_t wk = w.strides()[0], wn = w.strides()[1];
  const T *px = base<T>(x), *pw = base<T>(w) + w.offset();
  const T* pb = bias ? base<T>(*bias) + bias->offset() : nullptr;
  const int64_t bn = bias ? bias->strides()[0] : 0;
  T* po = mutable_base<T>(out);
  // Rows of x: every index of its leading dimensions.
  Shape rows, x_rows, o_rows;
  for (int i = 0; i + 1 < x.rank(); ++i) {
    rows.push_back(x.shape()[i]);
    x_rows.push_back(x.strides()[i]);
    o_rows.push_back(out.strides()[i]);
  }
  const Act act = k.attrs->act;
  for_each_strided<2>(
      rows, {x_rows, o_rows}, {x.offset(), out.offset()}, [&](const std::array<int64_t, 2>& o) {
        for (int64_t n = 0; n < N; ++n) {
          double acc = pb ? static_cast<double>(pb[n * bn]) : 0.0;
          for (int64_t kk = 0; kk < K; ++kk)
            acc +=
                static_cast<double>(px[o[0] + kk * xk]) * static_cast<double>(pw[kk * wk + n * wn]);
          po[o[1] + n] = static_cast<T>(activate(acc, act));
        }
      });
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::matmul, dtype_of<T>, matmul<T>);
  t.set(Op::linear, dtype_of<T>, linear<T>);
}

}  // namespace

void register_linalg(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::ref
