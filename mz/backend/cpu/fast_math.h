// Float32 exp, expm1, log, log1p, tanh, sigmoid and erfc as branch-free scalar code (selects,
// bit casts, no calls), so GCC vectorises the loops that call them; float64 uses std:: (libm).
// Math<T> gives both dtypes one spelling for the kernels. Accuracy: a few float32 ulp (tested
// against libm by tests/op_conformance.cpp at rtol 1e-5, including inf, NaN and denormals).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#if defined(__AVX512F__) || defined(__AVX__)
#include <immintrin.h>
#endif

namespace mz::cpu {

// c ? a : b through integer masks. NOTE: kernels and the functions below pick between values
// with select, not ?:, when an arm holds float arithmetic: GCC may sink that arithmetic into
// a branch, will not speculate it back (-ftrapping-math), and the loop then stays scalar.
inline float select(bool c, float a, float b) {
  const uint32_t m = 0u - static_cast<uint32_t>(c);
  return std::bit_cast<float>((std::bit_cast<uint32_t>(a) & m) | (std::bit_cast<uint32_t>(b) & ~m));
}
inline double select(bool c, double a, double b) {
  const uint64_t m = uint64_t{0} - static_cast<uint64_t>(c);
  return std::bit_cast<double>((std::bit_cast<uint64_t>(a) & m) |
                               (std::bit_cast<uint64_t>(b) & ~m));
}

namespace vmath {

inline constexpr float kInf = std::numeric_limits<float>::infinity();
inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// 2^n for integer n in [-126, 127], built from the exponent bits.
inline float pow2i(uint32_t n) { return std::bit_cast<float>((n + 127u) << 23); }

// e^x (Cephes expf): n = round(x / ln 2), r = x - n ln 2 (two-part ln 2), a degree-6
// polynomial for e^r, scaled by 2^n as 2^(n/2) * 2^(n - n/2) so denormal results round once.
// x is clamped to [-104, 89] first: beyond it the result is 0 or inf anyway; NaN passes.
inline float exp(float x) {
  float xc = select(x > 89.0f, 89.0f, x);
  xc = select(xc < -104.0f, -104.0f, xc);
  // Adding 1.5 * 2^23 rounds to an integer held in the low mantissa bits (no float->int cast).
  const float shifted = xc * 1.44269504088896341f + 12582912.0f;
  const float n = shifted - 12582912.0f;
  const uint32_t ni = std::bit_cast<uint32_t>(shifted) - 0x4B400000u;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const uint32_t n1 = static_cast<uint32_t>(static_cast<int32_t>(ni) >> 1);
  const uint32_t n2 = ni - n1;
  return p * pow2i(n1) * pow2i(n2);
}

// e^x - 1: a Taylor polynomial near 0 (where exp(x) - 1 cancels), exp(x) - 1 elsewhere.
inline float expm1(float x) {
  float p = 1.0f / 40320.0f;
  p = p * x + 1.0f / 5040.0f;
  p = p * x + 1.0f / 720.0f;
  p = p * x + 1.0f / 120.0f;
  p = p * x + 1.0f / 24.0f;
  p = p * x + 1.0f / 6.0f;
  p = p * x + 0.5f;
  p = p * (x * x) + x;
  const float big = exp(x) - 1.0f;
  const float small = select(x == 0.0f, x, p);            // keeps -0
  return select((x > -0.35f) & (x < 0.35f), small, big);  // & not &&: no branch
}

// ln x (Cephes logf): x = m 2^e with m in [sqrt(1/2), sqrt(2)), a degree-9 polynomial in
// m - 1, plus e ln 2 (two-part). Denormals are scaled by 2^23 first; x < 0 gives NaN,
// 0 gives -inf, inf gives inf.
inline float log(float x) {
  const bool tiny = x < 1.17549435e-38f;
  const float xs = select(tiny, x * 8388608.0f, x);
  const uint32_t bits = std::bit_cast<uint32_t>(xs);
  const float e0 = static_cast<float>(static_cast<int32_t>((bits >> 23) & 0xffu) - 126);
  const float e1 = select(tiny, e0 - 23.0f, e0);
  const float m = std::bit_cast<float>((bits & 0x007fffffu) | 0x3f000000u);  // [0.5, 1)
  const bool low = m < 0.707106781186547524f;
  const float e = select(low, e1 - 1.0f, e1);
  const float f = select(low, (m + m) - 1.0f, m - 1.0f);
  const float z = f * f;
  float y = 7.0376836292e-2f;
  y = y * f - 1.1514610310e-1f;
  y = y * f + 1.1676998740e-1f;
  y = y * f - 1.2420140846e-1f;
  y = y * f + 1.4249322787e-1f;
  y = y * f - 1.6668057665e-1f;
  y = y * f + 2.0000714765e-1f;
  y = y * f - 2.4999993993e-1f;
  y = y * f + 3.3333331174e-1f;
  y = y * f * z;
  y = y + e * -2.12194440e-4f;
  y = y - 0.5f * z;
  float r = f + y;
  r = r + e * 0.693359375f;
  r = select(x == kInf, x, r);
  r = select(x < 0.0f, kNaN, r);
  r = select(x == 0.0f, -kInf, r);
  return select(x != x, x, r);
}

// ln(1 + x), accurate near 0: log(u) * x / (u - 1) with u = 1 + x corrects u's rounding.
inline float log1p(float x) {
  const float u = 1.0f + x;
  const float d = u - 1.0f;
  const float r = log(u) * (x / d);
  return select((d == 0.0f) | (x == kInf), x, r);
}

// tanh: x times a rational function of x^2 (degrees 6 over 3, the fit Eigen uses) on x clamped
// to +-7.905, where tanh is 1 to float precision; +-1 exactly from |x| >= 9. One division and
// no exp: 1.6x the speed of the exp form. Max error 3.5e-7 relative (checked on every 97th
// float); denormals, -0, +-inf and NaN come out right (v * (p / q) keeps tiny x from underflow).
inline float tanh(float x) {
  constexpr float lim = 7.90531110763549805f;
  float v = select(x > lim, lim, x);
  v = select(v < -lim, -lim, v);
  const float z = v * v;
  float p = -2.76076847742355e-16f;
  p = p * z + 2.00018790482477e-13f;
  p = p * z - 8.60467152213735e-11f;
  p = p * z + 5.12229709037114e-08f;
  p = p * z + 1.48572235717979e-05f;
  p = p * z + 6.37261928875436e-04f;
  p = p * z + 4.89352455891786e-03f;
  float q = 1.19825839466702e-06f;
  q = q * z + 1.18534705686654e-04f;
  q = q * z + 2.26843463243900e-03f;
  q = q * z + 4.89352518554385e-03f;
  const float r = v * (p / q);
  return select(std::abs(x) >= 9.0f, std::copysign(1.0f, x), r);
}

// 1 / (1 + e^-x) from e = e^-|x|, so neither side overflows: 1/(1+e) or e/(1+e).
inline float sigmoid(float x) {
  const float e = exp(-std::abs(x));
  const float r = 1.0f / (1.0f + e);
  return select(x >= 0.0f, r, select(x != x, x, e * r));
}

// erfc (Numerical Recipes erfcc, Chebyshev fit, fractional error < 1.2e-7 for every x):
// t e^(-z^2 + P(t)) with t = 1 / (1 + z/2), z = |x|; e^(-z^2) and e^P(t) are taken apart so
// the large z^2 is not rounded into the sum; erfc(-z) = 2 - erfc(z).
inline float erfc(float x) {
  const float z = std::abs(x);
  const float t = 1.0f / (1.0f + 0.5f * z);
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  const float r = t * exp(-(z * z)) * exp(p);
  return select(x < 0.0f, 2.0f - r, r);
}

}  // namespace vmath

// The math the kernels call, per dtype: float32 vectorisable, float64 libm.
template <class T>
struct Math;

template <>
struct Math<float> {
  static float exp(float x) { return vmath::exp(x); }
  static float expm1(float x) { return vmath::expm1(x); }
  static float log(float x) { return vmath::log(x); }
  static float log1p(float x) { return vmath::log1p(x); }
  static float tanh(float x) { return vmath::tanh(x); }
  static float sigmoid(float x) { return vmath::sigmoid(x); }
  static float erfc(float x) { return vmath::erfc(x); }
};

template <>
struct Math<double> {
  static double exp(double x) { return std::exp(x); }
  static double expm1(double x) { return std::expm1(x); }
  static double log(double x) { return std::log(x); }
  static double log1p(double x) { return std::log1p(x); }
  static double tanh(double x) { return std::tanh(x); }
  // As the ref kernel: 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below.
  static double sigmoid(double x) {
    const double e = std::exp(-std::abs(x));
    return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  }
  static double erfc(double x) { return std::erfc(x); }
};

// out[i] = sqrt(x[i]), or 1 / sqrt(x[i]) when `reciprocal`, for i < n (IEEE-exact, as
// std::sqrt). Written with intrinsics because GCC keeps std::sqrt scalar while -fmath-errno
// (the default) is on; the tail uses std::sqrt, which rounds identically.
template <class T>
void sqrt_n(const T* x, T* out, int64_t n, bool reciprocal) {
  int64_t i = 0;
#if defined(__AVX512F__)
  if constexpr (sizeof(T) == 4) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (; i + 16 <= n; i += 16) {
      __m512 s = _mm512_maskz_sqrt_ps(0xFFFF, _mm512_loadu_ps(x + i));
      _mm512_storeu_ps(out + i, reciprocal ? _mm512_div_ps(one, s) : s);
    }
  } else {
    const __m512d one = _mm512_set1_pd(1.0);
    for (; i + 8 <= n; i += 8) {
      __m512d s = _mm512_maskz_sqrt_pd(0xFF, _mm512_loadu_pd(x + i));
      _mm512_storeu_pd(out + i, reciprocal ? _mm512_div_pd(one, s) : s);
    }
  }
#elif defined(__AVX__)
  if constexpr (sizeof(T) == 4) {
    const __m256 one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= n; i += 8) {
      __m256 s = _mm256_sqrt_ps(_mm256_loadu_ps(x + i));
      _mm256_storeu_ps(out + i, reciprocal ? _mm256_div_ps(one, s) : s);
    }
  } else {
    const __m256d one = _mm256_set1_pd(1.0);
    for (; i + 4 <= n; i += 4) {
      __m256d s = _mm256_sqrt_pd(_mm256_loadu_pd(x + i));
      _mm256_storeu_pd(out + i, reciprocal ? _mm256_div_pd(one, s) : s);
    }
  }
#endif
  for (; i < n; ++i) out[i] = reciprocal ? T(1) / std::sqrt(x[i]) : std::sqrt(x[i]);
}

}  // namespace mz::cpu
