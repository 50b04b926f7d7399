// softmax and log_softmax: values by hand, extreme inputs, any axis and layout, gradients.
#include "mz/ops/softmax.h"

#include <cmath>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::grad_ok;

Tensor rnd(const Shape& shape, uint64_t seed, DType dtype = DType::f64,
           Device device = Device::cpu()) {
  Generator gen(seed);
  return uniform(shape, -3.0, 3.0, {.dtype = dtype, .device = device}, gen);
}

TEST(Softmax, MatchesHandValues) {
  for (Device d : {Device::ref(), Device::cpu()}) {
    Tensor x =
        tensor(std::vector<double>{1, 2, 3, 1, 1, 1}, {2, 3}, {.dtype = DType::f64, .device = d});
    double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    Tensor want = tensor(std::vector<double>{std::exp(1.0) / s, std::exp(2.0) / s,
                                             std::exp(3.0) / s, 1.0 / 3, 1.0 / 3, 1.0 / 3},
                         {2, 3});
    EXPECT_TRUE(all_close(softmax(x), want, 1e-15, 1e-16)) << d;
    EXPECT_TRUE(all_close(log_softmax(x), log(want), 1e-14, 1e-15)) << d;
    // Along axis 0 each column sums to one.
    Tensor col = softmax(x, 0);
    EXPECT_TRUE(all_close(sum(col, {0}), ones({3}, {.dtype = DType::f64}), 1e-15)) << d;
    EXPECT_NEAR(col.to_vector<double>()[2], std::exp(3.0) / (std::exp(3.0) + std::exp(1.0)), 1e-15);
  }
}

TEST(Softmax, ExtremeInputsStayFiniteAndExact) {
  for (Device d : {Device::ref(), Device::cpu()})
    for (DType t : {DType::f32, DType::f64}) {
      Tensor x = tensor(std::vector<double>{1000, 0, -1000}, {3}, {.dtype = t, .device = d});
      std::vector<double> p = softmax(x).to_vector<double>();
      std::vector<double> lp = log_softmax(x).to_vector<double>();
      std::vector<double> want_p = {1, 0, 0}, want_lp = {0, -1000, -2000};
      for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(p[i], want_p[i], 1e-7) << d << " " << t;
        EXPECT_NEAR(lp[i], want_lp[i], 1e-7) << d << " " << t;
      }
    }
}

TEST(Softmax, AnyAxisAndLayoutMatchesRef) {
  for (DType t : {DType::f32, DType::f64}) {
    const double rtol = t == DType::f32 ? 1e-5 : 1e-12;
    Tensor x = rnd({3, 4, 37}, 1, t);
    for (int axis : {0, 1, 2, -1}) {
      Tensor want = softmax(x.to(Device::ref()), axis);
      EXPECT_TRUE(all_close(softmax(x, axis), want, rtol, 1e-7)) << axis;
      EXPECT_TRUE(
          all_close(log_softmax(x, axis), log_softmax(x.to(Device::ref()), axis), rtol, 1e-6))
          << axis;
    }
    // A transposed (non-contiguous) input.
    Tensor xt = x.transpose(0, 2);
    EXPECT_TRUE(all_close(softmax(xt), softmax(xt.contiguous()), rtol, 1e-7));
  }
}

TEST(Softmax, GradientsMatchFiniteDifferences) {
  for (int axis : {-1, 0, 1}) {
    EXPECT_TRUE(grad_ok([axis](const std::vector<Tensor>& v) { return softmax(v[0], axis); },
                        {rnd({2, 3, 4}, 10)}));
    EXPECT_TRUE(grad_ok([axis](const std::vector<Tensor>& v) { return log_softmax(v[0], axis); },
                        {rnd({2, 3, 4}, 11)}));
  }
}

TEST(Softmax, RejectsIntegersAndBadAxes) {
  MZ_EXPECT_THROW_MSG(softmax(arange(3, {.dtype = DType::i64})), ValueError,
                      "softmax: expected a float32 or float64 tensor, got int64.");
  EXPECT_THROW(log_softmax(zeros({2, 3}), 2), ShapeError);
}

}  // namespace
}  // namespace mz
