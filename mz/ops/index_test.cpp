// one_hot, take_along_axis, take, concat, stack, split and pad: values by hand, gradients,
// and the messages of their common mistakes.
#include "mz/ops/index.h"

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::all_equal;
using testing::grad_ok;

Tensor f64(std::vector<double> v, Shape s) { return tensor(v, s); }
Tensor i64(std::vector<int64_t> v, Shape s) { return tensor(v, s); }
Tensor rnd(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return uniform(shape, -1.0, 1.0, {.dtype = DType::f64}, gen);
}

TEST(OneHot, MatchesHandValues) {
  Tensor idx = tensor(std::vector<int32_t>{2, 0, 1, 2}, {2, 2});
  Tensor y = one_hot(idx, 3);
  EXPECT_EQ(y.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(y.dtype(), DType::f32);
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(one_hot(tensor(std::vector<uint8_t>{1}, {1}), 2, DType::i64).to_vector<int64_t>(),
            (std::vector<int64_t>{0, 1}));
}

TEST(OneHot, NamesTheBadIndexAndItsPosition) {
  MZ_EXPECT_THROW_MSG(one_hot(i64({3, 1, 12, 0}, {2, 2}), 10), ValueError,
                      "one_hot: index 12 at position (1, 0) is out of range: expected 0 <= "
                      "index < 10.");
  MZ_EXPECT_THROW_MSG(one_hot(i64({-1}, {1}), 10), ValueError,
                      "one_hot: index -1 at position (0,)");
  MZ_EXPECT_THROW_MSG(one_hot(zeros({2}), 3), ValueError,
                      "one_hot: indices must be int32, int64 or uint8, got float32.");
}

TEST(TakeAlongAxis, MatchesHandValues) {
  Tensor x = f64({10, 11, 12, 20, 21, 22}, {2, 3});
  Tensor idx = i64({2, 0, 1, 1}, {2, 2});
  EXPECT_EQ(take_along_axis(x, idx, 1).to_vector<double>(), (std::vector<double>{12, 10, 21, 21}));
  // Negative indices count from the end; a size-1 index axis broadcasts against x.
  EXPECT_EQ(take_along_axis(x, i64({-1, 0, -2}, {1, 3}), 0).to_vector<double>(),
            (std::vector<double>{20, 11, 12}));
  EXPECT_EQ(take_along_axis(x, i64({1, 0}, {2, 1}), 1).to_vector<double>(),
            (std::vector<double>{11, 20}));
  EXPECT_EQ(take_along_axis(x, i64({0, 2}, {1, 2}), 1).to_vector<double>(),
            (std::vector<double>{10, 12, 20, 22}));
}

TEST(TakeAlongAxis, GradientsMatchFiniteDifferences) {
  // Repeated indices: their gradients add up.
  Tensor idx = i64({2, 0, 2, 1, 1, 1}, {2, 3});
  EXPECT_TRUE(grad_ok([idx](const std::vector<Tensor>& v) { return take_along_axis(v[0], idx, 1); },
                      {rnd({2, 4}, 1)}));
  // x broadcast against the index outside the axis: its gradient sums over the copies.
  Tensor xidx = i64({0, 3, 1, 1, 2, 0}, {3, 2});
  EXPECT_TRUE(
      grad_ok([xidx](const std::vector<Tensor>& v) { return take_along_axis(v[0], xidx, 1); },
              {rnd({1, 4}, 12)}));
  Tensor bidx = i64({0, 3}, {1, 2});
  EXPECT_TRUE(
      grad_ok([bidx](const std::vector<Tensor>& v) { return take_along_axis(v[0], bidx, 1); },
              {rnd({3, 4}, 2)}));
}

TEST(TakeAlongAxis, RejectsBadIndices) {
  Tensor x = zeros({2, 3});
  MZ_EXPECT_THROW_MSG(
      take_along_axis(x, i64({0, 3}, {2, 1}), 1), ValueError,
      "take_along_axis: index 3 at position (1, 0) is out of range for axis 1 of size 3.");
  MZ_EXPECT_THROW_MSG(take_along_axis(x, i64({0}, {1}), 1), ShapeError,
                      "take_along_axis: index is (1,), expected rank 2 like x (2, 3).");
  MZ_EXPECT_THROW_MSG(
      take_along_axis(x, i64({0, 0, 0, 0, 0, 0}, {3, 2}), 1), ShapeError,
      "take_along_axis: index is (3, 2), expected (2, *) to match x (2, 3) on every axis but 1.");
}

TEST(Take, MatchesHandValues) {
  Tensor x = f64({0, 1, 2, 3, 4, 5, 6, 7, 8}, {3, 3});
  EXPECT_EQ(take(x, i64({2, 0, 2}, {3})).to_vector<double>(),
            (std::vector<double>{6, 7, 8, 0, 1, 2, 6, 7, 8}));
  EXPECT_EQ(take(x, i64({-1, 1}, {2}), 1).to_vector<double>(),
            (std::vector<double>{2, 1, 5, 4, 8, 7}));
  // An N-D index puts its shape in place of the axis: (3, 3) take (2, 2) on axis 0 -> (2, 2, 3).
  Tensor y = take(x, tensor(std::vector<int32_t>{0, 1, 2, 0}, {2, 2}));
  EXPECT_EQ(y.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(y.to_vector<double>()[9], 0.0);
  MZ_EXPECT_THROW_MSG(take(x, i64({0, 7}, {2})), ValueError,
                      "take: index 7 at position (1, 0) is out of range for axis 0 of size 3.");
}

TEST(Take, GradientsMatchFiniteDifferences) {
  Tensor idx = i64({1, 3, 1}, {3});
  EXPECT_TRUE(grad_ok([idx](const std::vector<Tensor>& v) { return take(v[0], idx, 0); },
                      {rnd({4, 2}, 3)}));
  EXPECT_TRUE(grad_ok(
      [idx](const std::vector<Tensor>& v) {
        return take(v[0], idx.reshape({3, 1}), 1);
      },
      {rnd({2, 4}, 4)}));
}

TEST(Concat, JoinsAlongAnAxis) {
  Tensor a = f64({1, 2, 3, 4}, {2, 2}), b = f64({5, 6}, {2, 1});
  Tensor c = concat({a, b}, 1);
  EXPECT_EQ(c.shape(), (Shape{2, 3}));
  EXPECT_EQ(c.to_vector<double>(), (std::vector<double>{1, 2, 5, 3, 4, 6}));
  EXPECT_EQ(concat({a, a.mT()}, 0).to_vector<double>(),
            (std::vector<double>{1, 2, 3, 4, 1, 3, 2, 4}));
  EXPECT_EQ(concat({a, empty({2, 0}, {.dtype = DType::f64})}, -1).to_vector<double>(),
            a.to_vector<double>());
}

TEST(Concat, GradientsMatchFiniteDifferences) {
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& v) {
        return concat({v[0], v[1], v[0]}, 1);
      },
      {rnd({2, 3}, 5), rnd({2, 1}, 6)}));
  // More inputs than one autograd node holds (32).
  std::vector<Tensor> many;
  for (int i = 0; i < 40; ++i) many.push_back(rnd({1, 2}, 100 + i).set_requires_grad());
  Tensor y = concat(many, 0);
  EXPECT_EQ(y.shape(), (Shape{40, 2}));
  sum(y * y).backward();
  EXPECT_TRUE(all_close(many[37].grad(), many[37] * 2.0, 1e-15));
}

TEST(Concat, NamesTheMismatchedInput) {
  MZ_EXPECT_THROW_MSG(
      concat({zeros({2, 3}), zeros({2, 4})}, 0), ShapeError,
      "concat: input 1 has shape (2, 4), expected (*, 3) to match input 0's (2, 3) on "
      "every axis but 0.");
  MZ_EXPECT_THROW_MSG(concat({zeros({2, 3}), zeros({2, 3, 1})}, 1), ShapeError,
                      "concat: input 1 has shape (2, 3, 1), expected (2, *)");
  MZ_EXPECT_THROW_MSG(concat({zeros({2}), zeros({2}, {.dtype = DType::f64})}), ValueError,
                      "concat: input 1 is float64, expected float32 like input 0.");
  MZ_EXPECT_THROW_MSG(concat({}), ValueError, "concat: expected at least one tensor, got none.");
}

TEST(Stack, JoinsAlongANewAxis) {
  Tensor a = f64({1, 2}, {2}), b = f64({3, 4}, {2});
  EXPECT_EQ(stack({a, b}).shape(), (Shape{2, 2}));
  Tensor s = stack({a, b}, 1);
  EXPECT_EQ(s.to_vector<double>(), (std::vector<double>{1, 3, 2, 4}));
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& v) {
        return stack({v[0], v[1]}, -1);
      },
      {rnd({2, 3}, 7), rnd({2, 3}, 8)}));
  MZ_EXPECT_THROW_MSG(stack({zeros({2, 3}), zeros({2, 4})}), ShapeError,
                      "stack: input 1 has shape (2, 4), expected (2, 3) like input 0.");
}

TEST(Split, ReturnsViews) {
  Tensor x = arange(12, {.dtype = DType::f64}).reshape({2, 6});
  std::vector<Tensor> parts = split(x, 3, 1);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1].shape(), (Shape{2, 2}));
  EXPECT_EQ(parts[1].to_vector<double>(), (std::vector<double>{2, 3, 8, 9}));
  EXPECT_TRUE(parts[1].shares_storage(x));
  std::vector<Tensor> sized = split_sizes(x, {1, 5}, -1);
  EXPECT_EQ(sized[1].to_vector<double>(), (std::vector<double>{1, 2, 3, 4, 5, 7, 8, 9, 10, 11}));
  EXPECT_TRUE(all_equal(concat(split(x, 2, 0), 0), x));
}

TEST(Split, GradientsMatchFiniteDifferences) {
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& v) {
        auto p = split_sizes(v[0], {1, 2}, 1);
        return p[0] * 2.0 + sum(p[1] * p[1], {1}, true);
      },
      {rnd({2, 3}, 9)}));
  EXPECT_TRUE(grad_ok([](const std::vector<Tensor>& v) { return split(v[0], 2, 0)[1]; },
                      {rnd({4, 2}, 10)}));
}

TEST(Split, RejectsUnevenSections) {
  MZ_EXPECT_THROW_MSG(
      split(zeros({2, 5}), 2, 1), ShapeError,
      "split: axis 1 of (2, 5) has size 5, which does not divide into 2 equal sections.");
  MZ_EXPECT_THROW_MSG(split_sizes(zeros({2, 5}), {2, 2}, 1), ShapeError,
                      "split_sizes: sizes add up to 4, expected 5 (axis 1 of (2, 5)).");
  MZ_EXPECT_THROW_MSG(split(zeros({2, 5}), 0, 1), ValueError,
                      "split: sections must be at least 1, got 0.");
}

TEST(Pad, SurroundsWithAConstant) {
  Tensor x = f64({1, 2, 3, 4}, {2, 2});
  Tensor y = pad(x, {{1, 0}, {0, 2}}, -1.0);
  EXPECT_EQ(y.shape(), (Shape{3, 4}));
  EXPECT_EQ(y.to_vector<double>(),
            (std::vector<double>{-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1}));
  EXPECT_EQ(pad(tensor(std::vector<int32_t>{7}, {1}), {{2, 1}}).to_vector<int32_t>(),
            (std::vector<int32_t>{0, 0, 7, 0}));
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& v) {
        return pad(v[0], {{0, 1}, {2, 1}, {1, 1}});
      },
      {rnd({2, 3, 2}, 11)}));
  MZ_EXPECT_THROW_MSG(pad(x, {{1, 1}}), ShapeError,
                      "pad: expected 2 (before, after) pairs for shape (2, 2), got 1.");
  MZ_EXPECT_THROW_MSG(pad(x, {{1, 1}, {-1, 0}}), ValueError,
                      "pad: padding must be non-negative, got (-1, 0) for axis 1.");
}

}  // namespace
}  // namespace mz
