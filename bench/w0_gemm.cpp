// W0 — GEMM: C = A·B, row-major square fp32, n = 256 ... 2048, through mz::matmul on the cpu
// device; and cblas_sgemm called directly on the same buffers (row openblas_sgemm_n<N>), so
// "matmul reaches >= 0.95x OpenBLAS" is read from one run. Rate = 2n^3 / seconds per call;
// 3 warm-up calls, then 7 samples of about 0.25 s each.
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
#endif

namespace mz::bench {

namespace {

struct Rates {
  std::vector<double> gflops;
  int reps = 1;  // calls per sample
};

// Times `call` (one n x n x n product) as W0 prescribes.
Rates time_gemm(int64_t n, const std::function<void()>& call) {
  auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) call();
  double per_call = seconds_since(t0) / 3;
  Rates r;
  r.reps = std::max(1, static_cast<int>(std::lround(0.25 / per_call)));
  for (int s = 0; s < 7; ++s) {
    t0 = Clock::now();
    for (int i = 0; i < r.reps; ++i) call();
    double dt = seconds_since(t0) / r.reps;
    r.gflops.push_back(2.0 * static_cast<double>(n * n * n) / dt / 1e9);
  }
  return r;
}

}  // namespace

void run_w0() {
  DeviceGuard on_cpu(Device::cpu());
  for (int64_t n : {256, 512, 1024, 2048}) {
    Generator gen(static_cast<uint64_t>(n));
    Tensor a = uniform({n, n}, 0.0, 1.0, {}, gen);
    Tensor b = uniform({n, n}, 0.0, 1.0, {}, gen);
    Tensor c;
    Rates mz_rate = time_gemm(n, [&] { c = matmul(a, b); });
    print_csv("W0", str("sgemm_n", n), "GFLOP/s", mz_rate.gflops, "%.2f", "",
              str("mz::matmul;reps=", mz_rate.reps));
#ifdef MZ_BENCH_OPENBLAS
    // The same library merezha links, with the thread count merezha runs with; its previous
    // setting is restored so the next mz::matmul row sees merezha's own configuration.
    int saved = openblas_get_num_threads();
    openblas_set_num_threads(bench_threads());
    Tensor d = empty({n, n});
    const float* pa = a.data<float>();
    const float* pb = b.data<float>();
    float* pd = d.data<float>();
    const int ni = static_cast<int>(n);
    Rates blas_rate = time_gemm(n, [&] {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0f, pa, ni, pb, ni, 0.0f,
                  pd, ni);
    });
    openblas_set_num_threads(saved);
    print_csv("W0", str("openblas_sgemm_n", n), "GFLOP/s", blas_rate.gflops, "%.2f", "",
              str("cblas_sgemm direct;core=", openblas_get_corename(), ";reps=", blas_rate.reps));
#endif
  }
}

}  // namespace mz::bench
