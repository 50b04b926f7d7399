// Batch norm and layer norm on the device, forward and backward, with statistics summed in
// double whatever the dtype (as ref) and in a fixed order (the same bits on every run). Every
// input is contiguous (ops/norm.cpp makes it so); epsilon rides in attrs.alpha.
// Column statistics (batch norm over rows of (M, C); layer norm's dgamma/dbeta) use a block of
// 32 columns x kRows row lanes; row statistics (layer norm) a block per row.
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
namespace {

constexpr int kCols = 32, kRows = 16;

// Sums v over the kRows row lanes of a (kCols, kRows) block, for column threadIdx.x; every
// thread of the column gets the sum.
__device__ double column_sum(double v, double (&buf)[kRows][kCols]) {
  buf[threadIdx.y][threadIdx.x] = v;
  __syncthreads();
  double s = 0.0;
  for (int r = 0; r < kRows; ++r) s += buf[r][threadIdx.x];
  __syncthreads();
  return s;
}

// Sums v over the block's kThreads threads (one dimension); every thread gets the sum.
__device__ double block_sum(double v, double* buf) {
  buf[threadIdx.x] = v;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (static_cast<int>(threadIdx.x) < half) buf[threadIdx.x] += buf[threadIdx.x + half];
    __syncthreads();
  }
  const double s = buf[0];
  __syncthreads();
  return s;
}

// Per column c of x (m, cn): mean and biased variance (two passes), then y.
template <class T>
__global__ void batch_norm_forward(const T* x, const T* gamma, const T* beta, double eps,
                                   int64_t m, int64_t cn, T* y, T* mean, T* var) {
  __shared__ double buf[kRows][kCols];
  const int64_t c = static_cast<int64_t>(blockIdx.x) * kCols + threadIdx.x;
  const bool live = c < cn;
  double s = 0.0;
  if (live)
    for (int64_t r = threadIdx.y; r < m; r += kRows) s += x[r * cn + c];
  const double mu = column_sum(s, buf) / static_cast<double>(m);
  double q = 0.0;
  if (live)
    for (int64_t r = threadIdx.y; r < m; r += kRows) {
      const double d = x[r * cn + c] - mu;
      q += d * d;
    }
  const double v = column_sum(q, buf) / static_cast<double>(m);
  if (!live) return;
  const double rstd = 1.0 / ::sqrt(v + eps), g = gamma[c], b = beta[c];
  for (int64_t r = threadIdx.y; r < m; r += kRows)
    y[r * cn + c] = static_cast<T>((x[r * cn + c] - mu) * rstd * g + b);
  if (threadIdx.y == 0) {
    mean[c] = static_cast<T>(mu);
    var[c] = static_cast<T>(v);
  }
}

// Per column: dbeta = sum(dy), dgamma = sum(dy * xhat), then
// dx = gamma * rstd * (dy - dbeta / m - xhat * dgamma / m).
template <class T>
__global__ void batch_norm_backward(const T* dy, const T* x, const T* mean, const T* var,
                                    const T* gamma, double eps, int64_t m, int64_t cn, T* dx,
                                    T* dgamma, T* dbeta) {
  __shared__ double buf[kRows][kCols];
  const int64_t c = static_cast<int64_t>(blockIdx.x) * kCols + threadIdx.x;
  const bool live = c < cn;
  const double mu = live ? static_cast<double>(mean[c]) : 0.0;
  const double rstd = live ? 1.0 / ::sqrt(static_cast<double>(var[c]) + eps) : 0.0;
  double a = 0.0, b = 0.0;
  if (live)
    for (int64_t r = threadIdx.y; r < m; r += kRows) {
      const double g = dy[r * cn + c];
      a += g;
      b += g * ((x[r * cn + c] - mu) * rstd);
    }
  const double sdy = column_sum(a, buf), sdyx = column_sum(b, buf);
  if (!live) return;
  const double inv_m = 1.0 / static_cast<double>(m), scale = gamma[c] * rstd;
  for (int64_t r = threadIdx.y; r < m; r += kRows) {
    const int64_t i = r * cn + c;
    const double xhat = (x[i] - mu) * rstd;
    dx[i] = static_cast<T>(scale * (dy[i] - sdy * inv_m - xhat * sdyx * inv_m));
  }
  if (threadIdx.y == 0) {
    dbeta[c] = static_cast<T>(sdy);
    dgamma[c] = static_cast<T>(sdyx);
  }
}

// One block per row of x (m, n): mean and biased variance (two passes), then y.
template <class T>
__global__ void __launch_bounds__(kThreads)
    layer_norm_forward(const T* x, const T* gamma, const T* beta, double eps, int64_t n, T* y,
                       T* mean, T* var) {
  __shared__ double buf[kThreads];
  const int64_t o = static_cast<int64_t>(blockIdx.x) * n;
  double s = 0.0;
  for (int64_t j = threadIdx.x; j < n; j += kThreads) s += x[o + j];
  const double mu = block_sum(s, buf) / static_cast<double>(n);
  double q = 0.0;
  for (int64_t j = threadIdx.x; j < n; j += kThreads) {
    const double d = x[o + j] - mu;
    q += d * d;
  }
  const double v = block_sum(q, buf) / static_cast<double>(n);
  const double rstd = 1.0 / ::sqrt(v + eps);
  for (int64_t j = threadIdx.x; j < n; j += kThreads)
    y[o + j] = static_cast<T>((x[o + j] - mu) * rstd * gamma[j] + beta[j]);
  if (threadIdx.x == 0) {
    mean[blockIdx.x] = static_cast<T>(mu);
    var[blockIdx.x] = static_cast<T>(v);
  }
}

// One block per row: with xhat = (x - mean) * rstd and g = dy * gamma,
// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)).
template <class T>
__global__ void __launch_bounds__(kThreads)
    layer_norm_backward_rows(const T* dy, const T* x, const T* mean, const T* var,
                             const T* gamma, double eps, int64_t n, T* dx) {
  __shared__ double buf[kThreads];
  const int64_t r = blockIdx.x, o = r * n;
  const double mu = mean[r], rstd = 1.0 / ::sqrt(static_cast<double>(var[r]) + eps);
  double a = 0.0, b = 0.0;
  for (int64_t j = threadIdx.x; j < n; j += kThreads) {
    const double xhat = (x[o + j] - mu) * rstd, g = static_cast<double>(dy[o + j]) * gamma[j];
    a += g;
    b += g * xhat;
  }
  const double inv_n = 1.0 / static_cast<double>(n);
  a = block_sum(a, buf) * inv_n;
  b = block_sum(b, buf) * inv_n;
  for (int64_t j = threadIdx.x; j < n; j += kThreads) {
    const double xhat = (x[o + j] - mu) * rstd, g = static_cast<double>(dy[o + j]) * gamma[j];
    dx[o + j] = static_cast<T>(rstd * (g - a - xhat * b));
  }
}

// Per column j of (m, n): dgamma = sum over rows of dy * xhat, dbeta = sum of dy.
template <class T>
__global__ void layer_norm_backward_columns(const T* dy, const T* x, const T* mean,
                                            const T* var, double eps, int64_t m, int64_t n,
                                            T* dgamma, T* dbeta) {
  __shared__ double buf[kRows][kCols];
  const int64_t j = static_cast<int64_t>(blockIdx.x) * kCols + threadIdx.x;
  const bool live = j < n;
  double a = 0.0, b = 0.0;
  if (live)
    for (int64_t r = threadIdx.y; r < m; r += kRows) {
      const double rstd = 1.0 / ::sqrt(static_cast<double>(var[r]) + eps);
      const double g = dy[r * n + j];
      a += g * ((x[r * n + j] - static_cast<double>(mean[r])) * rstd);
      b += g;
    }
  const double sg = column_sum(a, buf), sb = column_sum(b, buf);
  if (live && threadIdx.y == 0) {
    dgamma[j] = static_cast<T>(sg);
    dbeta[j] = static_cast<T>(sb);
  }
}

unsigned column_blocks(int64_t cn) { return static_cast<unsigned>((cn + kCols - 1) / kCols); }

// in = {x (M, C), gamma (C,), beta (C,)}, out = {y (M, C), mean (C,), var (C,)}.
template <class T>
void batch_norm(const KernelArgs& k) {
  const Tensor& x = k.in[0];
  if (x.numel() == 0) return;
  DeviceContext& ctx = activate(x.device().index);
  const int64_t cn = x.shape().back(), m = x.numel() / cn;
  batch_norm_forward<<<column_blocks(cn), dim3(kCols, kRows), 0, ctx.stream>>>(
      first_element<const T>(x), first_element<const T>(k.in[1]), first_element<const T>(k.in[2]),
      k.attrs->alpha, m, cn, first_element<T>(k.out[0]), first_element<T>(k.out[1]),
      first_element<T>(k.out[2]));
  check_launch("batch_norm");
}

// in = {dy, x (M, C), mean, var, gamma (C,)}, out = {dx (M, C), dgamma, dbeta (C,)}.
template <class T>
void batch_norm_grad(const KernelArgs& k) {
  const Tensor& x = k.in[1];
  if (x.numel() == 0) return;
  DeviceContext& ctx = activate(x.device().index);
  const int64_t cn = x.shape().back(), m = x.numel() / cn;
  batch_norm_backward<<<column_blocks(cn), dim3(kCols, kRows), 0, ctx.stream>>>(
      first_element<const T>(k.in[0]), first_element<const T>(x), first_element<const T>(k.in[2]),
      first_element<const T>(k.in[3]), first_element<const T>(k.in[4]), k.attrs->alpha, m, cn,
      first_element<T>(k.out[0]), first_element<T>(k.out[1]), first_element<T>(k.out[2]));
  check_launch("batch_norm_grad");
}

// in = {x (M, N), gamma (N,), beta (N,)}, out = {y (M, N), mean (M,), var (M,)}.
template <class T>
void layer_norm(const KernelArgs& k) {
  const Tensor& x = k.in[0];
  const int64_t m = k.out[1].numel();
  if (x.numel() == 0 || m == 0) return;
  DeviceContext& ctx = activate(x.device().index);
  layer_norm_forward<<<static_cast<unsigned>(m), kThreads, 0, ctx.stream>>>(
      first_element<const T>(x), first_element<const T>(k.in[1]), first_element<const T>(k.in[2]),
      k.attrs->alpha, x.numel() / m, first_element<T>(k.out[0]), first_element<T>(k.out[1]),
      first_element<T>(k.out[2]));
  check_launch("layer_norm");
}

// in = {dy (M, N), x (M, N), mean (M,), var (M,), gamma (N,)}, out = {dx, dgamma, dbeta}.
template <class T>
void layer_norm_grad(const KernelArgs& k) {
  const Tensor& x = k.in[1];
  const int64_t m = k.in[2].numel();
  if (x.numel() == 0 || m == 0) return;
  DeviceContext& ctx = activate(x.device().index);
  const int64_t n = x.numel() / m;
  const T *dy = first_element<const T>(k.in[0]), *px = first_element<const T>(x),
          *mean = first_element<const T>(k.in[2]), *var = first_element<const T>(k.in[3]);
  layer_norm_backward_rows<<<static_cast<unsigned>(m), kThreads, 0, ctx.stream>>>(
      dy, px, mean, var, first_element<const T>(k.in[4]), k.attrs->alpha, n,
      first_element<T>(k.out[0]));
  check_launch("layer_norm_grad");
  layer_norm_backward_columns<<<column_blocks(n), dim3(kCols, kRows), 0, ctx.stream>>>(
      dy, px, mean, var, k.attrs->alpha, m, n, first_element<T>(k.out[1]),
      first_element<T>(k.out[2]));
  check_launch("layer_norm_grad");
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::batch_norm, dtype_of<T>, batch_norm<T>);
  t.set(Op::batch_norm_grad, dtype_of<T>, batch_norm_grad<T>);
  t.set(Op::layer_norm, dtype_of<T>, layer_norm<T>);
  t.set(Op::layer_norm_grad, dtype_of<T>, layer_norm_grad<T>);
}

}  // namespace

void register_norm(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cuda
