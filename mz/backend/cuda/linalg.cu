// matmul through cuBLAS (batched, strided, stride 0 in broadcast batch dimensions) and
// linear = act(x @ w + b) through cuBLASLt with the bias (and relu) fused into the GEMM's
// epilogue. Row-major C = A B is computed as column-major C^T = B^T A^T, so no operand is
// ever copied: a row-major matrix is a transposed column-major one.
#include <cstring>
#include <map>
#include <optional>
#include <tuple>

#include "mz/backend/cuda/linalg.h"
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"
#include "mz/core/strided.h"

namespace mz::cuda {

namespace {

// The fused activations (ref's activate()), applied after the GEMM when the epilogue cannot.
template <class T>
__device__ __forceinline__ T apply_act(T v, Act act) {
  switch (act) {
    case Act::linear:
      return v;
    case Act::relu:
      return v > T(0) ? v : T(0);
    case Act::tanh:
      return math::tanh(v);
    case Act::sigmoid:
      return T(1) / (T(1) + math::exp(-v));
  }
  return v;
}

// y (rows, n) contiguous = act(y + b), b (n,) or null.
template <class T>
__global__ void __launch_bounds__(kThreads)
    bias_act(T* y, const T* b, int64_t count, int64_t n, Act act) {
  const int64_t step = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += step)
    y[i] = apply_act(b ? y[i] + b[i % n] : y[i], act);
}

template <class T>
void launch_bias_act(const DeviceContext& ctx, T* y, const T* b, int64_t rows, int64_t n, Act act) {
  if (!b && act == Act::linear) return;
  bias_act<<<grid_for(rows * n, ctx), kThreads, 0, ctx.stream>>>(y, b, rows * n, n, act);
  check_launch("linear: bias and activation");
}

int as_int(int64_t v, const char* who) {
  if (v > INT32_MAX)
    throw BackendError(str(who, ": a dimension of ", v, " exceeds cuBLAS's 32-bit limit."));
  return static_cast<int>(v);
}

template <class T>
cublasStatus_t gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n,
                    int k, const T* a, int lda, long long sa, const T* b, int ldb, long long sb,
                    T* c, int ldc, long long sc, int batch) {
  const T one = 1, zero = 0;
  if constexpr (std::is_same_v<T, float>) {
    if (batch == 1) return cublasSgemm(h, ta, tb, m, n, k, &one, a, lda, b, ldb, &zero, c, ldc);
    return cublasSgemmStridedBatched(h, ta, tb, m, n, k, &one, a, lda, sa, b, ldb, sb, &zero, c,
                                     ldc, sc, batch);
  } else {
    if (batch == 1) return cublasDgemm(h, ta, tb, m, n, k, &one, a, lda, b, ldb, &zero, c, ldc);
    return cublasDgemmStridedBatched(h, ta, tb, m, n, k, &one, a, lda, sa, b, ldb, sb, &zero, c,
                                     ldc, sc, batch);
  }
}

// The last two dimensions of t: (rows, cols) and their strides.
struct Matrix {
  int64_t rows, cols, s0, s1;
};
Matrix matrix_of(const Tensor& t) {
  const int r = t.rank();
  return {t.shape()[r - 2], t.shape()[r - 1], t.strides()[r - 2], t.strides()[r - 1]};
}

// matmul: in[0] = a (batch..., M, K), in[1] = b (batch..., K, N), GEMM-ready, with out's batch
// dimensions (stride 0 where broadcast); out (batch..., M, N) contiguous.
template <class T>
void matmul(const KernelArgs& k) {
  const Tensor &a = k.in[0], &b = k.in[1], &out = k.out[0];
  const int r = out.rank();
  const int64_t M = out.shape()[r - 2], N = out.shape()[r - 1], K = a.shape()[r - 1];
  if (out.numel() == 0) return;
  DeviceContext& ctx = activate(out.device().index);
  T* po = first_element<T>(out);
  if (K == 0) {
    check(cudaMemsetAsync(po, 0, out.numel() * sizeof(T), ctx.stream), "matmul");
    return;
  }
  const GemmOperand ob =
      transposed_operand(matrix_of(b).rows, matrix_of(b).cols, matrix_of(b).s0, matrix_of(b).s1);
  const GemmOperand oa =
      transposed_operand(matrix_of(a).rows, matrix_of(a).cols, matrix_of(a).s0, matrix_of(a).s1);
  // Batch axes, collapsed over (out, a, b); the innermost runs as one strided-batched call.
  Shape batch, bs_out, bs_a, bs_b;
  for (int i = 0; i + 2 < r; ++i) {
    batch.push_back(out.shape()[i]);
    bs_out.push_back(out.strides()[i]);
    bs_a.push_back(a.strides()[i]);
    bs_b.push_back(b.strides()[i]);
  }
  Geometry<3, int64_t> g = collapse<3>(batch, {&bs_out, &bs_a, &bs_b});
  Shape outer, os_out, os_a, os_b;
  int64_t count = 1, st_out = M * N, st_a = 0, st_b = 0;
  for (int d = 0; d < g.rank; ++d) {
    if (d + 1 == g.rank) {
      count = g.size[d];
      st_out = g.stride[0][d];
      st_a = g.stride[1][d];
      st_b = g.stride[2][d];
    } else {
      outer.push_back(g.size[d]);
      os_out.push_back(g.stride[0][d]);
      os_a.push_back(g.stride[1][d]);
      os_b.push_back(g.stride[2][d]);
    }
  }
  const T* pa = first_element<const T>(a);
  const T* pb = first_element<const T>(b);
  for_each_strided<3>(outer, {os_out, os_a, os_b}, {0, 0, 0}, [&](const std::array<int64_t, 3>& o) {
    check(gemm<T>(ctx.blas, ob.op, oa.op, as_int(N, "matmul"), as_int(M, "matmul"),
                  as_int(K, "matmul"), pb + o[2], as_int(ob.ld, "matmul"), st_b, pa + o[1],
                  as_int(oa.ld, "matmul"), st_a, po + o[0], as_int(N, "matmul"), st_out,
                  as_int(count, "matmul")),
          "matmul");
  });
}

// linear: in[0] = x (..., in) contiguous, or 2-D GEMM-ready; in[1] = w (in, out) GEMM-ready;
// optional in[2] = b (out,) contiguous; out (..., out) contiguous = act(x @ w + b).
template <class T>
void linear(const KernelArgs& k) {
  const Tensor &x = k.in[0], &w = k.in[1], &out = k.out[0];
  const Tensor* bias = k.n_in > 2 && k.in[2].defined() ? &k.in[2] : nullptr;
  const int64_t K = w.shape()[0], N = w.shape()[1];
  const int64_t rows = K == 0 ? out.numel() / std::max<int64_t>(N, 1) : x.numel() / K;
  if (out.numel() == 0) return;
  DeviceContext& ctx = activate(out.device().index);
  T* py = first_element<T>(out);
  const T* pb = bias ? first_element<const T>(*bias) : nullptr;
  const Act act = k.attrs->act;
  if (K == 0) {
    check(cudaMemsetAsync(py, 0, out.numel() * sizeof(T), ctx.stream), "linear");
    launch_bias_act(ctx, py, pb, rows, N, act);
    return;
  }
  const int64_t xs1 = x.strides()[x.rank() - 1];
  const int64_t xs0 = x.rank() == 2 ? x.strides()[0] : K;
  LinearCall call;
  call.dtype = dtype_of<T>;
  call.rows = rows;
  call.in = K;
  call.out = N;
  call.x = transposed_operand(rows, K, xs0, xs1);
  call.w = transposed_operand(K, N, w.strides()[0], w.strides()[1]);
  call.act = act;
  gemm_bias_act(ctx, call, first_element<const T>(w), first_element<const T>(x), pb, py);
}

}  // namespace

GemmOperand transposed_operand(int64_t rows, int64_t cols, int64_t s0, int64_t s1) {
  // Stored as a column-major (cols, rows) matrix: element (i, j) at j + i * ld.
  if ((cols == 1 || s1 == 1) && (rows == 1 || s0 >= std::max<int64_t>(1, cols)))
    return {CUBLAS_OP_N, rows == 1 ? std::max<int64_t>(1, cols) : s0};
  // Stored as a column-major (rows, cols) matrix, read transposed: (i, j) at i + j * ld.
  if ((rows == 1 || s0 == 1) && (cols == 1 || s1 >= std::max<int64_t>(1, rows)))
    return {CUBLAS_OP_T, cols == 1 ? std::max<int64_t>(1, rows) : s1};
  throw InternalError(str("cuda gemm: a (", rows, ", ", cols, ") operand with strides (", s0, ", ",
                          s1, ") is not GEMM-ready; this is a bug in merezha; please report it."));
}

void gemm_bias_act(DeviceContext& ctx, const LinearCall& c, const void* w, const void* x,
                   const void* bias, void* y) {
  if (c.dtype == DType::f32 && lt_linear(ctx, c, w, x, bias, y)) return;
  const int m = as_int(c.out, "linear"), n = as_int(c.rows, "linear"), kk = as_int(c.in, "linear");
  if (c.dtype == DType::f32) {
    check(gemm<float>(ctx.blas, c.w.op, c.x.op, m, n, kk, static_cast<const float*>(w),
                      as_int(c.w.ld, "linear"), 0, static_cast<const float*>(x),
                      as_int(c.x.ld, "linear"), 0, static_cast<float*>(y), m, 0, 1),
          "linear");
    launch_bias_act(ctx, static_cast<float*>(y), static_cast<const float*>(bias), c.rows, c.out,
                    c.act);
  } else {
    check(gemm<double>(ctx.blas, c.w.op, c.x.op, m, n, kk, static_cast<const double*>(w),
                       as_int(c.w.ld, "linear"), 0, static_cast<const double*>(x),
                       as_int(c.x.ld, "linear"), 0, static_cast<double*>(y), m, 0, 1),
          "linear");
    launch_bias_act(ctx, static_cast<double*>(y), static_cast<const double*>(bias), c.rows, c.out,
                    c.act);
  }
}

void apply_activation(DeviceContext& ctx, DType dtype, void* y, int64_t rows, int64_t n, Act act) {
  if (dtype == DType::f32)
    launch_bias_act<float>(ctx, static_cast<float*>(y), nullptr, rows, n, act);
  else
    launch_bias_act<double>(ctx, static_cast<double*>(y), nullptr, rows, n, act);
}

void register_linalg(KernelTable& t) {
  t.set(Op::matmul, DType::f32, matmul<float>);
  t.set(Op::matmul, DType::f64, matmul<double>);
  t.set(Op::linear, DType::f32, linear<float>);
  t.set(Op::linear, DType::f64, linear<double>);
}

}  // namespace mz::cuda
