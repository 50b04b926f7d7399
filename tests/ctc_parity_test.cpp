// CTC parity with PyTorch: ctc_loss and its gradient w.r.t. the logits must match torch 1.13's
// F.ctc_loss on log_softmax(logits) (tools/golden/ctc.py), in float32 (rtol 1e-5) and float64,
// on ref and on every fast backend that has the kernel.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "mz/core/device.h"
#include "mz/io/npy.h"
#include "mz/ops/ctc.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace {

using mz::testing::all_close;

// tests/golden/ctc/<case>_<name>.npy on `device`.
mz::Tensor golden(const std::string& name, mz::Device device) {
  return mz::io::read_npy(std::string(MZ_GOLDEN_DIR) + "/ctc/" + name + ".npy").to(device);
}

// |actual - expected| <= rtol * (|expected| + max|expected|): relative, with a floor at rtol
// times the largest element (float32 softmax - occupancy cancels where both are near 1).
::testing::AssertionResult close_to(const mz::Tensor& actual, const mz::Tensor& expected,
                                    double rtol) {
  double scale = 0;
  for (double v : expected.to_vector<double>()) scale = std::max(scale, std::abs(v));
  return all_close(actual, expected, rtol, rtol * scale);
}

void expect_parity(const std::string& golden_case, int64_t blank, mz::Device device,
                   mz::DType dtype, double rtol) {
  SCOPED_TRACE(golden_case + " on " + device.name() + ", " + mz::dtype_name(dtype));
  auto g = [&](const char* name) { return golden(golden_case + "_" + name, device); };
  mz::Tensor logits = g("logits").to(dtype).set_requires_grad();
  mz::Tensor loss =
      mz::ctc_loss(g("labels"), logits, g("label_lengths"), g("logit_lengths"), blank);
  ASSERT_EQ(loss.dtype(), dtype);
  mz::sum(loss * g("w").to(dtype)).backward();
  EXPECT_TRUE(close_to(loss, g("loss"), rtol));
  EXPECT_TRUE(close_to(logits.grad(), g("dlogits"), rtol));
}

TEST(CtcParity, MatchesTorchOnRef) {
  for (const auto& [c, blank] : {std::pair<const char*, int64_t>{"small", 0}, {"long", 6}}) {
    expect_parity(c, blank, mz::Device::ref(), mz::DType::f32, 1e-5);
    expect_parity(c, blank, mz::Device::ref(), mz::DType::f64, 1e-10);
  }
}

TEST(CtcParity, MatchesTorchOnFastBackends) {
  std::string missing;
  for (mz::Device device : mz::testing::fast_backends()) {
    if (!mz::kernel_table(device.type).get(mz::Op::ctc_loss, mz::DType::f32)) {
      missing += (missing.empty() ? "" : ", ") + device.name();
      continue;
    }
    for (const auto& [c, blank] : {std::pair<const char*, int64_t>{"small", 0}, {"long", 6}}) {
      expect_parity(c, blank, device, mz::DType::f32, 1e-5);
      expect_parity(c, blank, device, mz::DType::f64, 1e-10);
    }
  }
  if (!missing.empty()) GTEST_SKIP() << "no ctc_loss kernel on " << missing;
}

}  // namespace
