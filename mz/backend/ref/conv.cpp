// Convolution kernels as the obvious loops, accumulated in double: conv (with bias and a fused
// activation), conv_grad_input and conv_grad_weight over channels_last tensors. Every rank is
// run as three spatial axes (depth, rows, cols), the missing ones of size 1.
#include <cmath>
#include <vector>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// The sizes of one convolution, padded to three spatial axes: x (N, I0, I1, I2, Cin), kernel
// (K0, K1, K2, Cin / G, Cout), y (N, O0, O1, O2, Cout); S strides, D dilation, P padding before.
struct Dims {
  int64_t N = 1, Cin = 1, Cout = 1, G = 1, Cig = 1, Cog = 1;
  int64_t I[3] = {1, 1, 1}, O[3] = {1, 1, 1}, K[3] = {1, 1, 1};
  int64_t S[3] = {1, 1, 1}, D[3] = {1, 1, 1}, P[3] = {0, 0, 0};
};

// x: the conv's input shape, w: its kernel shape, y: its output shape.
Dims dims_of(const Shape& x, const Shape& w, const Shape& y, const OpAttrs& a) {
  Dims d;
  const int spatial = x.rank() - 2, lead = 3 - spatial;
  d.N = x[0];
  d.Cin = x.back();
  d.Cout = y.back();
  d.G = a.groups;
  d.Cig = d.Cin / d.G;
  d.Cog = d.Cout / d.G;
  for (int i = 0; i < spatial; ++i) {
    d.I[lead + i] = x[i + 1];
    d.O[lead + i] = y[i + 1];
    d.K[lead + i] = w[i];
    d.S[lead + i] = a.strides[i];
    d.D[lead + i] = a.dilation[i];
    d.P[lead + i] = a.pads[i];
  }
  return d;
}

// Flat offsets of a contiguous (N, A0, A1, A2, C) tensor and of the kernel (K0, K1, K2, Cig, Cout).
inline int64_t at(const int64_t* A, int64_t C, int64_t n, int64_t a0, int64_t a1, int64_t a2) {
  return (((n * A[0] + a0) * A[1] + a1) * A[2] + a2) * C;
}
inline int64_t tap(const Dims& d, int64_t k0, int64_t k1, int64_t k2) {
  return ((k0 * d.K[1] + k1) * d.K[2] + k2) * d.Cig * d.Cout;
}

// Calls fn(input index i0, i1, i2, tap k0, k1, k2) for every tap of output position (o0, o1,
// o2) that lands inside the input (the rest meets zero padding).
template <class Fn>
void for_each_tap(const Dims& d, int64_t o0, int64_t o1, int64_t o2, Fn&& fn) {
  for (int64_t k0 = 0; k0 < d.K[0]; ++k0) {
    const int64_t i0 = o0 * d.S[0] + k0 * d.D[0] - d.P[0];
    if (i0 < 0 || i0 >= d.I[0]) continue;
    for (int64_t k1 = 0; k1 < d.K[1]; ++k1) {
      const int64_t i1 = o1 * d.S[1] + k1 * d.D[1] - d.P[1];
      if (i1 < 0 || i1 >= d.I[1]) continue;
      for (int64_t k2 = 0; k2 < d.K[2]; ++k2) {
        const int64_t i2 = o2 * d.S[2] + k2 * d.D[2] - d.P[2];
        if (i2 < 0 || i2 >= d.I[2]) continue;
        fn(i0, i1, i2, k0, k1, k2);
      }
    }
  }
}

// Calls fn(n, o0, o1, o2) for every output position.
template <class Fn>
void for_each_output(const Dims& d, Fn&& fn) {
  for (int64_t n = 0; n < d.N; ++n)
    for (int64_t o0 = 0; o0 < d.O[0]; ++o0)
      for (int64_t o1 = 0; o1 < d.O[1]; ++o1)
        for (int64_t o2 = 0; o2 < d.O[2]; ++o2) fn(n, o0, o1, o2);
}

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

// conv: in[0] = x (N, *I, Cin), in[1] = w (*K, Cin / G, Cout), optional in[2] = b (Cout,), all
// contiguous; out y (N, *O, Cout) = act(conv(x, w) + b), act = attrs.act.
template <class T>
void conv(const KernelArgs& k) {
  const Tensor &x = k.in[0], &w = k.in[1], &y = k.out[0];
  const Dims d = dims_of(x.shape(), w.shape(), y.shape(), *k.attrs);
  const T *px = x.data<T>(), *pw = w.data<T>();
  const T* pb = k.n_in > 2 && k.in[2].defined() ? k.in[2].data<T>() : nullptr;
  T* py = y.data<T>();
  const Act act = k.attrs->act;
  for_each_output(d, [&](int64_t n, int64_t o0, int64_t o1, int64_t o2) {
    T* out = py + at(d.O, d.Cout, n, o0, o1, o2);
    for (int64_t c = 0; c < d.Cout; ++c) {
      const int64_t g = c / d.Cog;
      double acc = pb ? static_cast<double>(pb[c]) : 0.0;
      for_each_tap(d, o0, o1, o2,
                   [&](int64_t i0, int64_t i1, int64_t i2, int64_t k0, int64_t k1, int64_t k2) {
                     const T* xi = px + at(d.I, d.Cin, n, i0, i1, i2) + g * d.Cig;
                     const T* wk = pw + tap(d, k0, k1, k2) + c;
                     for (int64_t i = 0; i < d.Cig; ++i)
                       acc += static_cast<double>(xi[i]) * static_cast<double>(wk[i * d.Cout]);
                   });
      out[c] = static_cast<T>(activate(acc, act));
    }
  });
}

// conv_grad_input: in[0] = dy (N, *O, Cout), in[1] = w (*K, Cin / G, Cout), contiguous; out dx
// (N, *I, Cin): dx[n, i, g * Cig + ci] = sum over (o, tap) reaching i and c in group g of
// dy[n, o, c] * w[tap, ci, c]. Accumulated in a double copy of dx, then rounded once.
template <class T>
void conv_grad_input(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &w = k.in[1], &dx = k.out[0];
  const Dims d = dims_of(dx.shape(), w.shape(), dy.shape(), *k.attrs);
  const T *pdy = dy.data<T>(), *pw = w.data<T>();
  std::vector<double> acc(static_cast<std::size_t>(dx.numel()), 0.0);
  for_each_output(d, [&](int64_t n, int64_t o0, int64_t o1, int64_t o2) {
    const T* g_out = pdy + at(d.O, d.Cout, n, o0, o1, o2);
    for_each_tap(d, o0, o1, o2,
                 [&](int64_t i0, int64_t i1, int64_t i2, int64_t k0, int64_t k1, int64_t k2) {
                   double* xi = acc.data() + at(d.I, d.Cin, n, i0, i1, i2);
                   const T* wk = pw + tap(d, k0, k1, k2);
                   for (int64_t c = 0; c < d.Cout; ++c) {
                     const int64_t g = c / d.Cog;
                     const double gy = static_cast<double>(g_out[c]);
                     for (int64_t i = 0; i < d.Cig; ++i)
                       xi[g * d.Cig + i] += gy * static_cast<double>(wk[i * d.Cout + c]);
                   }
                 });
  });
  T* pdx = dx.data<T>();
  for (std::size_t i = 0; i < acc.size(); ++i) pdx[i] = static_cast<T>(acc[i]);
}

// conv_grad_weight: in[0] = x (N, *I, Cin), in[1] = dy (N, *O, Cout), contiguous; out dw
// (*K, Cin / G, Cout): dw[tap, ci, c] = sum over n, o of x[n, o * S + tap * D - P, g * Cig + ci]
// * dy[n, o, c] with g = c / Cog.
template <class T>
void conv_grad_weight(const KernelArgs& k) {
  const Tensor &x = k.in[0], &dy = k.in[1], &dw = k.out[0];
  const Dims d = dims_of(x.shape(), dw.shape(), dy.shape(), *k.attrs);
  const T *px = x.data<T>(), *pdy = dy.data<T>();
  std::vector<double> acc(static_cast<std::size_t>(dw.numel()), 0.0);
  for_each_output(d, [&](int64_t n, int64_t o0, int64_t o1, int64_t o2) {
    const T* g_out = pdy + at(d.O, d.Cout, n, o0, o1, o2);
    for_each_tap(d, o0, o1, o2,
                 [&](int64_t i0, int64_t i1, int64_t i2, int64_t k0, int64_t k1, int64_t k2) {
                   const T* xi = px + at(d.I, d.Cin, n, i0, i1, i2);
                   double* wk = acc.data() + tap(d, k0, k1, k2);
                   for (int64_t c = 0; c < d.Cout; ++c) {
                     const int64_t g = c / d.Cog;
                     const double gy = static_cast<double>(g_out[c]);
                     for (int64_t i = 0; i < d.Cig; ++i)
                       wk[i * d.Cout + c] += static_cast<double>(xi[g * d.Cig + i]) * gy;
                   }
                 });
  });
  T* pdw = dw.data<T>();
  for (std::size_t i = 0; i < acc.size(); ++i) pdw[i] = static_cast<T>(acc[i]);
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

}  // namespace mz::ref
