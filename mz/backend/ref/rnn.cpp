// Recurrent cell kernels as plain loops in float32 and float64: the gate math of one LSTM or GRU
// step (Keras's default activations) and its backward, element by element with libm. Every
// operand is a dense (batch, width) matrix (ops/rnn.cpp makes them so); B is the batch, U the
// units, and a gate block k of a row is the columns [k U, (k + 1) U).
#include <cmath>

#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// 1 / (1 + e^-x), written so neither branch overflows (as backend/ref/activation.cpp).
template <class T>
T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

// in = (gates (B, 4U) pre-activations in blocks i, f, c, o; c_prev (B, U)[; xg (B, 4U) added to
// gates]); out = (h (B, U), c (B, U)[, act (B, 4U) = sigmoid(i), sigmoid(f), tanh(g),
// sigmoid(o)]).
template <class T>
void lstm_cell(const KernelArgs& k) {
  const T* gates = k.in[0].data<T>();
  const T* c_prev = k.in[1].data<T>();
  const T* xg = k.n_in > 2 ? k.in[2].data<T>() : nullptr;
  T* h = k.out[0].data<T>();
  T* c = k.out[1].data<T>();
  T* act = k.n_out > 2 ? k.out[2].data<T>() : nullptr;
  const int64_t B = k.in[1].shape()[0], U = k.in[1].shape()[1];
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < U; ++j) {
      T z[4];
      for (int q = 0; q < 4; ++q) {
        const int64_t at = b * 4 * U + q * U + j;
        z[q] = gates[at] + (xg ? xg[at] : T(0));
      }
      const T i = sigmoid(z[0]), f = sigmoid(z[1]), g = std::tanh(z[2]), o = sigmoid(z[3]);
      const T cn = f * c_prev[b * U + j] + i * g;
      c[b * U + j] = cn;
      h[b * U + j] = o * std::tanh(cn);
      if (act) {
        const T a[4] = {i, f, g, o};
        for (int q = 0; q < 4; ++q) act[b * 4 * U + q * U + j] = a[q];
      }
    }
  }
}

// in = (act (B, 4U) from lstm_cell, c_prev (B, U), c (B, U), dh (B, U), dc (B, U));
// out = (d gates (B, 4U), d c_prev (B, U)). With tc = tanh(c):
//   d o = dh tc, dct = dc + dh o (1 - tc^2), d i = dct g, d f = dct c_prev, d g = dct i,
//   each times its activation's derivative; d c_prev = dct f.
template <class T>
void lstm_cell_grad(const KernelArgs& k) {
  const T* act = k.in[0].data<T>();
  const T* c_prev = k.in[1].data<T>();
  const T* c = k.in[2].data<T>();
  const T* dh = k.in[3].data<T>();
  const T* dc = k.in[4].data<T>();
  T* dgates = k.out[0].data<T>();
  T* dc_prev = k.out[1].data<T>();
  const int64_t B = k.in[1].shape()[0], U = k.in[1].shape()[1];
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < U; ++j) {
      const int64_t s = b * U + j, a = b * 4 * U + j;
      const T i = act[a], f = act[a + U], g = act[a + 2 * U], o = act[a + 3 * U];
      const T tc = std::tanh(c[s]);
      const T dct = dc[s] + dh[s] * o * (T(1) - tc * tc);
      dgates[a] = dct * g * i * (T(1) - i);
      dgates[a + U] = dct * c_prev[s] * f * (T(1) - f);
      dgates[a + 2 * U] = dct * i * (T(1) - g * g);
      dgates[a + 3 * U] = dh[s] * tc * o * (T(1) - o);
      dc_prev[s] = dct * f;
    }
  }
}

// in = (xg (B, 3U) = x W + input bias, hg (B, 3U) = h_prev R + recurrent bias, blocks z, r, h;
// h_prev (B, U)); out = (h (B, U)[, act (B, 3U) = z, r, hh]) with z = sigmoid(xz + hz),
// r = sigmoid(xr + hr), hh = tanh(xh + r hh_rec), h = z h_prev + (1 - z) hh.
template <class T>
void gru_cell(const KernelArgs& k) {
  const T* xg = k.in[0].data<T>();
  const T* hg = k.in[1].data<T>();
  const T* h_prev = k.in[2].data<T>();
  T* h = k.out[0].data<T>();
  T* act = k.n_out > 1 ? k.out[1].data<T>() : nullptr;
  const int64_t B = k.in[2].shape()[0], U = k.in[2].shape()[1];
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < U; ++j) {
      const int64_t s = b * U + j, a = b * 3 * U + j;
      const T z = sigmoid(xg[a] + hg[a]);
      const T r = sigmoid(xg[a + U] + hg[a + U]);
      const T hh = std::tanh(xg[a + 2 * U] + r * hg[a + 2 * U]);
      h[s] = z * h_prev[s] + (T(1) - z) * hh;
      if (act) act[a] = z, act[a + U] = r, act[a + 2 * U] = hh;
    }
  }
}

// in = (act (B, 3U) from gru_cell, hg (B, 3U), h_prev (B, U), dh (B, U)); out = (d xg (B, 3U),
// d hg (B, 3U), dh z (B, U): the part of d h_prev that skips the recurrent kernel). With
// p = d(pre-activation of hh) = dh (1 - z) (1 - hh^2): d xz = d hz = dh (h_prev - hh) z (1 - z),
// d xr = d hr = p hh_rec r (1 - r), d xh = p, d hh_rec = p r.
template <class T>
void gru_cell_grad(const KernelArgs& k) {
  const T* act = k.in[0].data<T>();
  const T* hg = k.in[1].data<T>();
  const T* h_prev = k.in[2].data<T>();
  const T* dh = k.in[3].data<T>();
  T* dxg = k.out[0].data<T>();
  T* dhg = k.out[1].data<T>();
  T* dh_prev = k.out[2].data<T>();
  const int64_t B = k.in[2].shape()[0], U = k.in[2].shape()[1];
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t j = 0; j < U; ++j) {
      const int64_t s = b * U + j, a = b * 3 * U + j;
      const T z = act[a], r = act[a + U], hh = act[a + 2 * U];
      const T dz = dh[s] * (h_prev[s] - hh) * z * (T(1) - z);
      const T p = dh[s] * (T(1) - z) * (T(1) - hh * hh);
      const T dr = p * hg[a + 2 * U] * r * (T(1) - r);
      dxg[a] = dhg[a] = dz;
      dxg[a + U] = dhg[a + U] = dr;
      dxg[a + 2 * U] = p;
      dhg[a + 2 * U] = p * r;
      dh_prev[s] = dh[s] * z;
    }
  }
}

template <class T>
void register_dtype(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::lstm_cell, d, lstm_cell<T>);
  t.set(Op::lstm_cell_grad, d, lstm_cell_grad<T>);
  t.set(Op::gru_cell, d, gru_cell<T>);
  t.set(Op::gru_cell_grad, d, gru_cell_grad<T>);
}

}  // namespace

void register_rnn(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::ref
