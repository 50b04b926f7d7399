// Fast recurrent cell kernels (float32, float64): the formulas of backend/ref/rnn.cpp as
// loops over one row's units that GCC vectorises (float32 sigmoid/tanh from fast_math.h,
// branch-free), rows spread over threads for large batches. Every element is computed by the
// same code whatever the thread count, so results do not depend on it. B is the batch, U the
// units; gate block q of row b starts at b * blocks * U + q * U.
#include <algorithm>
#include <cstdint>

#include "mz/backend/cpu/fast_math.h"
#include "mz/backend/cpu/register.h"
#include "mz/core/thread_pool.h"

namespace mz::cpu {
namespace {

// Rows per thread: a row of U units costs ~4 transcendental functions per unit.
int64_t row_grain(int64_t units) {
  return std::max<int64_t>(1, 8192 / std::max<int64_t>(units, 1));
}

// Runs rows(b0, b1) over [0, B), threaded when there is enough work.
template <class F>
void for_rows(int64_t B, int64_t U, F rows) {
  parallel_for(B, row_grain(U), [&](int64_t b0, int64_t b1) { rows(b0, b1); });
}

// NOTE: each row runs in its own function with __restrict row pointers: GCC 12 does not
// vectorise the same loop written over pointers offset inside the row loop ("no vectype").

// One LSTM row: z (4U) pre-activations (+ x (4U) when kX), cp (U) -> h, c (U) and, with kAct,
// a (4U) the activated gates.
template <class T, bool kX, bool kAct>
void lstm_row(const T* __restrict z, const T* __restrict x, const T* __restrict cp, T* __restrict h,
              T* __restrict c, T* __restrict a, int64_t U) {
  using M = Math<T>;
  for (int64_t j = 0; j < U; ++j) {
    T zi = z[j], zf = z[U + j], zg = z[2 * U + j], zo = z[3 * U + j];
    if constexpr (kX) {
      zi += x[j];
      zf += x[U + j];
      zg += x[2 * U + j];
      zo += x[3 * U + j];
    }
    const T i = M::sigmoid(zi), f = M::sigmoid(zf), g = M::tanh(zg), o = M::sigmoid(zo);
    const T cn = f * cp[j] + i * g;
    c[j] = cn;
    h[j] = o * M::tanh(cn);
    if constexpr (kAct) {
      a[j] = i;
      a[U + j] = f;
      a[2 * U + j] = g;
      a[3 * U + j] = o;
    }
  }
}

template <class T, bool kX, bool kAct>
void lstm_rows(const T* gates, const T* xg, const T* c_prev, T* h, T* c, T* act, int64_t U,
               int64_t b0, int64_t b1) {
  for (int64_t b = b0; b < b1; ++b)
    lstm_row<T, kX, kAct>(gates + b * 4 * U, kX ? xg + b * 4 * U : nullptr, c_prev + b * U,
                          h + b * U, c + b * U, kAct ? act + b * 4 * U : nullptr, U);
}

// in = (gates (B, 4U), c_prev (B, U)[, xg (B, 4U)]); out = (h, c[, act (B, 4U)]).
template <class T>
void lstm_cell(const KernelArgs& k) {
  const T* gates = k.in[0].data<T>();
  const T* c_prev = k.in[1].data<T>();
  const T* xg = k.n_in > 2 ? k.in[2].data<T>() : nullptr;
  T* h = k.out[0].data<T>();
  T* c = k.out[1].data<T>();
  T* act = k.n_out > 2 ? k.out[2].data<T>() : nullptr;
  const int64_t B = k.in[1].shape()[0], U = k.in[1].shape()[1];
  for_rows(B, U, [&](int64_t b0, int64_t b1) {
    if (xg && act) return lstm_rows<T, true, true>(gates, xg, c_prev, h, c, act, U, b0, b1);
    if (xg) return lstm_rows<T, true, false>(gates, xg, c_prev, h, c, act, U, b0, b1);
    if (act) return lstm_rows<T, false, true>(gates, xg, c_prev, h, c, act, U, b0, b1);
    lstm_rows<T, false, false>(gates, xg, c_prev, h, c, act, U, b0, b1);
  });
}

// One LSTM backward row: a (4U) activated gates, cp, c, dh, dc (U) -> dg (4U), dcp (U).
template <class T>
void lstm_grad_row(const T* __restrict a, const T* __restrict cp, const T* __restrict c,
                   const T* __restrict dh, const T* __restrict dc, T* __restrict dg,
                   T* __restrict dcp, int64_t U) {
  using M = Math<T>;
  for (int64_t j = 0; j < U; ++j) {
    const T i = a[j], f = a[U + j], g = a[2 * U + j], o = a[3 * U + j];
    const T tc = M::tanh(c[j]);
    const T dct = dc[j] + dh[j] * o * (T(1) - tc * tc);
    dg[j] = dct * g * i * (T(1) - i);
    dg[U + j] = dct * cp[j] * f * (T(1) - f);
    dg[2 * U + j] = dct * i * (T(1) - g * g);
    dg[3 * U + j] = dh[j] * tc * o * (T(1) - o);
    dcp[j] = dct * f;
  }
}

// in = (act (B, 4U), c_prev, c, dh, dc (B, U)); out = (d gates (B, 4U), d c_prev (B, U)).
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
  for_rows(B, U, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b)
      lstm_grad_row<T>(act + b * 4 * U, c_prev + b * U, c + b * U, dh + b * U, dc + b * U,
                       dgates + b * 4 * U, dc_prev + b * U, U);
  });
}

// One GRU row: x, r_ (3U) input and recurrent projections, hp (U) -> h (U) and, with kAct,
// a (3U) = z, r, hh.
template <class T, bool kAct>
void gru_row(const T* __restrict x, const T* __restrict r_, const T* __restrict hp, T* __restrict h,
             T* __restrict a, int64_t U) {
  using M = Math<T>;
  for (int64_t j = 0; j < U; ++j) {
    const T z = M::sigmoid(x[j] + r_[j]);
    const T r = M::sigmoid(x[U + j] + r_[U + j]);
    const T hh = M::tanh(x[2 * U + j] + r * r_[2 * U + j]);
    h[j] = z * hp[j] + (T(1) - z) * hh;
    if constexpr (kAct) {
      a[j] = z;
      a[U + j] = r;
      a[2 * U + j] = hh;
    }
  }
}

// in = (xg (B, 3U), hg (B, 3U), h_prev (B, U)); out = (h (B, U)[, act (B, 3U) = z, r, hh]).
template <class T>
void gru_cell(const KernelArgs& k) {
  const T* xg = k.in[0].data<T>();
  const T* hg = k.in[1].data<T>();
  const T* h_prev = k.in[2].data<T>();
  T* h = k.out[0].data<T>();
  T* act = k.n_out > 1 ? k.out[1].data<T>() : nullptr;
  const int64_t B = k.in[2].shape()[0], U = k.in[2].shape()[1];
  for_rows(B, U, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      if (act) {
        gru_row<T, true>(xg + b * 3 * U, hg + b * 3 * U, h_prev + b * U, h + b * U, act + b * 3 * U,
                         U);
      } else {
        gru_row<T, false>(xg + b * 3 * U, hg + b * 3 * U, h_prev + b * U, h + b * U, nullptr, U);
      }
    }
  });
}

// One GRU backward row: a (3U), hg (3U), hp, dh (U) -> dx, dr_ (3U), dhp (U).
template <class T>
void gru_grad_row(const T* __restrict a, const T* __restrict hg, const T* __restrict hp,
                  const T* __restrict dh, T* __restrict dx, T* __restrict dr_, T* __restrict dhp,
                  int64_t U) {
  for (int64_t j = 0; j < U; ++j) {
    const T z = a[j], r = a[U + j], hh = a[2 * U + j];
    const T dz = dh[j] * (hp[j] - hh) * z * (T(1) - z);
    const T p = dh[j] * (T(1) - z) * (T(1) - hh * hh);
    const T dr = p * hg[2 * U + j] * r * (T(1) - r);
    dx[j] = dz;
    dr_[j] = dz;
    dx[U + j] = dr;
    dr_[U + j] = dr;
    dx[2 * U + j] = p;
    dr_[2 * U + j] = p * r;
    dhp[j] = dh[j] * z;
  }
}

// in = (act (B, 3U), hg (B, 3U), h_prev (B, U), dh (B, U));
// out = (d xg (B, 3U), d hg (B, 3U), dh z (B, U)).
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
  for_rows(B, U, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b)
      gru_grad_row<T>(act + b * 3 * U, hg + b * 3 * U, h_prev + b * U, dh + b * U, dxg + b * 3 * U,
                      dhg + b * 3 * U, dh_prev + b * U, U);
  });
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

}  // namespace mz::cpu
