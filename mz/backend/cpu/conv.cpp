// Direct convolution kernels for channels_last tensors (conv, conv_grad_input, conv_grad_weight)
// in float32 and float64, built on one register-tiled micro-kernel (conv_tile.h). No im2col
// buffer, no layout reorder: the thin convolutions of small CNNs (1 -> 6 -> 16 channels) are
// where libraries that pack or reorder lose most of their time (BENCHMARKS.md, W2). oneDNN 2.6
// was measured here and not used: with channels_last tensors it falls back to gemm:jit (3-4x
// slower than these kernels on W2's shapes), and its blocked layouts need reorders around
// every call. Start at conv() near the end.
//
// The micro-kernel computes a tile C (MR rows, up to NV vectors of columns) = sum over segments
// of A (MR x k) times B (k x columns), where A(i, k) = a[i * sa + k * ka] is read in place from
// the input and B's rows are vectors:
//  - conv: rows are MR output pixels of one output row, k runs over (kw, input channel), one
//    segment per (kd, kh) tap row; B is the kernel, whose Keras layout (*k, in, out) already
//    has out channels innermost;
//  - conv_thin (depthwise-like, 1 to 4 channels per group): the transposed tile, rows are the
//    output channels and B's vectors are output pixels of a planar copy of the input;
//  - conv_grad_weight: rows are (kw, input channel) pairs of the kernel, k runs over the output
//    pixels of one output row, one segment per output row; B is dy;
//  - conv_grad_input: rows are output pixels, k runs over output channels, B is the kernel
//    transposed; the resulting columns (one per tap and input channel) are added into dx
//    (col2im).
// Few output channels in one group (LeNet's 6) go to conv_expanded.cpp instead (conv and
// conv_grad_weight). Padding is a zero-bordered copy of the input (the "window"), made only
// when there is padding. Threads split output rows or samples (conv, conv_grad_input) or fixed
// chunks of the pixel sum (conv_grad_weight, whose partial sums are added in chunk order), so 1
// and N threads give the same bits.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "mz/backend/cpu/conv_tile.h"
#include "mz/backend/cpu/fast_math.h"
#include "mz/backend/cpu/register.h"
#include "mz/core/thread_pool.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace mz::cpu {
namespace {

using namespace conv_detail;

// ----- the drivers -----

// y (N, O0, O1, O2, Cout) = act(conv(x, w) + bias) for a window x that already holds the
// padding: tap (k0, k1, k2) of output o reads x at o * S + k * D. w is Keras's (*K, Cig, Cout).
template <class T>
void conv_direct(const Input<T>& x, const T* w, const T* bias, Act act, T* y, const Dims& d) {
  const int64_t C = x.C;
  // (kw, channel) pairs are consecutive in x when there is one group and no column dilation:
  // then a whole kernel row is one segment.
  const bool row_runs = d.G == 1 && d.D[2] == 1;
  std::vector<Seg> segs;
  for (int64_t k0 = 0; k0 < d.K[0]; ++k0)
    for (int64_t k1 = 0; k1 < d.K[1]; ++k1) {
      const int64_t a = (k0 * d.D[0] * x.B[1] + k1 * d.D[1]) * x.B[2] * C;
      const int64_t b = (k0 * d.K[1] + k1) * d.K[2] * d.Cig * d.Cout;
      if (row_runs) {
        segs.push_back({a, b, d.K[2] * d.Cig});
      } else {
        for (int64_t k2 = 0; k2 < d.K[2]; ++k2)
          segs.push_back({a + k2 * d.D[2] * C, b + k2 * d.Cig * d.Cout, d.Cig});
      }
    }
  const int64_t rows = d.N * d.O[0] * d.O[1];
  const int64_t row_work = d.O[2] * d.Cout * d.taps() * d.Cig;
  const bool relu = act == Act::relu;
  auto run = [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t n = r / (d.O[0] * d.O[1]), o0 = r / d.O[1] % d.O[0], o1 = r % d.O[1];
      const T* xr = x.p + at(x.B, C, n, o0 * d.S[0], o1 * d.S[1], 0);
      T* yr = y + r * d.O[2] * d.Cout;
      for (int64_t g = 0; g < d.G; ++g) {
        const T* bg = bias ? bias + g * d.Cog : nullptr;
        auto post = [act](T* c, int64_t mr, int64_t nc, int64_t ldc) {
          for (int64_t i = 0; i < mr; ++i)
            for (int64_t j = 0; j < nc; ++j) {
              T& v = c[i * ldc + j];
              v = act == Act::tanh ? Math<T>::tanh(v) : Math<T>::sigmoid(v);
            }
        };
        const int64_t ldc = d.Cout;
        auto maybe_post = [&](T* c, int64_t mr, int64_t nc) {
          if (act == Act::tanh || act == Act::sigmoid) post(c, mr, nc, ldc);
        };
        gemm_tiles<T>(d.O[2], d.Cog, xr + g * d.Cig, d.S[2] * C, 1, w + g * d.Cog, d.Cout,
                      segs.data(), static_cast<int64_t>(segs.size()), yr + g * d.Cog, ldc, bg, relu,
                      maybe_post);
      }
    }
  };
  parallel_for(rows, std::max<int64_t>(1, kTaskWork / std::max<int64_t>(row_work, 1)), run);
}

// v[i] = act(v[i] + b) for i < n; each activation's loop vectorises.
template <class T>
void finish_run(T* v, int64_t n, T b, Act act) {
  switch (act) {
    case Act::linear:
      for (int64_t i = 0; i < n; ++i) v[i] += b;
      return;
    case Act::relu:
      for (int64_t i = 0; i < n; ++i) v[i] = std::max(v[i] + b, T(0));
      return;
    case Act::tanh:
      for (int64_t i = 0; i < n; ++i) v[i] = Math<T>::tanh(v[i] + b);
      return;
    case Act::sigmoid:
      for (int64_t i = 0; i < n; ++i) v[i] = Math<T>::sigmoid(v[i] + b);
      return;
  }
}

// dst[i * stride] = src[i] for i < n: AVX-512 scatters where compiled for them.
template <class T>
void scatter_run(const T* src, int64_t n, T* dst, int64_t stride) {
  int64_t i = 0;
#if defined(__AVX512F__)
  using VT = Vec<T>;
  constexpr int L = VT::L;
  if constexpr (sizeof(T) == 4) {
    const __m512i idx =
        _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                           _mm512_set1_epi32(static_cast<int>(stride)));
    for (; i < n; i += L) {
      const typename VT::M m = VT::mask(n - i);
      _mm512_mask_i32scatter_ps(dst + i * stride, m, idx, VT::load(src + i, m), 4);
    }
  } else {
    const __m512i idx =
        _mm512_mullo_epi64(_mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7), _mm512_set1_epi64(stride));
    for (; i < n; i += L) {
      const typename VT::M m = VT::mask(n - i);
      _mm512_mask_i64scatter_pd(dst + i * stride, m, idx, VT::load(src + i, m), 8);
    }
  }
#endif
  for (; i < n; ++i) dst[i * stride] = src[i];
}

// True when conv_thin beats conv_direct: very few output channels per group, as in depthwise
// convolutions (conv_direct's vectors of channels would be at most a quarter full), and unit
// column strides (conv_thin's vectors of pixels read consecutive input columns). NOTE: with 6
// channels (LeNet's first layer) both run equally fast: conv_thin's write-back to channels
// last (scalar, or AVX-512 scatters: no faster) costs what its fuller vectors save.
template <class T>
bool use_thin(const Dims& d) {
  return d.S[2] == 1 && d.Cog * 4 <= Vec<T>::L && d.O[2] >= Vec<T>::L / 2;
}

// y = act(conv(x, w) + bias) for few output channels: the tile is transposed, rows are the
// group's output channels and columns are output pixels of one row, read from a planar window
// x (channel runs per row, padding included): C^T (Cog, pixels) = w^T (Cog, k) @ x_cols^T (k,
// pixels). The tile is then written to y channels last, with bias and activation.
template <class T>
void conv_thin(const Input<T>& x, const T* w, const T* bias, Act act, T* y, const Dims& d) {
  constexpr int L = Vec<T>::L;
  const int64_t C = x.C;
  // One segment per kernel row when each tap reads one channel (k runs over kw, D2 apart in x),
  // else one per tap (k runs over the group's channels, a planar row apart).
  const bool row_runs = d.Cig == 1;
  std::vector<Seg> segs;
  for (int64_t k0 = 0; k0 < d.K[0]; ++k0)
    for (int64_t k1 = 0; k1 < d.K[1]; ++k1) {
      const int64_t b = (k0 * d.D[0] * x.B[1] + k1 * d.D[1]) * C * x.B[2];
      const int64_t a = (k0 * d.K[1] + k1) * d.K[2] * d.Cig * d.Cout;
      if (row_runs) {
        segs.push_back({a, b, d.K[2]});
      } else {
        for (int64_t k2 = 0; k2 < d.K[2]; ++k2)
          segs.push_back({a + k2 * d.Cig * d.Cout, b + k2 * d.D[2], d.Cig});
      }
    }
  const int64_t kb = row_runs ? d.D[2] : x.B[2];
  // The widest run of pixels whose tile (Cog rows) fits the registers.
  int64_t nv = kMaxNV;
  while (kMaxMR[nv] < d.Cog) --nv;
  const int64_t chunk = nv * L;
  const int64_t rows = d.N * d.O[0] * d.O[1];
  const int64_t row_work = d.O[2] * d.Cout * d.taps() * d.Cig;
  parallel_for(
      rows, std::max<int64_t>(1, kTaskWork / std::max<int64_t>(row_work, 1)),
      [&](int64_t begin, int64_t end) {
        std::vector<T> ct(static_cast<std::size_t>(d.Cog * chunk));
        for (int64_t r = begin; r < end; ++r) {
          const int64_t n = r / (d.O[0] * d.O[1]), o0 = r / d.O[1] % d.O[0], o1 = r % d.O[1];
          const T* xr = x.p + at(x.B, C, n, o0 * d.S[0], o1 * d.S[1], 0);
          T* yr = y + r * d.O[2] * d.Cout;
          for (int64_t g = 0; g < d.G; ++g)
            for (int64_t p0 = 0; p0 < d.O[2]; p0 += chunk) {
              const int64_t pc = std::min(chunk, d.O[2] - p0);
              const int64_t v = (pc + L - 1) / L;
              TileArgs<T> t{w + g * d.Cog,
                            1,
                            d.Cout,
                            xr + g * d.Cig * x.B[2] + p0,
                            kb,
                            segs.data(),
                            static_cast<int64_t>(segs.size()),
                            pc,
                            ct.data(),
                            chunk,
                            nullptr,
                            false};
              tile_fn<T>(d.Cog, v)(t);
              // Bias and activation along each channel's run, then back to channels last.
              for (int64_t co = 0; co < d.Cog; ++co)
                finish_run(ct.data() + co * chunk, pc, bias ? bias[g * d.Cog + co] : T(0), act);
              for (int64_t co = 0; co < d.Cog; ++co)
                scatter_run(ct.data() + co * chunk, pc, yr + p0 * d.Cout + g * d.Cog + co, d.Cout);
            }
        }
      });
}

template <class T>
void conv(const KernelArgs& k) {
  const Tensor &x = k.in[0], &w = k.in[1], &y = k.out[0];
  if (y.numel() == 0) return;
  const Dims d = dims_of(x.shape(), w.shape(), y.shape(), *k.attrs);
  const T* bias = k.n_in > 2 && k.in[2].defined() ? k.in[2].data<T>() : nullptr;
  int64_t extent[3];
  for (int a = 0; a < 3; ++a) extent[a] = (d.O[a] - 1) * d.S[a] + (d.K[a] - 1) * d.D[a] + 1;
  const bool expanded = expanded_ok<T>(d), thin = !expanded && use_thin<T>(d);
  Tensor scratch;
  const Input<T> in = window(x.data<T>(), d.N, d.I, d.Cin, d.P, extent, expanded || thin, scratch);
  if (expanded) {
    conv_expanded(in, w.data<T>(), bias, k.attrs->act, y.data<T>(), d);
  } else if (thin) {
    conv_thin(in, w.data<T>(), bias, k.attrs->act, y.data<T>(), d);
  } else {
    conv_direct(in, w.data<T>(), bias, k.attrs->act, y.data<T>(), d);
  }
}

// For each input index i of one axis, the taps k and output indices o with
// i = o * S + k * D - P: pairs[first[i] .. first[i + 1]) = {k, o}.
struct Reach {
  std::vector<int64_t> first;
  std::vector<std::pair<int64_t, int64_t>> pairs;
};

Reach reach(int64_t in, int64_t out, int64_t k, int64_t s, int64_t dil, int64_t pad) {
  Reach r;
  r.first.push_back(0);
  for (int64_t i = 0; i < in; ++i) {
    for (int64_t t = 0; t < k; ++t) {
      const int64_t num = i + pad - t * dil;
      if (num >= 0 && num % s == 0 && num / s < out) r.pairs.push_back({t, num / s});
    }
    r.first.push_back(static_cast<int64_t>(r.pairs.size()));
  }
  return r;
}

// conv_grad_input: in[0] = dy (N, *O, Cout), in[1] = w (*K, Cin / G, Cout), contiguous; out dx
// (N, *I, Cin). Per sample and group, the columns of a block of output rows, dcols (pixels,
// taps * Cig) = dy (pixels, Cog) @ w^T (Cog, taps * Cig), come from the micro-kernel; then
// every dx pixel gathers its taps' columns in registers and is written once per block
// (col2im as a gather). Nothing is multiplied by padding or by the zeros strides leave. NOTE:
// adding each output pixel's columns into dx instead (neighbours overlapping) was 3x slower:
// each load waited on the unaligned store before it (no store-to-load forwarding). Threads take
// whole samples.
template <class T>
void conv_grad_input(const KernelArgs& k) {
  using VT = Vec<T>;
  constexpr int L = VT::L;
  const Tensor &dy = k.in[0], &w = k.in[1], &dx = k.out[0];
  if (dx.numel() == 0) return;
  T* pdx = dx.data<T>();
  std::fill(pdx, pdx + dx.numel(), T(0));
  if (dy.numel() == 0) return;
  const Dims d = dims_of(dx.shape(), w.shape(), dy.shape(), *k.attrs);
  const int64_t taps = d.taps(), cols = taps * d.Cig;
  // wt[g][co][t * Cig + ci] = w[t][ci][g * Cog + co].
  std::vector<T> wt(static_cast<std::size_t>(d.G * d.Cog * cols));
  const T* pw = w.data<T>();
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t ci = 0; ci < d.Cig; ++ci)
      for (int64_t c = 0; c < d.Cout; ++c)
        wt[(c * taps + t) * d.Cig + ci] = pw[(t * d.Cig + ci) * d.Cout + c];
  Reach reach_a[3];
  for (int a = 0; a < 3; ++a) reach_a[a] = reach(d.I[a], d.O[a], d.K[a], d.S[a], d.D[a], d.P[a]);
  // The column offset of each (k2, o2) pair reaching a pixel of a row.
  std::vector<int64_t> offs;
  for (const auto& [k2, o2] : reach_a[2].pairs) offs.push_back(o2 * cols + k2 * d.Cig);
  const T* pdy = dy.data<T>();
  // Output rows per block: their columns stay within about 1 MB.
  const int64_t out_rows = d.O[0] * d.O[1];
  const int64_t block = std::clamp<int64_t>((int64_t{1} << 18) / (d.O[2] * cols), 1, out_rows);
  const Seg seg{0, 0, d.Cog};
  parallel_for(d.N, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> dcols(static_cast<std::size_t>(block * d.O[2] * cols));
    // Per input row: (column offset of a kernel row (k0, k1), its output row's columns).
    std::vector<std::pair<int64_t, const T*>> rows;
    for (int64_t n = begin; n < end; ++n)
      for (int64_t g = 0; g < d.G; ++g)
        for (int64_t r0 = 0; r0 < out_rows; r0 += block) {
          const int64_t r1 = std::min(out_rows, r0 + block);
          for (int64_t r = r0; r < r1; ++r)
            gemm_tiles<T>(d.O[2], cols, pdy + (n * out_rows + r) * d.O[2] * d.Cout + g * d.Cog,
                          d.Cout, 1, wt.data() + g * d.Cog * cols, cols, &seg, 1,
                          dcols.data() + (r - r0) * d.O[2] * cols, cols,
                          static_cast<const T*>(nullptr), false, NoPost{});
          for (int64_t i0 = 0; i0 < d.I[0]; ++i0)
            for (int64_t i1 = 0; i1 < d.I[1]; ++i1) {
              // The kernel rows (k0, k1) whose output row lies in this block.
              rows.clear();
              for (int64_t a = reach_a[0].first[i0]; a < reach_a[0].first[i0 + 1]; ++a)
                for (int64_t b = reach_a[1].first[i1]; b < reach_a[1].first[i1 + 1]; ++b) {
                  const auto [k0, o0] = reach_a[0].pairs[a];
                  const auto [k1, o1] = reach_a[1].pairs[b];
                  const int64_t r = o0 * d.O[1] + o1;
                  if (r < r0 || r >= r1) continue;
                  rows.push_back({(k0 * d.K[1] + k1) * d.K[2] * d.Cig,
                                  dcols.data() + (r - r0) * d.O[2] * cols});
                }
              if (rows.empty()) continue;
              T* x_row = pdx + at(d.I, d.Cin, n, i0, i1, 0) + g * d.Cig;
              for (int64_t i2 = 0; i2 < d.I[2]; ++i2) {
                const int64_t p_lo = reach_a[2].first[i2], p_hi = reach_a[2].first[i2 + 1];
                for (int64_t c0 = 0; c0 < d.Cig; c0 += L) {
                  const typename VT::M m = VT::mask(d.Cig - c0);
                  // Two sums in flight (an add's latency is four cycles), joined at the end.
                  typename VT::V acc0 = VT::zero(), acc1 = VT::zero();
                  for (const auto& [col, row] : rows) {
                    const T* b = row + col + c0;
                    int64_t p = p_lo;
                    for (; p + 1 < p_hi; p += 2) {
                      acc0 = VT::add(acc0, VT::load(b + offs[p], m));
                      acc1 = VT::add(acc1, VT::load(b + offs[p + 1], m));
                    }
                    if (p < p_hi) acc0 = VT::add(acc0, VT::load(b + offs[p], m));
                  }
                  const typename VT::V sum = VT::add(acc0, acc1);
                  T* x = x_row + i2 * d.Cin + c0;
                  VT::store(x, VT::add(VT::load(x, m), sum), m);
                }
              }
            }
        }
  });
}

// conv_grad_weight: in[0] = x (N, *I, Cin), in[1] = dy (N, *O, Cout), contiguous; out dw
// (*K, Cin / G, Cout) = sum over n and output pixels o of x[n, o * S + k * D - P] (x) dy[n, o].
template <class T>
void conv_grad_weight(const KernelArgs& k) {
  const Tensor &x = k.in[0], &dy = k.in[1], &dw = k.out[0];
  const Dims d = dims_of(x.shape(), dw.shape(), dy.shape(), *k.attrs);
  T* out = dw.data<T>();
  if (dy.numel() == 0 || x.numel() == 0) {
    std::fill(out, out + dw.numel(), T(0));
    return;
  }
  int64_t extent[3];
  for (int a = 0; a < 3; ++a) extent[a] = (d.O[a] - 1) * d.S[a] + (d.K[a] - 1) * d.D[a] + 1;
  Tensor scratch;
  const bool expanded = expanded_ok<T>(d);
  const Input<T> in = window(x.data<T>(), d.N, d.I, d.Cin, d.P, extent, expanded, scratch);
  const T* pdy = dy.data<T>();
  if (expanded) {
    conv_grad_weight_expanded(in, pdy, out, d);
    return;
  }
  // Slabs of dw rows read as one run of x: (kw, channel) pairs of a kernel row when there is
  // one group and no column dilation, else the channels of one tap and group.
  struct Slab {
    int64_t a;  // x offset of the slab's first row, from an output pixel's input position
    int64_t c;  // dw offset of its first element
    int64_t b;  // dy column of its first output channel
    int64_t rows, cols;
  };
  std::vector<Slab> slabs;
  const bool row_runs = d.G == 1 && d.D[2] == 1;
  for (int64_t k0 = 0; k0 < d.K[0]; ++k0)
    for (int64_t k1 = 0; k1 < d.K[1]; ++k1) {
      const int64_t a = (k0 * d.D[0] * in.B[1] + k1 * d.D[1]) * in.B[2] * d.Cin;
      const int64_t t0 = (k0 * d.K[1] + k1) * d.K[2];
      if (row_runs) {
        slabs.push_back({a, t0 * d.Cig * d.Cout, 0, d.K[2] * d.Cig, d.Cout});
        continue;
      }
      for (int64_t k2 = 0; k2 < d.K[2]; ++k2)
        for (int64_t g = 0; g < d.G; ++g)
          slabs.push_back({a + k2 * d.D[2] * d.Cin + g * d.Cig,
                           (t0 + k2) * d.Cig * d.Cout + g * d.Cog, g * d.Cog, d.Cig, d.Cog});
    }
  // The pixel sum in fixed chunks of output rows (the same for every thread count).
  const int64_t rows = d.N * d.O[0] * d.O[1];
  const int64_t work = rows * d.O[2] * d.taps() * d.Cig * d.Cout;
  const int64_t chunks = std::clamp<int64_t>(work / kChunkWork, 1, std::min(rows, kMaxChunks));
  std::vector<Seg> segs(static_cast<std::size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t n = r / (d.O[0] * d.O[1]), o0 = r / d.O[1] % d.O[0], o1 = r % d.O[1];
    segs[r] = {at(in.B, d.Cin, n, o0 * d.S[0], o1 * d.S[1], 0), r * d.O[2] * d.Cout, d.O[2]};
  }
  const int64_t size = dw.numel();
  std::vector<T> partial(chunks > 1 ? static_cast<std::size_t>(chunks * size) : 0);
  const int64_t tasks = chunks * static_cast<int64_t>(slabs.size());
  parallel_for(tasks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) {
      const int64_t chunk = task / static_cast<int64_t>(slabs.size());
      const Slab& s = slabs[task % slabs.size()];
      const int64_t r0 = rows * chunk / chunks, r1 = rows * (chunk + 1) / chunks;
      T* c = (chunks > 1 ? partial.data() + chunk * size : out) + s.c;
      gemm_tiles<T>(s.rows, s.cols, in.p + s.a, 1, d.S[2] * d.Cin, pdy + s.b, d.Cout,
                    segs.data() + r0, r1 - r0, c, d.Cout, static_cast<const T*>(nullptr), false,
                    NoPost{});
    }
  });
  if (chunks > 1) {
    // dw = partial_0 + partial_1 + ..., in chunk order.
    parallel_for(size, 4096, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        T acc = partial[i];
        for (int64_t ch = 1; ch < chunks; ++ch) acc += partial[ch * size + i];
        out[i] = acc;
      }
    });
  }
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

}  // namespace mz::cpu
