// Backend conformance for conv, conv_grad_input and conv_grad_weight: each case runs on ref and
// on every fast backend with the same inputs, compared at float32 rtol 1e-5 and float64 rtol
// 1e-12 relative to each element with a floor at that fraction of the largest one (long sums
// of both signs cancel). Large cases must also give the same bits on 1 and 2 threads. A backend
// that runs the ref kernel is reported as skipped, never as passed.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "mz/core/grad_mode.h"
#include "mz/core/thread_pool.h"
#include "mz/ops/conv.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using Inputs = std::vector<Tensor>;

struct Case {
  std::string name;
  Op op;  // the kernel under test
  Shape x, kernel;
  ConvGeometry geometry;
  Act act = Act::linear;
  bool threads = false;  // also compare 1 and 2 threads bit for bit
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

Tensor draw(const Shape& shape, DType dtype, uint64_t seed, double lo = -1.0, double hi = 1.0) {
  Generator gen(seed);
  return uniform(shape, lo, hi, {.dtype = dtype, .device = Device::ref()}, gen);
}

// The op's inputs in `dtype` on ref: (x, kernel, bias) for conv; (dy, kernel) for
// conv_grad_input; (x, dy) for conv_grad_weight.
Inputs make(const Case& c, DType dtype) {
  Tensor x = draw(c.x, dtype, 1), k = draw(c.kernel, dtype, 2);
  if (c.op == Op::conv) return {x, k, draw({c.kernel.back()}, dtype, 3, -0.5, 0.5)};
  Shape y;
  {
    NoGrad no_grad;
    y = conv(zeros(c.x, {.dtype = dtype, .device = Device::ref()}), k, c.geometry).shape();
  }
  Tensor dy = draw(y, dtype, 4);
  return c.op == Op::conv_grad_input ? Inputs{dy, k} : Inputs{x, dy};
}

Tensor run(const Case& c, const Inputs& in) {
  NoGrad no_grad;
  switch (c.op) {
    case Op::conv_grad_input:
      return conv_grad_input(in[0], in[1], c.x, c.geometry);
    case Op::conv_grad_weight:
      return conv_grad_weight(in[0], in[1], c.kernel, c.geometry);
    default:
      return conv(in[0], in[1], c.geometry, in[2], c.act);
  }
}

std::vector<Case> cases() {
  std::vector<Case> c;
  for (Op op : {Op::conv, Op::conv_grad_input, Op::conv_grad_weight}) {
    const std::string p = std::string(op_name(op)) + "_";
    c.push_back({p + "lenet1", op, {4, 28, 28, 1}, {5, 5, 1, 6}, {}, Act::relu, true});
    c.push_back({p + "lenet2", op, {8, 12, 12, 6}, {5, 5, 6, 16}, {}, Act::relu, true});
    c.push_back({p + "same_stride2",
                 op,
                 {2, 9, 8, 5},
                 {3, 3, 5, 7},
                 {.strides = {2}, .pads_before = {1, 0}, .pads_after = {1, 1}},
                 Act::tanh});
    c.push_back({p + "dilation",
                 op,
                 {2, 11, 10, 3},
                 {3, 2, 3, 20},
                 {.dilation = {2, 3}, .pads_before = {2}, .pads_after = {2}},
                 Act::sigmoid});
    c.push_back({p + "groups", op, {2, 7, 6, 8}, {3, 3, 2, 12}, {.groups = 4}});
    c.push_back({p + "depthwise",
                 op,
                 {2, 8, 8, 5},
                 {3, 3, 1, 10},
                 {.pads_before = {1}, .pads_after = {1}, .groups = 5}});
    // Few output channels (the expanded kernels): 4 (period 1), 3 (period 3), depth 1.
    c.push_back({p + "thin4",
                 op,
                 {3, 9, 20, 3},
                 {3, 3, 3, 4},
                 {.dilation = {1, 2}, .pads_before = {1}, .pads_after = {1}},
                 Act::tanh});
    c.push_back(
        {p + "thin3", op, {5, 7, 30, 2}, {2, 4, 2, 3}, {.strides = {2, 1}}, Act::relu, true});
    c.push_back({p + "thin_1d", op, {4, 50, 1}, {7, 1, 2}, {.pads_before = {6}}, Act::sigmoid});
    c.push_back({p + "wide", op, {1, 6, 5, 4}, {2, 2, 4, 100}, {}, Act::relu});
    c.push_back({p + "conv1d", op, {3, 40, 7}, {5, 7, 9}, {.strides = {3}, .pads_before = {4}}});
    c.push_back({p + "conv3d",
                 op,
                 {2, 5, 6, 5, 3},
                 {2, 3, 2, 3, 4},
                 {.strides = {1, 2, 1}, .pads_before = {0, 1, 1}, .pads_after = {1, 1, 0}}});
    c.push_back({p + "large",
                 op,
                 {16, 20, 20, 16},
                 {3, 3, 16, 32},
                 {.pads_before = {1}, .pads_after = {1}},
                 Act::relu,
                 true});
  }
  return c;
}

::testing::AssertionResult close_to(const Tensor& actual, const Tensor& expected, double rtol) {
  double scale = 0;
  for (double v : expected.to_vector<double>()) scale = std::max(scale, std::abs(v));
  return testing::all_close(actual, expected, rtol, rtol * scale);
}

// Compared on the host: a and b may live on a device.
::testing::AssertionResult same_bits(const Tensor& a, const Tensor& b) {
  Tensor ca = a.to(Device::cpu()).contiguous(), cb = b.to(Device::cpu()).contiguous();
  if (a.shape() == b.shape() &&
      std::memcmp(ca.raw_data(), cb.raw_data(), ca.numel() * dtype_size(ca.dtype())) == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << testing::all_close(a, b, 0.0, 0.0).message();
}

class OpConformanceConv : public ::testing::TestWithParam<Case> {};

TEST_P(OpConformanceConv, FastBackendsMatchRef) {
  const Case& c = GetParam();
  for (DType dtype : {DType::f32, DType::f64}) {
    const Inputs on_ref = make(c, dtype);
    const Tensor want = run(c, on_ref);
    for (Device device : testing::fast_backends()) {
      if (kernel_table(device.type).get(c.op, dtype) ==
          kernel_table(DeviceType::ref).get(c.op, dtype))
        GTEST_SKIP() << device << " runs the ref kernel for " << op_name(c.op) << " "
                     << dtype_name(dtype);
      Inputs moved;
      for (const Tensor& t : on_ref) moved.push_back(t.to(device));
      Tensor got;
      {
        ThreadsGuard threads(1);
        got = run(c, moved);
      }
      EXPECT_EQ(got.device(), device);
      EXPECT_TRUE(close_to(got.to(Device::ref()), want, dtype == DType::f32 ? 1e-5 : 1e-12))
          << c.name << " " << dtype_name(dtype) << " on " << device;
      if (c.threads) {
        ThreadsGuard threads(2);
        EXPECT_TRUE(same_bits(run(c, moved), got))
            << c.name << " " << dtype_name(dtype) << " on " << device << ": 1 vs 2 threads";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, OpConformanceConv, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace mz
