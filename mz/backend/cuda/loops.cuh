// Element-wise launch machinery of the cuda backend: map<R, A...>(f, out, {&in...}) runs
// out[i] = f(in[i]...) over any strides. All operands contiguous and aligned: one 16-byte
// vector per thread per step (float4-wide loads and stores). Otherwise the dimensions are
// collapsed (size-1 axes dropped, axes that are contiguous for every operand merged) and each
// thread turns its linear index into per-operand offsets, in 32-bit arithmetic when every
// offset fits. Shapes and strides travel by value in the kernel's parameters.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <tuple>
#include <utility>

#include "mz/backend/cuda/runtime.h"
#include "mz/backend/kernel.h"

namespace mz::cuda {

inline constexpr int kThreads = 256;

// The device math of float and double, spelled once: math::exp(x) is expf or exp.
namespace math {
__device__ __forceinline__ float exp(float x) { return ::expf(x); }
__device__ __forceinline__ double exp(double x) { return ::exp(x); }
__device__ __forceinline__ float expm1(float x) { return ::expm1f(x); }
__device__ __forceinline__ double expm1(double x) { return ::expm1(x); }
__device__ __forceinline__ float log(float x) { return ::logf(x); }
__device__ __forceinline__ double log(double x) { return ::log(x); }
__device__ __forceinline__ float log1p(float x) { return ::log1pf(x); }
__device__ __forceinline__ double log1p(double x) { return ::log1p(x); }
__device__ __forceinline__ float sqrt(float x) { return ::sqrtf(x); }
__device__ __forceinline__ double sqrt(double x) { return ::sqrt(x); }
__device__ __forceinline__ float tanh(float x) { return ::tanhf(x); }
__device__ __forceinline__ double tanh(double x) { return ::tanh(x); }
__device__ __forceinline__ float erfc(float x) { return ::erfcf(x); }
__device__ __forceinline__ double erfc(double x) { return ::erfc(x); }
__device__ __forceinline__ float fabs(float x) { return ::fabsf(x); }
__device__ __forceinline__ double fabs(double x) { return ::fabs(x); }
__device__ __forceinline__ float pow(float a, float b) { return ::powf(a, b); }
__device__ __forceinline__ double pow(double a, double b) { return ::pow(a, b); }
}  // namespace math

// Operand layout after collapsing, on the host (64-bit) and in kernels (I = int32_t or int64_t).
template <int N, class I>
struct Geometry {
  using Index = I;
  int rank = 0;
  I size[kMaxRank] = {};
  I stride[N][kMaxRank] = {};
};

// Collapses `shape` walked with each operand's strides: size-1 axes dropped, axis d folded into
// the previous kept axis when every operand has prev_stride == stride[d] * shape[d].
template <int N>
Geometry<N, int64_t> collapse(const Shape& shape, const std::array<const Shape*, N>& strides) {
  Geometry<N, int64_t> g;
  for (int d = 0; d < shape.rank(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = g.rank > 0;
    for (int k = 0; k < N && merge; ++k)
      merge = g.stride[k][g.rank - 1] == (*strides[k])[d] * shape[d];
    if (merge) {
      g.size[g.rank - 1] *= shape[d];
      for (int k = 0; k < N; ++k) g.stride[k][g.rank - 1] = (*strides[k])[d];
    } else {
      g.size[g.rank] = shape[d];
      for (int k = 0; k < N; ++k) g.stride[k][g.rank] = (*strides[k])[d];
      ++g.rank;
    }
  }
  return g;
}

// True when every element count and offset of g fits in int32 (strides are never negative).
template <int N>
bool fits_int32(const Geometry<N, int64_t>& g) {
  constexpr int64_t kMax = INT32_MAX;
  int64_t n = 1;
  for (int d = 0; d < g.rank; ++d) n *= g.size[d];
  if (n > kMax) return false;
  for (int k = 0; k < N; ++k) {
    int64_t reach = 0;
    for (int d = 0; d < g.rank; ++d) reach += (g.size[d] - 1) * g.stride[k][d];
    if (reach > kMax) return false;
  }
  return true;
}

template <int N, class I>
Geometry<N, I> narrow(const Geometry<N, int64_t>& g) {
  Geometry<N, I> out;
  out.rank = g.rank;
  for (int d = 0; d < g.rank; ++d) {
    out.size[d] = static_cast<I>(g.size[d]);
    for (int k = 0; k < N; ++k) out.stride[k][d] = static_cast<I>(g.stride[k][d]);
  }
  return out;
}

// Offsets of element `linear` (row-major over g's sizes) for each operand.
template <int N, class I>
__device__ __forceinline__ void offsets_of(const Geometry<N, I>& g, I linear, I (&off)[N]) {
#pragma unroll
  for (int k = 0; k < N; ++k) off[k] = 0;
  for (int d = g.rank - 1; d >= 0; --d) {
    const I i = d == 0 ? linear : linear % g.size[d];
    linear = d == 0 ? linear : linear / g.size[d];
#pragma unroll
    for (int k = 0; k < N; ++k) off[k] += i * g.stride[k][d];
  }
}

// V elements of T, aligned as one vector load (16 bytes for the widest operand).
template <class T, int V>
struct alignas(sizeof(T) * V) Vec {
  T v[V];
};

// out[i] = f(in[i]...) for contiguous operands aligned to their Vec: V elements per step,
// then a scalar tail. `out` may alias an input (in-place ops): each element is read, then
// written, by one thread.
template <int V, class F, class R, class... A>
__global__ void __launch_bounds__(kThreads) map_contiguous(F f, int64_t n, R* out, const A*... in) {
  const int64_t step = static_cast<int64_t>(gridDim.x) * blockDim.x;
  const int64_t first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t nv = n / V;
  for (int64_t i = first; i < nv; i += step) {
    auto body = [&](const auto&... v) {
      Vec<R, V> o;
#pragma unroll
      for (int j = 0; j < V; ++j) o.v[j] = f(v.v[j]...);
      reinterpret_cast<Vec<R, V>*>(out)[i] = o;
    };
    body(reinterpret_cast<const Vec<A, V>*>(in)[i]...);
  }
  for (int64_t i = nv * V + first; i < n; i += step) out[i] = f(in[i]...);
}

// out[off0] = f(in[off1]...), offsets from g (operand 0 is out).
template <class I, class F, class R, class... A>
__global__ void __launch_bounds__(kThreads)
    map_strided(F f, Geometry<1 + sizeof...(A), I> g, int64_t n, R* out, const A*... in) {
  const int64_t step = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    I off[1 + sizeof...(A)];
    offsets_of(g, static_cast<I>(i), off);
    [&]<std::size_t... K>(std::index_sequence<K...>) { out[off[0]] = f(in[off[K + 1]]...); }
    (std::index_sequence_for<A...>{});
  }
}

// Blocks for `work` items of kThreads each, capped so that threads loop (grid-stride) instead
// of the grid growing without bound.
inline unsigned grid_for(int64_t work, const DeviceContext& ctx) {
  const int64_t blocks = (work + kThreads - 1) / kThreads;
  return static_cast<unsigned>(std::clamp<int64_t>(blocks, 1, int64_t{ctx.sm_count} * 16));
}

// The first element of t (its storage plus its offset) as T.
template <class T>
T* first_element(const Tensor& t) {
  return static_cast<T*>(t.storage()->data()) + t.offset();
}

template <class T>
bool aligned(const T* p, int v) {
  return reinterpret_cast<std::uintptr_t>(p) % (sizeof(T) * static_cast<std::size_t>(v)) == 0;
}

// out[i] = f(in[i]...): R is out's element type, A... the inputs'; every input has out's shape
// (broadcast axes carry stride 0); any strides. Queued on out's device.
template <class R, class... A, class F>
void map(F f, const Tensor& out, const std::array<const Tensor*, sizeof...(A)>& in) {
  constexpr int N = 1 + static_cast<int>(sizeof...(A));
  const int64_t n = out.numel();
  if (n == 0) return;
  DeviceContext& ctx = activate(out.device().index);
  R* po = first_element<R>(out);
  auto pin = [&]<std::size_t... K>(std::index_sequence<K...>) {
    return std::tuple<const A*...>(first_element<const A>(*in[K])...);
  }
  (std::index_sequence_for<A...>{});
  constexpr std::size_t widest = std::max({sizeof(R), sizeof(A)...});
  constexpr int V = static_cast<int>(std::max<std::size_t>(1, 16 / widest));
  bool fast = out.is_contiguous() && aligned(po, V);
  for (const Tensor* t : in) fast = fast && t->is_contiguous();
  std::apply([&](const A*... p) { fast = fast && (aligned(p, V) && ...); }, pin);
  if (fast) {
    std::apply(
        [&](const A*... p) {
          map_contiguous<V>
              <<<grid_for((n + V - 1) / V, ctx), kThreads, 0, ctx.stream>>>(f, n, po, p...);
        },
        pin);
  } else {
    std::array<const Shape*, N> strides;
    strides[0] = &out.strides();
    for (int k = 1; k < N; ++k) strides[k] = &in[k - 1]->strides();
    Geometry<N, int64_t> g = collapse<N>(out.shape(), strides);
    std::apply(
        [&](const A*... p) {
          if (fits_int32(g))
            map_strided<int32_t><<<grid_for(n, ctx), kThreads, 0, ctx.stream>>>(
                f, narrow<N, int32_t>(g), n, po, p...);
          else
            map_strided<int64_t><<<grid_for(n, ctx), kThreads, 0, ctx.stream>>>(f, g, n, po, p...);
        },
        pin);
  }
  check_launch("cuda: element-wise kernel");
}

}  // namespace mz::cuda
