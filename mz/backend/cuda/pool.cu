// Max and average pooling on the device over channels_last tensors with 1 to 3 spatial axes,
// Keras/TF semantics as ref (backend/ref/pool.cpp): window cells outside the input are skipped,
// the maximum is the first largest cell in row-major window order (the first NaN wins), the
// average counts the cells inside only. The gradients are gathered, a thread per input cell
// visiting the windows that hold it in output order, so they need no atomics.
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"
#include "mz/backend/cuda/spatial.cuh"

namespace mz::cuda {
namespace {

// True when v beats the running maximum m: larger, or the first NaN (NaN wins and stays).
template <class T>
__device__ __forceinline__ bool beats(T v, T m) {
  return v > m || (v != v && m == m);
}

// The cells of window (o0, o1, o2) inside the input: [lo, hi) per axis.
struct Cells {
  int64_t lo[3], hi[3];
};

__device__ __forceinline__ Cells cells_of(const Spatial& s, int64_t o0, int64_t o1, int64_t o2) {
  Cells c;
  const int64_t o[3] = {o0, o1, o2};
  for (int a = 0; a < 3; ++a) {
    const int64_t start = o[a] * s.S[a] - s.P[a];
    c.lo[a] = start < 0 ? 0 : start;
    c.hi[a] = start + s.K[a] < s.I[a] ? start + s.K[a] : s.I[a];
  }
  return c;
}

// The flat spatial index (i0 * I1 + i1) * I2 + i2 of window (o0, o1, o2)'s first maximum of
// channel plane `px` (element (i, 0) at px[i * C]), or -1 when the window holds no cell.
template <class T>
__device__ int64_t argmax_of(const Spatial& s, const T* px, int64_t o0, int64_t o1, int64_t o2,
                             T* best) {
  const Cells c = cells_of(s, o0, o1, o2);
  int64_t at = -1;
  T m = -INFINITY;
  for (int64_t i0 = c.lo[0]; i0 < c.hi[0]; ++i0)
    for (int64_t i1 = c.lo[1]; i1 < c.hi[1]; ++i1)
      for (int64_t i2 = c.lo[2]; i2 < c.hi[2]; ++i2) {
        const int64_t i = (i0 * s.I[1] + i1) * s.I[2] + i2;
        const T v = px[i * s.Cin];
        if (at < 0 || beats(v, m)) m = v, at = i;
      }
  *best = m;
  return at;
}

// Splits the output element e of (N, O0, O1, O2, C) into its coordinates.
__device__ __forceinline__ void output_coords(const Spatial& s, int64_t e, int64_t& n,
                                              int64_t (&o)[3], int64_t& c) {
  c = e % s.Cin;
  e /= s.Cin;
  o[2] = e % s.O[2];
  e /= s.O[2];
  o[1] = e % s.O[1];
  e /= s.O[1];
  o[0] = e % s.O[0];
  n = e / s.O[0];
}

// The outputs whose windows hold input index i along axis a: [first, last] (empty when
// first > last).
__device__ __forceinline__ void windows_holding(const Spatial& s, int a, int64_t i,
                                                int64_t& first, int64_t& last) {
  // o * S - P <= i < o * S - P + K  <=>  (i + P - K) / S < o <= (i + P) / S
  const int64_t num = i + s.P[a];
  last = num / s.S[a];
  if (last >= s.O[a]) last = s.O[a] - 1;
  const int64_t low = num - s.K[a] + 1;  // o * S >= low
  first = low <= 0 ? 0 : (low + s.S[a] - 1) / s.S[a];
}

template <class T, bool kMax>
__global__ void __launch_bounds__(kThreads)
    pool_forward(Spatial s, const T* x, T* y, int64_t total) {
  for (int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t n, o[3], c;
    output_coords(s, e, n, o, c);
    const T* px = x + n * s.I[0] * s.I[1] * s.I[2] * s.Cin + c;
    if (kMax) {
      T m;
      argmax_of(s, px, o[0], o[1], o[2], &m);
      y[e] = m;
      continue;
    }
    const Cells cl = cells_of(s, o[0], o[1], o[2]);
    T sum = T(0);
    int64_t count = 0;
    for (int64_t i0 = cl.lo[0]; i0 < cl.hi[0]; ++i0)
      for (int64_t i1 = cl.lo[1]; i1 < cl.hi[1]; ++i1)
        for (int64_t i2 = cl.lo[2]; i2 < cl.hi[2]; ++i2) {
          sum += px[((i0 * s.I[1] + i1) * s.I[2] + i2) * s.Cin];
          ++count;
        }
    y[e] = sum / static_cast<T>(count);  // 0 / 0 = NaN for a window with no cell, as ref
  }
}

// dx[n, i, c] = sum, over the windows holding i in output order, of dy[n, o, c] where i is the
// window's first maximum (kMax), or dy[n, o, c] / the window's cell count (average).
template <class T, bool kMax>
__global__ void __launch_bounds__(kThreads)
    pool_backward(Spatial s, const T* x, const T* dy, T* dx, int64_t total) {
  for (int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t r = e;
    const int64_t c = r % s.Cin;
    r /= s.Cin;
    const int64_t i2 = r % s.I[2];
    r /= s.I[2];
    const int64_t i1 = r % s.I[1];
    r /= s.I[1];
    const int64_t i0 = r % s.I[0];
    const int64_t n = r / s.I[0];
    const int64_t here = (i0 * s.I[1] + i1) * s.I[2] + i2;
    int64_t f[3], l[3];
    windows_holding(s, 0, i0, f[0], l[0]);
    windows_holding(s, 1, i1, f[1], l[1]);
    windows_holding(s, 2, i2, f[2], l[2]);
    const T* px = kMax ? x + n * s.I[0] * s.I[1] * s.I[2] * s.Cin + c : nullptr;
    const T* pg = dy + n * s.O[0] * s.O[1] * s.O[2] * s.Cin + c;
    T acc = T(0);
    for (int64_t o0 = f[0]; o0 <= l[0]; ++o0)
      for (int64_t o1 = f[1]; o1 <= l[1]; ++o1)
        for (int64_t o2 = f[2]; o2 <= l[2]; ++o2) {
          const T g = pg[((o0 * s.O[1] + o1) * s.O[2] + o2) * s.Cin];
          if (kMax) {
            T m;
            if (argmax_of(s, px, o0, o1, o2, &m) == here) acc += g;
          } else {
            const Cells cl = cells_of(s, o0, o1, o2);
            const int64_t count =
                (cl.hi[0] - cl.lo[0]) * (cl.hi[1] - cl.lo[1]) * (cl.hi[2] - cl.lo[2]);
            acc += g / static_cast<T>(count);
          }
        }
    dx[e] = acc;
  }
}

// x (or dy) as a contiguous tensor on the same device.
Tensor dense(const Tensor& t) { return t.is_contiguous() ? t : t.contiguous(); }

Shape window_of(const OpAttrs& a) { return a.window; }

// max_pool, avg_pool: in[0] = x (B, S.., C) any strides; out (B, O.., C) contiguous.
template <class T, bool kMax>
void pool(const KernelArgs& k) {
  const Tensor& y = k.out[0];
  const int64_t total = y.numel();
  if (total == 0) return;
  const Tensor x = dense(k.in[0]);
  DeviceContext& ctx = activate(y.device().index);
  const Spatial s = spatial_of(x.shape(), y.shape(), window_of(*k.attrs), *k.attrs);
  pool_forward<T, kMax><<<grid_for(total, ctx), kThreads, 0, ctx.stream>>>(
      s, first_element<const T>(x), first_element<T>(y), total);
  check_launch(kMax ? "max_pool" : "avg_pool");
}

// max_pool_grad: in = {x (B, S.., C), dy (B, O.., C)}; avg_pool_grad: in = {dy}; any strides;
// out dx (B, S.., C) contiguous.
template <class T, bool kMax>
void pool_grad(const KernelArgs& k) {
  const Tensor& dx = k.out[0];
  const int64_t total = dx.numel();
  if (total == 0) return;
  const Tensor x = kMax ? dense(k.in[0]) : Tensor();
  const Tensor dy = dense(k.in[kMax ? 1 : 0]);
  DeviceContext& ctx = activate(dx.device().index);
  const Spatial s = spatial_of(dx.shape(), dy.shape(), window_of(*k.attrs), *k.attrs);
  pool_backward<T, kMax><<<grid_for(total, ctx), kThreads, 0, ctx.stream>>>(
      s, kMax ? first_element<const T>(x) : nullptr, first_element<const T>(dy),
      first_element<T>(dx), total);
  check_launch(kMax ? "max_pool_grad" : "avg_pool_grad");
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::max_pool, dtype_of<T>, pool<T, true>);
  t.set(Op::avg_pool, dtype_of<T>, pool<T, false>);
  t.set(Op::max_pool_grad, dtype_of<T>, pool_grad<T, true>);
  t.set(Op::avg_pool_grad, dtype_of<T>, pool_grad<T, false>);
}

}  // namespace

void register_pool(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cuda
