// The cuda backend's own behaviour: clear errors without a device; with one, transfers, the
// caching allocator, index errors and determinism. Op results are compared with ref by the
// conformance suites (tests/op_conformance*.cpp), which include cuda when a device is present.
#include <gtest/gtest.h>

#include "mz/backend/kernel.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

bool have_cuda() { return detail::backend_available(DeviceType::cuda); }

TEST(CudaBackend, WithoutADeviceSaysSo) {
  if (have_cuda()) GTEST_SKIP() << "a CUDA device is present";
  Tensor x = ones({2, 3}, {.device = Device::cpu()});
  MZ_EXPECT_THROW_MSG(x.to(Device::cuda()), BackendError, "Tensor::to: no CUDA device is present");
  MZ_EXPECT_THROW_MSG(find_kernel(Device::cuda(), Op::add, DType::f32), BackendError,
                      "add: no CUDA device is present");
  MZ_EXPECT_THROW_MSG(set_default_device(Device::cuda()), BackendError, "cannot use cuda:0");
}

TEST(CudaBackend, RoundTripKeepsValuesAndViews) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  Tensor host = arange(24, {.dtype = DType::f32, .device = Device::cpu()}).reshape({4, 6});
  Tensor dev = host.to(Device::cuda());
  EXPECT_EQ(dev.device(), Device::cuda());
  EXPECT_TRUE(testing::all_equal(dev.to(Device::cpu()), host));
  // A transposed view travels with its strides; a sparse slice is compacted first.
  Tensor t = host.mT().to(Device::cuda());
  EXPECT_EQ(t.strides(), host.mT().strides());
  EXPECT_TRUE(testing::all_equal(t.to(Device::cpu()), host.mT()));
  Tensor s = host.slice(0, 1, 2).slice(1, 0, 6, 5).to(Device::cuda());
  EXPECT_TRUE(testing::all_equal(s.to(Device::cpu()), host.slice(0, 1, 2).slice(1, 0, 6, 5)));
  // Large uploads go through several pinned staging blocks.
  Tensor big = arange(5'000'000, {.dtype = DType::f64, .device = Device::cpu()});
  EXPECT_EQ(sum(big.to(Device::cuda())).item<double>(), 4999999.0 * 5'000'000.0 / 2.0);
}

TEST(CudaBackend, CachingAllocatorReusesFreedBlocks) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  void* first = nullptr;
  {
    Tensor a = empty({1000, 37}, {.device = Device::cuda()});
    first = a.raw_data();
  }
  Tensor b = empty({1000, 37}, {.device = Device::cuda()});
  EXPECT_EQ(b.raw_data(), first);
  EXPECT_GE(allocator_for(DeviceType::cuda).cached_bytes(), 0u);
}

TEST(CudaBackend, IndexErrorsNameThePosition) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  DeviceGuard on_cuda(Device::cuda());
  Tensor idx = tensor(std::vector<int64_t>{1, 0, 7, 2}, {2, 2}, {.dtype = DType::i64});
  MZ_EXPECT_THROW_MSG(
      one_hot(idx, 5), ValueError,
      "one_hot: index 7 at position (1, 0) is out of range: expected 0 <= index < 5.");
  Tensor x = ones({3, 4});
  Tensor bad = tensor(std::vector<int64_t>{0, 4}, {2}, {.dtype = DType::i64});
  MZ_EXPECT_THROW_MSG(take(x, bad, 1), ValueError,
                      "take: index 4 at position (0, 1) is out of range for axis 1 of size 4.");
  // The device keeps working after a reported error.
  EXPECT_EQ(
      sum(one_hot(tensor(std::vector<int64_t>{4}, {1}, {.dtype = DType::i64}), 5)).item<double>(),
      1.0);
}

TEST(CudaBackend, MissingKernelNamesOpDtypeAndDevice) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  MZ_EXPECT_THROW_MSG(find_kernel(Device::cuda(), Op::exp, DType::i32), BackendError,
                      "exp: no cuda kernel for int32 (cuda:0 kernels exist for float32, float64).");
}

TEST(CudaBackend, ReductionsAreDeterministic) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  Generator gen(3);
  Tensor x = uniform({3000, 517}, -1.0, 1.0, {.device = Device::cuda()}, gen);
  for (std::vector<int> axes : {std::vector<int>{}, {0}, {1}}) {
    Tensor a = sum(x, axes), b = sum(x, axes);
    EXPECT_TRUE(testing::all_equal(a, b));
    EXPECT_TRUE(
        testing::all_close(a.to(Device::cpu()), sum(x.to(Device::cpu()), axes), 1e-5, 1e-4));
  }
}

TEST(CudaBackend, TrainingStepStaysOnTheDevice) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  DeviceGuard on_cuda(Device::cuda());
  Generator gen(5);
  Tensor x = uniform({64, 20}, -1.0, 1.0, {}, gen);
  Tensor w = uniform({20, 10}, -0.3, 0.3, {}, gen).set_requires_grad();
  Tensor b = zeros({10}).set_requires_grad();
  Tensor labels = tensor(std::vector<int64_t>(64, 3), {64, 1}, {.dtype = DType::i64});
  Tensor loss = -mean(take_along_axis(log_softmax(linear(x, w, b, Act::relu), -1), labels, -1));
  loss.backward();
  EXPECT_EQ(w.grad().device(), Device::cuda());
  EXPECT_EQ(b.grad().device(), Device::cuda());
  EXPECT_TRUE(std::isfinite(loss.item<double>()));
}

}  // namespace
}  // namespace mz
