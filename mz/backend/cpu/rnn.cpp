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
int64_t row_grain(int64_t units) { return std::max<int64_t>(1, 8192 / std::max<int64_t>(units, 1)); }

// Runs rows(b0, b1) over [0, B), threaded when there is enough work.
template <class F>
void for_rows(int64_t B, int64_t U, F rows) {
  parallel_for(B, row_grain(U), [&](int64_t b0, int64_t b1) { rows(b0, b1); });
}

// LSTM forward for rows [b0, b1): kX adds xg to gates; kAct stores the activated gates.
template <class T, bool kX, bool kAct>
void lstm_rows(const T* gates, const T* xg, const T* c_prev, T* h, T* c, T* act, int64_t U,
               int64_t b0, int64_t b1) {
  using M = Math<T>;
  for (int64_t b = b0; b < b1; ++b) {
    const T* __restrict z = gates + b * 4 * U;
    const T* __restrict x = kX ? xg + b * 4 * U : z;
    const T* __restrict cp = c_prev + b * U;
    T* __restrict hr = h + b * U;
    T* __restrict cr = c + b * U;
    T* __restrict ar = kAct ? act + b * 4 * U : hr;
    for (int64_t j = 0; j < U; ++j) {
      const T zi = kX ? z[j] + x[j] : z[j];
      const T zf = kX ? z[U + j] + x[U + j] : z[U + j];
      const T zg = kX ? z[2 * U + j] + x[2 * U + j] : z[2 * U + j];
      const T zo = kX ? z[3 * U + j] + x[3 * U + j] : z[3 * U + j];
      const T i = M::sigmoid(zi), f = M::sigmoid(zf), g = M::tanh(zg), o = M::sigmoid(zo);
      const T cn = f * cp[j] + i * g;
      cr[j] = cn;
      hr[j] = o * M::tanh(cn);
      if constexpr (kAct) {
        ar[j] = i;
        ar[U + j] = f;
        ar[2 * U + j] = g;
        ar[3 * U + j] = o;
      }
    }
  }
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

// in = (act (B, 4U), c_prev, c, dh, dc (B, U)); out = (d gates (B, 4U), d c_prev (B, U)).
template <class T>
void lstm_cell_grad(const KernelArgs& k) {
  using M = Math<T>;
  const T* act = k.in[0].data<T>();
  const T* c_prev = k.in[1].data<T>();
  const T* c = k.in[2].data<T>();
  const T* dh = k.in[3].data<T>();
  const T* dc = k.in[4].data<T>();
  T* dgates = k.out[0].data<T>();
  T* dc_prev = k.out[1].data<T>();
  const int64_t B = k.in[1].shape()[0], U = k.in[1].shape()[1];
  for_rows(B, U, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const T* __restrict a = act + b * 4 * U;
      const T* __restrict cp = c_prev + b * U;
      const T* __restrict cr = c + b * U;
      const T* __restrict dhr = dh + b * U;
      const T* __restrict dcr = dc + b * U;
      T* __restrict dg = dgates + b * 4 * U;
      T* __restrict dcp = dc_prev + b * U;
      for (int64_t j = 0; j < U; ++j) {
        const T i = a[j], f = a[U + j], g = a[2 * U + j], o = a[3 * U + j];
        const T tc = M::tanh(cr[j]);
        const T dct = dcr[j] + dhr[j] * o * (T(1) - tc * tc);
        dg[j] = dct * g * i * (T(1) - i);
        dg[U + j] = dct * cp[j] * f * (T(1) - f);
        dg[2 * U + j] = dct * i * (T(1) - g * g);
        dg[3 * U + j] = dhr[j] * tc * o * (T(1) - o);
        dcp[j] = dct * f;
      }
    }
  });
}

// in = (xg (B, 3U), hg (B, 3U), h_prev (B, U)); out = (h (B, U)[, act (B, 3U) = z, r, hh]).
template <class T, bool kAct>
void gru_rows(const T* xg, const T* hg, const T* h_prev, T* h, T* act, int64_t U, int64_t b0,
              int64_t b1) {
  using M = Math<T>;
  for (int64_t b = b0; b < b1; ++b) {
    const T* __restrict x = xg + b * 3 * U;
    const T* __restrict r_ = hg + b * 3 * U;
    const T* __restrict hp = h_prev + b * U;
    T* __restrict hr = h + b * U;
    T* __restrict ar = kAct ? act + b * 3 * U : hr;
    for (int64_t j = 0; j < U; ++j) {
      const T z = M::sigmoid(x[j] + r_[j]);
      const T r = M::sigmoid(x[U + j] + r_[U + j]);
      const T hh = M::tanh(x[2 * U + j] + r * r_[2 * U + j]);
      hr[j] = z * hp[j] + (T(1) - z) * hh;
      if constexpr (kAct) {
        ar[j] = z;
        ar[U + j] = r;
        ar[2 * U + j] = hh;
      }
    }
  }
}

template <class T>
void gru_cell(const KernelArgs& k) {
  const T* xg = k.in[0].data<T>();
  const T* hg = k.in[1].data<T>();
  const T* h_prev = k.in[2].data<T>();
  T* h = k.out[0].data<T>();
  T* act = k.n_out > 1 ? k.out[1].data<T>() : nullptr;
  const int64_t B = k.in[2].shape()[0], U = k.in[2].shape()[1];
  for_rows(B, U, [&](int64_t b0, int64_t b1) {
    if (act) return gru_rows<T, true>(xg, hg, h_prev, h, act, U, b0, b1);
    gru_rows<T, false>(xg, hg, h_prev, h, act, U, b0, b1);
  });
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
    for (int64_t b = b0; b < b1; ++b) {
      const T* __restrict a = act + b * 3 * U;
      const T* __restrict hgr = hg + b * 3 * U;
      const T* __restrict hp = h_prev + b * U;
      const T* __restrict dhr = dh + b * U;
      T* __restrict dx = dxg + b * 3 * U;
      T* __restrict dr_ = dhg + b * 3 * U;
      T* __restrict dhp = dh_prev + b * U;
      for (int64_t j = 0; j < U; ++j) {
        const T z = a[j], r = a[U + j], hh = a[2 * U + j];
        const T dz = dhr[j] * (hp[j] - hh) * z * (T(1) - z);
        const T p = dhr[j] * (T(1) - z) * (T(1) - hh * hh);
        const T dr = p * hgr[2 * U + j] * r * (T(1) - r);
        dx[j] = dz;
        dr_[j] = dz;
        dx[U + j] = dr;
        dr_[U + j] = dr;
        dx[2 * U + j] = p;
        dr_[2 * U + j] = p * r;
        dhp[j] = dhr[j] * z;
      }
    }
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
