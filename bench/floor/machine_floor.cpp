// machine-floor: the least time this core can spend on W3's MLP at batch 1 (BENCHMARKS.md), from
// two measurements: how fast one thread streams the MLP's 0.94 MB of float32 weights (from L2:
// a sum with 8 vector accumulators, best of 2000 passes), and how many vector FMAs it retires
// per second (16 independent chains). A forward pass reads every weight once and does one
// multiply-add per weight, so it cannot beat max(bytes / bandwidth, FMAs / FMA rate).
//   machine-floor            prints CSV lines FLOOR,<what>,<unit>,<value>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
using Vec = __m512;
constexpr int kLanes = 16;
inline Vec load(const float* p) { return _mm512_load_ps(p); }
inline Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline Vec splat(float v) { return _mm512_set1_ps(v); }
inline float first(Vec v) { return _mm512_cvtss_f32(v); }
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
using Vec = __m256;
constexpr int kLanes = 8;
inline Vec load(const float* p) { return _mm256_load_ps(p); }
inline Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline Vec splat(float v) { return _mm256_set1_ps(v); }
inline float first(Vec v) { return _mm256_cvtss_f32(v); }
#else  // no AVX2: one float "vector" (the figures then say what scalar code can do)
using Vec = float;
constexpr int kLanes = 1;
inline Vec load(const float* p) { return *p; }
inline Vec add(Vec a, Vec b) { return a + b; }
inline Vec fma(Vec a, Vec b, Vec c) { return a * b + c; }
inline Vec splat(float v) { return v; }
inline float first(Vec v) { return v; }
#endif

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Sum of n floats (n a multiple of 8 vectors), 8 accumulators.
__attribute__((noinline)) float stream(const float* p, std::size_t n) {
  Vec acc[8];
  for (Vec& a : acc) a = splat(0.0f);
  for (std::size_t i = 0; i < n; i += 8 * kLanes)
    for (int j = 0; j < 8; ++j) acc[j] = add(acc[j], load(p + i + j * kLanes));
  for (int j = 1; j < 8; ++j) acc[0] = add(acc[0], acc[j]);
  return first(acc[0]);
}

// `steps` rounds of 16 independent vector FMAs.
__attribute__((noinline)) float fmas(int64_t steps) {
  Vec acc[16];
  for (int j = 0; j < 16; ++j) acc[j] = splat(static_cast<float>(j));
  const Vec m = splat(0.999f), c = splat(0.001f);
  for (int64_t s = 0; s < steps; ++s)
    for (Vec& a : acc) a = fma(a, m, c);
  for (int j = 1; j < 16; ++j) acc[0] = add(acc[0], acc[j]);
  return first(acc[0]);
}

}  // namespace

int main() {
  // The W1/W3 MLP: 784 -> 256 -> 128 -> 10, weights and biases.
  const int64_t params = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10;
  const int64_t macs = 784 * 256 + 256 * 128 + 128 * 10;
  const std::size_t block = 8 * kLanes;
  const std::size_t n = (static_cast<std::size_t>(params) + block - 1) / block * block;
  float* w = static_cast<float*>(std::aligned_alloc(64, n * sizeof(float)));
  std::fill(w, w + n, 1.0f);
  volatile float sink = 0;
  double best = 1e9;
  for (int rep = 0; rep < 2000; ++rep) {
    auto t0 = Clock::now();
    sink = sink + stream(w, n);
    best = std::min(best, seconds_since(t0));
  }
  const double bandwidth = static_cast<double>(n * sizeof(float)) / best;
  const int64_t steps = 5'000'000;
  double fma_best = 1e9;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = Clock::now();
    sink = sink + fmas(steps);
    fma_best = std::min(fma_best, seconds_since(t0));
  }
  const double fma_rate = static_cast<double>(steps) * 16 / fma_best;  // vector FMAs per second
  const double t_bytes = static_cast<double>(params) * sizeof(float) / bandwidth;
  const double t_fma = static_cast<double>(macs) / kLanes / fma_rate;
  std::printf("FLOOR,vector_lanes,float32,%d\n", kLanes);
  std::printf("FLOOR,mlp_weights,bytes,%lld\n", static_cast<long long>(params * sizeof(float)));
  std::printf("FLOOR,stream_bandwidth,GB/s,%.1f\n", bandwidth / 1e9);
  std::printf("FLOOR,vector_fma_rate,G/s,%.2f\n", fma_rate / 1e9);
  std::printf("FLOOR,mlp_b1_read_weights,us,%.2f\n", t_bytes * 1e6);
  std::printf("FLOOR,mlp_b1_multiply_adds,us,%.2f\n", t_fma * 1e6);
  std::printf("FLOOR,mlp_fwd_b1,us,%.2f\n", std::max(t_bytes, t_fma) * 1e6);
  std::free(w);
  return sink == 12345.0f ? 1 : 0;
}
