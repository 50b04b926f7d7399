// matmul and linear: values by hand, NumPy's promotion and batch broadcasting, transposed
// views, gradients (float64 finite differences), error messages, thread-count determinism.
#include "mz/ops/linalg.h"

#include <cmath>
#include <limits>

#include "mz/core/thread_pool.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::all_equal;
using testing::grad_ok;

Tensor f64(std::vector<double> v, Shape s) { return tensor(v, s); }

// Reproducible values in [-1, 1) of `shape` and `dtype` on `device`.
Tensor rnd(const Shape& shape, uint64_t seed, DType dtype = DType::f64,
           Device device = Device::cpu()) {
  Generator gen(seed);
  return uniform(shape, -1.0, 1.0, {.dtype = dtype, .device = device}, gen);
}

TEST(Matmul, MatchesHandValuesOnEveryBackend) {
  for (Device d : {Device::ref(), Device::cpu()}) {
    Tensor a =
        tensor(std::vector<float>{1, 2, 3, 4, 5, 6}, {2, 3}, {.dtype = DType::f32, .device = d});
    Tensor b =
        tensor(std::vector<float>{7, 8, 9, 10, 11, 12}, {3, 2}, {.dtype = DType::f32, .device = d});
    Tensor c = matmul(a, b);
    EXPECT_EQ(c.shape(), (Shape{2, 2}));
    EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{58, 64, 139, 154})) << d;
    // The transposed views reach GEMM as they are: (b^T a^T)^T = a b.
    EXPECT_EQ(matmul(b.mT(), a.mT()).mT().to_vector<float>(),
              (std::vector<float>{58, 64, 139, 154}));
  }
}

TEST(Matmul, PromotesVectorsAsNumPy) {
  Tensor m = f64({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor v3 = f64({1, 0, -1}, {3});
  Tensor v2 = f64({1, -1}, {2});
  Tensor mv = matmul(m, v3);
  EXPECT_EQ(mv.shape(), (Shape{2}));
  EXPECT_EQ(mv.to_vector<double>(), (std::vector<double>{-2, -2}));
  Tensor vm = matmul(v2, m);
  EXPECT_EQ(vm.shape(), (Shape{3}));
  EXPECT_EQ(vm.to_vector<double>(), (std::vector<double>{-3, -3, -3}));
  Tensor vv = matmul(v3, v3);
  EXPECT_EQ(vv.shape(), Shape{});
  EXPECT_EQ(vv.item(), 2.0);
  // A batch of matrices times a vector: (2, 2, 3) @ (3,) -> (2, 2).
  Tensor batch = stack({m, m * 2.0});
  EXPECT_EQ(matmul(batch, v3).to_vector<double>(), (std::vector<double>{-2, -2, -4, -4}));
}

TEST(Matmul, BroadcastsBatchDimensions) {
  Tensor a = rnd({2, 1, 3, 4}, 1), b = rnd({5, 4, 2}, 2);
  Tensor c = matmul(a, b);
  ASSERT_EQ(c.shape(), (Shape{2, 5, 3, 2}));
  // Each item against a plain 2-D product.
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 5; ++j) {
      Tensor want =
          matmul(a.slice(0, i, i + 1).reshape({3, 4}), b.slice(0, j, j + 1).reshape({4, 2}));
      EXPECT_TRUE(
          all_close(c.slice(0, i, i + 1).slice(1, j, j + 1).reshape({3, 2}), want, 1e-12, 1e-14));
    }
  // A shared 2-D right operand (folded into one tall GEMM on cpu) agrees with ref.
  Tensor x = rnd({3, 4, 5}, 3), w = rnd({5, 6}, 4);
  EXPECT_TRUE(
      all_close(matmul(x, w), matmul(x.to(Device::ref()), w.to(Device::ref())), 1e-12, 1e-14));
}

TEST(Matmul, TransposedAndStridedViewsMatchContiguousCopies) {
  Tensor a = rnd({6, 5}, 5), b = rnd({4, 6}, 6);
  // a^T (5, 6) @ b^T (6, 4): both operands are transposed views.
  EXPECT_TRUE(all_close(matmul(a.mT(), b.mT()), matmul(a.mT().contiguous(), b.mT().contiguous()),
                        1e-12, 1e-14));
  // A column-strided slice (stride 2 in the last axis) is copied first, still correct.
  Tensor wide = rnd({5, 8}, 7);
  Tensor cols = wide.slice(1, 0, 8, 2);  // (5, 4), strides (8, 2)
  EXPECT_TRUE(all_close(matmul(a, cols), matmul(a, cols.contiguous()), 1e-12, 1e-14));
  // Row slices keep their leading dimension (ld 8 > 4 columns).
  Tensor rows = wide.slice(1, 2, 6);
  EXPECT_TRUE(all_close(matmul(a, rows), matmul(a, rows.contiguous()), 1e-12, 1e-14));
  // Batched transposed views: (2, 5, 6)^T.
  Tensor bt = rnd({2, 5, 6}, 8);
  EXPECT_TRUE(all_close(matmul(bt.mT(), rnd({5, 3}, 9).mT().mT()),
                        matmul(bt.mT().contiguous(), rnd({5, 3}, 9)), 1e-12, 1e-14));
}

TEST(Matmul, HandlesEmptyAndDegenerateShapes) {
  for (Device d : {Device::ref(), Device::cpu()}) {
    Tensor a = empty({3, 0}, {.device = d}), b = empty({0, 4}, {.device = d});
    Tensor c = matmul(a, b);  // K = 0: all zeros
    EXPECT_EQ(c.shape(), (Shape{3, 4}));
    EXPECT_EQ(c.to_vector<float>(), std::vector<float>(12, 0.0f)) << d;
    EXPECT_EQ(matmul(empty({0, 3}, {.device = d}), zeros({3, 2}, {.device = d})).shape(),
              (Shape{0, 2}));
  }
  // Outer product (K = 1) and a 1 x 1 result.
  Tensor col = f64({1, 2, 3}, {3, 1}), row = f64({4, 5}, {1, 2});
  EXPECT_EQ(matmul(col, row).to_vector<double>(), (std::vector<double>{4, 5, 8, 10, 12, 15}));
  EXPECT_EQ(matmul(row, f64({1, 1}, {2, 1})).to_vector<double>(), (std::vector<double>{9}));
}

TEST(Matmul, RejectsMismatchedShapesAndDtypes) {
  MZ_EXPECT_THROW_MSG(matmul(zeros({32, 784}), zeros({128, 10})), ShapeError,
                      "matmul: inner dimensions differ: a is (32, 784), b is (128, 10).");
  MZ_EXPECT_THROW_MSG(matmul(zeros({2, 3, 4}), zeros({5, 4, 2})), ShapeError,
                      "matmul: batch dimensions do not broadcast: a is (2, 3, 4), b is (5, 4, 2).");
  MZ_EXPECT_THROW_MSG(matmul(zeros({2, 3}), zeros({3, 2}, {.dtype = DType::f64})), ValueError,
                      "matmul: dtypes differ: float32 and float64");
  MZ_EXPECT_THROW_MSG(matmul(scalar(1.0), zeros({3})), ShapeError,
                      "matmul: operands need at least one dimension");
}

TEST(Matmul, GradientsMatchFiniteDifferences) {
  auto mm = [](const std::vector<Tensor>& x) { return matmul(x[0], x[1]); };
  EXPECT_TRUE(grad_ok(mm, {rnd({3, 4}, 10), rnd({4, 2}, 11)}));           // 2-D
  EXPECT_TRUE(grad_ok(mm, {rnd({2, 3, 4}, 12), rnd({2, 4, 2}, 13)}));     // batched
  EXPECT_TRUE(grad_ok(mm, {rnd({2, 1, 3, 4}, 14), rnd({3, 4, 2}, 15)}));  // broadcast batch
  EXPECT_TRUE(grad_ok(mm, {rnd({2, 3, 4}, 16), rnd({4, 2}, 17)}));        // shared 2-D b
  EXPECT_TRUE(grad_ok(mm, {rnd({3, 4}, 18), rnd({2, 4, 2}, 19)}));        // shared 2-D a
  EXPECT_TRUE(grad_ok(mm, {rnd({4}, 20), rnd({4, 3}, 21)}));              // vector @ matrix
  EXPECT_TRUE(grad_ok(mm, {rnd({3, 4}, 22), rnd({4}, 23)}));              // matrix @ vector
  EXPECT_TRUE(grad_ok(mm, {rnd({4}, 24), rnd({4}, 25)}));                 // dot
  // Transposed views of the inputs.
  EXPECT_TRUE(grad_ok([](const std::vector<Tensor>& x) { return matmul(x[0].mT(), x[1].mT()); },
                      {rnd({4, 3}, 26), rnd({2, 4}, 27)}));
}

TEST(Matmul, OneAndTwoThreadsGiveIdenticalBits) {
  // W1's first layer (64 x 784 @ 784 x 256) forward and its weight gradient's shapes, a tall
  // float32 product that splits rows, and a float64 product big enough to be cut in blocks.
  struct Case {
    Shape a, b;
    DType dtype;
  };
  const std::vector<Case> cases = {{{64, 784}, {784, 256}, DType::f32},
                                   {{784, 64}, {64, 256}, DType::f32},
                                   {{640, 100}, {100, 48}, DType::f32},
                                   {{1024, 512}, {512, 64}, DType::f64}};
  for (const Case& c : cases) {
    Tensor a = rnd(c.a, 30, c.dtype), b = rnd(c.b, 31, c.dtype);
    Tensor one, two;
    {
      ThreadsGuard t(1);
      one = matmul(a, b);
    }
    {
      ThreadsGuard t(2);
      two = matmul(a, b);
    }
    EXPECT_TRUE(all_equal(one, two)) << c.a << " @ " << c.b;
  }
}

TEST(Linear, MatchesMatmulPlusBiasThenActivation) {
  Tensor x = rnd({5, 7}, 40), w = rnd({7, 3}, 41), b = rnd({3}, 42);
  Tensor z = matmul(x, w) + b;
  EXPECT_TRUE(all_close(linear(x, w, b), z, 1e-12, 1e-14));
  EXPECT_TRUE(all_close(linear(x, w, b, Act::relu), relu(z), 1e-12, 1e-14));
  EXPECT_TRUE(all_close(linear(x, w, b, Act::tanh), tanh(z), 1e-12, 1e-14));
  EXPECT_TRUE(all_close(linear(x, w, b, Act::sigmoid), sigmoid(z), 1e-12, 1e-14));
  EXPECT_TRUE(all_close(linear(x, w, Tensor(), Act::tanh), tanh(matmul(x, w)), 1e-12, 1e-14));
  // Leading dimensions (..., in), a vector input, a transposed weight view, batch of one.
  Tensor x3 = rnd({2, 4, 7}, 43);
  EXPECT_TRUE(all_close(linear(x3, w, b), matmul(x3, w) + b, 1e-12, 1e-14));
  EXPECT_TRUE(all_close(linear(rnd({7}, 44), w, b), matmul(rnd({7}, 44), w) + b, 1e-12, 1e-14));
  Tensor wt = rnd({3, 7}, 45);
  EXPECT_TRUE(all_close(linear(x, wt.mT(), b), matmul(x, wt.mT().contiguous()) + b, 1e-12, 1e-14));
  Tensor x1 = rnd({1, 7}, 46);
  EXPECT_TRUE(all_close(linear(x1, w, b, Act::sigmoid), sigmoid(matmul(x1, w) + b), 1e-12, 1e-14));
}

TEST(Linear, Float32ActivationsMatchRef) {
  Tensor x = rnd({33, 20}, 50, DType::f32), w = rnd({20, 70}, 51, DType::f32) * 2.0,
         b = rnd({70}, 52, DType::f32);
  for (Act act : {Act::linear, Act::relu, Act::tanh, Act::sigmoid}) {
    Tensor want = linear(x.to(Device::ref()), w.to(Device::ref()), b.to(Device::ref()), act);
    EXPECT_TRUE(all_close(linear(x, w, b, act), want, 1e-5, 1e-6)) << static_cast<int>(act);
  }
}

TEST(Linear, NaNInTheInputStaysNaNThroughEveryActivation) {
  // reliability.md N1: the fused epilogue must not turn NaN into 0 (relu as max(0, NaN)).
  // K = 2 runs the small-K product, K = 7 the BLAS one; a batch of one the gemv.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (Device d : {Device::ref(), Device::cpu()})
    for (DType dtype : {DType::f32, DType::f64})
      for (int64_t k : {2, 7})
        for (int64_t rows : {1, 3})
          for (Act act : {Act::linear, Act::relu, Act::tanh, Act::sigmoid}) {
            Tensor x = rnd({rows, k}, 70, dtype, d);
            std::vector<double> v = x.to_vector<double>();
            v[0] = nan;  // row 0 is all NaN after the product
            x = tensor(v, x.shape(), {.dtype = dtype, .device = d});
            Tensor y = linear(x, rnd({k, 20}, 71, dtype, d), rnd({20}, 72, dtype, d), act);
            std::vector<double> out = y.to_vector<double>();
            for (int64_t j = 0; j < 20; ++j)
              EXPECT_TRUE(std::isnan(out[j])) << d << " " << dtype_name(dtype) << " K=" << k
                                              << " rows=" << rows << " act "
                                              << static_cast<int>(act) << " column " << j;
            if (rows > 1) EXPECT_FALSE(std::isnan(out[20])) << d;
          }
}

TEST(Linear, GradientsMatchFiniteDifferences) {
  for (Act act : {Act::linear, Act::relu, Act::tanh, Act::sigmoid}) {
    auto with_bias = [act](const std::vector<Tensor>& v) { return linear(v[0], v[1], v[2], act); };
    auto no_bias = [act](const std::vector<Tensor>& v) {
      return linear(v[0], v[1], Tensor(), act);
    };
    // Inputs away from relu's kink: z = x w + b stays clear of 0 for these draws.
    EXPECT_TRUE(grad_ok(with_bias, {rnd({4, 5}, 60), rnd({5, 3}, 61), rnd({3}, 62)}))
        << static_cast<int>(act);
    EXPECT_TRUE(grad_ok(no_bias, {rnd({2, 3, 5}, 63), rnd({5, 3}, 64)})) << static_cast<int>(act);
  }
}

TEST(Linear, ComputesOnlyTheGradientsAsked) {
  Tensor x = rnd({4, 5}, 70), w = rnd({5, 3}, 71).set_requires_grad(),
         b = zeros({3}, {.dtype = DType::f64, .device = x.device()});
  sum(linear(x, w, b, Act::tanh)).backward();
  EXPECT_TRUE(w.grad().defined());
  EXPECT_FALSE(x.grad().defined());
  EXPECT_FALSE(b.grad().defined());
}

TEST(Linear, RejectsMismatchedShapes) {
  MZ_EXPECT_THROW_MSG(linear(zeros({32, 784}), zeros({128, 10}), Tensor()), ShapeError,
                      "linear: inner dimensions differ: x is (32, 784), w is (128, 10).");
  MZ_EXPECT_THROW_MSG(linear(zeros({2, 3}), zeros({3, 4}), zeros({5})), ShapeError,
                      "linear: b is (5,), expected (4,) to match w (3, 4).");
  MZ_EXPECT_THROW_MSG(linear(zeros({2, 3}), zeros({3}), Tensor()), ShapeError,
                      "linear: w must be 2-D (in, out), got (3,).");
}

TEST(Linear, OneAndTwoThreadsGiveIdenticalBits) {
  Tensor x = rnd({64, 784}, 80, DType::f32), w = rnd({784, 256}, 81, DType::f32) * 0.05,
         b = rnd({256}, 82, DType::f32);
  for (Act act : {Act::relu, Act::tanh}) {
    Tensor one, two;
    {
      ThreadsGuard t(1);
      one = linear(x, w, b, act);
    }
    {
      ThreadsGuard t(2);
      two = linear(x, w, b, act);
    }
    EXPECT_TRUE(all_equal(one, two));
  }
}

}  // namespace
}  // namespace mz
