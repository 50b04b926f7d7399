// Pooling kernels (cpu) over contiguous channels_last tensors: the channel axis is the inner,
// vectorised loop. Forward runs threaded over output rows (batch, o0, o1), gradients over
// (batch, block of 64 channels), so no two threads write one element. Every element is
// computed by the same code in the same order as ref, whatever the thread count: results are
// bitwise independent of it (and equal to ref's). Strided inputs run the ref kernel.
// oneDNN is not used: for channels_last pooling these loops are memory bound already.
#include <algorithm>
#include <cmath>
#include <limits>

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
          const T* grad = pg + (((b * g.out[0] + o0) * g.out[1] + o1) * g.out[2] + o2) * C + c0;
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
