// softmax and log_softmax on the device over any axis and any strides. The axis contiguous in
// x and out: a warp per row (lanes stride along it, butterfly shuffles give every lane the row
// max and sum); otherwise a thread per row, neighbouring threads on neighbouring rows. The max
// is subtracted first, as ref, so large inputs neither overflow nor lose the small terms.
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
namespace {

// NaN is skipped here (it never compares greater) and poisons the sum instead, as ref.
template <class T>
__device__ __forceinline__ T larger(T m, T v) {
  return v > m ? v : m;
}

template <class T>
__device__ __forceinline__ T warp_all(T v, bool is_max) {
#pragma unroll
  for (int d = 16; d > 0; d /= 2) {
    const T w = __shfl_xor_sync(0xffffffffu, v, d);
    v = is_max ? larger(v, w) : v + w;
  }
  return v;
}

// Rows of the group geometry g (operand 0 out, 1 x); n elements each, contiguous in both.
template <bool kLog, class I, class T>
__global__ void __launch_bounds__(kThreads)
    softmax_rows(Geometry<2, I> g, int64_t rows, int64_t n, const T* x, T* out) {
  const int64_t row = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const int lane = static_cast<int>(threadIdx.x % 32);
  if (row >= rows) return;  // whole warps leave together
  I off[2];
  offsets_of(g, static_cast<I>(row), off);
  const T* px = x + off[1];
  T* po = out + off[0];
  T m = -INFINITY;
  for (int64_t j = lane; j < n; j += 32) m = larger(m, px[j]);
  m = warp_all(m, true);
  T s = 0;
  for (int64_t j = lane; j < n; j += 32) s += math::exp(px[j] - m);
  s = warp_all(s, false);
  const T log_s = math::log(s);
  for (int64_t j = lane; j < n; j += 32) {
    const T z = px[j] - m;
    po[j] = kLog ? z - log_s : math::exp(z) / s;
  }
}

// One thread per row of any layout: element j at x[off + j * xs], out[off + j * os].
template <bool kLog, class I, class T>
__global__ void __launch_bounds__(kThreads)
    softmax_strided(Geometry<2, I> g, int64_t rows, int64_t n, int64_t xs, int64_t os, const T* x,
                    T* out) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (row >= rows) return;
  I off[2];
  offsets_of(g, static_cast<I>(row), off);
  const T* px = x + off[1];
  T* po = out + off[0];
  T m = -INFINITY;
  for (int64_t j = 0; j < n; ++j) m = larger(m, px[j * xs]);
  T s = 0;
  for (int64_t j = 0; j < n; ++j) s += math::exp(px[j * xs] - m);
  const T log_s = math::log(s);
  for (int64_t j = 0; j < n; ++j) {
    const T z = px[j * xs] - m;
    po[j * os] = kLog ? z - log_s : math::exp(z) / s;
  }
}

// in[0] = x (any strides), out contiguous with x's shape; attrs.axis (non-negative).
template <class T, bool kLog>
void normalised_exp(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  if (out.numel() == 0) return;
  DeviceContext& ctx = activate(out.device().index);
  const int axis = static_cast<int>(k.attrs->axis);
  const int64_t n = x.shape()[axis];
  const int64_t xs = n == 1 ? 1 : x.strides()[axis], os = n == 1 ? 1 : out.strides()[axis];
  Shape rows_shape = x.shape();
  rows_shape[axis] = 1;
  const int64_t rows = rows_shape.numel();
  Geometry<2, int64_t> g = collapse<2>(rows_shape, {&out.strides(), &x.strides()});
  const T* px = first_element<const T>(x);
  T* po = first_element<T>(out);
  const bool narrow_ok = fits_int32(g);
  if (xs == 1 && os == 1) {
    const auto blocks = static_cast<unsigned>((rows * 32 + kThreads - 1) / kThreads);
    if (narrow_ok)
      softmax_rows<kLog>
          <<<blocks, kThreads, 0, ctx.stream>>>(narrow<2, int32_t>(g), rows, n, px, po);
    else
      softmax_rows<kLog><<<blocks, kThreads, 0, ctx.stream>>>(g, rows, n, px, po);
  } else {
    const auto blocks = static_cast<unsigned>((rows + kThreads - 1) / kThreads);
    if (narrow_ok)
      softmax_strided<kLog>
          <<<blocks, kThreads, 0, ctx.stream>>>(narrow<2, int32_t>(g), rows, n, xs, os, px, po);
    else
      softmax_strided<kLog><<<blocks, kThreads, 0, ctx.stream>>>(g, rows, n, xs, os, px, po);
  }
  check_launch(kLog ? "log_softmax" : "softmax");
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::softmax, dtype_of<T>, normalised_exp<T, false>);
  t.set(Op::log_softmax, dtype_of<T>, normalised_exp<T, true>);
}

}  // namespace

void register_softmax(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cuda
