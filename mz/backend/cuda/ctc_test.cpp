// The cuda ctc_loss kernel against ref: losses and gradients in f32 and f64 (repeated labels,
// an empty label, logit lengths shorter than the steps, more states than a block has threads),
// the same bits on every run, and a float64 gradient check on the device. Skips without one.
#include "mz/ops/ctc.h"

#include <gtest/gtest.h>

#include <vector>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;

bool have_cuda() { return detail::backend_available(DeviceType::cuda); }

Tensor i64(std::vector<int64_t> v, Shape s, Device device) {
  return tensor(v, s, {.dtype = DType::i64, .device = device});
}

struct CtcCase {
  Shape logits;  // (batch, steps, classes)
  std::vector<int64_t> labels;
  int64_t width;
  std::vector<int64_t> label_len, logit_len;
  int64_t blank;
};

// Three samples: a repeated label, an empty label on a short sequence, a full-width label.
CtcCase small_case() {
  return {{3, 12, 6}, {1, 1, 2, 5, 0, 0, 0, 0, 3, 4, 3, 2}, 4, {4, 0, 4}, {12, 5, 9}, 0};
}

// 150 labels: 301 states, more than one block's threads.
CtcCase long_case() {
  CtcCase c{{2, 320, 5}, {}, 150, {150, 120}, {320, 300}, 4};
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t i = 0; i < 150; ++i) c.labels.push_back((i * 7 + b) % 4);
  return c;
}

struct CtcResult {
  Tensor loss, grad;
};

// The losses and d sum(loss * weights) / d logits on `device`.
CtcResult run_ctc(const CtcCase& c, Device device, DType dtype) {
  Generator gen(17);
  const TensorOptions on{.dtype = dtype, .device = device};
  Tensor logits = uniform(c.logits, -2.0, 2.0, on, gen).set_requires_grad();
  const int64_t batch = c.logits[0];
  Tensor loss =
      ctc_loss(i64(c.labels, {batch, c.width}, device), logits, i64(c.label_len, {batch}, device),
               i64(c.logit_len, {batch}, device), c.blank);
  Tensor weights = uniform({batch}, 0.5, 1.5, on, gen);
  sum(loss * weights).backward();
  return {loss.detach(), logits.grad()};
}

void expect_matches_ref(const CtcCase& c, DType dtype, double rtol, double atol) {
  CtcResult want = run_ctc(c, Device::ref(), dtype);
  CtcResult got = run_ctc(c, Device::cuda(), dtype);
  EXPECT_EQ(got.loss.device(), Device::cuda());
  EXPECT_TRUE(all_close(got.loss.to(Device::cpu()), want.loss, rtol, atol)) << "loss";
  EXPECT_TRUE(all_close(got.grad.to(Device::cpu()), want.grad, rtol, atol)) << "grad";
}

TEST(CudaCtc, Float32MatchesRef) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  expect_matches_ref(small_case(), DType::f32, 1e-5, 1e-6);
  expect_matches_ref(long_case(), DType::f32, 1e-5, 1e-5);
}

TEST(CudaCtc, Float64MatchesRef) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  expect_matches_ref(small_case(), DType::f64, 1e-12, 1e-13);
  expect_matches_ref(long_case(), DType::f64, 1e-10, 1e-12);
}

TEST(CudaCtc, GivesTheSameBitsEveryRun) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  CtcResult a = run_ctc(long_case(), Device::cuda(), DType::f32);
  CtcResult b = run_ctc(long_case(), Device::cuda(), DType::f32);
  EXPECT_TRUE(testing::all_equal(a.loss.to(Device::cpu()), b.loss.to(Device::cpu())));
  EXPECT_TRUE(testing::all_equal(a.grad.to(Device::cpu()), b.grad.to(Device::cpu())));
}

TEST(CudaCtc, GradcheckOnTheDevice) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  const Device cuda = Device::cuda();
  Generator gen(5);
  Tensor logits = uniform({2, 5, 4}, -1.0, 1.0, {.dtype = DType::f64, .device = cuda}, gen);
  Tensor labels = i64({1, 1, 2, 3, 0, 0}, {2, 3}, cuda);
  Tensor label_len = i64({3, 1}, {2}, cuda), logit_len = i64({5, 4}, {2}, cuda);
  auto fn = [&](const std::vector<Tensor>& in) {
    return ctc_loss(labels, in[0], label_len, logit_len);
  };
  EXPECT_TRUE(testing::grad_ok(fn, {logits}));
}

}  // namespace
}  // namespace mz
