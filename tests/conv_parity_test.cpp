// Conv2D and Conv2DTranspose parity with PyTorch (tools/golden/conv.py): with the golden kernel
// and bias, the layer's output and the gradients of sum(y * g) with respect to x, kernel and bias
// must match torch 1.13's, in float32 (rtol 1e-5) and float64 (rtol 1e-10), on ref and on every
// fast backend. Cases: valid, same with strides 2, same with dilation 2, strides (2, 3), an even
// kernel with same (asymmetric TF padding), groups 2, LeNet's first layer, a strided transpose.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "mz/core/device.h"
#include "mz/io/npy.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/conv2d_transpose.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace {

namespace L = mz::layers;
using mz::testing::all_close;

struct Case {
  const char* name;
  std::vector<int64_t> strides, dilation;
  const char* padding;
  int64_t groups;
  bool transpose;
};

const Case kCases[] = {
    {"valid", {1, 1}, {1, 1}, "valid", 1, false},
    {"same_stride2", {2, 2}, {1, 1}, "same", 1, false},
    {"same_dilation2", {1, 1}, {2, 2}, "same", 1, false},
    {"valid_strides_2_3", {2, 3}, {1, 1}, "valid", 1, false},
    {"same_even_kernel", {1, 1}, {1, 1}, "same", 1, false},
    {"groups2", {1, 1}, {1, 1}, "valid", 2, false},
    {"lenet_conv1", {1, 1}, {1, 1}, "valid", 1, false},
    {"transpose_valid_stride2", {2, 2}, {1, 1}, "valid", 1, true},
};

// tests/golden/conv_parity/<case>_<tag>_<name>.npy on `device`.
mz::Tensor golden(const std::string& c, const std::string& tag, const std::string& name,
                  mz::Device device) {
  return mz::io::read_npy(std::string(MZ_GOLDEN_DIR) + "/conv_parity/" + c + "_" + tag + "_" +
                          name + ".npy")
      .to(device);
}

// |actual - expected| <= rtol * (|expected| + max|expected|): relative, with a floor at rtol
// times the largest element (a sum of terms near 1 that lands near 0 carries their rounding).
::testing::AssertionResult close_to(const mz::Tensor& actual, const mz::Tensor& expected,
                                    double rtol) {
  double scale = 0;
  for (double v : expected.to_vector<double>()) scale = std::max(scale, std::abs(v));
  return all_close(actual, expected, rtol, rtol * scale);
}

void expect_parity(const Case& c, mz::Device device, mz::DType dtype) {
  const std::string tag = dtype == mz::DType::f32 ? "f32" : "f64";
  const double rtol = dtype == mz::DType::f32 ? 1e-5 : 1e-10;
  SCOPED_TRACE(std::string(c.name) + " on " + device.name() + " in " + tag);
  mz::DeviceGuard on_device(device);
  mz::Tensor x = golden(c.name, tag, "x", device), kernel = golden(c.name, tag, "kernel", device);
  mz::Tensor bias = golden(c.name, tag, "bias", device), g = golden(c.name, tag, "g", device);
  const mz::Shape ks = kernel.shape();
  mz::LayerPtr layer = c.transpose ? mz::LayerPtr(L::Conv2DTranspose(ks[2], {ks[0], ks[1]},
                                                                     {.strides = c.strides,
                                                                      .padding = c.padding,
                                                                      .dilation_rate = c.dilation,
                                                                      .dtype = dtype}))
                                   : mz::LayerPtr(L::Conv2D(ks[3], {ks[0], ks[1]},
                                                            {.strides = c.strides,
                                                             .padding = c.padding,
                                                             .dilation_rate = c.dilation,
                                                             .groups = c.groups,
                                                             .dtype = dtype}));
  layer->maybe_build({x.shape()});
  layer->set_weights({kernel, bias});
  x.set_requires_grad();
  mz::Tensor y = (*layer)(x);
  ASSERT_EQ(y.dtype(), dtype);
  EXPECT_TRUE(close_to(y, golden(c.name, tag, "y", device), rtol)) << "y";
  mz::sum(y * g).backward();
  std::vector<mz::VariablePtr> w = layer->weights();
  EXPECT_TRUE(close_to(x.grad(), golden(c.name, tag, "dx", device), rtol)) << "dx";
  EXPECT_TRUE(close_to(w[0]->value.grad(), golden(c.name, tag, "dkernel", device), rtol))
      << "dkernel";
  EXPECT_TRUE(close_to(w[1]->value.grad(), golden(c.name, tag, "dbias", device), rtol)) << "dbias";
}

TEST(ConvParity, MatchesTorchForwardAndGradients) {
  for (const Case& c : kCases)
    for (mz::Device device : {mz::Device::ref(), mz::Device::cpu()})
      for (mz::DType dtype : {mz::DType::f32, mz::DType::f64}) expect_parity(c, device, dtype);
}

}  // namespace
