// Parity of BatchNormalization and LayerNormalization with PyTorch 1.13 through the golden files
// of tools/golden/batch_norm.py: outputs and gradients of sum(y * w) in training and inference
// mode, and the moving statistics after one training step with Keras 3's semantics (biased
// batch variance, momentum 0.99), in float32 and float64, on ref and on every fast backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "mz/io/npy.h"
#include "mz/nn/layers/batch_normalization.h"
#include "mz/nn/layers/layer_normalization.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace {

namespace L = mz::layers;
using mz::Tensor;

// tests/golden/batch_norm/<tag>_<name>.npy on `device`.
Tensor golden(const std::string& tag, const std::string& name, mz::Device device) {
  return mz::io::read_npy(std::string(MZ_GOLDEN_DIR) + "/batch_norm/" + tag + "_" + name + ".npy")
      .to(device);
}

// |actual - expected| <= rtol * (|expected| + max|expected|): relative to each element with a
// floor at rtol times the largest one (gradients of normalisation cancel terms near 1, so
// float32 libraries agree to rounding of the largest element, not of each small one).
::testing::AssertionResult close_to(const Tensor& actual, const Tensor& expected, double rtol) {
  double scale = 0;
  for (double v : expected.to_vector<double>()) scale = std::max(scale, std::abs(v));
  return mz::testing::all_close(actual, expected, rtol, rtol * scale);
}

struct Case {
  mz::Device device;
  mz::DType dtype;
  std::string tag;
  double rtol;
};

std::vector<Case> cases() {
  std::vector<Case> c;
  for (mz::Device d : {mz::Device::ref(), mz::Device::cpu()}) {
    c.push_back({d, mz::DType::f32, "f32", 1e-5});
    c.push_back({d, mz::DType::f64, "f64", 1e-12});
  }
  return c;
}

// Runs the layer on the golden input, backpropagates sum(y * w) and compares y, dx and the
// gradients of gamma and beta with the golden `prefix`_{y, dx, dgamma, dbeta}.
void expect_forward_backward(mz::Layer& layer, const Case& c, const std::string& input,
                             const std::string& prefix, bool training) {
  Tensor x = golden(c.tag, input + "_x", c.device).set_requires_grad();
  Tensor w = golden(c.tag, input + "_w", c.device);
  for (const mz::VariablePtr& v : layer.trainable_weights()) v->value.zero_grad();
  Tensor y = layer(x, training);
  mz::sum(y * w).backward();
  EXPECT_EQ(y.device(), c.device);
  EXPECT_TRUE(close_to(y, golden(c.tag, prefix + "_y", c.device), c.rtol)) << prefix << " y";
  EXPECT_TRUE(close_to(x.grad(), golden(c.tag, prefix + "_dx", c.device), c.rtol))
      << prefix << " dx";
  std::vector<mz::VariablePtr> vars = layer.trainable_weights();
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_TRUE(close_to(vars[0]->value.grad(), golden(c.tag, prefix + "_dgamma", c.device), c.rtol))
      << prefix << " dgamma";
  EXPECT_TRUE(close_to(vars[1]->value.grad(), golden(c.tag, prefix + "_dbeta", c.device), c.rtol))
      << prefix << " dbeta";
}

TEST(NormParity, BatchNormalizationTrainingAndInference) {
  for (const Case& c : cases()) {
    SCOPED_TRACE("device " + c.device.name() + ", " + c.tag);
    mz::DeviceGuard on_device(c.device);
    L::BatchNormalization bn({.dtype = c.dtype});
    bn(golden(c.tag, "bn_x", c.device));
    bn.set_weights({golden(c.tag, "bn_gamma", c.device), golden(c.tag, "bn_beta", c.device),
                    golden(c.tag, "bn_moving_mean", c.device),
                    golden(c.tag, "bn_moving_variance", c.device)});
    expect_forward_backward(bn, c, "bn", "bn_train", /*training=*/true);
    Tensor mm = golden(c.tag, "bn_train_moving_mean", c.device);
    Tensor mv = golden(c.tag, "bn_train_moving_variance", c.device);
    EXPECT_TRUE(close_to(bn.moving_mean()->value, mm, c.rtol)) << "moving_mean";
    EXPECT_TRUE(close_to(bn.moving_variance()->value, mv, c.rtol)) << "moving_variance";
    // Inference from exactly the golden moving statistics.
    bn.moving_mean()->value.copy_(mm);
    bn.moving_variance()->value.copy_(mv);
    expect_forward_backward(bn, c, "bn", "bn_infer", /*training=*/false);
  }
}

TEST(NormParity, LayerNormalizationOverOneAndTwoAxes) {
  for (const Case& c : cases()) {
    SCOPED_TRACE("device " + c.device.name() + ", " + c.tag);
    mz::DeviceGuard on_device(c.device);
    for (int axes : {1, 2}) {
      const std::string p = "ln" + std::to_string(axes);
      L::LayerNormalization ln(
          {.axis = axes == 1 ? L::Axes(-1) : L::Axes({-2, -1}), .dtype = c.dtype});
      ln(golden(c.tag, "ln_x", c.device));
      ln.set_weights({golden(c.tag, p + "_gamma", c.device), golden(c.tag, p + "_beta", c.device)});
      expect_forward_backward(ln, c, "ln", p, /*training=*/true);
    }
  }
}

}  // namespace
