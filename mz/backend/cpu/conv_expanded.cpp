// Convolution kernels for few output channels (LeNet's first layer: 1 -> 6), in "expanded"
// form. Channels last, an output row is one flat run of pixels x channels; these kernels fill
// whole vectors of it, mixing pixels and channels, so no lane waits for a missing channel and
// nothing is transposed. Each input channel's rows are expanded once per sample, every value
// repeated Cout times: E[m] = x[m / Cout]. Output element f = (pixel, channel) of tap
// (k0, k1, k2) then reads E[f + k2 * D2 * Cout] of the tap's row, times kernel[tap, ci,
// f % Cout]: a pattern that repeats every PN = Cout / gcd(L, Cout) vectors (1 or 3 for the
// channel counts taken here), so PN vectors of it stay in registers.
// conv.cpp calls these when expanded_ok(); conv_tile.h declares them.
#include <numeric>

#include "mz/backend/cpu/conv_tile.h"
#include "mz/backend/cpu/fast_math.h"

namespace mz::cpu::conv_detail {
namespace {

// The channel pattern's period in vectors.
template <class T>
int64_t period(int64_t cout) {
  return cout / std::gcd<int64_t>(Vec<T>::L, cout);
}

// Expanded rows of one sample of a planar window x: for each row (j0, j1) and channel c, the
// run E[m] = x[j0, j1, m / Cout, c] for m < B2 * Cout, then zeros up to a multiple of L plus L.
template <class T>
struct Expanded {
  using I = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;
  std::vector<T> e;
  int64_t run = 0;     // values per (row, channel)
  std::vector<I> idx;  // vector j of a run takes x[j / Cout * L + base[j % Cout] + idx[j % Cout]]
  std::vector<int64_t> base;
  int64_t cout = 0;

  Expanded(const Input<T>& x, int64_t cout_) : cout(cout_) {
    constexpr int L = Vec<T>::L;
    run = ((x.B[2] * cout + L - 1) / L + 1) * L;
    e.assign(static_cast<std::size_t>(x.B[0] * x.B[1] * x.C * run), T(0));
    idx.resize(static_cast<std::size_t>(cout * L));
    base.resize(static_cast<std::size_t>(cout));
    for (int64_t q = 0; q < cout; ++q) {
      base[q] = q * L / cout;
      for (int l = 0; l < L; ++l) idx[q * L + l] = static_cast<I>((q * L + l) / cout - base[q]);
    }
  }
};

// Fills e's runs with sample n of x. Every vector but the run's last L zeros is rewritten.
template <class T>
void expand(const Input<T>& x, int64_t n, Expanded<T>& e) {
  constexpr int L = Vec<T>::L;
  const int64_t B2 = x.B[2], runs = x.B[0] * x.B[1] * x.C, cout = e.cout;
  const int64_t nvec = (B2 * cout + L - 1) / L;
  const T* src = x.p + at(x.B, x.C, n, 0, 0, 0);
  for (int64_t r = 0; r < runs; ++r) {
    const T* s = src + r * B2;
    T* d = e.e.data() + r * e.run;
#if defined(__AVX512F__)
    // One masked load, one permute and one store per vector; the lanes past the source's end
    // load zeros.
    using VT = Vec<T>;
    for (int64_t j = 0, q = 0, block = 0; j < nvec; ++j) {
      const int64_t b = block + e.base[q];
      const typename VT::V v = VT::load(s + b, VT::mask(B2 - b));
      const __m512i ix = _mm512_loadu_si512(e.idx.data() + q * L);
      if constexpr (sizeof(T) == 4) {
        _mm512_storeu_ps(d + j * L, _mm512_maskz_permutexvar_ps(0xFFFF, ix, v));
      } else {
        _mm512_storeu_pd(d + j * L, _mm512_maskz_permutexvar_pd(0xFF, ix, v));
      }
      if (++q == cout) q = 0, block += L;
    }
#else
    for (int64_t i = 0; i < B2; ++i)
      for (int64_t c = 0; c < cout; ++c) d[i * cout + c] = s[i];
    std::fill(d + B2 * cout, d + nvec * L, T(0));
#endif
  }
}

// pat[((t * Cin + ci) * PN + q) * L + l] = w[t, ci, (q * L + l) % Cout].
template <class T>
std::vector<T> patterns(const T* w, int64_t taps, int64_t cin, int64_t cout, int64_t pn) {
  constexpr int L = Vec<T>::L;
  std::vector<T> pat(static_cast<std::size_t>(taps * cin * pn * L));
  for (int64_t tc = 0; tc < taps * cin; ++tc)
    for (int64_t q = 0; q < pn; ++q)
      for (int l = 0; l < L; ++l) pat[(tc * pn + q) * L + l] = w[tc * cout + (q * L + l) % cout];
  return pat;
}

// One chunk of NV vectors of an output row (starting at a multiple of PN vectors):
// acc[j] = sum over taps and channels of E[tap row, ci][j * L + k2 * shift] * pat[tap, ci][j % PN].
template <class T>
struct FwdArgs {
  const T* const* rows;  // E of each (k0, k1) tap row, at this chunk's first element
  int64_t nrows;
  int64_t run;  // E values per channel
  int64_t K2, shift, cin;
  const T* pat;   // patterns of tap (k0, k1, 0), channel 0; taps follow in order
  const T* bias;  // bias pattern (PN vectors) or null
  bool relu;
  T* y;
  int64_t valid;  // elements of y in this chunk
};

template <class T, int NV, int PN>
void fwd_chunk(const FwdArgs<T>& a) {
  using VT = Vec<T>;
  using V = typename VT::V;
  constexpr int L = VT::L;
  V acc[NV];
#pragma GCC unroll 32
  for (int j = 0; j < NV; ++j) acc[j] = VT::zero();
  const T* pat = a.pat;
  for (int64_t r = 0; r < a.nrows; ++r)
    for (int64_t k2 = 0; k2 < a.K2; ++k2)
      for (int64_t ci = 0; ci < a.cin; ++ci, pat += PN * L) {
        const T* e = a.rows[r] + ci * a.run + k2 * a.shift;
        V p[PN];
#pragma GCC unroll 4
        for (int q = 0; q < PN; ++q) {
          p[q] = VT::load(pat + q * L);
#if defined(__AVX512F__)
          // Keeps the pattern in a register: folded into each FMA as a memory operand, it
          // would double the loads, which bound this loop (E's loads straddle cache lines).
          asm("" : "+v"(p[q]));
#endif
        }
#pragma GCC unroll 32
        for (int j = 0; j < NV; ++j) acc[j] = VT::fma(VT::load(e + j * L), p[j % PN], acc[j]);
      }
#pragma GCC unroll 32
  for (int j = 0; j < NV; ++j) {
    V v = acc[j];
    if (a.bias) v = VT::add(v, VT::load(a.bias + (j % PN) * L));
    if (a.relu) v = VT::relu(v);
    VT::store(a.y + j * L, v, VT::mask(a.valid - j * L));
  }
}

template <class T>
using FwdFn = void (*)(const FwdArgs<T>&);

template <class T, int PN, int... NV>
constexpr std::array<FwdFn<T>, sizeof...(NV)> fwd_chunks(std::integer_sequence<int, NV...>) {
  return {&fwd_chunk<T, NV + 1, PN>...};
}

constexpr int kChunk = 24;  // vectors per chunk: a multiple of every PN taken

template <class T>
FwdFn<T> fwd_fn(int64_t nv, int64_t pn) {
  static const auto p1 = fwd_chunks<T, 1>(std::make_integer_sequence<int, kChunk>{});
  static const auto p3 = fwd_chunks<T, 3>(std::make_integer_sequence<int, kChunk>{});
  return pn == 1 ? p1[nv - 1] : p3[nv - 1];
}

// The gradient's accumulation over the output rows of one sample for a block of M (kw,
// channel) pairs of one kernel row: acc[m][q] += E[row r, ci_m][j * L + k2_m * shift] *
// dy[row r][j * L] for every row r and vector j, phase q = j % PN. Lane l of acc[m][q] belongs
// to output channel (q L + l) % Cout. The sums stay in registers until the last row.
template <class T>
struct GradArgs {
  const T* const* e;   // per output row: E of its tap row, channel 0
  const T* const* dy;  // per output row: its gradient, flat
  int64_t rows;
  const int64_t* off;  // per pair: ci * run + k2 * shift
  int64_t len;         // elements per output row
  T* acc;              // M * PN vectors, added to
};

template <class T, int M, int PN>
void grad_row(const GradArgs<T>& a) {
  using VT = Vec<T>;
  using V = typename VT::V;
  constexpr int L = VT::L;
  V acc[M][PN];
#pragma GCC unroll 32
  for (int m = 0; m < M; ++m)
#pragma GCC unroll 4
    for (int q = 0; q < PN; ++q) acc[m][q] = VT::zero();
  const int64_t nvec = (a.len + L - 1) / L;
  int64_t off[M];
#pragma GCC unroll 32
  for (int m = 0; m < M; ++m) off[m] = a.off[m];
  for (int64_t r = 0; r < a.rows; ++r) {
    const T* e = a.e[r];
    const T* dy = a.dy[r];
    for (int64_t j0 = 0; j0 < nvec; j0 += PN) {
#pragma GCC unroll 4
      for (int q = 0; q < PN; ++q) {
        const int64_t j = j0 + q;
        if (j >= nvec) break;
        const V g = VT::load(dy + j * L, VT::mask(a.len - j * L));
#pragma GCC unroll 32
        for (int m = 0; m < M; ++m) acc[m][q] = VT::fma(VT::load(e + off[m] + j * L), g, acc[m][q]);
      }
    }
  }
#pragma GCC unroll 32
  for (int m = 0; m < M; ++m)
#pragma GCC unroll 4
    for (int q = 0; q < PN; ++q) {
      T* dst = a.acc + (m * PN + q) * L;
      VT::store(dst, VT::add(VT::load(dst), acc[m][q]), VT::mask(L));
    }
}

template <class T>
using GradFn = void (*)(const GradArgs<T>&);

template <class T, int PN, int... M>
constexpr std::array<GradFn<T>, sizeof...(M)> grad_rows(std::integer_sequence<int, M...>) {
  return {&grad_row<T, M + 1, PN>...};
}

// Pairs per block: accumulators (M * PN), dy and one E vector fit the registers.
constexpr int kMaxPairs1 = 24, kMaxPairs3 = 8;

template <class T>
GradFn<T> grad_fn(int64_t m, int64_t pn) {
  static const auto p1 = grad_rows<T, 1>(std::make_integer_sequence<int, kMaxPairs1>{});
  static const auto p3 = grad_rows<T, 3>(std::make_integer_sequence<int, kMaxPairs3>{});
  return pn == 1 ? p1[m - 1] : p3[m - 1];
}

// E values one sample of the expansion may hold, at most (beyond: the other kernels).
constexpr int64_t kMaxExpanded = int64_t{1} << 22;

}  // namespace

template <class T>
bool expanded_ok(const Dims& d) {
  constexpr int L = Vec<T>::L;
  const int64_t pn = period<T>(d.Cout);
  const int64_t extent2 = (d.O[2] - 1) * d.S[2] + (d.K[2] - 1) * d.D[2] + 1;
  const int64_t rows = ((d.O[0] - 1) * d.S[0] + (d.K[0] - 1) * d.D[0] + 1) *
                       ((d.O[1] - 1) * d.S[1] + (d.K[1] - 1) * d.D[1] + 1);
  return d.G == 1 && d.S[2] == 1 && d.Cout * 2 <= L && (pn == 1 || pn == 3) &&
         d.O[2] * d.Cout >= L && rows * d.Cin * (extent2 * d.Cout + L) <= kMaxExpanded;
}

template <class T>
void conv_expanded(const Input<T>& x, const T* w, const T* bias, Act act, T* y, const Dims& d) {
  constexpr int L = Vec<T>::L;
  const int64_t pn = period<T>(d.Cout), len = d.O[2] * d.Cout;
  const std::vector<T> pat = patterns(w, d.taps(), d.Cin, d.Cout, pn);
  std::vector<T> bias_pat;
  if (bias) bias_pat = patterns(bias, 1, 1, d.Cout, pn);
  const int64_t sample_work = d.O[0] * d.O[1] * len * d.taps() * d.Cin;
  parallel_for(d.N, std::max<int64_t>(1, kTaskWork / std::max<int64_t>(sample_work, 1)),
               [&](int64_t begin, int64_t end) {
                 Expanded<T> e(x, d.Cout);
                 std::vector<const T*> rows(static_cast<std::size_t>(d.K[0] * d.K[1]));
                 for (int64_t n = begin; n < end; ++n) {
                   expand(x, n, e);
                   for (int64_t o0 = 0; o0 < d.O[0]; ++o0)
                     for (int64_t o1 = 0; o1 < d.O[1]; ++o1) {
                       T* yr = y + at(d.O, d.Cout, n, o0, o1, 0);
                       for (int64_t j0 = 0; j0 * L < len; j0 += kChunk) {
                         for (int64_t k0 = 0; k0 < d.K[0]; ++k0)
                           for (int64_t k1 = 0; k1 < d.K[1]; ++k1) {
                             const int64_t j_0 = o0 * d.S[0] + k0 * d.D[0],
                                           j_1 = o1 * d.S[1] + k1 * d.D[1];
                             rows[k0 * d.K[1] + k1] =
                                 e.e.data() + (j_0 * x.B[1] + j_1) * x.C * e.run + j0 * L;
                           }
                         const int64_t valid = std::min(len - j0 * L, int64_t{kChunk} * L);
                         const FwdArgs<T> a{rows.data(),
                                            static_cast<int64_t>(rows.size()),
                                            e.run,
                                            d.K[2],
                                            d.D[2] * d.Cout,
                                            d.Cin,
                                            pat.data(),
                                            bias ? bias_pat.data() : nullptr,
                                            act == Act::relu,
                                            yr + j0 * L,
                                            valid};
                         fwd_fn<T>((valid + L - 1) / L, pn)(a);
                         if (act == Act::tanh || act == Act::sigmoid) {
                           T* v = yr + j0 * L;
                           for (int64_t i = 0; i < valid; ++i)
                             v[i] = act == Act::tanh ? Math<T>::tanh(v[i]) : Math<T>::sigmoid(v[i]);
                         }
                       }
                     }
                 }
               });
}

template <class T>
void conv_grad_weight_expanded(const Input<T>& x, const T* dy, T* dw, const Dims& d) {
  constexpr int L = Vec<T>::L;
  const int64_t pn = period<T>(d.Cout), len = d.O[2] * d.Cout;
  const int64_t pairs = d.K[2] * d.Cin, slab_rows = d.K[0] * d.K[1];
  const int64_t max_pairs = pn == 1 ? kMaxPairs1 : kMaxPairs3;
  // Samples in fixed chunks (the same for every thread count); each chunk accumulates vectors
  // acc[slab][pair][phase] over its samples, and the chunks are added in order at the end.
  const int64_t work = d.N * d.O[0] * d.O[1] * len * d.taps() * d.Cin;
  const int64_t chunks = std::clamp<int64_t>(work / kChunkWork, 1, std::min(d.N, kMaxChunks));
  const int64_t acc_size = slab_rows * pairs * pn * L;
  std::vector<T> acc(static_cast<std::size_t>(chunks * acc_size), T(0));
  const int64_t rows = d.O[0] * d.O[1];
  parallel_for(chunks, 1, [&](int64_t begin, int64_t end) {
    Expanded<T> e(x, d.Cout);
    std::vector<int64_t> off(static_cast<std::size_t>(pairs));
    std::vector<const T*> e_rows(static_cast<std::size_t>(rows)), dy_rows(e_rows.size());
    for (int64_t chunk = begin; chunk < end; ++chunk) {
      T* a = acc.data() + chunk * acc_size;
      for (int64_t n = d.N * chunk / chunks; n < d.N * (chunk + 1) / chunks; ++n) {
        expand(x, n, e);
        for (int64_t p = 0; p < pairs; ++p)
          off[p] = (p % d.Cin) * e.run + (p / d.Cin) * d.D[2] * d.Cout;
        for (int64_t r = 0; r < rows; ++r) dy_rows[r] = dy + (n * rows + r) * len;
        for (int64_t k0 = 0; k0 < d.K[0]; ++k0)
          for (int64_t k1 = 0; k1 < d.K[1]; ++k1) {
            for (int64_t r = 0; r < rows; ++r) {
              const int64_t j_0 = r / d.O[1] * d.S[0] + k0 * d.D[0];
              const int64_t j_1 = r % d.O[1] * d.S[1] + k1 * d.D[1];
              e_rows[r] = e.e.data() + (j_0 * x.B[1] + j_1) * x.C * e.run;
            }
            T* as = a + (k0 * d.K[1] + k1) * pairs * pn * L;
            for (int64_t p0 = 0; p0 < pairs; p0 += max_pairs) {
              const int64_t m = std::min(max_pairs, pairs - p0);
              grad_fn<T>(m, pn)(
                  {e_rows.data(), dy_rows.data(), rows, off.data() + p0, len, as + p0 * pn * L});
            }
          }
      }
    }
  });
  // dw[tap, ci, co] = sum over chunks, then phases and lanes, of the accumulators whose lane
  // belongs to co, in that fixed order. Pair p of kernel row s is (k2, ci) = (p / Cin, p % Cin).
  std::fill(dw, dw + d.taps() * d.Cin * d.Cout, T(0));
  std::vector<int64_t> channel(static_cast<std::size_t>(pn * L));
  for (int64_t i = 0; i < pn * L; ++i) channel[i] = i % d.Cout;
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    const T* a = acc.data() + chunk * acc_size;
    for (int64_t s = 0; s < slab_rows; ++s)
      for (int64_t p = 0; p < pairs; ++p) {
        T* out = dw + ((s * d.K[2] + p / d.Cin) * d.Cin + p % d.Cin) * d.Cout;
        const T* v = a + (s * pairs + p) * pn * L;
        for (int64_t i = 0; i < pn * L; ++i) out[channel[i]] += v[i];
      }
  }
}

template bool expanded_ok<float>(const Dims&);
template bool expanded_ok<double>(const Dims&);
template void conv_expanded<float>(const Input<float>&, const float*, const float*, Act, float*,
                                   const Dims&);
template void conv_expanded<double>(const Input<double>&, const double*, const double*, Act,
                                    double*, const Dims&);
template void conv_grad_weight_expanded<float>(const Input<float>&, const float*, float*,
                                               const Dims&);
template void conv_grad_weight_expanded<double>(const Input<double>&, const double*, double*,
                                                const Dims&);

}  // namespace mz::cpu::conv_detail
