// The pieces every cpu convolution kernel is built from (backend/cpu/conv.cpp,
// conv_expanded.cpp): the geometry padded to three spatial axes, AVX-512 vectors, the
// register-tiled micro-kernel and its driver, and the zero-bordered input window.
// Internal to backend/cpu.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "mz/backend/kernel.h"
#include "mz/core/thread_pool.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace mz::cpu::conv_detail {

// ----- the geometry, padded to three spatial axes (depth, rows, cols) -----

// x (N, I0, I1, I2, Cin), kernel (K0, K1, K2, Cin / G, Cout), y (N, O0, O1, O2, Cout).
struct Dims {
  int64_t N = 1, Cin = 1, Cout = 1, G = 1, Cig = 1, Cog = 1;
  int64_t I[3] = {1, 1, 1}, O[3] = {1, 1, 1}, K[3] = {1, 1, 1};
  int64_t S[3] = {1, 1, 1}, D[3] = {1, 1, 1}, P[3] = {0, 0, 0};
  int64_t taps() const { return K[0] * K[1] * K[2]; }
};

inline Dims dims_of(const Shape& x, const Shape& w, const Shape& y, const OpAttrs& a) {
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

// ----- work sizes -----

// Work (multiply-adds) per parallel task, at least: below this, threads cost more than they save.
constexpr int64_t kTaskWork = int64_t{1} << 15;
// conv_grad_weight: the pixel sum is cut into fixed chunks of at least this much work.
constexpr int64_t kChunkWork = int64_t{1} << 18;
constexpr int64_t kMaxChunks = 16;

// ----- the expanded kernels for few output channels (conv_expanded.cpp) -----

// True when conv_expanded and conv_grad_weight_expanded take d: one group, unit column
// strides, Cout <= L / 2 with a channel pattern of period 1 or 3 vectors, rows of at least
// one vector, and a sample's expansion of moderate size.
template <class T>
bool expanded_ok(const Dims& d);
// y (N, *O, Cout) = act(conv(x, w) + bias) for a planar window x (padding included).
template <class T>
void conv_expanded(const Input<T>& x, const T* w, const T* bias, Act act, T* y, const Dims& d);
// dw (*K, Cin, Cout) = conv_grad_weight(x, dy) for a planar window x; the same bits for every
// thread count.
template <class T>
void conv_grad_weight_expanded(const Input<T>& x, const T* dy, T* dw, const Dims& d);

}  // namespace mz::cpu::conv_detail
