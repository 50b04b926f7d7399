// Pooling parity with PyTorch: max and average pooling over 1 and 2 spatial axes ("valid" and
// Keras's "same"), and UpSampling2D's bilinear interpolation, against the float32 goldens of
// tools/golden/pool.py: outputs and input gradients at rtol 1e-5, on ref and every fast backend.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "mz/io/npy.h"
#include "mz/nn/layers/up_sampling2d.h"
#include "mz/ops/ops.h"
#include "mz/ops/pool.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;

struct Case {
  std::string name;
  bool max;
  std::vector<int64_t> pool_size, strides;
  std::string padding;
};

// The cases of tools/golden/pool.py, in its order.
const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {"max1d_valid", true, {3}, {2}, "valid"},
      {"max1d_same", true, {3}, {2}, "same"},
      {"avg1d_valid", false, {4}, {3}, "valid"},
      {"avg1d_same", false, {4}, {1}, "same"},
      {"max2d_valid", true, {3, 2}, {2, 1}, "valid"},
      {"max2d_same", true, {3, 3}, {2, 2}, "same"},
      {"max2d_same_overlap", true, {3, 3}, {1, 1}, "same"},
      {"avg2d_valid", false, {2, 2}, {2, 2}, "valid"},
      {"avg2d_same", false, {2, 3}, {1, 2}, "same"},
      {"avg2d_same_overlap", false, {3, 3}, {1, 1}, "same"},
  };
  return c;
}

Tensor golden(const std::string& name, const char* what, Device device) {
  return io::read_npy(std::string(MZ_GOLDEN_DIR) + "/pool/" + name + "_" + what + ".npy")
      .to(device);
}

std::vector<Device> devices() {
  std::vector<Device> d{Device::ref()};
  for (Device f : testing::fast_backends()) d.push_back(f);
  return d;
}

// y = f(x), then d sum(y * w) / dx, compared with the goldens.
void expect_parity(const std::string& name, const std::function<Tensor(const Tensor&)>& f) {
  for (Device device : devices()) {
    SCOPED_TRACE(name + " on " + device.name());
    DeviceGuard on(device);
    Tensor x = golden(name, "x", device);
    x.set_requires_grad();
    Tensor y = f(x);
    EXPECT_TRUE(all_close(y, golden(name, "y", device), 1e-5, 1e-6)) << "output";
    sum(y * golden(name, "w", device)).backward();
    ASSERT_TRUE(x.grad().defined());
    EXPECT_TRUE(all_close(x.grad(), golden(name, "dx", device), 1e-5, 1e-6)) << "gradient";
  }
}

TEST(PoolParity, MaxAndAveragePoolingMatchPyTorch) {
  for (const Case& c : cases())
    expect_parity(c.name, [&c](const Tensor& x) {
      return c.max ? max_pool(x, c.pool_size, c.strides, c.padding)
                   : avg_pool(x, c.pool_size, c.strides, c.padding);
    });
}

TEST(PoolParity, UpSampling2DBilinearMatchesPyTorch) {
  layers::UpSampling2D up({.size = {2, 3}, .interpolation = "bilinear"});
  expect_parity("upsampling2d_bilinear", [&up](const Tensor& x) { return up(x); });
}

}  // namespace
}  // namespace mz
