// Element-wise arithmetic: values, broadcasting, gradients, in-place updates, errors.
#include "mz/ops/arith.h"

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::grad_ok;

Tensor f64(std::vector<double> v, Shape s) { return tensor(v, s); }

TEST(Arith, BroadcastsLikeNumPy) {
  Tensor a = arange(6).reshape({2, 3});
  Tensor b = tensor({10.0f, 20.0f, 30.0f});
  EXPECT_EQ((a + b).to_vector<float>(), (std::vector<float>{10, 21, 32, 13, 24, 35}));
  EXPECT_EQ((a * 2.0).to_vector<float>(), (std::vector<float>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ((1.0 - a).to_vector<float>(), (std::vector<float>{1, 0, -1, -2, -3, -4}));
  EXPECT_EQ(gt(a, scalar(2.0)).to_vector<int>(), (std::vector<int>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(gt(a, scalar(2.0)).dtype(), DType::u8);
}

TEST(Arith, RejectsMismatchedShapesAndDtypes) {
  MZ_EXPECT_THROW_MSG(arange(6).reshape({2, 3}) + arange(2), ShapeError,
                      "add: shapes do not broadcast: (2, 3) and (2,)");
  MZ_EXPECT_THROW_MSG(arange(2) + arange(2, {.dtype = DType::f64}), ValueError,
                      "add: dtypes differ: float32 and float64");
}

TEST(Arith, IntegerDivisionByZeroIsZero) {
  Tensor a = tensor(std::vector<int32_t>{7, -8}, {2});
  Tensor b = tensor(std::vector<int32_t>{0, -1}, {2});
  EXPECT_EQ(div(a, b).to_vector<int32_t>(), (std::vector<int32_t>{0, 8}));
}

TEST(Arith, NanPropagatesThroughMaximum) {
  Tensor a = tensor({NAN, 1.0f});
  Tensor b = tensor({0.0f, NAN});
  auto m = maximum(a, b).to_vector<float>();
  EXPECT_TRUE(std::isnan(m[0]) && std::isnan(m[1]));
}

TEST(Arith, BinaryGradientsMatchFiniteDifferences) {
  Tensor a = f64({0.5, -1.2, 2.0, 0.7, 1.1, -0.3}, {2, 3});
  Tensor b = f64({1.5, 0.8, -2.2}, {3});
  Tensor pa = f64({0.5, 1.2, 2.0, 0.7, 1.1, 0.3}, {2, 3});
  for (auto fn : std::vector<Tensor (*)(const Tensor&, const Tensor&)>{add, sub, mul, div})
    EXPECT_TRUE(grad_ok([fn](auto& x) { return fn(x[0], x[1]); }, {a, b}));
  EXPECT_TRUE(grad_ok([](auto& x) { return pow(x[0], x[1]); }, {pa, b}));
  EXPECT_TRUE(grad_ok([](auto& x) { return maximum(x[0], x[1]); }, {a, b}));
  EXPECT_TRUE(grad_ok([](auto& x) { return minimum(x[0], x[1]); }, {a, b}));
  EXPECT_TRUE(grad_ok([](auto& x) { return where(gt(x[0], scalar(0.0, {.dtype = DType::f64})), x[0], x[1]); }, {a, b}));
}

TEST(Arith, UnaryGradientsMatchFiniteDifferences) {
  Tensor x = f64({0.5, -1.2, 2.0, 0.7, 1.1, -0.3}, {2, 3});
  Tensor p = f64({0.5, 1.2, 2.0, 0.7, 1.1, 0.3}, {2, 3});
  for (auto fn : std::vector<Tensor (*)(const Tensor&)>{neg, abs, exp, square, sign})
    EXPECT_TRUE(grad_ok([fn](auto& v) { return fn(v[0]); }, {x}));
  for (auto fn : std::vector<Tensor (*)(const Tensor&)>{sqrt, rsqrt, log, log1p})
    EXPECT_TRUE(grad_ok([fn](auto& v) { return fn(v[0]); }, {p}));
  EXPECT_TRUE(grad_ok([](auto& v) { return clip(v[0], -1.0, 1.0); }, {x}));
  EXPECT_TRUE(grad_ok([](auto& v) { return pow(v[0], 2.5); }, {p}));
  EXPECT_TRUE(grad_ok([](auto& v) { return (v[0] * 3.0 + 1.0) / 2.0 - v[0]; }, {x}));
  EXPECT_TRUE(grad_ok([](auto& v) { return 2.0 / v[0]; }, {p}));
}

TEST(Arith, InPlaceUpdatesAreNotRecorded) {
  Tensor w = ones({3});
  w.set_requires_grad(true);
  add_(w, tensor({1.0f, 2.0f, 3.0f}), -0.5);
  EXPECT_EQ(w.to_vector<float>(), (std::vector<float>{0.5, 0, -0.5}));
  EXPECT_TRUE(w.is_leaf());
  mul_(w, 2.0);
  EXPECT_EQ(w.to_vector<float>(), (std::vector<float>{1, 0, -1}));
}

// cpu may fuse a + alpha * b into one FMA (one rounding), so it matches ref to an ulp.
TEST(Arith, ScaledInPlaceAddMatchesRef) {
  for (Device d : testing::fast_backends()) {
    Tensor a = uniform({300, 1000}, -1.0, 1.0), b = uniform({300, 1000}, -1.0, 1.0);
    Tensor bias = uniform({1000}, -1.0, 1.0);
    Tensor ra = a.clone().to(Device::ref()), ca = a.clone().to(d);
    add_(ra, b.to(Device::ref()), -0.01);
    add_(ca, b.to(d), -0.01);
    EXPECT_TRUE(testing::all_close(ca, ra, 1e-6, 1e-7));
    add_(ra, bias.to(Device::ref()), 0.5);  // a broadcast row
    add_(ca, bias.to(d), 0.5);
    EXPECT_TRUE(testing::all_close(ca, ra, 1e-6, 1e-7));
  }
}

TEST(Reduce, SizeOneAxesAreCopies) {
  Tensor x = tensor({1.0f, NAN, 3.0f}).reshape({3, 1});
  Tensor m = mean(x, {1});
  EXPECT_EQ(m.shape(), (Shape{3}));
  EXPECT_FALSE(m.shares_storage(x));
  EXPECT_TRUE(testing::all_close(m, tensor({1.0f, NAN, 3.0f}), 0.0));
  EXPECT_TRUE(testing::grad_ok([](auto& v) { return mean(v[0], {1}); },
                               {tensor(std::vector<double>{0.5, -1.0}, {2, 1})}));
}

TEST(Arith, CpuMatchesRef) {
  for (Device d : testing::fast_backends()) {
    Tensor a = arange(12).reshape({3, 4}) * 0.37 - 1.0;
    Tensor b = arange(4) * 0.5 + 0.25;
    Tensor ra = a.to(Device::ref()), rb = b.to(Device::ref());
    Tensor ca = a.to(d), cb = b.to(d);
    EXPECT_TRUE(all_close(ca + cb, ra + rb, 1e-6));
    EXPECT_TRUE(all_close(ca * cb, ra * rb, 1e-6));
    EXPECT_TRUE(all_close(ca / cb, ra / rb, 1e-6));
    EXPECT_TRUE(all_close(exp(ca), exp(ra), 1e-6));
  }
}

}  // namespace
}  // namespace mz
