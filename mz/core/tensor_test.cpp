// Tensor metadata, views, element access, the allocator and the thread pool.
#include "mz/core/tensor.h"

#include <atomic>

#include "mz/core/generator.h"
#include "mz/core/thread_pool.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

TEST(Shape, PrintsAsPythonTuple) {
  EXPECT_EQ(to_string(Shape{32, 784}), "(32, 784)");
  EXPECT_EQ(to_string(Shape{5}), "(5,)");
  EXPECT_EQ(to_string(Shape{}), "()");
}

TEST(Shape, BroadcastFollowsNumPy) {
  EXPECT_EQ(broadcast_shapes({3, 1, 5}, {4, 1}, "t"), (Shape{3, 4, 5}));
  MZ_EXPECT_THROW_MSG(broadcast_shapes({3, 2}, {4}, "add"), ShapeError,
                      "add: shapes do not broadcast: (3, 2) and (4,)");
}

TEST(Tensor, ViewsShareStorage) {
  Tensor a = arange(6).reshape({2, 3});
  Tensor t = a.transpose(0, 1);
  EXPECT_TRUE(t.shares_storage(a));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  Tensor s = a.slice(1, 1, 3);
  EXPECT_EQ(s.to_vector<float>(), (std::vector<float>{1, 2, 4, 5}));
  EXPECT_EQ(a.slice(1, 0, 3, 2).to_vector<float>(), (std::vector<float>{0, 2, 3, 5}));
  EXPECT_EQ(a.unsqueeze(0).shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(a.unsqueeze(0).squeeze(0).shape(), (Shape{2, 3}));
  EXPECT_EQ(a.reshape({-1}).shape(), (Shape{6}));
  Tensor e = tensor({1.0f, 2.0f}).reshape({2, 1}).expand({2, 3});
  EXPECT_EQ(e.to_vector<float>(), (std::vector<float>{1, 1, 1, 2, 2, 2}));
  EXPECT_EQ(t.contiguous().to_vector<float>(), t.to_vector<float>());
  EXPECT_TRUE(t.contiguous().is_contiguous());
}

TEST(Tensor, WritesThroughViews) {
  Tensor a = zeros({2, 3});
  Tensor col = a.slice(1, 1, 2);
  col.copy_(tensor({7.0f, 8.0f}).reshape({2, 1}));
  EXPECT_EQ(a.to_vector<float>(), (std::vector<float>{0, 7, 0, 0, 8, 0}));
}

TEST(Tensor, RejectsBadReshapeWithShapes) {
  MZ_EXPECT_THROW_MSG(arange(6).reshape({4, -1}), ShapeError,
                      "cannot reshape (6,) (6 elements) into (4, -1)");
  MZ_EXPECT_THROW_MSG(arange(6).reshape({4, 2}), ShapeError, "into (4, 2) (8 elements)");
}

TEST(Tensor, CastsBetweenDtypes) {
  Tensor a = tensor({1.5f, -2.5f, 3.0f});
  EXPECT_EQ(a.to(DType::i32).to_vector<int32_t>(), (std::vector<int32_t>{1, -2, 3}));
  EXPECT_EQ(a.to(DType::f64).dtype(), DType::f64);
  MZ_EXPECT_THROW_MSG(a.data<double>(), ValueError, "expected a float64 tensor, got float32");
}

TEST(Tensor, ItemNeedsOneElement) {
  EXPECT_EQ(scalar(3.0).item<float>(), 3.0f);
  MZ_EXPECT_THROW_MSG(arange(2).item(), ValueError, "got shape (2,)");
}

TEST(Allocator, ReusesFreedBlocks) {
  void* first;
  {
    Tensor t = empty({1000});
    first = t.raw_data();
  }
  Tensor u = empty({1000});
  EXPECT_EQ(u.raw_data(), first);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(u.raw_data()) % 64, 0u);
}

TEST(Generator, SameSeedSameNumbers) {
  Generator a(7), b(7);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a.normal(), b.normal());
  Generator c(7);
  c.uniform();
  std::string s = c.state();
  double next = c.uniform();
  Generator d;
  d.set_state(s);
  EXPECT_EQ(d.uniform(), next);
}

TEST(ThreadPool, CoversTheRangeOnceAndRethrows) {
  ThreadsGuard threads(2);
  std::vector<std::atomic<int>> hits(1000);
  parallel_for(1000, 10, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) hits[i]++;
  });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  EXPECT_THROW(parallel_for(1000, 10, [](int64_t, int64_t) { throw ValueError("boom"); }),
               ValueError);
  MZ_EXPECT_THROW_MSG(set_num_threads(0), ValueError, "expected at least 1 thread, got 0");
}

TEST(Device, ParsesNamesAndRejectsUnknown) {
  EXPECT_EQ(Device::parse("ref"), Device::ref());
  EXPECT_EQ(Device::parse("cuda:1"), Device::cuda(1));
  MZ_EXPECT_THROW_MSG(Device::parse("tpu"), ValueError, "unknown device \"tpu\"");
  MZ_EXPECT_THROW_MSG(set_default_device(Device::cuda()), BackendError,
                      "merezha was built without CUDA");
}

}  // namespace
}  // namespace mz
