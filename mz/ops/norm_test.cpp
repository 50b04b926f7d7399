// Normalisation ops: values against a direct computation, gradients (float64 gradchecks of the
// forward ops and of the fused backward ops), fused kernels against the composed path, errors.
#include "mz/ops/norm.h"

#include <cmath>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::grad_ok;

Tensor rnd(const Shape& shape, uint64_t seed, double lo = -2.0, double hi = 2.0,
           DType dtype = DType::f64, Device device = Device::cpu()) {
  Generator gen(seed);
  return uniform(shape, lo, hi, {.dtype = dtype, .device = device}, gen);
}

// Per-channel statistics of a (rows, c) matrix in plain doubles: mean and biased variance.
void channel_moments(const std::vector<double>& x, int64_t c, std::vector<double>& mean,
                     std::vector<double>& var) {
  const int64_t rows = static_cast<int64_t>(x.size()) / c;
  mean.assign(c, 0.0);
  var.assign(c, 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < c; ++j) mean[j] += x[r * c + j] / rows;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < c; ++j)
      var[j] += (x[r * c + j] - mean[j]) * (x[r * c + j] - mean[j]) / rows;
}

TEST(BatchNorm, NormalisesEachChannelOverTheOtherAxes) {
  for (Device d : {Device::ref(), Device::cpu()}) {
    Tensor x = rnd({3, 2, 4}, 1, -2.0, 2.0, DType::f64, d) + 5.0;  // a large mean per channel
    Tensor gamma = rnd({4}, 2, 0.5, 1.5, DType::f64, d),
           beta = rnd({4}, 3, -1.0, 1.0, DType::f64, d);
    BatchNormOutput r = batch_norm(x, gamma, beta, 1e-3);
    std::vector<double> xv = x.to_vector<double>(), mean, var;
    channel_moments(xv, 4, mean, var);
    std::vector<double> g = gamma.to_vector<double>(), b = beta.to_vector<double>(),
                        want(xv.size());
    for (std::size_t i = 0; i < xv.size(); ++i) {
      const std::size_t j = i % 4;
      want[i] = (xv[i] - mean[j]) / std::sqrt(var[j] + 1e-3) * g[j] + b[j];
    }
    EXPECT_TRUE(all_close(r.y, tensor(want, {3, 2, 4}), 1e-12, 1e-13)) << d;
    EXPECT_TRUE(all_close(r.mean, tensor(mean, {4}), 1e-13)) << d;
    EXPECT_TRUE(all_close(r.var, tensor(var, {4}), 1e-12)) << d;
    EXPECT_EQ(r.y.device(), d);
    // Without gamma and beta: the plain standardised values.
    BatchNormOutput plain = batch_norm(x, Tensor(), Tensor(), 1e-3);
    EXPECT_TRUE(all_close(plain.y * gamma + beta, r.y, 1e-12, 1e-13)) << d;
  }
}

TEST(BatchNorm, StatisticsCarryNoGradient) {
  Tensor x = rnd({5, 3}, 4).set_requires_grad();
  BatchNormOutput r = batch_norm(x, Tensor(), Tensor(), 1e-3);
  EXPECT_TRUE(r.y.requires_grad());
  EXPECT_FALSE(r.mean.requires_grad());
  EXPECT_FALSE(r.var.requires_grad());
}

TEST(BatchNorm, MatchesFiniteDifferences) {
  Tensor x = rnd({3, 2, 4}, 5), gamma = rnd({4}, 6, 0.5, 1.5), beta = rnd({4}, 7);
  EXPECT_TRUE(
      grad_ok([](const std::vector<Tensor>& in) { return batch_norm(in[0], in[1], in[2], 1e-3).y; },
              {x, gamma, beta}));
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& in) { return batch_norm(in[0], Tensor(), Tensor(), 0.1).y; },
      {x}));
  // Rank 1: one sample per channel normalises to beta (y does not depend on x).
  EXPECT_TRUE(all_close(batch_norm(rnd({4}, 8), gamma, beta, 1e-3).y, beta, 0, 1e-15));
}

TEST(BatchNormGrad, FusedKernelMatchesTheComposition) {
  for (Device d : {Device::ref(), Device::cpu()}) {
    Tensor dy = rnd({6, 5, 3}, 9, -2, 2, DType::f64, d),
           x = rnd({6, 5, 3}, 10, -2, 2, DType::f64, d);
    Tensor mean = rnd({3}, 11, -0.5, 0.5, DType::f64, d),
           var = rnd({3}, 12, 0.5, 2.0, DType::f64, d);
    Tensor gamma = rnd({3}, 13, 0.5, 1.5, DType::f64, d);
    NormGrads fused = batch_norm_grad(dy, x, mean, var, gamma, 1e-3);
    Tensor dyr = dy.clone().set_requires_grad();  // recording: the composed path
    NormGrads composed = batch_norm_grad(dyr, x, mean, var, gamma, 1e-3);
    EXPECT_TRUE(composed.dx.requires_grad());
    EXPECT_TRUE(all_close(fused.dx, composed.dx.detach(), 1e-12, 1e-13)) << d;
    EXPECT_TRUE(all_close(fused.dgamma, composed.dgamma.detach(), 1e-12, 1e-13)) << d;
    EXPECT_TRUE(all_close(fused.dbeta, composed.dbeta.detach(), 1e-12, 1e-13)) << d;
  }
}

TEST(BatchNormGrad, MatchesFiniteDifferences) {
  Tensor dy = rnd({3, 2, 4}, 14), x = rnd({3, 2, 4}, 15), mean = rnd({4}, 16, -0.5, 0.5);
  Tensor var = rnd({4}, 17, 0.5, 2.0), gamma = rnd({4}, 18, 0.5, 1.5);
  for (int out = 0; out < 3; ++out)
    EXPECT_TRUE(grad_ok(
        [out](const std::vector<Tensor>& in) {
          NormGrads g = batch_norm_grad(in[0], in[1], in[2], in[3], in[4], 1e-3);
          return out == 0 ? g.dx : out == 1 ? g.dgamma : g.dbeta;
        },
        {dy, x, mean, var, gamma}))
        << "output " << out;
}

TEST(BatchNormInference, UsesTheGivenStatisticsAlongAnyAxis) {
  Tensor x = rnd({2, 3, 4}, 19), mean = rnd({3}, 20), var = rnd({3}, 21, 0.5, 2.0);
  Tensor gamma = rnd({3}, 22), beta = rnd({3}, 23);
  Tensor y = batch_norm_inference(x, mean, var, gamma, beta, 1e-3, 1);
  Tensor r = mean.reshape({1, 3, 1});
  Tensor want = (x - r) / sqrt(var.reshape({1, 3, 1}) + 1e-3) * gamma.reshape({1, 3, 1}) +
                beta.reshape({1, 3, 1});
  EXPECT_TRUE(all_close(y, want, 1e-13, 1e-14));
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& in) {
        return batch_norm_inference(in[0], in[1], in[2], in[3], in[4], 1e-3, 1);
      },
      {x, mean, var, gamma, beta}));
  Tensor last =
      batch_norm_inference(x, rnd({4}, 1), rnd({4}, 2, 0.5, 1.0), Tensor(), Tensor(), 1e-3);
  EXPECT_EQ(last.shape(), x.shape());
}

TEST(LayerNorm, NormalisesEachRowOverTheTrailingAxes) {
  for (Device d : {Device::ref(), Device::cpu()}) {
    Tensor x = rnd({2, 3, 4}, 24, -2, 2, DType::f64, d) * 3.0 - 7.0;
    Tensor gamma = rnd({3, 4}, 25, 0.5, 1.5, DType::f64, d),
           beta = rnd({3, 4}, 26, -1, 1, DType::f64, d);
    Tensor y = layer_norm(x, gamma, beta, 2, 1e-3);
    Tensor mu = mean(x, {1, 2}, true), var = mz::var(x, {1, 2}, true);
    Tensor want = (x - mu) / sqrt(var + 1e-3) * gamma + beta;
    EXPECT_TRUE(all_close(y, want, 1e-12, 1e-13)) << d;
    Tensor one = layer_norm(x, Tensor(), Tensor(), 1, 1e-5);
    Tensor want1 = (x - mean(x, {2}, true)) / sqrt(mz::var(x, {2}, true) + 1e-5);
    EXPECT_TRUE(all_close(one, want1, 1e-12, 1e-13)) << d;
  }
}

TEST(LayerNorm, MatchesFiniteDifferences) {
  Tensor x = rnd({3, 2, 4}, 27), g1 = rnd({4}, 28, 0.5, 1.5), b1 = rnd({4}, 29);
  Tensor g2 = rnd({2, 4}, 30, 0.5, 1.5), b2 = rnd({2, 4}, 31);
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& in) { return layer_norm(in[0], in[1], in[2], 1, 1e-3); },
      {x, g1, b1}));
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& in) { return layer_norm(in[0], in[1], in[2], 2, 1e-3); },
      {x, g2, b2}));
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& in) { return layer_norm(in[0], Tensor(), Tensor(), 3, 0.1); },
      {x}));
}

TEST(LayerNormGrad, FusedKernelMatchesTheComposition) {
  for (Device d : {Device::ref(), Device::cpu()}) {
    Tensor dy = rnd({7, 2, 9}, 32, -2, 2, DType::f64, d),
           x = rnd({7, 2, 9}, 33, -2, 2, DType::f64, d);
    Tensor mean = rnd({7, 2}, 34, -0.5, 0.5, DType::f64, d),
           var = rnd({7, 2}, 35, 0.5, 2, DType::f64, d);
    Tensor gamma = rnd({9}, 36, 0.5, 1.5, DType::f64, d);
    NormGrads fused = layer_norm_grad(dy, x, mean, var, gamma, 1, 1e-3);
    NormGrads composed =
        layer_norm_grad(dy.clone().set_requires_grad(), x, mean, var, gamma, 1, 1e-3);
    EXPECT_TRUE(all_close(fused.dx, composed.dx.detach(), 1e-12, 1e-13)) << d;
    EXPECT_TRUE(all_close(fused.dgamma, composed.dgamma.detach(), 1e-12, 1e-13)) << d;
    EXPECT_TRUE(all_close(fused.dbeta, composed.dbeta.detach(), 1e-12, 1e-13)) << d;
  }
}

TEST(LayerNormGrad, MatchesFiniteDifferences) {
  Tensor dy = rnd({3, 5}, 37), x = rnd({3, 5}, 38), mean = rnd({3}, 39, -0.5, 0.5);
  Tensor var = rnd({3}, 40, 0.5, 2.0), gamma = rnd({5}, 41, 0.5, 1.5);
  for (int out = 0; out < 3; ++out)
    EXPECT_TRUE(grad_ok(
        [out](const std::vector<Tensor>& in) {
          NormGrads g = layer_norm_grad(in[0], in[1], in[2], in[3], in[4], 1, 1e-3);
          return out == 0 ? g.dx : out == 1 ? g.dgamma : g.dbeta;
        },
        {dy, x, mean, var, gamma}))
        << "output " << out;
}

TEST(Norm, FloatThirtyTwoFollowsFloatSixtyFour) {
  Tensor x = rnd({16, 8, 6}, 42, -3, 3, DType::f32), gamma = rnd({6}, 43, 0.5, 1.5, DType::f32);
  Tensor beta = rnd({6}, 44, -1, 1, DType::f32);
  BatchNormOutput r32 = batch_norm(x, gamma, beta, 1e-3);
  BatchNormOutput r64 =
      batch_norm(x.to(DType::f64), gamma.to(DType::f64), beta.to(DType::f64), 1e-3);
  EXPECT_EQ(r32.y.dtype(), DType::f32);
  EXPECT_TRUE(all_close(r32.y, r64.y, 1e-5, 1e-6));
  EXPECT_TRUE(all_close(r32.var, r64.var, 1e-6));
  Tensor l32 = layer_norm(x, gamma, beta, 1, 1e-3);
  EXPECT_TRUE(all_close(
      l32, layer_norm(x.to(DType::f64), gamma.to(DType::f64), beta.to(DType::f64), 1, 1e-3), 1e-5,
      1e-6));
}

TEST(Norm, RejectsMismatchedArguments) {
  Tensor x = zeros({2, 4});
  MZ_EXPECT_THROW_MSG(batch_norm(x, zeros({5}), Tensor(), 1e-3), ShapeError,
                      "batch_norm: gamma does not match the channels of x (2, 4): expected shape "
                      "(4,), got (5,).");
  MZ_EXPECT_THROW_MSG(batch_norm(zeros({0, 4}), Tensor(), Tensor(), 1e-3), ValueError,
                      "batch_norm: cannot compute batch statistics of an empty x");
  MZ_EXPECT_THROW_MSG(batch_norm(x, Tensor(), zeros({4}, {.dtype = DType::f64}), 1e-3), ValueError,
                      "batch_norm: dtypes differ: float32 and float64");
  MZ_EXPECT_THROW_MSG(batch_norm(zeros({2, 4}, {.dtype = DType::i32}), Tensor(), Tensor(), 1e-3),
                      ValueError, "batch_norm: expected a float32 or float64 tensor, got int32.");
  MZ_EXPECT_THROW_MSG(layer_norm(x, zeros({3}), Tensor(), 1, 1e-3), ShapeError,
                      "layer_norm: gamma does not match the normalised block of x (2, 4): "
                      "expected 4 elements, got shape (3,).");
  MZ_EXPECT_THROW_MSG(layer_norm(x, Tensor(), Tensor(), 3, 1e-3), ShapeError,
                      "layer_norm: axes must count trailing axes of x (2, 4): expected 1 to 2, "
                      "got 3.");
  MZ_EXPECT_THROW_MSG(batch_norm_inference(x, zeros({4}), zeros({3}), Tensor(), Tensor(), 1e-3),
                      ShapeError,
                      "batch_norm_inference: var does not match axis -1 of x (2, 4): expected "
                      "shape (4,), got (3,).");
  MZ_EXPECT_THROW_MSG(
      batch_norm_grad(zeros({2, 3}), x, zeros({4}), ones({4}), Tensor(), 1e-3), ShapeError,
      "batch_norm_grad: dy and x must have one shape: expected (2, 4), got (2, 3).");
}

TEST(LayerNorm, EmptyBatchGivesEmptyOutputAndZeroWeightGradients) {
  Tensor x = zeros({0, 3}, {.dtype = DType::f64});
  Tensor gamma = ones({3}, {.dtype = DType::f64}).set_requires_grad();
  Tensor y = layer_norm(x, gamma, Tensor(), 1, 1e-3);
  EXPECT_EQ(y.shape(), Shape({0, 3}));
  sum(y).backward();
  EXPECT_TRUE(all_close(gamma.grad(), zeros({3}, {.dtype = DType::f64}), 0.0));
}

}  // namespace
}  // namespace mz
