// Direct convolution kernels for channels_last tensors (conv, conv_grad_input, conv_grad_weight)
// in float32 and float64, built on one register-tiled micro-kernel. No im2col buffer, no layout
// reorder: the thin convolutions of small CNNs (1 -> 6 -> 16 channels) are where libraries that
// pack or reorder lose most of their time (BENCHMARKS.md, W2). Start at conv() near the end.
//
// The micro-kernel computes a tile C (MR rows, up to NV vectors of columns) = sum over segments
// of A (MR x k) times B (k x columns), where A(i, k) = a[i * sa + k * ka] is read in place from
// the input and B's rows are vectors of output channels:
//  - conv: rows are MR output pixels of one output row, k runs over (kw, input channel), one
//    segment per (kd, kh) tap row; B is the kernel, whose Keras layout (*k, in, out) already
//    has out channels innermost;
//  - conv_grad_weight: rows are (kw, input channel) pairs of the kernel, k runs over the output
//    pixels of one output row, one segment per output row; B is dy;
//  - conv_grad_input: rows are output pixels, k runs over output channels, B is the kernel
//    transposed; the resulting columns (one per tap and input channel) are added into dx
//    (col2im).
// Padding is a zero-bordered copy of the input (the "window"), made only when there is padding.
// Threads split output rows (conv) or fixed chunks of the pixel sum (conv_grad_weight, whose
// partial sums are added in chunk order), so 1 and N threads give the same bits.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "mz/backend/cpu/fast_math.h"
#include "mz/backend/cpu/register.h"
#include "mz/core/thread_pool.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace mz::cpu {
namespace {

// ----- the geometry, padded to three spatial axes (depth, rows, cols) -----

// x (N, I0, I1, I2, Cin), kernel (K0, K1, K2, Cin / G, Cout), y (N, O0, O1, O2, Cout).
struct Dims {
  int64_t N = 1, Cin = 1, Cout = 1, G = 1, Cig = 1, Cog = 1;
  int64_t I[3] = {1, 1, 1}, O[3] = {1, 1, 1}, K[3] = {1, 1, 1};
  int64_t S[3] = {1, 1, 1}, D[3] = {1, 1, 1}, P[3] = {0, 0, 0};
  int64_t taps() const { return K[0] * K[1] * K[2]; }
};

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

// Offset of (n, a0, a1, a2, 0) in a contiguous (N, A0, A1, A2, C) tensor.
inline int64_t at(const int64_t* A, int64_t C, int64_t n, int64_t a0, int64_t a1, int64_t a2) {
  return (((n * A[0] + a0) * A[1] + a1) * A[2] + a2) * C;
}

// ----- vectors: AVX-512 where compiled for it, else plain arrays the compiler vectorises -----

#if defined(__AVX512F__)
template <class T>
struct Vec;
template <>
struct Vec<float> {
  using V = __m512;
  using M = __mmask16;
  static constexpr int L = 16;
  static M mask(int64_t n) { return n >= L ? M(0xFFFF) : M((1u << n) - 1u); }
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V load(const float* p, M m) { return _mm512_maskz_loadu_ps(m, p); }
  static V bcast(const float* p) { return _mm512_set1_ps(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V relu(V a) { return _mm512_maskz_max_ps(M(0xFFFF), a, _mm512_setzero_ps()); }
  static void store(float* p, V v, M m) { _mm512_mask_storeu_ps(p, m, v); }
};
template <>
struct Vec<double> {
  using V = __m512d;
  using M = __mmask8;
  static constexpr int L = 8;
  static M mask(int64_t n) { return n >= L ? M(0xFF) : M((1u << n) - 1u); }
  static V zero() { return _mm512_setzero_pd(); }
  static V load(const double* p) { return _mm512_loadu_pd(p); }
  static V load(const double* p, M m) { return _mm512_maskz_loadu_pd(m, p); }
  static V bcast(const double* p) { return _mm512_set1_pd(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V relu(V a) { return _mm512_maskz_max_pd(M(0xFF), a, _mm512_setzero_pd()); }
  static void store(double* p, V v, M m) { _mm512_mask_storeu_pd(p, m, v); }
};
#else
// Portable fallback: L lanes in an array; a mask is the count of valid lanes.
template <class T>
struct Vec {
  static constexpr int L = 32 / sizeof(T);
  struct V {
    T v[L];
  };
  using M = int;
  static M mask(int64_t n) { return n >= L ? L : static_cast<int>(n); }
  static V zero() { return V{}; }
  static V load(const T* p) {
    V r;
    for (int j = 0; j < L; ++j) r.v[j] = p[j];
    return r;
  }
  static V load(const T* p, M m) {
    V r{};
    for (int j = 0; j < m; ++j) r.v[j] = p[j];
    return r;
  }
  static V bcast(const T* p) {
    V r;
    for (int j = 0; j < L; ++j) r.v[j] = *p;
    return r;
  }
  static V fma(V a, V b, V c) {
    for (int j = 0; j < L; ++j) c.v[j] += a.v[j] * b.v[j];
    return c;
  }
  static V add(V a, V b) {
    for (int j = 0; j < L; ++j) a.v[j] += b.v[j];
    return a;
  }
  static V relu(V a) {
    for (int j = 0; j < L; ++j) a.v[j] = a.v[j] > T(0) ? a.v[j] : T(0);
    return a;
  }
  static void store(T* p, V v, M m) {
    for (int j = 0; j < m; ++j) p[j] = v.v[j];
  }
};
#endif

// ----- the micro-kernel -----

// One run of k along A and B: A(i, kk) = a0[a + i * sa + kk * ka], B(kk, :) = b0[b + kk * kb].
struct Seg {
  int64_t a, b, k;
};

template <class T>
struct TileArgs {
  const T* a0;
  int64_t sa, ka;
  const T* b0;
  int64_t kb;
  const Seg* segs;
  int64_t nseg;
  int64_t nc;  // valid columns (<= NV * L)
  T* c;        // the tile's first element; rows ldc apart
  int64_t ldc;
  const T* bias;  // added per column, or null
  bool relu;
};

// C (MR x nc) = sum over segments of A B (+ bias, relu). MR * NV accumulators stay in
// registers for the whole sum; B's row is loaded once per k and reused MR times, A's element
// is broadcast once and reused NV times. Small tiles keep two accumulator sets, alternating
// over k, so that enough FMAs are in flight (FMA latency 4, two ports).
template <class T, int MR, int NV>
void tile(const TileArgs<T>& t) {
  using VT = Vec<T>;
  using V = typename VT::V;
  constexpr int L = VT::L;
  constexpr int U = MR * NV <= 6 ? 2 : 1;
  V acc[U][MR][NV];
#pragma GCC unroll 32
  for (int u = 0; u < U; ++u)
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 32
      for (int v = 0; v < NV; ++v) acc[u][i][v] = VT::zero();
  const typename VT::M last = VT::mask(t.nc - (NV - 1) * L);
  const int64_t sa = t.sa, ka = t.ka, kb = t.kb;
  for (int64_t s = 0; s < t.nseg; ++s) {
    const T* a = t.a0 + t.segs[s].a;
    const T* b = t.b0 + t.segs[s].b;
    const int64_t k = t.segs[s].k;
    int64_t kk = 0;
    for (; kk + U <= k; kk += U) {
#pragma GCC unroll 32
      for (int u = 0; u < U; ++u) {
        V bv[NV];
#pragma GCC unroll 32
        for (int v = 0; v + 1 < NV; ++v) bv[v] = VT::load(b + v * L);
        bv[NV - 1] = VT::load(b + (NV - 1) * L, last);
#pragma GCC unroll 32
        for (int i = 0; i < MR; ++i) {
          const V av = VT::bcast(a + i * sa);
#pragma GCC unroll 32
          for (int v = 0; v < NV; ++v) acc[u][i][v] = VT::fma(av, bv[v], acc[u][i][v]);
        }
        a += ka;
        b += kb;
      }
    }
    for (; kk < k; ++kk) {
      V bv[NV];
#pragma GCC unroll 32
      for (int v = 0; v + 1 < NV; ++v) bv[v] = VT::load(b + v * L);
      bv[NV - 1] = VT::load(b + (NV - 1) * L, last);
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i) {
        const V av = VT::bcast(a + i * sa);
#pragma GCC unroll 32
        for (int v = 0; v < NV; ++v) acc[0][i][v] = VT::fma(av, bv[v], acc[0][i][v]);
      }
      a += ka;
      b += kb;
    }
  }
  V bias[NV];
#pragma GCC unroll 32
  for (int v = 0; v < NV; ++v) bias[v] = VT::zero();
  if (t.bias) {
#pragma GCC unroll 32
    for (int v = 0; v + 1 < NV; ++v) bias[v] = VT::load(t.bias + v * L);
    bias[NV - 1] = VT::load(t.bias + (NV - 1) * L, last);
  }
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i) {
    T* c = t.c + i * t.ldc;
#pragma GCC unroll 32
    for (int v = 0; v < NV; ++v) {
      V r = U == 2 ? VT::add(acc[0][i][v], acc[U - 1][i][v]) : acc[0][i][v];
      if (t.bias) r = VT::add(r, bias[v]);
      if (t.relu) r = VT::relu(r);
      if (v + 1 < NV) {
        VT::store(c + v * L, r, VT::mask(L));
      } else {
        VT::store(c + v * L, r, last);
      }
    }
  }
}

// Tiles up to kMaxNV vectors wide; kMaxMR[nv] rows at most, so that accumulators, B's vectors
// and a broadcast fit the 32 vector registers.
constexpr int kMaxNV = 4;
constexpr int kMaxMR[kMaxNV + 1] = {0, 24, 12, 8, 6};

template <class T>
using TileFn = void (*)(const TileArgs<T>&);

template <class T, int NV, int... MR>
constexpr std::array<TileFn<T>, sizeof...(MR)> tiles_of(std::integer_sequence<int, MR...>) {
  return {&tile<T, MR + 1, NV>...};
}

// The tile function for (mr, nv), 1 <= mr <= kMaxMR[nv], 1 <= nv <= kMaxNV.
template <class T>
TileFn<T> tile_fn(int64_t mr, int64_t nv) {
  static const auto t1 = tiles_of<T, 1>(std::make_integer_sequence<int, kMaxMR[1]>{});
  static const auto t2 = tiles_of<T, 2>(std::make_integer_sequence<int, kMaxMR[2]>{});
  static const auto t3 = tiles_of<T, 3>(std::make_integer_sequence<int, kMaxMR[3]>{});
  static const auto t4 = tiles_of<T, 4>(std::make_integer_sequence<int, kMaxMR[4]>{});
  switch (nv) {
    case 1:
      return t1[mr - 1];
    case 2:
      return t2[mr - 1];
    case 3:
      return t3[mr - 1];
    default:
      return t4[mr - 1];
  }
}

// Runs C (rows x cols) = A B in tiles: rows in blocks of the widest fitting MR, columns in
// blocks of up to kMaxNV vectors. `a0` is row 0's A, `c` row 0's C; `bias` (or null) covers
// the columns; after each tile, `post(c_tile, mr, nc)` may rewrite it (tanh, sigmoid).
template <class T, class Post>
void gemm_tiles(int64_t rows, int64_t cols, const T* a0, int64_t sa, int64_t ka, const T* b0,
                int64_t kb, const Seg* segs, int64_t nseg, T* c, int64_t ldc, const T* bias,
                bool relu, const Post& post) {
  constexpr int L = Vec<T>::L;
  for (int64_t c0 = 0; c0 < cols; c0 += kMaxNV * L) {
    const int64_t nc = std::min<int64_t>(cols - c0, kMaxNV * L);
    const int64_t nv = (nc + L - 1) / L;
    const int64_t mr_max = kMaxMR[nv];
    // Row blocks of nearly equal size (24 + 1 rows run as 13 + 12, not 24 + 1).
    const int64_t blocks = (rows + mr_max - 1) / mr_max;
    for (int64_t bi = 0, r0 = 0; bi < blocks; ++bi) {
      const int64_t r1 = rows * (bi + 1) / blocks;
      TileArgs<T> t{a0 + r0 * sa,
                    sa,
                    ka,
                    b0 + c0,
                    kb,
                    segs,
                    nseg,
                    nc,
                    c + r0 * ldc + c0,
                    ldc,
                    bias ? bias + c0 : nullptr,
                    relu};
      tile_fn<T>(r1 - r0, nv)(t);
      post(t.c, r1 - r0, nc);
      r0 = r1;
    }
  }
}

struct NoPost {
  template <class T>
  void operator()(T*, int64_t, int64_t) const {}
};

// dst[j] += src[j] for j < n, in full vectors and one masked tail.
template <class T>
inline void add_into(T* dst, const T* src, int64_t n) {
  using VT = Vec<T>;
  constexpr int L = VT::L;
  int64_t j = 0;
  for (; j + L <= n; j += L)
    VT::store(dst + j, VT::add(VT::load(dst + j), VT::load(src + j)), VT::mask(L));
  if (j < n) {
    const typename VT::M m = VT::mask(n - j);
    VT::store(dst + j, VT::add(VT::load(dst + j, m), VT::load(src + j, m)), m);
  }
}

// ----- the window: a zero-bordered (and zero-upsampled) copy of an input -----

// An input as the drivers read it: (N, B0, B1, B2, C) contiguous at p, or with `planar`
// (N, B0, B1, C, B2): each row of pixels split into one run per channel.
template <class T>
struct Input {
  const T* p;
  int64_t B[3];
  int64_t C;
};

// buf[n, j, c] = src[n, j - before, c] inside the source, else 0, for j < extent, laid out
// channels last or (planar) channel runs per row; src itself when that is the identity.
// `scratch` holds the copy.
template <class T>
Input<T> window(const T* src, int64_t N, const int64_t* I, int64_t C, const int64_t* before,
                const int64_t* extent, bool planar, Tensor& scratch) {
  bool identity = !planar || C == 1;
  for (int i = 0; i < 3; ++i) identity = identity && before[i] == 0 && extent[i] <= I[i];
  if (identity) return {src, {I[0], I[1], I[2]}, C};
  const int64_t B[3] = {extent[0], extent[1], extent[2]};
  scratch =
      Tensor::empty({N * B[0] * B[1] * B[2] * C}, {.dtype = dtype_of<T>, .device = Device::cpu()});
  T* buf = scratch.data<T>();
  std::memset(buf, 0, sizeof(T) * static_cast<std::size_t>(scratch.numel()));
  // The source positions i with 0 <= i + before < extent, per axis.
  int64_t lo[3], hi[3];
  for (int a = 0; a < 3; ++a) {
    lo[a] = std::max<int64_t>(0, -before[a]);
    hi[a] = std::min(I[a], extent[a] - before[a]);
  }
  parallel_for(N * I[0], 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t n = r / I[0], i0 = r % I[0];
      if (i0 < lo[0] || i0 >= hi[0]) continue;
      for (int64_t i1 = lo[1]; i1 < hi[1]; ++i1) {
        const T* s = src + at(I, C, n, i0, i1, 0);
        T* d = buf + at(B, C, n, i0 + before[0], i1 + before[1], 0);
        if (!planar) {
          if (hi[2] > lo[2])
            std::memcpy(d + (lo[2] + before[2]) * C, s + lo[2] * C,
                        sizeof(T) * static_cast<std::size_t>((hi[2] - lo[2]) * C));
          continue;
        }
        for (int64_t c = 0; c < C; ++c)
          for (int64_t i2 = lo[2]; i2 < hi[2]; ++i2) d[c * B[2] + i2 + before[2]] = s[i2 * C + c];
      }
    }
  });
  return {buf, {B[0], B[1], B[2]}, C};
}

// ----- the three drivers -----

// Work (multiply-adds) per parallel task, at least: below this, threads cost more than they save.
constexpr int64_t kTaskWork = int64_t{1} << 15;
// conv_grad_weight: the pixel sum is cut into fixed chunks of at least this much work.
constexpr int64_t kChunkWork = int64_t{1} << 18;
constexpr int64_t kMaxChunks = 16;

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
  const bool thin = use_thin<T>(d);
  Tensor scratch;
  const Input<T> in = window(x.data<T>(), d.N, d.I, d.Cin, d.P, extent, thin, scratch);
  if (thin) {
    conv_thin(in, w.data<T>(), bias, k.attrs->act, y.data<T>(), d);
  } else {
    conv_direct(in, w.data<T>(), bias, k.attrs->act, y.data<T>(), d);
  }
}

// conv_grad_input: in[0] = dy (N, *O, Cout), in[1] = w (*K, Cin / G, Cout), contiguous; out dx
// (N, *I, Cin). Per group, the columns of a run of output pixels, dcols (pixels, taps * Cig) =
// dy (pixels, Cog) @ w^T (Cog, taps * Cig), are computed by the micro-kernel and added to dx at
// o * S + k * D - P (col2im). Nothing is multiplied by padding or by the zeros strides leave.
// Threads take whole samples, which add into dx in a fixed order.
template <class T>
void conv_grad_input(const KernelArgs& k) {
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
  const T* pdy = dy.data<T>();
  // (kw, channel) pairs are consecutive in dx when there is one group and no column dilation.
  const bool row_runs = d.G == 1 && d.D[2] == 1;
  constexpr int64_t kPixels = 32;  // output pixels per dcols block (kept in L1)
  const Seg seg{0, 0, d.Cog};
  parallel_for(d.N, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> dcols(static_cast<std::size_t>(std::min(kPixels, d.O[2]) * cols));
    for (int64_t n = begin; n < end; ++n)
      for (int64_t o0 = 0; o0 < d.O[0]; ++o0)
        for (int64_t o1 = 0; o1 < d.O[1]; ++o1)
          for (int64_t p0 = 0; p0 < d.O[2]; p0 += kPixels) {
            const int64_t pc = std::min(kPixels, d.O[2] - p0);
            for (int64_t g = 0; g < d.G; ++g) {
              gemm_tiles<T>(pc, cols, pdy + at(d.O, d.Cout, n, o0, o1, p0) + g * d.Cog, d.Cout, 1,
                            wt.data() + g * d.Cog * cols, cols, &seg, 1, dcols.data(), cols,
                            static_cast<const T*>(nullptr), false, NoPost{});
              for (int64_t p = 0; p < pc; ++p) {
                const T* col = dcols.data() + p * cols;
                const int64_t base2 = (p0 + p) * d.S[2] - d.P[2];
                for (int64_t k0 = 0; k0 < d.K[0]; ++k0) {
                  const int64_t i0 = o0 * d.S[0] + k0 * d.D[0] - d.P[0];
                  if (i0 < 0 || i0 >= d.I[0]) continue;
                  for (int64_t k1 = 0; k1 < d.K[1]; ++k1) {
                    const int64_t i1 = o1 * d.S[1] + k1 * d.D[1] - d.P[1];
                    if (i1 < 0 || i1 >= d.I[1]) continue;
                    const T* c_row = col + (k0 * d.K[1] + k1) * d.K[2] * d.Cig;
                    T* x_row = pdx + at(d.I, d.Cin, n, i0, i1, 0) + g * d.Cig;
                    if (row_runs) {
                      // Taps k2 = lo..hi-1 land on consecutive pixels base2 + k2.
                      const int64_t lo = std::max<int64_t>(0, -base2);
                      const int64_t hi = std::min(d.K[2], d.I[2] - base2);
                      if (hi <= lo) continue;
                      T* xs = x_row + (base2 + lo) * d.Cin;
                      const T* cs = c_row + lo * d.Cig;
                      add_into(xs, cs, (hi - lo) * d.Cin);
                      continue;
                    }
                    for (int64_t k2 = 0; k2 < d.K[2]; ++k2) {
                      const int64_t i2 = base2 + k2 * d.D[2];
                      if (i2 < 0 || i2 >= d.I[2]) continue;
                      T* xs = x_row + i2 * d.Cin;
                      add_into(xs, c_row + k2 * d.Cig, d.Cig);
                    }
                  }
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
  const Input<T> in = window(x.data<T>(), d.N, d.I, d.Cin, d.P, extent, false, scratch);
  const T* pdy = dy.data<T>();
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
