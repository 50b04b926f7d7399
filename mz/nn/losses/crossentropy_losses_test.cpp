// Crossentropy losses: Keras's documented values, from_logits, label smoothing, ignore_class,
// label errors and float64 gradchecks (BinaryCrossentropy, BinaryFocalCrossentropy,
// CategoricalCrossentropy, SparseCategoricalCrossentropy).
#include <cmath>

#include "mz/nn/losses/binary_crossentropy.h"
#include "mz/nn/losses/binary_focal_crossentropy.h"
#include "mz/nn/losses/categorical_crossentropy.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using namespace losses;
using testing::all_close;
using testing::grad_ok;

Tensor f64(std::vector<double> v, Shape s) { return tensor(v, s); }
Tensor f32(std::vector<float> v, Shape s) { return tensor(v, s); }

const Tensor kLogitsTrue = f32({0, 1, 0, 0}, {2, 2});
const Tensor kLogits = f32({-18.6f, 0.51f, 2.94f, -12.8f}, {2, 2});
const Tensor kOneHot = f64({0, 1, 0, 0, 0, 1}, {2, 3});
const Tensor kProbs = f64({0.05, 0.95, 0, 0.1, 0.8, 0.1}, {2, 3});

::testing::AssertionResult loss_grad_ok(const Loss& loss, const Tensor& y_true,
                                        const Tensor& y_pred) {
  auto per_sample = grad_ok([&](auto& x) { return loss.call(y_true, x[0]); }, {y_pred});
  if (!per_sample) return per_sample;
  return grad_ok([&](auto& x) { return loss(y_true, x[0]); }, {y_pred});
}

TEST(BinaryCrossentropy, MatchesKerasFromLogits) {
  BinaryCrossentropy bce({.from_logits = true});
  EXPECT_NEAR(bce(f32({0, 1, 0, 0}, {4}), f32({-18.6f, 0.51f, 2.94f, -12.8f}, {4})).item(),
              0.8654579, 1e-6);
  EXPECT_NEAR(bce(kLogitsTrue, kLogits).item(), 0.8654579, 1e-6);
  EXPECT_NEAR(bce(kLogitsTrue, kLogits, f32({0.8f, 0.2f}, {2})).item(), 0.2436386, 1e-6);
  EXPECT_NEAR(
      BinaryCrossentropy({.from_logits = true, .reduction = "sum"})(kLogitsTrue, kLogits).item(),
      1.7309159, 1e-6);
  EXPECT_TRUE(all_close(
      BinaryCrossentropy({.from_logits = true, .reduction = "none"})(kLogitsTrue, kLogits),
      f32({0.23515666f, 1.49575924f}, {2}), 1e-6));
}

TEST(BinaryCrossentropy, MatchesKerasFromProbabilities) {
  Tensor t = f64({0, 1, 0, 0}, {2, 2}), p = f64({0.6, 0.4, 0.4, 0.6}, {2, 2});
  EXPECT_TRUE(all_close(binary_crossentropy(t, p), f64({0.91629073, 0.71355818}, {2}), 1e-7));
  EXPECT_TRUE(all_close(binary_crossentropy(t, p, {.label_smoothing = 0.2}),
                        f64({0.87574422, 0.71355818}, {2}), 1e-7));
  // Logits and probabilities agree.
  Tensor x = f64({-1.5, 0.3, 2.0, -0.2}, {2, 2});
  EXPECT_TRUE(all_close(binary_crossentropy(t, x, {.from_logits = true}),
                        binary_crossentropy(t, sigmoid(x)), 1e-12));
}

TEST(BinaryCrossentropy, ExactZeroAndOnePredictionsStayFinite) {
  // Clipped to [1e-7, 1 - 1e-7]: -log(1e-7) = 16.118 for each wrong certainty (15.94 for the
  // upper bound in float32, where 1 - 1e-7 rounds to 1 - 1.19e-7).
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor p = cast(f64({0.0, 1.0}, {1, 2}), dt);
    double v = BinaryCrossentropy()(cast(f64({1, 0}, {1, 2}), dt), p).item();
    EXPECT_TRUE(std::isfinite(v));
    EXPECT_NEAR(v, 16.11809565, dt == DType::f64 ? 1e-6 : 0.1);
    double right = BinaryCrossentropy()(cast(f64({0, 1}, {1, 2}), dt), p).item();
    EXPECT_NEAR(right, 0.0, 2e-7);
  }
  // Huge logits too.
  EXPECT_TRUE(std::isfinite(
      BinaryCrossentropy({.from_logits = true})(f32({1, 0}, {1, 2}), f32({-1e4f, 1e4f}, {1, 2}))
          .item()));
}

TEST(BinaryCrossentropy, MatchesFiniteDifferences) {
  Tensor t = f64({0, 1, 1, 0, 1, 0}, {2, 3});
  Tensor p = f64({0.2, 0.7, 0.45, 0.6, 0.9, 0.1}, {2, 3});
  EXPECT_TRUE(loss_grad_ok(BinaryCrossentropy(), t, p));
  EXPECT_TRUE(loss_grad_ok(BinaryCrossentropy({.label_smoothing = 0.1}), t, p));
  Tensor x = f64({-2.0, 0.0, 1.5, 0.3, -0.7, 4.0}, {2, 3});  // includes a logit of exactly 0
  EXPECT_TRUE(loss_grad_ok(BinaryCrossentropy({.from_logits = true}), t, x));
  EXPECT_TRUE(
      loss_grad_ok(BinaryCrossentropy({.from_logits = true, .label_smoothing = 0.2}), t, x));
}

TEST(BinaryFocalCrossentropy, MatchesKeras) {
  Tensor t1 = f32({0, 1, 0, 0}, {4}), x1 = f32({-18.6f, 0.51f, 2.94f, -12.8f}, {4});
  EXPECT_NEAR(BinaryFocalCrossentropy({.gamma = 2, .from_logits = true})(t1, x1).item(), 0.6912121,
              1e-6);
  EXPECT_NEAR(BinaryFocalCrossentropy(
                  {.apply_class_balancing = true, .gamma = 2, .from_logits = true})(t1, x1)
                  .item(),
              0.5101333, 1e-6);
  BinaryFocalCrossentropy g3({.gamma = 3, .from_logits = true});
  EXPECT_NEAR(g3(kLogitsTrue, kLogits).item(), 0.6469950, 1e-6);
  EXPECT_NEAR(g3(kLogitsTrue, kLogits, f32({0.8f, 0.2f}, {2})).item(), 0.1331250, 1e-6);
  EXPECT_NEAR(
      BinaryFocalCrossentropy({.apply_class_balancing = true, .gamma = 3, .from_logits = true})(
          kLogitsTrue, kLogits)
          .item(),
      0.4821412, 1e-6);
  EXPECT_NEAR(BinaryFocalCrossentropy({.gamma = 4, .from_logits = true, .reduction = "sum"})(
                  kLogitsTrue, kLogits)
                  .item(),
              1.2218806, 1e-6);
  EXPECT_TRUE(
      all_close(BinaryFocalCrossentropy({.gamma = 5, .from_logits = true, .reduction = "none"})(
                    kLogitsTrue, kLogits),
                f32({0.00174837f, 1.15610251f}, {2}), 1e-5));
  Tensor t = f64({0, 1, 0, 0}, {2, 2}), p = f64({0.6, 0.4, 0.4, 0.6}, {2, 2});
  EXPECT_TRUE(all_close(binary_focal_crossentropy(t, p), f64({0.32986466, 0.20579838}, {2}), 1e-7));
  // gamma = 0 is plain binary crossentropy.
  EXPECT_TRUE(
      all_close(binary_focal_crossentropy(t, p, {.gamma = 0}), binary_crossentropy(t, p), 1e-12));
}

TEST(BinaryFocalCrossentropy, MatchesFiniteDifferences) {
  Tensor t = f64({0, 1, 1, 0, 1, 0}, {2, 3});
  Tensor p = f64({0.2, 0.7, 0.45, 0.6, 0.9, 0.1}, {2, 3});
  EXPECT_TRUE(loss_grad_ok(BinaryFocalCrossentropy(), t, p));
  EXPECT_TRUE(
      loss_grad_ok(BinaryFocalCrossentropy(
                       {.apply_class_balancing = true, .gamma = 1.5, .label_smoothing = 0.1}),
                   t, p));
  Tensor x = f64({-2.0, 0.0, 1.5, 0.3, -0.7, 4.0}, {2, 3});
  EXPECT_TRUE(loss_grad_ok(BinaryFocalCrossentropy({.from_logits = true}), t, x));
}

TEST(CategoricalCrossentropy, MatchesKeras) {
  EXPECT_NEAR(CategoricalCrossentropy()(kOneHot, kProbs).item(), 1.1769392, 1e-7);
  EXPECT_NEAR(CategoricalCrossentropy()(kOneHot, kProbs, f64({0.3, 0.7}, {2})).item(), 0.8135988,
              1e-7);
  EXPECT_NEAR(CategoricalCrossentropy({.reduction = "sum"})(kOneHot, kProbs).item(), 2.3538784,
              1e-7);
  EXPECT_TRUE(all_close(CategoricalCrossentropy({.reduction = "none"})(kOneHot, kProbs),
                        f64({0.05129329, 2.30258509}, {2}), 1e-7));
  EXPECT_TRUE(all_close(categorical_crossentropy(kOneHot, kProbs, {.label_smoothing = 0.1}),
                        f64({0.68500134, 2.23327037}, {2}), 1e-7));
}

TEST(CategoricalCrossentropy, NormalisesProbabilitiesAndUsesLogSoftmaxForLogits) {
  // Unnormalised "probabilities" are divided by their sum first.
  EXPECT_TRUE(all_close(categorical_crossentropy(kOneHot, kProbs * 3.0),
                        categorical_crossentropy(kOneHot, kProbs), 1e-12));
  Tensor x = f64({1.0, 2.0, -1.0, 0.5, 0.2, 3.0}, {2, 3});
  EXPECT_TRUE(
      all_close(categorical_crossentropy(kOneHot, x, {.from_logits = true, .label_smoothing = 0.1}),
                f64({0.48234555, 0.31023124}, {2}), 1e-7));
  // Stable for huge logits.
  Tensor big = f32({1000.0f, 0.0f, -1000.0f}, {1, 3});
  EXPECT_NEAR(CategoricalCrossentropy({.from_logits = true})(f32({0, 1, 0}, {1, 3}), big).item(),
              1000.0, 1e-3);
}

TEST(CategoricalCrossentropy, RejectsIntegerLabels) {
  MZ_EXPECT_THROW_MSG(CategoricalCrossentropy()(f64({1, 2}, {2}), kProbs), ValueError,
                      "CategoricalCrossentropy: y_true and y_pred must have one shape: expected "
                      "(2, 3), got (2,). For integer labels use SparseCategoricalCrossentropy.");
}

TEST(CategoricalCrossentropy, MatchesFiniteDifferences) {
  Tensor p = f64({0.2, 0.5, 0.3, 0.1, 0.3, 0.6}, {2, 3});
  EXPECT_TRUE(loss_grad_ok(CategoricalCrossentropy(), kOneHot, p));
  EXPECT_TRUE(loss_grad_ok(CategoricalCrossentropy({.label_smoothing = 0.2}), kOneHot, p));
  Tensor x = f64({1.0, 2.0, -1.0, 0.5, 0.2, 3.0}, {2, 3});
  EXPECT_TRUE(loss_grad_ok(CategoricalCrossentropy({.from_logits = true}), kOneHot, x));
  EXPECT_TRUE(loss_grad_ok(CategoricalCrossentropy({.from_logits = true, .label_smoothing = 0.1}),
                           kOneHot, x));
  // Along axis 0 instead of the last.
  EXPECT_TRUE(loss_grad_ok(CategoricalCrossentropy({.from_logits = true, .axis = 0}),
                           kOneHot.transpose(0, 1).contiguous(), x.transpose(0, 1).contiguous()));
}

TEST(SparseCategoricalCrossentropy, MatchesKeras) {
  Tensor y = tensor(std::vector<int32_t>{1, 2}, {2});
  EXPECT_NEAR(SparseCategoricalCrossentropy()(y, kProbs).item(), 1.1769392, 1e-7);
  EXPECT_NEAR(SparseCategoricalCrossentropy()(y, kProbs, f64({0.3, 0.7}, {2})).item(), 0.8135988,
              1e-7);
  EXPECT_NEAR(SparseCategoricalCrossentropy({.reduction = "sum"})(y, kProbs).item(), 2.3538784,
              1e-7);
  EXPECT_TRUE(all_close(SparseCategoricalCrossentropy({.reduction = "none"})(y, kProbs),
                        f64({0.05129329, 2.30258509}, {2}), 1e-7));
}

TEST(SparseCategoricalCrossentropy, AcceptsIntAndFloatLabelsOfEitherShape) {
  Tensor x = f64({1.0, 2.0, -1.0, 0.5, 0.2, 3.0}, {2, 3});
  SparseCategoricalCrossentropy scce({.from_logits = true, .reduction = "none"});
  Tensor expected = categorical_crossentropy(kOneHot, x, {.from_logits = true});
  EXPECT_TRUE(all_close(scce(tensor(std::vector<int64_t>{1, 2}, {2}), x), expected, 1e-12));
  EXPECT_TRUE(all_close(scce(tensor(std::vector<int32_t>{1, 2}, {2, 1}), x), expected, 1e-12));
  EXPECT_TRUE(all_close(scce(f32({1, 2}, {2}), x), expected, 1e-12));
  EXPECT_TRUE(all_close(scce(f64({1, 2}, {2, 1}), x), expected, 1e-12));
  // Sequences: y_pred (batch, steps, classes), labels (batch, steps).
  Tensor seq = x.reshape({1, 2, 3});
  EXPECT_TRUE(all_close(scce(tensor(std::vector<int64_t>{1, 2}, {1, 2}), seq),
                        expected.reshape({1, 2}), 1e-12));
}

TEST(SparseCategoricalCrossentropy, RejectsLabelsOutsideTheClasses) {
  Tensor logits = zeros({5, 10});
  SparseCategoricalCrossentropy scce({.from_logits = true});
  MZ_EXPECT_THROW_MSG(scce(tensor(std::vector<int64_t>{0, 1, 2, 10, 4}, {5}), logits), ValueError,
                      "SparseCategoricalCrossentropy: label 10 at sample 3 is outside [0, 10).");
  MZ_EXPECT_THROW_MSG(scce(tensor(std::vector<int32_t>{0, -1, 2, 3, 4}, {5}), logits), ValueError,
                      "SparseCategoricalCrossentropy: label -1 at sample 1 is outside [0, 10).");
  MZ_EXPECT_THROW_MSG(scce(f32({0, 1, 2, 3, 12}, {5, 1}), logits), ValueError,
                      "SparseCategoricalCrossentropy: label 12 at sample 4 is outside [0, 10).");
  MZ_EXPECT_THROW_MSG(scce(f32({0, 1, NAN, 3, 4}, {5}), logits), ValueError,
                      "SparseCategoricalCrossentropy: label nan at sample 2 is outside [0, 10).");
  MZ_EXPECT_THROW_MSG(scce(zeros({5, 10}), logits), ValueError,
                      "SparseCategoricalCrossentropy: y_true must have y_pred's shape without the "
                      "class axis: expected (5,), got (5, 10). For one-hot labels use "
                      "CategoricalCrossentropy.");
}

TEST(SparseCategoricalCrossentropy, IgnoreClassLeavesLabelsOutOfTheMean) {
  Tensor x = f64({1.0, 2.0, -1.0, 0.5, 0.2, 3.0, 0.0, 0.0, 0.0}, {3, 3});
  Tensor y = tensor(std::vector<int64_t>{1, 2, -1}, {3});
  SparseCategoricalCrossentropy scce({.from_logits = true, .ignore_class = -1});
  Tensor kept = categorical_crossentropy(kOneHot, x.slice(0, 0, 2), {.from_logits = true});
  std::vector<double> k = kept.to_vector<double>();
  EXPECT_NEAR(scce(y, x).item(), (k[0] + k[1]) / 2.0, 1e-12);
  EXPECT_TRUE(all_close(scce.call(y, x), f64({k[0], k[1], 0.0}, {3}), 1e-12));
  SparseCategoricalCrossentropy sum({.from_logits = true, .ignore_class = -1, .reduction = "sum"});
  EXPECT_NEAR(sum(y, x).item(), k[0] + k[1], 1e-12);
  // Every label ignored: 0, not NaN.
  EXPECT_EQ(scce(tensor(std::vector<int64_t>{-1, -1, -1}, {3}), x).item(), 0.0);
  EXPECT_TRUE(grad_ok([&](auto& v) { return scce(y, v[0]); }, {x}));
}

TEST(SparseCategoricalCrossentropy, MatchesFiniteDifferences) {
  Tensor y = tensor(std::vector<int64_t>{1, 2}, {2});
  Tensor p = f64({0.2, 0.5, 0.3, 0.1, 0.3, 0.6}, {2, 3});
  EXPECT_TRUE(loss_grad_ok(SparseCategoricalCrossentropy(), y, p));
  Tensor x = f64({1.0, 2.0, -1.0, 0.5, 0.2, 3.0}, {2, 3});
  EXPECT_TRUE(loss_grad_ok(SparseCategoricalCrossentropy({.from_logits = true}), y, x));
  EXPECT_TRUE(grad_ok(
      [&](auto& v) {
        return SparseCategoricalCrossentropy({.from_logits = true})(y, v[0], f64({0.25, 2.0}, {2}));
      },
      {x}));
}

TEST(SparseCategoricalCrossentropy, ConfigRoundTripsKerasKeys) {
  Json c = SparseCategoricalCrossentropy({.from_logits = true, .ignore_class = 255}).config();
  EXPECT_EQ(c["from_logits"], true);
  EXPECT_EQ(c["ignore_class"], 255);
  EXPECT_EQ(c["name"], "sparse_categorical_crossentropy");
  EXPECT_EQ(c["reduction"], "sum_over_batch_size");
  EXPECT_TRUE(SparseCategoricalCrossentropy().config()["ignore_class"].is_null());
}

}  // namespace
}  // namespace mz
