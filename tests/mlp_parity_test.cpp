// Whole-MLP parity with PyTorch: a Sequential of three Dense layers (8 -> 16 relu -> 12 tanh ->
// 5 linear) with the golden weights of tools/golden/mlp_parity.py must match torch 1.13's
// logits, mean softmax cross-entropy and every weight gradient, in float32 and float64, on ref
// and on every fast backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "mz/core/device.h"
#include "mz/io/npy.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/model.h"
#include "testing.h"

namespace {

namespace L = mz::layers;
using mz::testing::all_close;

// tests/golden/mlp_parity/<tag>_<name>.npy on `device`.
mz::Tensor golden(const std::string& tag, const std::string& name, mz::Device device) {
  return mz::io::read_npy(std::string(MZ_GOLDEN_DIR) + "/mlp_parity/" + tag + "_" + name + ".npy")
      .to(device);
}

// |actual - expected| <= rtol * (|expected| + max|expected|) element-wise: relative to the
// element, with an absolute floor at rtol times the tensor's largest element. The floor is what
// makes "1e-6 relative" meaningful in float32: a logit near 0.04 that is the sum of terms near 1
// carries rounding of ~1e-7 in any float32 library (torch's own float32 logits differ from its
// float64 ones by up to 3.9e-6 element-wise, 2.5e-7 of the largest logit).
::testing::AssertionResult close_to(const mz::Tensor& actual, const mz::Tensor& expected,
                                    double rtol) {
  double scale = 0;
  for (double v : expected.to_vector<double>()) scale = std::max(scale, std::abs(v));
  return all_close(actual, expected, rtol, rtol * scale);
}

// Builds the golden MLP in `dtype` on `device`, runs forward, loss and backward on the golden
// batch, and compares everything with PyTorch's values.
void expect_parity(mz::Device device, mz::DType dtype, const std::string& tag, double rtol) {
  SCOPED_TRACE("device " + device.name() + ", " + mz::dtype_name(dtype));
  mz::DeviceGuard on_device(device);
  mz::Sequential model(
      {mz::Input({8}, {.dtype = dtype}), L::Dense(16, {.activation = "relu", .dtype = dtype}),
       L::Dense(12, {.activation = "tanh", .dtype = dtype}), L::Dense(5, {.dtype = dtype})});
  // The generator stored kernels in Keras's (in, out) layout: torch's weight transposed.
  std::vector<mz::Tensor> weights;
  for (int i = 0; i < 3; ++i) {
    weights.push_back(golden(tag, "kernel_" + std::to_string(i), device));
    weights.push_back(golden(tag, "bias_" + std::to_string(i), device));
  }
  model.set_weights(weights);

  mz::Tensor x = golden(tag, "x", device);
  mz::Tensor labels = golden(tag, "labels", device);
  mz::Tensor logits = model(x, /*training=*/true);
  mz::losses::SparseCategoricalCrossentropy cross_entropy({.from_logits = true});
  mz::Tensor loss = cross_entropy(labels, logits);
  loss.backward();

  EXPECT_TRUE(close_to(logits, golden(tag, "logits", device), rtol)) << "logits";
  EXPECT_TRUE(close_to(loss, golden(tag, "loss", device), rtol)) << "loss";
  std::vector<mz::VariablePtr> vars = model.trainable_weights();
  ASSERT_EQ(vars.size(), 6u);
  for (int i = 0; i < 3; ++i) {
    for (const char* kind : {"kernel", "bias"}) {
      const mz::VariablePtr& var = vars[2 * i + (kind[0] == 'b')];
      std::string name = std::string("grad_") + kind + "_" + std::to_string(i);
      ASSERT_TRUE(var->value.grad().defined()) << var->path << " has no gradient";
      EXPECT_TRUE(close_to(var->value.grad(), golden(tag, name, device), rtol))
          << name << " (" << var->path << ")";
    }
  }
}

std::vector<mz::Device> all_backends() {
  std::vector<mz::Device> devices = {mz::Device::ref()};
  for (mz::Device d : mz::testing::fast_backends()) devices.push_back(d);
  return devices;
}

// The bounds: 1e-6 relative in float32, 1e-12 in float64 (see close_to).
TEST(MlpParity, Float32MatchesPyTorch) {
  for (mz::Device device : all_backends()) expect_parity(device, mz::DType::f32, "f32", 1e-6);
}

TEST(MlpParity, Float64MatchesPyTorch) {
  for (mz::Device device : all_backends()) expect_parity(device, mz::DType::f64, "f64", 1e-12);
}

}  // namespace
