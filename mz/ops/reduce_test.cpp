// Reductions: values by hand, axes and keepdims, NaN propagation, float64 gradchecks of
// sum/mean/max/min/var/std/logsumexp, the blocked cpu paths, and error messages.
#include "mz/ops/reduce.h"

#include <cmath>
#include <limits>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::grad_ok;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<Device> all_devices() {
  std::vector<Device> devices = {Device::ref()};
  for (Device d : testing::fast_backends()) devices.push_back(d);
  return devices;
}

std::vector<double> v(const Tensor& t) { return t.to_vector<double>(); }

TEST(Reduce, ValuesByHand) {
  for (Device device : all_devices()) {
    for (DType dtype : {DType::f32, DType::f64}) {
      SCOPED_TRACE(str(device, " ", dtype_name(dtype)));
      // [[0, 1, 2], [3, 4, 5]]
      Tensor x = arange(6, {.dtype = dtype, .device = device}).reshape({2, 3});
      EXPECT_EQ(v(sum(x)), (std::vector<double>{15}));
      EXPECT_EQ(sum(x).shape(), Shape{});
      EXPECT_EQ(v(sum(x, {0})), (std::vector<double>{3, 5, 7}));
      EXPECT_EQ(v(sum(x, {1})), (std::vector<double>{3, 12}));
      EXPECT_EQ(v(sum(x, {-1})), (std::vector<double>{3, 12}));
      EXPECT_EQ(sum(x, {1}, true).shape(), (Shape{2, 1}));
      EXPECT_EQ(sum(x, {0, 1}, true).shape(), (Shape{1, 1}));
      EXPECT_EQ(v(mean(x)), (std::vector<double>{2.5}));
      EXPECT_EQ(v(mean(x, {0})), (std::vector<double>{1.5, 2.5, 3.5}));
      EXPECT_EQ(v(max(x, {1})), (std::vector<double>{2, 5}));
      EXPECT_EQ(v(min(x, {0})), (std::vector<double>{0, 1, 2}));
      EXPECT_EQ(v(max(x)), (std::vector<double>{5}));
      EXPECT_EQ(v(argmax(x, 1)), (std::vector<double>{2, 2}));
      EXPECT_EQ(v(argmin(x, 0)), (std::vector<double>{0, 0, 0}));
      EXPECT_EQ(argmax(x, 1).dtype(), DType::i64);
      EXPECT_EQ(argmax(x, 1, true).shape(), (Shape{2, 1}));
      // var of [1, 2, 3, 4] is 1.25 (ddof 0, as NumPy and Keras).
      Tensor y = tensor(std::vector<double>{1, 2, 3, 4}, {4}, {.dtype = dtype, .device = device});
      EXPECT_NEAR(var(y).item(), 1.25, 1e-6);
      EXPECT_NEAR(mz::std(y).item(), std::sqrt(1.25), 1e-6);
      EXPECT_NEAR(logsumexp(y).item(),
                  std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0) + std::exp(4.0)), 1e-5);
    }
  }
}

TEST(Reduce, ThreeDimensionalAxesAndKeepdims) {
  for (Device device : all_devices()) {
    Tensor x = arange(24, {.dtype = DType::f64, .device = device}).reshape({2, 3, 4});
    // Non-adjacent axes (0, 2) and the middle axis.
    EXPECT_EQ(v(sum(x, {0, 2})), (std::vector<double>{60, 92, 124}));
    EXPECT_EQ(v(sum(x, {1})), (std::vector<double>{12, 15, 18, 21, 48, 51, 54, 57}));
    EXPECT_EQ(sum(x, {0, 2}, true).shape(), (Shape{1, 3, 1}));
    EXPECT_EQ(v(max(x, {-1, 0})), (std::vector<double>{15, 19, 23}));
    EXPECT_EQ(v(mean(x, {1, 2})), (std::vector<double>{5.5, 17.5}));
  }
}

TEST(Reduce, NanAndInfPropagate) {
  for (Device device : all_devices()) {
    for (DType dtype : {DType::f32, DType::f64}) {
      Tensor x =
          tensor(std::vector<double>{1, kNaN, 3, -2}, {4}, {.dtype = dtype, .device = device});
      EXPECT_TRUE(std::isnan(max(x).item()));
      EXPECT_TRUE(std::isnan(min(x).item()));
      EXPECT_TRUE(std::isnan(sum(x).item()));
      EXPECT_EQ(argmax(x).item<int64_t>(), 1);
      Tensor inf =
          tensor(std::vector<double>{1, kInf, -5}, {3}, {.dtype = dtype, .device = device});
      EXPECT_EQ(max(inf).item(), kInf);
      EXPECT_EQ(sum(inf).item(), kInf);
      // logsumexp stays finite for large inputs and is -inf for an all -inf row.
      Tensor big = tensor(std::vector<double>{1000, 1000}, {2}, {.dtype = dtype, .device = device});
      EXPECT_NEAR(logsumexp(big).item(), 1000 + std::log(2.0), 1e-3);
      Tensor none =
          tensor(std::vector<double>{-kInf, -kInf}, {2}, {.dtype = dtype, .device = device});
      EXPECT_EQ(logsumexp(none).item(), -kInf);
    }
  }
}

TEST(Reduce, GradientsMatchFiniteDifferences) {
  // Distinct values, so max/min have no ties.
  std::vector<double> data(24);
  for (int i = 0; i < 24; ++i) data[i] = std::sin(1.7 * i + 0.3) * 2.0;
  using Reduction = Tensor (*)(const Tensor&, const std::vector<int>&, bool);
  const std::vector<std::pair<const char*, Reduction>> reductions = {
      {"sum", sum},     {"mean", mean},          {"max", max}, {"min", min}, {"var", var},
      {"std", mz::std}, {"logsumexp", logsumexp}};
  const std::vector<std::vector<int>> axes_list = {{}, {1}, {-1}, {0, 2}};
  for (Device device : all_devices()) {
    Tensor x = tensor(data, {2, 3, 4}, {.dtype = DType::f64, .device = device});
    for (auto [name, fn] : reductions)
      for (const auto& axes : axes_list)
        for (bool keepdims : {false, true})
          EXPECT_TRUE(
              grad_ok([fn, axes, keepdims](auto& in) { return fn(in[0], axes, keepdims); }, {x}))
              << name << " axes " << axes.size() << " keepdims " << keepdims << " on " << device;
  }
}

TEST(Reduce, TiedMaximaShareTheGradient) {
  for (Device device : all_devices()) {
    Tensor x =
        tensor(std::vector<double>{1, 3, 3, 2}, {4}, {.dtype = DType::f64, .device = device});
    x.set_requires_grad(true);
    max(x).backward();
    EXPECT_EQ(v(x.grad()), (std::vector<double>{0, 0.5, 0.5, 0}));
  }
}

TEST(Reduce, LongRowsAndColumnsMatchRef) {
  // Large enough for the cpu backend's blocked and threaded paths.
  std::vector<double> data(3 * 40000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = std::sin(0.37 * i) + 0.01;
  for (Device device : testing::fast_backends()) {
    for (DType dtype : {DType::f32, DType::f64}) {
      const double rtol = dtype == DType::f32 ? 1e-5 : 1e-12;
      Tensor r = tensor(data, {3, 40000}, {.dtype = dtype, .device = Device::ref()});
      Tensor c = r.to(device);
      for (int axis : {0, 1}) {
        EXPECT_TRUE(all_close(sum(c, {axis}), sum(r, {axis}), rtol, 1e-6));
        EXPECT_TRUE(all_close(mean(c, {axis}), mean(r, {axis}), rtol, 1e-6));
        EXPECT_TRUE(all_close(max(c, {axis}), max(r, {axis}), 0.0));
        EXPECT_TRUE(all_close(min(c, {axis}), min(r, {axis}), 0.0));
      }
      EXPECT_TRUE(all_close(sum(c), sum(r), rtol, 1e-6));
      Tensor cols = c.reshape({40000, 3});
      EXPECT_TRUE(all_close(sum(cols, {0}), sum(r.reshape({40000, 3}), {0}), rtol, 1e-6));
    }
    // Exact in float32 because the accumulation is in double.
    Tensor ones_f32 = ones({1000001}, {.device = device});
    EXPECT_EQ(sum(ones_f32).item(), 1000001.0);
    EXPECT_EQ(mean(ones_f32).item(), 1.0);
  }
}

TEST(Reduce, RejectsBadArguments) {
  Tensor x = arange(6).reshape({2, 3});
  MZ_EXPECT_THROW_MSG(max(zeros({0})), ValueError,
                      "max: cannot reduce an empty tensor of shape (0,).");
  MZ_EXPECT_THROW_MSG(min(zeros({2, 0}), {1}), ValueError,
                      "min: cannot reduce an empty tensor of shape (2, 0).");
  MZ_EXPECT_THROW_MSG(sum(x, {2}), ShapeError, "sum:");
  MZ_EXPECT_THROW_MSG(argmax(zeros({3, 0}), 1), ValueError,
                      "argmax: axis 1 of shape (3, 0) is empty.");
  MZ_EXPECT_THROW_MSG(mean(tensor(std::vector<int32_t>{1, 2}, {2})), ValueError,
                      "mean: expected a float32 or float64 tensor, got int32.");
}

}  // namespace
}  // namespace mz
