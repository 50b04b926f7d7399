// Pooling kernels (cpu) over contiguous channels_last tensors: the channel axis is the inner,
// vectorised loop. Forward runs threaded over output rows (batch, o0, o1), gradients over
// (batch, block of 64 channels), so no two threads write one element. Every element is
// computed by the same code in the same order as ref, whatever the thread count: results are
// bitwise independent of it (and equal to ref's). Strided inputs run the ref kernel. With
// AVX-512, max pooling keeps a register of channels per window cell (MaxLanes): LeNet's 6 and 16
// channels left the scalar loop branch-bound. oneDNN is not used: for channels_last pooling
// these loops are memory bound already.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "mz/backend/cpu/register.h"
#include "mz/core/thread_pool.h"

namespace mz::cpu {
namespace {

// Channels per gradient work item: a multiple of every vector width.
constexpr int64_t kChannelBlock = 64;
// Fewest element visits worth a thread wake-up.
constexpr int64_t kWork = 32768;

// The geometry as three spatial axes (D, H, W), leading axes of size 1 for 1-D and 2-D.
struct Geo {
  int64_t batch = 0, channels = 0;
  int64_t in[3], out[3], k[3], s[3], p[3];
  int64_t window = 1;  // cells per window
};

Geo geometry(const Shape& x, const Shape& y, const OpAttrs& a) {
  Geo g;
  const int spatial = x.rank() - 2, lead = 3 - spatial;
  g.batch = x[0];
  g.channels = x.back();
  for (int d = 0; d < 3; ++d) {
    const int i = d - lead;
    g.in[d] = i < 0 ? 1 : x[i + 1];
    g.out[d] = i < 0 ? 1 : y[i + 1];
    g.k[d] = i < 0 ? 1 : a.window[i];
    g.s[d] = i < 0 ? 1 : a.strides[i];
    g.p[d] = i < 0 ? 0 : a.pads[i];
    g.window *= g.k[d];
  }
  return g;
}

// The input cells [lo, hi) that window o covers on axis d.
inline void span(const Geo& g, int d, int64_t o, int64_t& lo, int64_t& hi) {
  const int64_t start = o * g.s[d] - g.p[d];
  lo = std::max<int64_t>(start, 0);
  hi = std::min<int64_t>(start + g.k[d], g.in[d]);
}

// Offset (in elements) of spatial cell (b, i0, i1, i2) in a contiguous (B, D, H, W, C) tensor.
inline int64_t cell(const Geo& g, int64_t b, int64_t i0, int64_t i1, int64_t i2) {
  return (((b * g.in[0] + i0) * g.in[1] + i1) * g.in[2] + i2) * g.channels;
}

void run_ref(Op op, DType dtype, const KernelArgs& k) {
  kernel_table(DeviceType::ref).get(op, dtype)(k);
}

#if defined(__AVX512F__)
constexpr bool kVectorMax = true;
// One AVX-512 register of channels for max pooling: take(acc, p, m) keeps acc's lane unless
// p's is larger or NaN (the scalar rule of pool_forward); masked lanes past the channels.
template <class T>
struct MaxLanes;
template <>
struct MaxLanes<float> {
  static constexpr int64_t L = 16;
  static __mmask16 mask(int64_t n) {
    return n >= L ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u);
  }
  static __m512 lowest() { return _mm512_set1_ps(-std::numeric_limits<float>::infinity()); }
  static __m512 take(__m512 acc, const float* p, __mmask16 m) {
    const __m512 v = _mm512_maskz_loadu_ps(m, p);
    const __mmask16 win =
        _mm512_cmp_ps_mask(v, acc, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    return _mm512_mask_blend_ps(win, acc, v);
  }
  static void store(float* p, __m512 v, __mmask16 m) { _mm512_mask_storeu_ps(p, m, v); }
  // won[j] = the first of the cells p + cells[0 .. count) whose lane j is the largest (the
  // first NaN when there is one): max_pool_grad's rule.
  static void argmax(const float* p, const int64_t* cells, int64_t count, __mmask16 m,
                     int32_t* won) {
    __m512 best = _mm512_maskz_loadu_ps(m, p + cells[0]);
    __m512i at = _mm512_setzero_si512();
    for (int64_t i = 1; i < count; ++i) {
      const __m512 v = _mm512_maskz_loadu_ps(m, p + cells[i]);
      const __mmask16 win =
          _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) |
          (_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q) & _mm512_cmp_ps_mask(best, best, _CMP_ORD_Q));
      best = _mm512_mask_blend_ps(win, best, v);
      at = _mm512_mask_blend_epi32(win, at, _mm512_set1_epi32(static_cast<int32_t>(i)));
    }
    _mm512_storeu_si512(won, at);
  }
};
template <>
struct MaxLanes<double> {
  static constexpr int64_t L = 8;
  static __mmask8 mask(int64_t n) { return n >= L ? __mmask8(0xFF) : __mmask8((1u << n) - 1u); }
  static __m512d lowest() { return _mm512_set1_pd(-std::numeric_limits<double>::infinity()); }
  static __m512d take(__m512d acc, const double* p, __mmask8 m) {
    const __m512d v = _mm512_maskz_loadu_pd(m, p);
    const __mmask8 win =
        _mm512_cmp_pd_mask(v, acc, _CMP_GT_OQ) | _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q);
    return _mm512_mask_blend_pd(win, acc, v);
  }
  static void store(double* p, __m512d v, __mmask8 m) { _mm512_mask_storeu_pd(p, m, v); }
  static void argmax(const double* p, const int64_t* cells, int64_t count, __mmask8 m,
                     int32_t* won) {
    __m512d best = _mm512_maskz_loadu_pd(m, p + cells[0]);
    __m512i at = _mm512_setzero_si512();
    for (int64_t i = 1; i < count; ++i) {
      const __m512d v = _mm512_maskz_loadu_pd(m, p + cells[i]);
      const __mmask8 win =
          _mm512_cmp_pd_mask(v, best, _CMP_GT_OQ) |
          (_mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q) & _mm512_cmp_pd_mask(best, best, _CMP_ORD_Q));
      best = _mm512_mask_blend_pd(win, best, v);
      at = _mm512_mask_blend_epi64(win, at, _mm512_set1_epi64(i));
    }
    int64_t wide[8];
    _mm512_storeu_si512(wide, at);
    for (int j = 0; j < 8; ++j) won[j] = static_cast<int32_t>(wide[j]);
  }
};
#else
constexpr bool kVectorMax = false;
// Without AVX-512 the channel loop of pool_forward runs as written; never used.
template <class T>
struct MaxLanes {
  static constexpr int64_t L = 1;
  static int mask(int64_t) { return 1; }
  static T lowest() { return -std::numeric_limits<T>::infinity(); }
  static T take(T acc, const T* p, int) { return (*p > acc || *p != *p) ? *p : acc; }
  static void store(T* p, T v, int) { *p = v; }
  static void argmax(const T*, const int64_t*, int64_t, int, int32_t* won) { won[0] = 0; }
};
#endif

// max_pool / avg_pool (see ref): y[b, o, c] over the window's cells, channels innermost.
template <class T, bool kMax>
void pool_forward(const KernelArgs& k) {
  const Tensor &x = k.in[0], &y = k.out[0];
  if (!x.is_contiguous()) return run_ref(kMax ? Op::max_pool : Op::avg_pool, dtype_of<T>, k);
  const Geo g = geometry(x.shape(), y.shape(), *k.attrs);
  const T* px = x.data<T>();
  T* py = y.data<T>();
  const int64_t C = g.channels, rows = g.batch * g.out[0] * g.out[1];
  const int64_t grain = std::max<int64_t>(1, kWork / std::max<int64_t>(1, g.out[2] * C * g.window));
  parallel_for(rows, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / (g.out[0] * g.out[1]), o0 = r / g.out[1] % g.out[0], o1 = r % g.out[1];
      int64_t lo0, hi0, lo1, hi1;
      span(g, 0, o0, lo0, hi0);
      span(g, 1, o1, lo1, hi1);
      for (int64_t o2 = 0; o2 < g.out[2]; ++o2) {
        int64_t lo2, hi2;
        span(g, 2, o2, lo2, hi2);
        T* out = py + (r * g.out[2] + o2) * C;
        if constexpr (kMax && kVectorMax) {
          // The same rule as the loop below, a register of channels at a time: no memory
          // round trip of out per cell, no data-dependent branch.
          for (int64_t c = 0; c < C; c += MaxLanes<T>::L) {
            const auto m = MaxLanes<T>::mask(C - c);
            auto acc = MaxLanes<T>::lowest();
            for (int64_t i0 = lo0; i0 < hi0; ++i0)
              for (int64_t i1 = lo1; i1 < hi1; ++i1)
                for (int64_t i2 = lo2; i2 < hi2; ++i2)
                  acc = MaxLanes<T>::take(acc, px + cell(g, b, i0, i1, i2) + c, m);
            MaxLanes<T>::store(out + c, acc, m);
          }
          continue;
        }
        std::fill(out, out + C, kMax ? -std::numeric_limits<T>::infinity() : T(0));
        for (int64_t i0 = lo0; i0 < hi0; ++i0)
          for (int64_t i1 = lo1; i1 < hi1; ++i1)
            for (int64_t i2 = lo2; i2 < hi2; ++i2) {
              const T* in = px + cell(g, b, i0, i1, i2);
              if constexpr (kMax) {
                // NaN wins and stays (v != v), as ref's rule gives.
                for (int64_t c = 0; c < C; ++c)
                  out[c] = (in[c] > out[c] || in[c] != in[c]) ? in[c] : out[c];
              } else {
                for (int64_t c = 0; c < C; ++c) out[c] += in[c];
              }
            }
        if constexpr (!kMax) {
          const T count = static_cast<T>((hi0 - lo0) * (hi1 - lo1) * (hi2 - lo2));
          for (int64_t c = 0; c < C; ++c) out[c] = out[c] / count;
        }
      }
    }
  });
}

// Runs fn(b, c0, c1) over (batch, channel block) items in parallel; each item owns
// dx[b, ..., c0:c1], which it zeroes first.
template <class T, class Fn>
void per_channel_block(const Geo& g, T* dx, Fn&& fn) {
  const int64_t C = g.channels, blocks = (C + kChannelBlock - 1) / kChannelBlock;
  const int64_t cells = g.in[0] * g.in[1] * g.in[2];
  const int64_t per_item =
      std::max<int64_t>(1, g.out[0] * g.out[1] * g.out[2] * g.window * std::min(C, kChannelBlock));
  parallel_for(g.batch * blocks, std::max<int64_t>(1, kWork / per_item),
               [&](int64_t i0, int64_t i1) {
                 for (int64_t i = i0; i < i1; ++i) {
                   const int64_t b = i / blocks, c0 = i % blocks * kChannelBlock,
                                 c1 = std::min(C, c0 + kChannelBlock);
                   T* base = dx + b * cells * C;
                   for (int64_t s = 0; s < cells; ++s)
                     std::fill(base + s * C + c0, base + s * C + c1, T(0));
                   fn(b, c0, c1);
                 }
               });
}

// avg_pool_grad (see ref): dx[cell] += dy / count, windows in output order.
template <class T>
void avg_pool_grad(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &dx = k.out[0];
  if (!dy.is_contiguous()) return run_ref(Op::avg_pool_grad, dtype_of<T>, k);
  const Geo g = geometry(dx.shape(), dy.shape(), *k.attrs);
  const T* pg = dy.data<T>();
  T* pd = dx.data<T>();
  const int64_t C = g.channels;
  per_channel_block(g, pd, [&](int64_t b, int64_t c0, int64_t c1) {
    T share[kChannelBlock];
    const int64_t n = c1 - c0;
    for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
      int64_t lo0, hi0;
      span(g, 0, o0, lo0, hi0);
      for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
        int64_t lo1, hi1;
        span(g, 1, o1, lo1, hi1);
        for (int64_t o2 = 0; o2 < g.out[2]; ++o2) {
          int64_t lo2, hi2;
          span(g, 2, o2, lo2, hi2);
          const T count = static_cast<T>((hi0 - lo0) * (hi1 - lo1) * (hi2 - lo2));
          const T* grad = pg + (((b * g.out[0] + o0) * g.out[1] + o1) * g.out[2] + o2) * C + c0;
          for (int64_t c = 0; c < n; ++c) share[c] = grad[c] / count;
          for (int64_t i0 = lo0; i0 < hi0; ++i0)
            for (int64_t i1 = lo1; i1 < hi1; ++i1)
              for (int64_t i2 = lo2; i2 < hi2; ++i2) {
                T* to = pd + cell(g, b, i0, i1, i2) + c0;
                for (int64_t c = 0; c < n; ++c) to[c] += share[c];
              }
        }
      }
    }
  });
}

// max_pool_grad (see ref): each dy goes to the first cell holding its window's maximum (the
// first NaN when there is one); per channel, the best value and its cell are tracked with
// branch-free selects so the channel loop vectorises.
template <class T>
void max_pool_grad(const KernelArgs& k) {
  const Tensor &x = k.in[0], &dy = k.in[1], &dx = k.out[0];
  if (!x.is_contiguous() || !dy.is_contiguous()) return run_ref(Op::max_pool_grad, dtype_of<T>, k);
  const Geo g = geometry(x.shape(), dy.shape(), *k.attrs);
  const T* px = x.data<T>();
  const T* pg = dy.data<T>();
  T* pd = dx.data<T>();
  const int64_t C = g.channels;
  per_channel_block(g, pd, [&](int64_t b, int64_t c0, int64_t c1) {
    T best[kChannelBlock];
    int64_t at[kChannelBlock];
    std::vector<int64_t> cells(static_cast<std::size_t>(g.window));
    const int64_t n = c1 - c0;
    for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
      int64_t lo0, hi0;
      span(g, 0, o0, lo0, hi0);
      for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
        int64_t lo1, hi1;
        span(g, 1, o1, lo1, hi1);
        for (int64_t o2 = 0; o2 < g.out[2]; ++o2) {
          int64_t lo2, hi2;
          span(g, 2, o2, lo2, hi2);
          const T* grad = pg + (((b * g.out[0] + o0) * g.out[1] + o1) * g.out[2] + o2) * C + c0;
          if constexpr (kVectorMax) {
            // The same rule a register of channels at a time; each lane remembers the
            // ordinal of its winning cell, whose offset `cells` holds.
            int64_t count = 0;
            for (int64_t i0 = lo0; i0 < hi0; ++i0)
              for (int64_t i1 = lo1; i1 < hi1; ++i1)
                for (int64_t i2 = lo2; i2 < hi2; ++i2) cells[count++] = cell(g, b, i0, i1, i2) + c0;
            if (count == 0) continue;  // an empty window (never made by the ops)
            for (int64_t c = 0; c < n; c += MaxLanes<T>::L) {
              const auto m = MaxLanes<T>::mask(n - c);
              int32_t won[MaxLanes<T>::L];
              MaxLanes<T>::argmax(px + c, cells.data(), count, m, won);
              const int64_t lanes = std::min<int64_t>(MaxLanes<T>::L, n - c);
              for (int64_t j = 0; j < lanes; ++j) pd[cells[won[j]] + c + j] += grad[c + j];
            }
            continue;
          }
          bool first = true;
          for (int64_t i0 = lo0; i0 < hi0; ++i0)
            for (int64_t i1 = lo1; i1 < hi1; ++i1)
              for (int64_t i2 = lo2; i2 < hi2; ++i2) {
                const int64_t off = cell(g, b, i0, i1, i2) + c0;
                const T* in = px + off;
                if (first) {
                  for (int64_t c = 0; c < n; ++c) best[c] = in[c], at[c] = off + c;
                  first = false;
                  continue;
                }
                for (int64_t c = 0; c < n; ++c) {
                  const T v = in[c];
                  const bool wins = v > best[c] || (v != v && best[c] == best[c]);
                  best[c] = wins ? v : best[c];
                  at[c] = wins ? off + c : at[c];
                }
              }
          if (first) continue;  // an empty window (never made by the ops)
          for (int64_t c = 0; c < n; ++c) pd[at[c]] += grad[c];
        }
      }
    }
  });
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::max_pool, dtype_of<T>, pool_forward<T, true>);
  t.set(Op::avg_pool, dtype_of<T>, pool_forward<T, false>);
  t.set(Op::max_pool_grad, dtype_of<T>, max_pool_grad<T>);
  t.set(Op::avg_pool_grad, dtype_of<T>, avg_pool_grad<T>);
}

}  // namespace

void register_pool(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cpu
