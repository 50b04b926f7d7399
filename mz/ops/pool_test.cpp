// Pooling ops: hand-computed values ("valid", TF's "same", strides, 1 to 3 spatial axes),
// gradients (finite differences in float64, first-max routing at ties, NaN), shapes, errors.
#include "mz/ops/pool.h"

#include <cmath>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::grad_ok;

Tensor f64(std::vector<double> v, Shape s) { return tensor(v, s); }

// Distinct values at least 0.1 apart in a random order, so max is never near a tie (finite
// differences with h = 1e-6 cannot swap two cells).
Tensor spread(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  Tensor order = permutation(shape.numel(), gen).to(DType::f64);
  return (order * 0.1 - 1.0 + uniform({shape.numel()}, 0.0, 0.01, {.dtype = DType::f64}, gen))
      .reshape(shape);
}

TEST(Pool, MaxPoolValidAndSameIn1D) {
  Tensor x = f64({1, 3, 2, 5, 4}, {1, 5, 1});
  EXPECT_EQ(max_pool(x, {2}).to_vector<double>(), (std::vector<double>{3, 5}));
  // same: out = ceil(5 / 2) = 3, one padding cell after: windows {1,3} {2,5} {4}.
  EXPECT_EQ(max_pool(x, {2}, {2}, "same").to_vector<double>(), (std::vector<double>{3, 5, 4}));
  EXPECT_EQ(max_pool(x, {3}, {1}).to_vector<double>(), (std::vector<double>{3, 5, 5}));
}

TEST(Pool, AveragePoolSameExcludesPadding) {
  Tensor x = f64({1, 3, 2, 5, 4}, {1, 5, 1});
  // same, window 3, step 1: one padding cell on each side, not counted.
  Tensor y = avg_pool(x, {3}, {1}, "same");
  EXPECT_TRUE(all_close(y, f64({2, 2, 10.0 / 3, 11.0 / 3, 4.5}, {1, 5, 1}), 1e-15));
  // PyTorch's count_include_pad default would give 4/3 at the first cell, not 2.
}

TEST(Pool, TwoDimensionsKeepChannelsApart) {
  // (1, 3, 3, 2): channel 0 holds 1..9, channel 1 holds -1..-9.
  std::vector<double> v;
  for (int i = 1; i <= 9; ++i) v.push_back(i), v.push_back(-i);
  Tensor x = f64(v, {1, 3, 3, 2});
  Tensor m = max_pool(x, {2, 2}, {1, 1});
  EXPECT_EQ(m.shape(), (Shape{1, 2, 2, 2}));
  EXPECT_EQ(m.to_vector<double>(), (std::vector<double>{5, -1, 6, -2, 8, -4, 9, -5}));
  // same, 2x2 step 2 on 3x3: padding (0, 1) per axis; windows of 4, 2, 2 and 1 real cells.
  Tensor a = avg_pool(x, {2}, {2}, "same");
  EXPECT_EQ(a.shape(), (Shape{1, 2, 2, 2}));
  EXPECT_TRUE(all_close(a, f64({3, -3, 4.5, -4.5, 7.5, -7.5, 9, -9}, {1, 2, 2, 2}), 1e-15));
}

TEST(Pool, ThreeDimensionsAndRectangularWindows) {
  Tensor x = arange(8, {.dtype = DType::f64}).reshape({1, 2, 2, 2, 1}) + 1.0;
  EXPECT_EQ(max_pool(x, {2}).item(), 8.0);
  EXPECT_EQ(avg_pool(x, {2}).item(), 4.5);
  Tensor r = arange(12, {.dtype = DType::f64}).reshape({1, 3, 4, 1});
  // window (3, 1) step (1, 2): columns 0 and 2 of the last row.
  EXPECT_EQ(max_pool(r, {3, 1}, {1, 2}).to_vector<double>(), (std::vector<double>{8, 10}));
}

TEST(Pool, OutputShapesFollowTheKerasRule) {
  EXPECT_EQ(pool_output_shape({8, 28, 28, 3}, {2}, {}, "valid"), (Shape{8, 14, 14, 3}));
  EXPECT_EQ(pool_output_shape({8, 7, 7, 3}, {3}, {2}, "valid"), (Shape{8, 3, 3, 3}));
  EXPECT_EQ(pool_output_shape({8, 7, 7, 3}, {3}, {2}, "same"), (Shape{8, 4, 4, 3}));
  EXPECT_EQ(pool_output_shape({-1, -1, 10, 3}, {2, 3}, {2, 3}, "SAME"), (Shape{-1, -1, 4, 3}));
  EXPECT_EQ(pool_output_shape({2, 5, 6, 7, 4}, {2}, {1, 2, 3}, "valid"), (Shape{2, 4, 3, 2, 4}));
}

TEST(Pool, MaxGradientGoesToTheFirstMaximum) {
  // Windows {2, 2}, {2, 1}, {1, 2}: the first maximum of each (cells 0, 1, 3) gets all of dy,
  // as TF and PyTorch route it (mz::max would share ties instead).
  Tensor x = f64({2, 2, 1, 2}, {1, 4, 1});
  x.set_requires_grad();
  max_pool(x, {2}, {1}).backward(ones({1, 3, 1}, {.dtype = DType::f64}));
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{1, 1, 0, 1}));
  // Overlapping windows that share a maximum add up there.
  Tensor y = f64({1, 5, 2}, {1, 3, 1});
  y.set_requires_grad();
  max_pool(y, {2}, {1}).backward(f64({1, 10}, {1, 2, 1}));
  EXPECT_EQ(y.grad().to_vector<double>(), (std::vector<double>{0, 11, 0}));
}

TEST(Pool, NanPropagatesAndTakesTheGradient) {
  Tensor x = f64({1, NAN, 3, 4}, {1, 4, 1});
  x.set_requires_grad();
  Tensor y = max_pool(x, {2});
  std::vector<double> v = y.to_vector<double>();
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_EQ(v[1], 4.0);
  y.backward(ones({1, 2, 1}, {.dtype = DType::f64}));
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 1, 0, 1}));
}

TEST(Pool, AverageGradientSpreadsOverRealCells) {
  // same, window 3 step 1 on 3 cells: windows hold 2, 3 and 2 real cells.
  Tensor x = f64({1, 2, 3}, {1, 3, 1});
  x.set_requires_grad();
  avg_pool(x, {3}, {1}, "same").backward(ones({1, 3, 1}, {.dtype = DType::f64}));
  EXPECT_TRUE(
      all_close(x.grad(), f64({0.5 + 1.0 / 3, 1.0 + 1.0 / 3, 0.5 + 1.0 / 3}, {1, 3, 1}), 1e-15));
}

TEST(Pool, GradientsMatchFiniteDifferences) {
  struct Geometry {
    Shape shape;
    std::vector<int64_t> pool, strides;
    const char* padding;
  };
  const std::vector<Geometry> cases = {
      {{2, 7, 3}, {3}, {2}, "valid"},
      {{2, 7, 3}, {3}, {2}, "same"},
      {{1, 6, 5, 2}, {2, 3}, {2, 1}, "valid"},
      {{1, 6, 5, 2}, {3, 3}, {2, 2}, "same"},
      {{1, 4, 4, 2}, {3}, {1}, "same"},
      {{1, 3, 4, 3, 2}, {2}, {1, 2, 1}, "same"},
      {{2, 4, 3, 3, 1}, {2, 2, 3}, {}, "valid"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Geometry& g = cases[i];
    SCOPED_TRACE(str("case ", i, ": ", g.shape, " ", g.padding));
    Tensor x = spread(g.shape, 100 + i);
    EXPECT_TRUE(
        grad_ok([&g](auto& in) { return max_pool(in[0], g.pool, g.strides, g.padding); }, {x}));
    EXPECT_TRUE(
        grad_ok([&g](auto& in) { return avg_pool(in[0], g.pool, g.strides, g.padding); }, {x}));
  }
}

TEST(Pool, StridedInputsGiveTheContiguousResult) {
  Tensor x = spread({2, 5, 6, 3}, 7);
  Tensor t = x.permute({0, 2, 1, 3}).contiguous().permute({0, 2, 1, 3});  // same values, strided
  ASSERT_FALSE(t.is_contiguous());
  for (Device d : {Device::ref(), Device::cpu()}) {
    EXPECT_TRUE(testing::all_equal(max_pool(t.to(d), {2, 3}, {1, 2}, "same"),
                                   max_pool(x, {2, 3}, {1, 2}, "same")));
    EXPECT_TRUE(testing::all_equal(avg_pool(t.to(d), {2, 3}, {1, 2}, "same"),
                                   avg_pool(x, {2, 3}, {1, 2}, "same")));
  }
}

TEST(Pool, RejectsBadArguments) {
  Tensor x = zeros({2, 5, 5, 3});
  MZ_EXPECT_THROW_MSG(max_pool(zeros({2, 3}), {2}), ShapeError,
                      "max_pool: input must be (batch, spatial..., channels) with 1 to 3 spatial "
                      "axes: expected rank 3, 4 or 5, got (2, 3).");
  MZ_EXPECT_THROW_MSG(avg_pool(x, {2}, {}, "full"), ValueError,
                      "avg_pool: padding must be \"valid\" or \"same\", got \"full\".");
  MZ_EXPECT_THROW_MSG(max_pool(x, {6, 2}), ShapeError,
                      "max_pool: pool_size is larger than the input on spatial axis 0 with "
                      "\"valid\" padding: expected pool_size <= 5, got 6");
  MZ_EXPECT_THROW_MSG(max_pool(x, {2, 2, 2}), ValueError,
                      "max_pool: pool_size needs 1 or 2 values (one per spatial axis): expected "
                      "2, got 3.");
  MZ_EXPECT_THROW_MSG(max_pool(x, {2}, {0}), ValueError,
                      "max_pool: strides must be positive: expected values >= 1, got (0,).");
  MZ_EXPECT_THROW_MSG(max_pool(zeros({2, 5, 3}, {.dtype = DType::i32}), {2}), ValueError,
                      "max_pool: expected a float32 or float64 tensor, got int32.");
  // A window larger than the input is fine with "same": every window has a real cell.
  EXPECT_EQ(max_pool(x, {7}, {1}, "same").shape(), x.shape());
}

}  // namespace
}  // namespace mz
