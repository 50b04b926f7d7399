// merezha-cuda-gemm: n x n x n GEMM rates on cuda:0 through merezha, for tools/gpu_check.sh.
//   merezha-cuda-gemm [n]          (default 4096)
// Rows: float32 through mz::matmul (TF32 tensor cores when MEREZHA_CUDA_TF32=1, so run it
// twice), and bfloat16 inputs and output with float32 accumulation through the cuda backend's
// cuBLASLt path (merezha has no bfloat16 dtype yet; the path is the one linear uses).
// Rate = 2 n^3 / seconds per call; 3 warm-up calls, then 5 samples of about 0.2 s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "mz/backend/cuda/linalg.h"
#include "mz/core/generator.h"
#include "mz/ops/ops.h"

namespace {

using Clock = std::chrono::steady_clock;

// Median GFLOP/s of `call` (queued work), waiting for the device around each sample.
double rate(int64_t n, const std::function<void()>& call) {
  auto seconds = [](Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  for (int i = 0; i < 3; ++i) call();
  mz::cuda::synchronize(0);
  auto t0 = Clock::now();
  call();
  mz::cuda::synchronize(0);
  const int reps = std::max(1, static_cast<int>(0.2 / std::max(seconds(t0), 1e-6)));
  std::vector<double> rates;
  for (int s = 0; s < 5; ++s) {
    t0 = Clock::now();
    for (int i = 0; i < reps; ++i) call();
    mz::cuda::synchronize(0);
    rates.push_back(2.0 * static_cast<double>(n) * n * n / (seconds(t0) / reps) / 1e9);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

// bfloat16 bits of v (round to nearest even).
uint16_t to_bf16(float v) {
  uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

// An (n, n) bfloat16 matrix of uniform [0, 1) values, as uint8 bytes on cuda:0.
mz::Tensor bf16_matrix(int64_t n, mz::Generator& gen) {
  std::vector<uint8_t> bytes(static_cast<std::size_t>(n * n * 2));
  for (int64_t i = 0; i < n * n; ++i) {
    const uint16_t b = to_bf16(static_cast<float>(gen.uniform()));
    std::memcpy(bytes.data() + 2 * i, &b, 2);
  }
  return mz::tensor(bytes, {n * n * 2}, {.dtype = mz::DType::u8, .device = mz::Device::cuda()});
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 4096;
  try {
    mz::DeviceGuard on_cuda(mz::Device::cuda());
    mz::Generator gen(1);
    mz::Tensor a = mz::uniform({n, n}, 0.0, 1.0, {}, gen);
    mz::Tensor b = mz::uniform({n, n}, 0.0, 1.0, {}, gen);
    mz::Tensor c;
    const double f32 = rate(n, [&] { c = mz::matmul(a, b); });
    std::printf("CSV,GEMM,merezha-cuda,%s,%lld,GFLOP/s,%.1f\n",
                mz::cuda::tf32_enabled() ? "tf32" : "f32", static_cast<long long>(n), f32);
    if (!mz::cuda::tf32_enabled()) {
      mz::Tensor xa = bf16_matrix(n, gen), wb = bf16_matrix(n, gen);
      mz::Tensor y = mz::empty({n * n * 2}, {.dtype = mz::DType::u8});
      mz::cuda::LinearCall call;
      call.bf16 = true;
      call.rows = call.in = call.out = n;
      call.x = mz::cuda::transposed_operand(n, n, n, 1);
      call.w = mz::cuda::transposed_operand(n, n, n, 1);
      mz::cuda::DeviceContext& ctx = mz::cuda::activate(0);
      bool ok = true;
      const double bf16 = rate(n, [&] {
        ok = ok &&
             mz::cuda::lt_linear(ctx, call, wb.raw_data(), xa.raw_data(), nullptr, y.raw_data());
      });
      if (ok)
        std::printf("CSV,GEMM,merezha-cuda,bf16,%lld,GFLOP/s,%.1f\n", static_cast<long long>(n),
                    bf16);
      else
        std::printf("CSV,GEMM,merezha-cuda,bf16,%lld,GFLOP/s,n/a\n", static_cast<long long>(n));
    }
  } catch (const mz::Error& e) {
    std::fprintf(stderr, "merezha-cuda-gemm: %s\n", e.what());
    return 1;
  }
  return 0;
}
