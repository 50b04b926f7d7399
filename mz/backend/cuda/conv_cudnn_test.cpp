// The cuDNN convolution path against ref: forward (bias and activation applied after cuDNN),
// input and weight gradients, f32 and f64, groups, strides, dilation and 1-D; the automatic
// path's size rule; shapes cuDNN cannot express falling back to the direct kernels. Skips
// without a device.
#include "mz/backend/cuda/conv_cudnn.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using cuda::ConvPath;
using testing::all_close;

bool have_cuda() { return detail::backend_available(DeviceType::cuda); }

// Sets the convolution path for one test and restores automatic after it.
class PathGuard {
 public:
  explicit PathGuard(ConvPath path) { cuda::set_conv_path(path); }
  ~PathGuard() { cuda::set_conv_path(ConvPath::automatic); }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;
};

struct ConvCase {
  const char* name;
  Shape x, w;  // x (N, *I, Cin), w (*K, Cin / G, Cout)
  ConvGeometry geometry;
  Act act = Act::linear;
};

std::vector<ConvCase> cases() {
  return {
      {"3x3 same", {2, 7, 6, 4}, {3, 3, 4, 5}, {.pads_before = {1}, .pads_after = {1}}, Act::relu},
      {"stride 2 dilation 2", {2, 9, 8, 3}, {3, 2, 3, 4}, {.strides = {2}, .dilation = {2, 1}}},
      {"groups 2",
       {1, 6, 6, 4},
       {3, 3, 2, 6},
       {.pads_before = {1}, .pads_after = {1}, .groups = 2},
       Act::tanh},
      {"1-D",
       {3, 11, 4},
       {5, 4, 3},
       {.strides = {2}, .pads_before = {2}, .pads_after = {2}},
       Act::sigmoid},
  };
}

struct ConvResult {
  Tensor y, dx, dw, db;
};

// y = conv(x, w) + b with the case's activation, then the gradients of sum(y * g).
ConvResult run_conv(const ConvCase& c, Device device, DType dtype) {
  Generator gen(11);
  const TensorOptions on{.dtype = dtype, .device = device};
  Tensor x = uniform(c.x, -1.0, 1.0, on, gen).set_requires_grad();
  Tensor w = uniform(c.w, -0.5, 0.5, on, gen).set_requires_grad();
  Tensor b = uniform({c.w.back()}, -0.5, 0.5, on, gen).set_requires_grad();
  Tensor y = conv(x, w, c.geometry, b, c.act);
  Tensor g = uniform(y.shape(), -1.0, 1.0, on, gen);
  sum(y * g).backward();
  return {y.detach(), x.grad(), w.grad(), b.grad()};
}

// Compares every case with ref; returns how many cuDNN calls each case made.
std::vector<int64_t> expect_matches_ref(ConvPath path, DType dtype, double rtol, double atol) {
  PathGuard guard(path);
  std::vector<int64_t> runs;
  for (const ConvCase& c : cases()) {
    ConvResult want = run_conv(c, Device::ref(), dtype);
    const int64_t before = cuda::cudnn_conv_runs();
    ConvResult got = run_conv(c, Device::cuda(), dtype);
    runs.push_back(cuda::cudnn_conv_runs() - before);
    EXPECT_EQ(got.y.device(), Device::cuda());
    EXPECT_TRUE(all_close(got.y.to(Device::cpu()), want.y, rtol, atol)) << c.name << " y";
    EXPECT_TRUE(all_close(got.dx.to(Device::cpu()), want.dx, rtol, atol)) << c.name << " dx";
    EXPECT_TRUE(all_close(got.dw.to(Device::cpu()), want.dw, rtol, atol)) << c.name << " dw";
    EXPECT_TRUE(all_close(got.db.to(Device::cpu()), want.db, rtol, atol)) << c.name << " db";
  }
  return runs;
}

// Prints the cuDNN calls per case (a case cuDNN declines shows fewer than 3).
void report_runs(const std::vector<int64_t>& runs, const char* dtype) {
  std::vector<ConvCase> all = cases();
  for (std::size_t i = 0; i < runs.size(); ++i)
    std::printf("[ cuDNN    ] %s %s: %lld of 3 calls on cuDNN\n", dtype, all[i].name,
                static_cast<long long>(runs[i]));
}

TEST(CudaCudnnConv, Float32MatchesRef) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  // cuDNN's algorithms sum in other orders than ref (Winograd and GEMM tilings): a looser
  // tolerance than the direct kernels' (docs/cuda.md).
  std::vector<int64_t> runs = expect_matches_ref(ConvPath::cudnn, DType::f32, 1e-4, 1e-5);
  report_runs(runs, "float32");
  // The plain 3x3 convolution runs forward, input and weight gradients on cuDNN.
  if (cuda::cudnn_built()) {
    EXPECT_EQ(runs[0], 3);
  }
}

TEST(CudaCudnnConv, Float64MatchesRef) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  // Where cuDNN has no float64 NHWC algorithm, the direct kernels run: the same results.
  report_runs(expect_matches_ref(ConvPath::cudnn, DType::f64, 1e-10, 1e-12), "float64");
}

TEST(CudaCudnnConv, DirectPathMatchesRefAndSkipsCudnn) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  const int64_t before = cuda::cudnn_conv_runs();
  for (int64_t runs : expect_matches_ref(ConvPath::direct, DType::f32, 1e-5, 1e-6))
    EXPECT_EQ(runs, 0);
  EXPECT_EQ(cuda::cudnn_conv_runs(), before);
}

TEST(CudaCudnnConv, AutomaticPathHandsOnlyLargeConvolutionsToCudnn) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  PathGuard guard(ConvPath::automatic);
  Generator gen(4);
  const TensorOptions on{.device = Device::cuda()};
  // 2 * 8 * 8 * 4 * 9 * 3 = 13824 multiply-adds: the direct kernels.
  int64_t before = cuda::cudnn_conv_runs();
  Tensor small =
      conv(uniform({2, 8, 8, 3}, -1.0, 1.0, on, gen), uniform({3, 3, 3, 4}, -1.0, 1.0, on, gen));
  EXPECT_EQ(cuda::cudnn_conv_runs(), before);
  // 4 * 32 * 32 * 32 * 9 * 16 = 18.9M multiply-adds: cuDNN.
  Tensor x = uniform({4, 32, 32, 16}, -1.0, 1.0, on, gen);
  Tensor w = uniform({3, 3, 16, 32}, -0.2, 0.2, on, gen);
  const ConvGeometry same{.pads_before = {1}, .pads_after = {1}};
  before = cuda::cudnn_conv_runs();
  Tensor big = conv(x, w, same);
  if (cuda::cudnn_built()) {
    EXPECT_EQ(cuda::cudnn_conv_runs(), before + 1);
  }
  Tensor want = conv(x.to(Device::ref()), w.to(Device::ref()), same);
  EXPECT_TRUE(all_close(big.to(Device::cpu()), want, 1e-4, 1e-5));
}

TEST(CudaCudnnConv, AsymmetricPaddingFallsBackToDirectKernels) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  PathGuard guard(ConvPath::cudnn);
  Generator gen(9);
  const TensorOptions on{.device = Device::cuda()};
  // "same" with stride 2 on an even size: 0 before, 1 after; cuDNN pads both ends alike.
  Tensor x = uniform({2, 8, 8, 3}, -1.0, 1.0, on, gen);
  Tensor w = uniform({3, 3, 3, 4}, -1.0, 1.0, on, gen);
  const ConvGeometry g{.strides = {2}, .pads_before = {0}, .pads_after = {1}};
  const int64_t before = cuda::cudnn_conv_runs();
  Tensor y = conv(x, w, g);
  EXPECT_EQ(cuda::cudnn_conv_runs(), before);
  EXPECT_EQ(y.shape(), Shape({2, 4, 4, 4}));
  EXPECT_TRUE(all_close(y.to(Device::cpu()), conv(x.to(Device::ref()), w.to(Device::ref()), g),
                        1e-5, 1e-6));
}

TEST(CudaCudnnConv, ForwardGivesTheSameBitsEveryRun) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  PathGuard guard(ConvPath::cudnn);
  Generator gen(2);
  const TensorOptions on{.device = Device::cuda()};
  Tensor x = uniform({2, 12, 12, 8}, -1.0, 1.0, on, gen);
  Tensor w = uniform({3, 3, 8, 8}, -1.0, 1.0, on, gen);
  EXPECT_TRUE(testing::all_equal(conv(x, w).to(Device::cpu()), conv(x, w).to(Device::cpu())));
}

}  // namespace
}  // namespace mz
