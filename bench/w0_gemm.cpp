// W0 — GEMM: C = A·B, row-major square fp32, n = 256 ... 2048, through mz::matmul on the cpu
// device; and cblas_sgemm called directly on the same buffers (row openblas_sgemm_n<N>), so
// "matmul reaches >= 0.95x OpenBLAS" is read from one run. Rate = 2n^3 / seconds per call;
// 3 warm-up calls, then 7 samples of about 0.25 s each. The two rows' samples alternate, so a
// burst of load on the machine touches both alike.
#include <cmath>
#include <functional>
#include <string>

#include "bench/bench_common.h"
#include "mz/core/device.h"
#include "mz/core/generator.h"
#include "mz/ops/creation.h"
#include "mz/ops/linalg.h"
#include "mz/ops/random.h"

#ifdef MZ_BENCH_OPENBLAS
#include <cblas.h>
#include <omp.h>
#endif

namespace mz::bench {

namespace {

constexpr int kSamples = 7;

// One timed contender: `call` is one n x n x n product; `enter`/`leave` run around each of its
// samples (and its warm-up), outside the clock.
struct Contender {
  std::function<void()> call;
  std::function<void()> enter = [] {};
  std::function<void()> leave = [] {};
  int reps = 1;  // calls per sample, about 0.25 s
  std::vector<double> gflops;
};

// Warms each contender up (3 calls, which also size its samples), then takes kSamples samples
// of each, alternating between them.
void time_gemm(int64_t n, std::vector<Contender*> contenders) {
  for (Contender* c : contenders) {
    c->enter();
    auto t0 = Clock::now();
    for (int i = 0; i < 3; ++i) c->call();
    c->reps = std::max(1, static_cast<int>(std::lround(0.25 / (seconds_since(t0) / 3))));
    c->leave();
  }
  for (int s = 0; s < kSamples; ++s) {
    for (Contender* c : contenders) {
      c->enter();
      auto t0 = Clock::now();
      for (int i = 0; i < c->reps; ++i) c->call();
      double dt = seconds_since(t0) / c->reps;
      c->leave();
      c->gflops.push_back(2.0 * static_cast<double>(n * n * n) / dt / 1e9);
    }
  }
}

}  // namespace

void run_w0() {
  DeviceGuard on_cpu(Device::cpu());
  for (int64_t n : {256, 512, 1024, 2048}) {
    Generator gen(static_cast<uint64_t>(n));
    Tensor a = uniform({n, n}, 0.0, 1.0, {}, gen);
    Tensor b = uniform({n, n}, 0.0, 1.0, {}, gen);
    Tensor c;
    Contender mz_matmul{.call = [&] { c = matmul(a, b); }};
    std::vector<Contender*> contenders = {&mz_matmul};
#ifdef MZ_BENCH_OPENBLAS
    // The same OpenBLAS merezha links, on BENCH_THREADS threads. NOTE: Debian's OpenBLAS is the
    // OpenMP build: a call's thread count is the calling thread's OpenMP setting, which merezha
    // pins to 1 on threads that call BLAS (its own blocks are the unit of parallelism). Each
    // direct sample sets it and restores merezha's value after, so mz::matmul stays as it was.
    Tensor d = empty({n, n});
    const float* pa = a.data<float>();
    const float* pb = b.data<float>();
    float* pd = d.data<float>();
    const int ni = static_cast<int>(n);
    int saved = 1;
    Contender direct{.call =
                         [&] {
                           cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0f,
                                       pa, ni, pb, ni, 0.0f, pd, ni);
                         },
                     .enter =
                         [&] {
                           saved = omp_get_max_threads();
                           omp_set_num_threads(bench_threads());
                         },
                     .leave = [&] { omp_set_num_threads(saved); }};
    contenders.push_back(&direct);
#endif
    time_gemm(n, contenders);
    print_csv("W0", str("sgemm_n", n), "GFLOP/s", mz_matmul.gflops, "%.2f", "",
              str("mz::matmul;reps=", mz_matmul.reps));
#ifdef MZ_BENCH_OPENBLAS
    print_csv("W0", str("openblas_sgemm_n", n), "GFLOP/s", direct.gflops, "%.2f", "",
              str("cblas_sgemm direct;core=", openblas_get_corename(), ";reps=", direct.reps));
#endif
  }
}

}  // namespace mz::bench
