// Convolution ops: TF's padding rule, values by hand, gradients (float64 finite differences)
// of conv, conv_transpose, conv_grad_input and conv_grad_weight with strides, dilation, groups
// and padding in 1-D, 2-D and 3-D, adjointness, depthwise, and error messages.
#include "mz/ops/conv.h"

#include "mz/core/thread_pool.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::grad_ok;

// Reproducible values in [-1, 1) of `shape` in float64 on `device`.
Tensor rnd(const Shape& shape, uint64_t seed, Device device = Device::cpu()) {
  Generator gen(seed);
  return uniform(shape, -1.0, 1.0, {.dtype = DType::f64, .device = device}, gen);
}

// The geometries every gradient test runs, with x's spatial size for each.
struct Case {
  const char* name;
  Shape x;       // (batch, *spatial, in)
  Shape kernel;  // (*k, in / groups, out)
  ConvGeometry geometry;
};

std::vector<Case> cases() {
  return {
      {"1d_valid", {2, 5, 2}, {3, 2, 3}, {}},
      {"1d_stride_pad", {1, 7, 2}, {3, 2, 2}, {.strides = {2}, .pads_before = {1}, .pads_after = {2}}},
      {"1d_dilation_groups", {1, 7, 4}, {2, 2, 4}, {.dilation = {3}, .groups = 2}},
      {"2d_valid", {1, 4, 5, 2}, {3, 2, 2, 3}, {}},
      {"2d_same_stride", {1, 5, 4, 2}, {3, 3, 2, 2},
       {.strides = {2, 2}, .pads_before = {0, 1}, .pads_after = {1, 1}}},
      {"2d_dilation", {1, 5, 5, 1}, {2, 3, 1, 2}, {.dilation = {2, 1}, .pads_before = {1}}},
      {"2d_groups", {1, 3, 4, 4}, {2, 2, 2, 4}, {.groups = 2}},
      {"2d_depthwise", {1, 4, 4, 2}, {3, 3, 1, 4}, {.pads_before = {1}, .pads_after = {1}, .groups = 2}},
      {"3d", {1, 3, 4, 3, 2}, {2, 3, 2, 2, 2},
       {.strides = {1, 2, 1}, .pads_before = {1, 0, 1}, .pads_after = {0, 1, 0}}},
  };
}

// Larger cases for the comparison with ref only: 70 outputs (two column blocks of the cpu
// tiles), many input channels, long rows.
std::vector<Case> wide_cases() {
  return {
      {"2d_wide_out", {2, 4, 5, 3}, {2, 2, 3, 70}, {.strides = {1, 2}}},
      {"2d_deep_in", {2, 6, 7, 40}, {3, 3, 40, 9}, {.pads_before = {1}, .pads_after = {1}}},
      {"1d_long_rows", {3, 61, 5}, {4, 5, 18}, {.dilation = {2}, .pads_before = {3}}},
      {"3d_groups", {2, 4, 5, 6, 6}, {2, 2, 3, 2, 9}, {.strides = {2, 1, 2}, .groups = 3}},
  };
}

TEST(ConvGeometry, SamePaddingFollowsTensorFlow) {
  EXPECT_EQ(same_padding(5, 3, 1, 1), (std::pair<int64_t, int64_t>{1, 1}));
  EXPECT_EQ(same_padding(6, 3, 2, 1), (std::pair<int64_t, int64_t>{0, 1}));  // odd one after
  EXPECT_EQ(same_padding(5, 3, 2, 1), (std::pair<int64_t, int64_t>{1, 1}));
  EXPECT_EQ(same_padding(7, 3, 1, 2), (std::pair<int64_t, int64_t>{2, 2}));
  EXPECT_EQ(same_padding(4, 1, 3, 1), (std::pair<int64_t, int64_t>{0, 0}));
  EXPECT_EQ(same_padding(28, 4, 1, 1), (std::pair<int64_t, int64_t>{1, 2}));
  EXPECT_EQ(conv_output_size(28, 5, 1, 1, 0, 0), 24);
  EXPECT_EQ(conv_output_size(7, 3, 2, 1, 1, 1), 4);
  EXPECT_EQ(conv_output_size(3, 5, 1, 1, 0, 0), 0);
  for (int64_t in : {1, 5, 6, 28})
    for (int64_t k : {1, 2, 3, 5})
      for (int64_t s : {1, 2, 3}) {
        auto [b, a] = same_padding(in, k, s, 1);
        EXPECT_EQ(conv_output_size(in, k, s, 1, b, a), (in + s - 1) / s) << in << " " << k;
      }
}

TEST(Conv, MatchesHandValuesOnEveryBackend) {
  for (Device dev : {Device::ref(), Device::cpu()}) {
    // 1-D: x = [1, 2, 3, 4], kernel [1, -1] (taps), 2 output channels [1, -1] and [0.5, 0.5].
    Tensor x =
        tensor(std::vector<float>{1, 2, 3, 4}, {1, 4, 1}, {.dtype = DType::f32, .device = dev});
    Tensor k = tensor(std::vector<float>{1, 0.5f, -1, 0.5f}, {2, 1, 2},
                      {.dtype = DType::f32, .device = dev});
    EXPECT_EQ(conv(x, k).to_vector<float>(), (std::vector<float>{-1, 1.5f, -1, 2.5f, -1, 3.5f}))
        << dev;
    Tensor b = tensor(std::vector<float>{0.5f, -3}, {2}, {.dtype = DType::f32, .device = dev});
    EXPECT_EQ(conv(x, k, {}, b, Act::relu).to_vector<float>(),
              (std::vector<float>{0, 0, 0, 0, 0, 0.5f}));
    // "same" with stride 2 on length 4: pads (0, 1); outputs at 0 and 2.
    EXPECT_EQ(conv(x, k, {.strides = {2}, .pads_after = {1}}).to_vector<float>(),
              (std::vector<float>{-1, 1.5f, -1, 3.5f}));
    // Zero padding before: the first output sees 0 and 1.
    EXPECT_EQ(conv(x, k, {.pads_before = {1}}).to_vector<float>(),
              (std::vector<float>{-1, 0.5f, -1, 1.5f, -1, 2.5f, -1, 3.5f}));
    // 2-D, dilation 2: a 5x5 ramp, kernel ones (2x2) reads corners of 3x3 windows.
    std::vector<float> ramp(25);
    for (int i = 0; i < 25; ++i) ramp[i] = static_cast<float>(i);
    Tensor img = tensor(ramp, {1, 5, 5, 1}, {.dtype = DType::f32, .device = dev});
    Tensor ones4 = ones({2, 2, 1, 1}, {.dtype = DType::f32, .device = dev});
    Tensor y = conv(img, ones4, {.dilation = {2}});
    EXPECT_EQ(y.shape(), (Shape{1, 3, 3, 1}));
    // window at (0, 0): 0 + 2 + 10 + 12.
    EXPECT_EQ(y.to_vector<float>()[0], 24.0f);
    EXPECT_EQ(y.to_vector<float>()[8], 12 + 14 + 22 + 24.0f);
  }
}

TEST(Conv, BackendsAgreeOnEveryCase) {
  std::vector<Case> all = cases();
  for (const Case& c : wide_cases()) all.push_back(c);
  for (const Case& c : all) {
    Tensor x = rnd(c.x, 1), k = rnd(c.kernel, 2), b = rnd({c.kernel.back()}, 3);
    for (Act act : {Act::linear, Act::relu, Act::tanh, Act::sigmoid}) {
      Tensor on_cpu = conv(x, k, c.geometry, b, act);
      Tensor on_ref =
          conv(x.to(Device::ref()), k.to(Device::ref()), c.geometry, b.to(Device::ref()), act);
      EXPECT_TRUE(all_close(on_cpu, on_ref, 1e-12, 1e-13)) << c.name;
    }
    Tensor dy = rnd(conv(x, k, c.geometry).shape(), 4);
    EXPECT_TRUE(all_close(conv_grad_input(dy, k, x.shape(), c.geometry),
                          conv_grad_input(dy.to(Device::ref()), k.to(Device::ref()), x.shape(),
                                          c.geometry),
                          1e-12, 1e-13))
        << c.name;
    EXPECT_TRUE(all_close(conv_grad_weight(x, dy, k.shape(), c.geometry),
                          conv_grad_weight(x.to(Device::ref()), dy.to(Device::ref()), k.shape(),
                                           c.geometry),
                          1e-12, 1e-13))
        << c.name;
  }
}

TEST(Conv, MatchesFiniteDifferences) {
  // Every case on cpu; two on ref (whose kernels the cpu ones are compared with above).
  std::vector<std::pair<Case, Device>> runs;
  for (const Case& c : cases()) runs.push_back({c, Device::cpu()});
  runs.push_back({cases()[1], Device::ref()});
  runs.push_back({cases()[4], Device::ref()});
  for (const auto& [c, dev] : runs) {
    {
      Tensor x = rnd(c.x, 4, dev), k = rnd(c.kernel, 5, dev), b = rnd({c.kernel.back()}, 6, dev);
      const ConvGeometry g = c.geometry;
      EXPECT_TRUE(grad_ok(
          [g](const std::vector<Tensor>& in) { return conv(in[0], in[1], g, in[2]); }, {x, k, b}))
          << c.name << " on " << dev;
    }
  }
  // The fused activations' gradients go through act_grad.
  Tensor x = rnd({2, 5, 3}, 7), k = rnd({2, 3, 4}, 8), b = rnd({4}, 9);
  for (Act act : {Act::tanh, Act::sigmoid})
    EXPECT_TRUE(grad_ok(
        [act](const std::vector<Tensor>& in) {
          return conv(in[0], in[1], {.pads_before = {1}}, in[2], act);
        },
        {x, k, b}));
}

TEST(ConvTranspose, MatchesFiniteDifferencesAndShapes) {
  // x (1, 4, 3, 2), kernel (3, 3, out 5, in 2): out = (size - 1) * s + k - pads + output_padding.
  Tensor x = rnd({1, 4, 3, 2}, 10), k = rnd({3, 3, 5, 2}, 11);
  EXPECT_EQ(conv_transpose(x, k).shape(), (Shape{1, 6, 5, 5}));
  EXPECT_EQ(conv_transpose(x, k, {.strides = {2}}).shape(), (Shape{1, 9, 7, 5}));
  EXPECT_EQ(conv_transpose(x, k, {.strides = {2}, .pads_before = {1}}, {1}).shape(),
            (Shape{1, 9, 7, 5}));
  EXPECT_EQ(
      conv_transpose(x, k, {.dilation = {2, 1}, .pads_before = {1}, .pads_after = {0}}).shape(),
      (Shape{1, 7, 4, 5}));
  const std::vector<std::pair<ConvGeometry, std::vector<int64_t>>> geometries = {
      {{}, {}},
      {{.strides = {2}}, {1}},
      {{.strides = {2, 3}, .pads_before = {1, 0}, .pads_after = {0, 1}}, {0, 2}},
      {{.dilation = {2}, .pads_before = {1}}, {}},
  };
  Tensor xs = rnd({1, 3, 2, 2}, 12), ks = rnd({2, 3, 3, 2}, 13);
  for (const auto& [g, op] : geometries) {
    EXPECT_TRUE(grad_ok(
        [g, op](const std::vector<Tensor>& in) { return conv_transpose(in[0], in[1], g, op); },
        {xs, ks}));
  }
  EXPECT_TRUE(grad_ok(
      [&](const std::vector<Tensor>& in) {
        return conv_transpose(in[0], in[1], geometries[2].first, geometries[2].second);
      },
      {xs.to(Device::ref()), ks.to(Device::ref())}));
  // Groups: kernel (k, out / groups, in).
  Tensor xg = rnd({1, 4, 4}, 14), kg = rnd({3, 3, 4}, 15);
  EXPECT_EQ(conv_transpose(xg, kg, {.strides = {2}, .groups = 2}).shape(), (Shape{1, 9, 6}));
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& in) {
        return conv_transpose(in[0], in[1], {.strides = {2}, .groups = 2});
      },
      {xg, kg}));
}

TEST(ConvTranspose, IsTheAdjointOfConv) {
  // <conv(x, k), y> == <x, conv_transpose(y, k)> for the same geometry.
  for (const Case& c : cases()) {
    Tensor x = rnd(c.x, 14), k = rnd(c.kernel, 15);
    Tensor cx = conv(x, k, c.geometry);
    Tensor y = rnd(cx.shape(), 16);
    Tensor xt = conv_grad_input(y, k, x.shape(), c.geometry);
    EXPECT_NEAR(sum(cx * y).item(), sum(x * xt).item(), 1e-11) << c.name;
    Tensor wt = conv_grad_weight(x, y, k.shape(), c.geometry);
    EXPECT_NEAR(sum(cx * y).item(), sum(k * wt).item(), 1e-11) << c.name;
  }
}

TEST(ConvGradients, AreDifferentiableAgain) {
  for (const Case& c : cases()) {
    if (c.x.numel() > 40) continue;  // keep the Jacobians small
    Tensor x = rnd(c.x, 17), k = rnd(c.kernel, 18);
    const Shape y_shape = conv(x, k, c.geometry).shape();
    Tensor dy = rnd(y_shape, 19);
    const ConvGeometry g = c.geometry;
    const Shape xs = c.x, ks = c.kernel;
    EXPECT_TRUE(grad_ok(
        [g, xs](const std::vector<Tensor>& in) { return conv_grad_input(in[0], in[1], xs, g); },
        {dy, k}))
        << c.name;
    EXPECT_TRUE(grad_ok(
        [g, ks](const std::vector<Tensor>& in) { return conv_grad_weight(in[0], in[1], ks, g); },
        {x, dy}))
        << c.name;
  }
  // Second derivative through conv's own backward: d/dx of sum(grad_k(sum(conv^2))).
  Tensor x = rnd({1, 5, 2}, 20), k = rnd({2, 2, 3}, 21);
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& in) {
        Tensor y = conv(in[0], in[1], {.strides = {2}});
        return conv_grad_weight(in[0], y, in[1].shape(), {.strides = {2}});
      },
      {x, k}));
}

TEST(DepthwiseConv, ConvolvesEachChannelWithItsOwnFilters) {
  Tensor x = rnd({2, 6, 5, 3}, 22), k = rnd({3, 2, 3, 2}, 23);
  Tensor y = depthwise_conv(x, k, {.pads_before = {1, 0}, .pads_after = {1, 1}});
  EXPECT_EQ(y.shape(), (Shape{2, 6, 5, 6}));
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t m = 0; m < 2; ++m) {
      Tensor xc = x.slice(3, c, c + 1), kc = k.slice(2, c, c + 1).slice(3, m, m + 1);
      Tensor want = conv(xc, kc, {.pads_before = {1, 0}, .pads_after = {1, 1}});
      EXPECT_TRUE(all_close(y.slice(3, c * 2 + m, c * 2 + m + 1), want, 1e-12, 1e-14));
    }
  EXPECT_TRUE(grad_ok(
      [](const std::vector<Tensor>& in) { return depthwise_conv(in[0], in[1], {.strides = {2}}); },
      {rnd({1, 5, 4, 2}, 24), rnd({2, 2, 2, 2}, 25)}));
}

TEST(Conv, IsBitwiseTheSameOnOneAndTwoThreads) {
  Generator gen(26);
  Tensor x = uniform({8, 20, 20, 6}, -1, 1, {}, gen), k = uniform({5, 5, 6, 16}, -1, 1, {}, gen);
  Tensor dy = uniform({8, 16, 16, 16}, -1, 1, {}, gen);
  Tensor y1, y2, gx1, gx2, gw1, gw2;
  {
    ThreadsGuard t(1);
    y1 = conv(x, k), gx1 = conv_grad_input(dy, k, x.shape()),
    gw1 = conv_grad_weight(x, dy, k.shape());
  }
  {
    ThreadsGuard t(2);
    y2 = conv(x, k), gx2 = conv_grad_input(dy, k, x.shape()),
    gw2 = conv_grad_weight(x, dy, k.shape());
  }
  EXPECT_TRUE(testing::all_equal(y1, y2));
  EXPECT_TRUE(testing::all_equal(gx1, gx2));
  EXPECT_TRUE(testing::all_equal(gw1, gw2));
}

TEST(Conv, RejectsBadShapesWithClearMessages) {
  Tensor x = zeros({2, 28, 28, 1}), k = zeros({5, 5, 1, 6});
  MZ_EXPECT_THROW_MSG(conv(zeros({28, 28}), k), ShapeError,
                      "conv: x must be (batch, spatial..., channels) with 1 to 3 spatial axes: "
                      "expected rank 3, 4 or 5, got (28, 28).");
  MZ_EXPECT_THROW_MSG(conv(x, zeros({5, 5, 6})), ShapeError,
                      "conv: the kernel must be (*kernel_size, in_channels / groups, "
                      "out_channels) with x's rank: expected rank 4 for x (2, 28, 28, 1), got "
                      "kernel (5, 5, 6).");
  MZ_EXPECT_THROW_MSG(conv(x, zeros({5, 5, 3, 6})), ShapeError,
                      "conv: the kernel does not match x's channels: expected kernel (..., 1, "
                      "out) for x (2, 28, 28, 1) in 1 group, got kernel (5, 5, 3, 6).");
  MZ_EXPECT_THROW_MSG(conv(zeros({1, 4, 4, 4}), zeros({1, 1, 2, 3}), {.groups = 2}), ShapeError,
                      "conv: groups must divide the output channels: expected a multiple of 2, "
                      "got kernel (1, 1, 2, 3) with 3.");
  MZ_EXPECT_THROW_MSG(conv(zeros({1, 3, 3, 1}), k), ShapeError,
                      "conv: the kernel window is larger than the padded input on spatial axis 0: "
                      "expected (kernel - 1) * dilation + 1 <= padded size, got 5 > 3 (x (1, 3, "
                      "3, 1), kernel (5, 5, 1, 6)).");
  MZ_EXPECT_THROW_MSG(conv(x, k, {.strides = {0}}), ValueError,
                      "conv: strides must be positive: expected values >= 1, got (0,).");
  MZ_EXPECT_THROW_MSG(conv(x, k, {.strides = {1, 2, 3}}), ValueError,
                      "conv: strides needs one value per spatial axis: expected 1 or 2 values, "
                      "got (1, 2, 3).");
  MZ_EXPECT_THROW_MSG(conv(x, k, {}, zeros({5})), ShapeError,
                      "conv: the bias must have one value per output channel: expected (6,), got "
                      "(5,).");
  MZ_EXPECT_THROW_MSG(
      conv_transpose(zeros({1, 4, 4, 2}), zeros({3, 3, 5, 2}), {.strides = {2}}, {2}), ValueError,
      "conv_transpose: output_padding must be smaller than strides: expected "
      "values < (2, 2), got (2, 2).");
  MZ_EXPECT_THROW_MSG(conv_grad_input(zeros({2, 20, 20, 6}), k, x.shape()), ShapeError,
                      "conv_grad_input: dy must have the conv's output shape: expected (2, 24, "
                      "24, 6), got (2, 20, 20, 6).");
}

}  // namespace
}  // namespace mz
