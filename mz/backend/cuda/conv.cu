// Convolution on the device, direct kernels over channels_last tensors with 1 to 3 spatial
// axes, groups, dilation and any padding (the output shape fixes the padding after): conv
// (bias and activation fused), conv_grad_input (a thread per input element gathers the taps
// that reach it) and conv_grad_weight (a block per weight reduces over every output pixel in a
// fixed order, so the bits never depend on scheduling). Inputs are contiguous (ops/conv.cpp).
// Each op first offers the call to cuDNN (conv_cudnn.h), which takes large 1-D and 2-D ones.
#include "mz/backend/cuda/conv_cudnn.h"
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"
#include "mz/backend/cuda/spatial.cuh"

namespace mz::cuda {
namespace {

template <class T>
__device__ __forceinline__ T activate_value(T v, Act act) {
  switch (act) {
    case Act::relu:
      return v > T(0) ? v : T(0);
    case Act::tanh:
      return math::tanh(v);
    case Act::sigmoid:
      return T(1) / (T(1) + math::exp(-v));
    default:
      return v;
  }
}

// y[n, o, co] = act(bias[co] + sum over taps k and the group's input channels ci of
// x[n, o * S + k * D - P, g * Cig + ci] * w[k, ci, co]), g = co / Cog.
template <class T>
__global__ void __launch_bounds__(kThreads)
    conv_forward(Spatial s, const T* x, const T* w, const T* bias, Act act, T* y, int64_t total) {
  for (int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t r = e;
    const int64_t co = r % s.Cout;
    r /= s.Cout;
    const int64_t o2 = r % s.O[2];
    r /= s.O[2];
    const int64_t o1 = r % s.O[1];
    r /= s.O[1];
    const int64_t o0 = r % s.O[0];
    const int64_t n = r / s.O[0];
    const int64_t cin0 = co / s.Cog * s.Cig;
    T acc = bias ? bias[co] : T(0);
    for (int64_t k0 = 0; k0 < s.K[0]; ++k0) {
      const int64_t i0 = o0 * s.S[0] + k0 * s.D[0] - s.P[0];
      if (i0 < 0 || i0 >= s.I[0]) continue;
      for (int64_t k1 = 0; k1 < s.K[1]; ++k1) {
        const int64_t i1 = o1 * s.S[1] + k1 * s.D[1] - s.P[1];
        if (i1 < 0 || i1 >= s.I[1]) continue;
        for (int64_t k2 = 0; k2 < s.K[2]; ++k2) {
          const int64_t i2 = o2 * s.S[2] + k2 * s.D[2] - s.P[2];
          if (i2 < 0 || i2 >= s.I[2]) continue;
          const T* px = x + (((n * s.I[0] + i0) * s.I[1] + i1) * s.I[2] + i2) * s.Cin + cin0;
          const T* pw = w + ((k0 * s.K[1] + k1) * s.K[2] + k2) * s.Cig * s.Cout + co;
          for (int64_t ci = 0; ci < s.Cig; ++ci) acc += px[ci] * pw[ci * s.Cout];
        }
      }
    }
    y[e] = activate_value(acc, act);
  }
}

// dx[n, i, c] = sum over taps k with i = o * S + k * D - P for an output pixel o, and the
// group's output channels, of dy[n, o, g * Cog + j] * w[k, c % Cig, g * Cog + j], g = c / Cig.
template <class T>
__global__ void __launch_bounds__(kThreads)
    conv_backward_input(Spatial s, const T* dy, const T* w, T* dx, int64_t total) {
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
    const int64_t cout0 = c / s.Cig * s.Cog, ci = c % s.Cig;
    T acc = T(0);
    for (int64_t k0 = 0; k0 < s.K[0]; ++k0) {
      const int64_t a0 = i0 + s.P[0] - k0 * s.D[0];
      if (a0 < 0 || a0 % s.S[0] != 0 || a0 / s.S[0] >= s.O[0]) continue;
      for (int64_t k1 = 0; k1 < s.K[1]; ++k1) {
        const int64_t a1 = i1 + s.P[1] - k1 * s.D[1];
        if (a1 < 0 || a1 % s.S[1] != 0 || a1 / s.S[1] >= s.O[1]) continue;
        for (int64_t k2 = 0; k2 < s.K[2]; ++k2) {
          const int64_t a2 = i2 + s.P[2] - k2 * s.D[2];
          if (a2 < 0 || a2 % s.S[2] != 0 || a2 / s.S[2] >= s.O[2]) continue;
          const int64_t o0 = a0 / s.S[0], o1 = a1 / s.S[1], o2 = a2 / s.S[2];
          const T* pg = dy + (((n * s.O[0] + o0) * s.O[1] + o1) * s.O[2] + o2) * s.Cout + cout0;
          const T* pw = w + (((k0 * s.K[1] + k1) * s.K[2] + k2) * s.Cig + ci) * s.Cout + cout0;
          for (int64_t j = 0; j < s.Cog; ++j) acc += pg[j] * pw[j];
        }
      }
    }
    dx[e] = acc;
  }
}

// One block per weight (k, ci, co): threads stride over the output pixels, then a tree sum in
// shared memory (a fixed order: the same bits on every run).
template <class T>
__global__ void __launch_bounds__(kThreads)
    conv_backward_weight(Spatial s, const T* x, const T* dy, T* dw) {
  __shared__ T part[kThreads];
  int64_t r = blockIdx.x;
  const int64_t co = r % s.Cout;
  r /= s.Cout;
  const int64_t ci = r % s.Cig;
  r /= s.Cig;
  const int64_t k2 = r % s.K[2];
  r /= s.K[2];
  const int64_t k1 = r % s.K[1];
  const int64_t k0 = r / s.K[1];
  const int64_t c = co / s.Cog * s.Cig + ci;
  const int64_t pixels = s.N * s.O[0] * s.O[1] * s.O[2];
  T acc = T(0);
  for (int64_t p = threadIdx.x; p < pixels; p += blockDim.x) {
    int64_t q = p;
    const int64_t o2 = q % s.O[2];
    q /= s.O[2];
    const int64_t o1 = q % s.O[1];
    q /= s.O[1];
    const int64_t o0 = q % s.O[0];
    const int64_t n = q / s.O[0];
    const int64_t i0 = o0 * s.S[0] + k0 * s.D[0] - s.P[0];
    const int64_t i1 = o1 * s.S[1] + k1 * s.D[1] - s.P[1];
    const int64_t i2 = o2 * s.S[2] + k2 * s.D[2] - s.P[2];
    if (i0 < 0 || i0 >= s.I[0] || i1 < 0 || i1 >= s.I[1] || i2 < 0 || i2 >= s.I[2]) continue;
    acc += x[(((n * s.I[0] + i0) * s.I[1] + i1) * s.I[2] + i2) * s.Cin + c] * dy[p * s.Cout + co];
  }
  part[threadIdx.x] = acc;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (static_cast<int>(threadIdx.x) < half) part[threadIdx.x] += part[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) dw[blockIdx.x] = part[0];
}

// y (pixels, Cout) = act(y + bias), bias (Cout,) or null: the epilogue of cuDNN's convolution.
template <class T>
__global__ void __launch_bounds__(kThreads)
    conv_bias_act(T* y, const T* bias, Act act, int64_t cout, int64_t total) {
  for (int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x)
    y[e] = activate_value(bias ? y[e] + bias[e % cout] : y[e], act);
}

// conv: in = {x (N, *I, Cin), w (*K, Cin / G, Cout), bias (Cout,) optional}; out y (N, *O, Cout).
template <class T>
void conv(const KernelArgs& k) {
  const Tensor &x = k.in[0], &w = k.in[1], &y = k.out[0];
  const int64_t total = y.numel();
  if (total == 0) return;
  DeviceContext& ctx = activate(y.device().index);
  const Shape window(std::vector<int64_t>(w.shape().begin(), w.shape().end() - 2));
  const Spatial s = spatial_of(x.shape(), y.shape(), window, *k.attrs);
  const T* bias = k.n_in > 2 && k.in[2].defined() ? first_element<const T>(k.in[2]) : nullptr;
  if (cudnn_conv_forward(x, w, y, *k.attrs)) {
    if (bias || k.attrs->act != Act::linear) {
      conv_bias_act<<<grid_for(total, ctx), kThreads, 0, ctx.stream>>>(first_element<T>(y), bias,
                                                                       k.attrs->act, s.Cout, total);
      check_launch("conv: bias and activation");
    }
    return;
  }
  conv_forward<<<grid_for(total, ctx), kThreads, 0, ctx.stream>>>(
      s, first_element<const T>(x), first_element<const T>(w), bias, k.attrs->act,
      first_element<T>(y), total);
  check_launch("conv");
}

// conv_grad_input: in = {dy (N, *O, Cout), w (*K, Cin / G, Cout)}; out dx (N, *I, Cin).
template <class T>
void conv_grad_input(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &w = k.in[1], &dx = k.out[0];
  const int64_t total = dx.numel();
  if (total == 0) return;
  DeviceContext& ctx = activate(dx.device().index);
  const Shape window(std::vector<int64_t>(w.shape().begin(), w.shape().end() - 2));
  if (cudnn_conv_grad_input(dy, w, dx, *k.attrs)) return;
  const Spatial s = spatial_of(dx.shape(), dy.shape(), window, *k.attrs);
  conv_backward_input<<<grid_for(total, ctx), kThreads, 0, ctx.stream>>>(
      s, first_element<const T>(dy), first_element<const T>(w), first_element<T>(dx), total);
  check_launch("conv_grad_input");
}

// conv_grad_weight: in = {x (N, *I, Cin), dy (N, *O, Cout)}; out dw (*K, Cin / G, Cout).
template <class T>
void conv_grad_weight(const KernelArgs& k) {
  const Tensor &x = k.in[0], &dy = k.in[1], &dw = k.out[0];
  const int64_t total = dw.numel();
  if (total == 0) return;
  DeviceContext& ctx = activate(dw.device().index);
  const Shape window(std::vector<int64_t>(dw.shape().begin(), dw.shape().end() - 2));
  if (cudnn_conv_grad_weight(x, dy, dw, *k.attrs)) return;
  const Spatial s = spatial_of(x.shape(), dy.shape(), window, *k.attrs);
  conv_backward_weight<<<static_cast<unsigned>(total), kThreads, 0, ctx.stream>>>(
      s, first_element<const T>(x), first_element<const T>(dy), first_element<T>(dw));
  check_launch("conv_grad_weight");
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::conv, dtype_of<T>, conv<T>);
  t.set(Op::conv_grad_input, dtype_of<T>, conv_grad_input<T>);
  t.set(Op::conv_grad_weight, dtype_of<T>, conv_grad_weight<T>);
}

}  // namespace

void register_conv(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cuda
