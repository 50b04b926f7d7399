// Recurrent cell kernels on the device: the gate math of one LSTM or GRU step (Keras's default
// activations) and its backward, a thread per (row, unit), the formulas of backend/ref/rnn.cpp.
// Every operand is a dense (batch, width) matrix (ops/rnn.cpp makes them so); B is the batch,
// U the units, and a gate block k of a row is the columns [k U, (k + 1) U).
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
namespace {

// 1 / (1 + e^-x), written so neither branch overflows (as ref).
template <class T>
__device__ __forceinline__ T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + math::exp(-x));
  const T e = math::exp(x);
  return e / (T(1) + e);
}

#define MZ_FOR_EACH_CELL(total)                                                          \
  for (int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < (total); \
       e += static_cast<int64_t>(gridDim.x) * blockDim.x)

template <class T>
__global__ void __launch_bounds__(kThreads)
    lstm_forward(const T* gates, const T* c_prev, const T* xg, T* h, T* c, T* act, int64_t U,
                 int64_t total) {
  MZ_FOR_EACH_CELL(total) {
    const int64_t b = e / U, j = e % U;
    T z[4];
    for (int q = 0; q < 4; ++q) {
      const int64_t at = b * 4 * U + q * U + j;
      z[q] = gates[at] + (xg ? xg[at] : T(0));
    }
    const T i = sigmoid(z[0]), f = sigmoid(z[1]), g = math::tanh(z[2]), o = sigmoid(z[3]);
    const T cn = f * c_prev[e] + i * g;
    c[e] = cn;
    h[e] = o * math::tanh(cn);
    if (act) {
      const T a[4] = {i, f, g, o};
      for (int q = 0; q < 4; ++q) act[b * 4 * U + q * U + j] = a[q];
    }
  }
}

template <class T>
__global__ void __launch_bounds__(kThreads)
    lstm_backward(const T* act, const T* c_prev, const T* c, const T* dh, const T* dc,
                  T* dgates, T* dc_prev, int64_t U, int64_t total) {
  MZ_FOR_EACH_CELL(total) {
    const int64_t a = e / U * 4 * U + e % U;
    const T i = act[a], f = act[a + U], g = act[a + 2 * U], o = act[a + 3 * U];
    const T tc = math::tanh(c[e]);
    const T dct = dc[e] + dh[e] * o * (T(1) - tc * tc);
    dgates[a] = dct * g * i * (T(1) - i);
    dgates[a + U] = dct * c_prev[e] * f * (T(1) - f);
    dgates[a + 2 * U] = dct * i * (T(1) - g * g);
    dgates[a + 3 * U] = dh[e] * tc * o * (T(1) - o);
    dc_prev[e] = dct * f;
  }
}

template <class T>
__global__ void __launch_bounds__(kThreads)
    gru_forward(const T* xg, const T* hg, const T* h_prev, T* h, T* act, int64_t U,
                int64_t total) {
  MZ_FOR_EACH_CELL(total) {
    const int64_t a = e / U * 3 * U + e % U;
    const T z = sigmoid(xg[a] + hg[a]);
    const T r = sigmoid(xg[a + U] + hg[a + U]);
    const T hh = math::tanh(xg[a + 2 * U] + r * hg[a + 2 * U]);
    h[e] = z * h_prev[e] + (T(1) - z) * hh;
    if (act) act[a] = z, act[a + U] = r, act[a + 2 * U] = hh;
  }
}

template <class T>
__global__ void __launch_bounds__(kThreads)
    gru_backward(const T* act, const T* hg, const T* h_prev, const T* dh, T* dxg, T* dhg,
                 T* dh_prev, int64_t U, int64_t total) {
  MZ_FOR_EACH_CELL(total) {
    const int64_t a = e / U * 3 * U + e % U;
    const T z = act[a], r = act[a + U], hh = act[a + 2 * U];
    const T dz = dh[e] * (h_prev[e] - hh) * z * (T(1) - z);
    const T p = dh[e] * (T(1) - z) * (T(1) - hh * hh);
    const T dr = p * hg[a + 2 * U] * r * (T(1) - r);
    dxg[a] = dhg[a] = dz;
    dxg[a + U] = dhg[a + U] = dr;
    dxg[a + 2 * U] = p;
    dhg[a + 2 * U] = p * r;
    dh_prev[e] = dh[e] * z;
  }
}

#undef MZ_FOR_EACH_CELL

template <class T>
const T* in_ptr(const KernelArgs& k, int i) {
  return first_element<const T>(k.in[i]);
}
template <class T>
T* out_ptr(const KernelArgs& k, int i) {
  return first_element<T>(k.out[i]);
}

// in = (gates (B, 4U), c_prev (B, U)[, xg (B, 4U)]); out = (h, c (B, U)[, act (B, 4U)]).
template <class T>
void lstm_cell(const KernelArgs& k) {
  const int64_t U = k.in[1].shape()[1], total = k.in[1].numel();
  if (total == 0) return;
  DeviceContext& ctx = activate(k.out[0].device().index);
  lstm_forward<<<grid_for(total, ctx), kThreads, 0, ctx.stream>>>(
      in_ptr<T>(k, 0), in_ptr<T>(k, 1), k.n_in > 2 ? in_ptr<T>(k, 2) : nullptr, out_ptr<T>(k, 0),
      out_ptr<T>(k, 1), k.n_out > 2 ? out_ptr<T>(k, 2) : nullptr, U, total);
  check_launch("lstm_cell");
}

// in = (act (B, 4U), c_prev, c, dh, dc (B, U)); out = (d gates (B, 4U), d c_prev (B, U)).
template <class T>
void lstm_cell_grad(const KernelArgs& k) {
  const int64_t U = k.in[1].shape()[1], total = k.in[1].numel();
  if (total == 0) return;
  DeviceContext& ctx = activate(k.out[0].device().index);
  lstm_backward<<<grid_for(total, ctx), kThreads, 0, ctx.stream>>>(
      in_ptr<T>(k, 0), in_ptr<T>(k, 1), in_ptr<T>(k, 2), in_ptr<T>(k, 3), in_ptr<T>(k, 4),
      out_ptr<T>(k, 0), out_ptr<T>(k, 1), U, total);
  check_launch("lstm_cell_grad");
}

// in = (xg (B, 3U), hg (B, 3U), h_prev (B, U)); out = (h (B, U)[, act (B, 3U)]).
template <class T>
void gru_cell(const KernelArgs& k) {
  const int64_t U = k.in[2].shape()[1], total = k.in[2].numel();
  if (total == 0) return;
  DeviceContext& ctx = activate(k.out[0].device().index);
  gru_forward<<<grid_for(total, ctx), kThreads, 0, ctx.stream>>>(
      in_ptr<T>(k, 0), in_ptr<T>(k, 1), in_ptr<T>(k, 2), out_ptr<T>(k, 0),
      k.n_out > 1 ? out_ptr<T>(k, 1) : nullptr, U, total);
  check_launch("gru_cell");
}

// in = (act (B, 3U), hg (B, 3U), h_prev (B, U), dh (B, U)); out = (d xg, d hg (B, 3U),
// dh z (B, U)).
template <class T>
void gru_cell_grad(const KernelArgs& k) {
  const int64_t U = k.in[2].shape()[1], total = k.in[2].numel();
  if (total == 0) return;
  DeviceContext& ctx = activate(k.out[0].device().index);
  gru_backward<<<grid_for(total, ctx), kThreads, 0, ctx.stream>>>(
      in_ptr<T>(k, 0), in_ptr<T>(k, 1), in_ptr<T>(k, 2), in_ptr<T>(k, 3), out_ptr<T>(k, 0),
      out_ptr<T>(k, 1), out_ptr<T>(k, 2), U, total);
  check_launch("gru_cell_grad");
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::lstm_cell, dtype_of<T>, lstm_cell<T>);
  t.set(Op::lstm_cell_grad, dtype_of<T>, lstm_cell_grad<T>);
  t.set(Op::gru_cell, dtype_of<T>, gru_cell<T>);
  t.set(Op::gru_cell_grad, dtype_of<T>, gru_cell_grad<T>);
}

}  // namespace

void register_rnn(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cuda
