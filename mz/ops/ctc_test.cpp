// ctc_loss and ctc_decode: values worked out by hand, Keras 3's own test values, a float64
// gradient check, cpu against ref, and the error messages.
#include "mz/ops/ctc.h"

#include <cmath>
#include <limits>
#include <vector>

#include "mz/core/thread_pool.h"
#include "mz/ops/ctc_decode.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::all_equal;
using testing::grad_ok;

Tensor f64(std::vector<double> v, Shape s) { return tensor(v, s); }
Tensor i64(std::vector<int64_t> v, Shape s) { return tensor(v, s); }

// Logits whose log_softmax is log(p) at every step: p = (0.6 blank, 0.4 "a").
Tensor two_class_logits(int64_t steps) {
  std::vector<double> v;
  for (int64_t t = 0; t < steps; ++t) {
    v.push_back(std::log(0.6));
    v.push_back(std::log(0.4));
  }
  return f64(v, {1, steps, 2});
}

TEST(CtcLoss, SumsEveryAlignmentOfTheLabel) {
  // "a" in 2 steps: aa, a_, _a = 0.16 + 0.24 + 0.24 = 0.64.
  Tensor x = two_class_logits(2);
  Tensor loss = ctc_loss(i64({1}, {1, 1}), x, i64({1}, {1}), i64({2}, {1}));
  EXPECT_NEAR(loss.item(), -std::log(0.64), 1e-12);
  // "aa" in 3 steps: only a_a = 0.4 * 0.6 * 0.4; the empty label: only __ = 0.36.
  loss = ctc_loss(i64({1, 1}, {1, 2}), two_class_logits(3), i64({2}, {1}), i64({3}, {1}));
  EXPECT_NEAR(loss.item(), -std::log(0.096), 1e-12);
  loss = ctc_loss(i64({1}, {1, 1}), x, i64({0}, {1}), i64({2}, {1}));
  EXPECT_NEAR(loss.item(), -std::log(0.36), 1e-12);
}

TEST(CtcLoss, GradientIsSoftmaxMinusOccupancy) {
  // "a" in 2 steps: at each step "a" is emitted by aa and one of a_/_a: 0.40 / 0.64 = 0.625, so
  // the gradient is (0.6 - 0.375, 0.4 - 0.625) at both steps.
  Tensor x = two_class_logits(2).set_requires_grad();
  sum(ctc_loss(i64({1}, {1, 1}), x, i64({1}, {1}), i64({2}, {1}))).backward();
  EXPECT_TRUE(all_close(x.grad(), f64({0.225, -0.225, 0.225, -0.225}, {1, 2, 2}), 1e-12, 1e-12));
  // "aa" in 3 steps: the one path a_a occupies each step fully.
  Tensor y = two_class_logits(3).set_requires_grad();
  sum(ctc_loss(i64({1, 1}, {1, 2}), y, i64({2}, {1}), i64({3}, {1})) * 2.0).backward();
  EXPECT_TRUE(all_close(y.grad(), f64({1.2, -1.2, -0.8, 0.8, 1.2, -1.2}, {1, 3, 2}), 1e-12, 1e-12));
}

TEST(CtcLoss, MatchesKerasValues) {
  // keras/src/ops/nn_test.py, test_ctc_loss.
  Tensor logits = f64({0.4, 0.8, 0.4, 0.2, 0.8, 0.3, 0.9, 0.4, 0.5,  //
                       0.4, 0.8, 0.4, 0.2, 0.3, 0.3, 0.4, 0.3, 0.2},
                      {2, 3, 3});
  Tensor loss =
      ctc_loss(i64({1, 2, 1, 1, 2, 2}, {2, 3}), logits, i64({3, 2}, {2}), i64({3, 2}, {2}));
  EXPECT_TRUE(all_close(loss, f64({3.4411672, 1.91680186}, {2}), 1e-7));
  // float32 in, float32 out, same values.
  Tensor loss32 =
      ctc_loss(i64({1, 2, 1, 1, 2, 2}, {2, 3}), logits.to(DType::f32),
               tensor(std::vector<int32_t>{3, 2}, {2}), tensor(std::vector<int32_t>{3, 2}, {2}));
  EXPECT_EQ(loss32.dtype(), DType::f32);
  EXPECT_TRUE(all_close(loss32, f64({3.4411672, 1.91680186}, {2}), 1e-6));
}

TEST(CtcLoss, MatchesFiniteDifferences) {
  // Batch 2, 5 steps, 4 classes; labels [1 2] and [3 3 1] (a repeat); the second sample's
  // logit length is 4, so its last step must get no gradient.
  Generator gen(7);
  Tensor x = normal({2, 5, 4}, 0.0, 1.0, {.dtype = DType::f64}, gen);
  Tensor labels = i64({1, 2, 0, 3, 3, 1}, {2, 3});
  Tensor label_len = i64({2, 3}, {2}), logit_len = i64({5, 4}, {2});
  auto fn = [&](const std::vector<Tensor>& in) {
    return ctc_loss(labels, in[0], label_len, logit_len);
  };
  EXPECT_TRUE(grad_ok(fn, {x}));
  Tensor leaf = x.clone().set_requires_grad();
  sum(fn({leaf})).backward();
  EXPECT_TRUE(all_close(leaf.grad().slice(0, 1, 2).slice(1, 4, 5),
                        zeros({1, 1, 4}, {.dtype = DType::f64}), 0.0));
  // Occupancies sum to 1 per step, as do softmaxes: each step's gradient sums to 0.
  EXPECT_TRUE(all_close(sum(leaf.grad(), {2}), zeros({2, 5}, {.dtype = DType::f64}), 0, 1e-12));
}

TEST(CtcLoss, CpuKernelMatchesRefBitForBit) {
  // The kernel alone on the same log-probabilities: samples are independent, so the cpu
  // kernel's batch slices (any thread count) must give ref's bits.
  Generator gen(11);
  Tensor x = normal({9, 12, 6}, 0.0, 1.0, {.dtype = DType::f32, .device = Device::ref()}, gen);
  Tensor lp = log_softmax(x * 3.0, -1);
  std::vector<int64_t> lab(9 * 4), lab_len(9), log_len(9);
  for (int64_t b = 0; b < 9; ++b) {
    for (int64_t i = 0; i < 4; ++i) lab[b * 4 + i] = 1 + (b * 3 + i * (b % 2 ? 0 : 2)) % 5;
    lab_len[b] = b % 5;
    log_len[b] = 12 - b;
  }
  auto run = [&](Device dev) {
    const TensorOptions i64_on{.dtype = DType::i64, .device = dev};
    Tensor loss = zeros({9}, {.device = dev}), grad = zeros({9, 12, 6}, {.device = dev});
    OpAttrs attrs;  // count = 0: the blank
    detail::dispatch(Op::ctc_loss,
                     {lp.to(dev), tensor(lab, {9, 4}, i64_on), tensor(lab_len, {9}, i64_on),
                      tensor(log_len, {9}, i64_on)},
                     {loss, grad}, attrs);
    return std::pair{loss, grad};
  };
  auto [ref_loss, ref_grad] = run(Device::ref());
  for (int threads : {1, 3}) {
    ThreadsGuard guard(threads);
    auto [cpu_loss, cpu_grad] = run(Device::cpu());
    EXPECT_TRUE(all_equal(cpu_loss, ref_loss));
    EXPECT_TRUE(all_equal(cpu_grad, ref_grad));
  }
  // The whole op on cpu (its log_softmax and autograd ops are the cpu ones) agrees closely.
  Tensor ref_x = x.clone().set_requires_grad(), cpu_x = x.to(Device::cpu()).set_requires_grad();
  Tensor labels = i64(lab, {9, 4}), ll = i64(lab_len, {9}), tl = i64(log_len, {9});
  Tensor ref_loss_op = ctc_loss(labels, ref_x, ll, tl),
         cpu_loss_op = ctc_loss(labels, cpu_x, ll, tl);
  sum(ref_loss_op).backward();
  sum(cpu_loss_op).backward();
  EXPECT_EQ(cpu_loss_op.device(), Device::cpu());
  EXPECT_TRUE(all_close(cpu_loss_op, ref_loss_op, 1e-6));
  EXPECT_TRUE(all_close(cpu_x.grad(), ref_x.grad(), 1e-5, 1e-6));
}

TEST(CtcLoss, RejectsLabelsThatDoNotFit) {
  Tensor x = zeros({2, 3, 4});
  Tensor lengths = i64({3, 3}, {2});
  // Sample 1's label has 4 labels but only 3 steps.
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 2, 3, 0, 1, 2, 3, 1}, {2, 4}), x, i64({3, 4}, {2}), lengths),
                      ValueError,
                      "ctc_loss: label of sample 1 is longer than its input sequence: expected "
                      "at most 3 labels (logit length), got 4.");
  // 3 labels fit 3 steps, but [2 2 1] needs a blank between the 2s.
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 2, 3, 2, 2, 1}, {2, 3}), x, i64({3, 3}, {2}), lengths),
                      ValueError,
                      "ctc_loss: label of sample 1 needs more steps than its input sequence has: "
                      "expected at most 3 steps (logit length), got 4 (label length 3 + 1 "
                      "repeat).");
  // A shorter logit length counts, not the tensor's steps.
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 2, 1, 2}, {2, 2}), x, i64({2, 2}, {2}), i64({3, 1}, {2})),
                      ValueError, "label of sample 1 is longer than its input sequence");
}

TEST(CtcLoss, RejectsBadLabelsAndLengths) {
  Tensor x = zeros({2, 3, 4});
  Tensor two = i64({2, 2}, {2}), three = i64({3, 3}, {2});
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 2, 1, 0}, {2, 2}), x, two, three), ValueError,
                      "ctc_loss: label of sample 1 at position 1 equals the blank index: "
                      "expected labels other than 0, got 0.");
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 2, 1, 3}, {2, 2}), x, two, three, 3), ValueError,
                      "equals the blank index: expected labels other than 3, got 3.");
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 4, 1, 2}, {2, 2}), x, two, three), ValueError,
                      "ctc_loss: label 4 of sample 0 at position 1 is out of range: expected 0 "
                      "to 3 (classes 4), got 4.");
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 2, 1, 2}, {2, 2}), x, i64({2, 3}, {2}), three), ValueError,
                      "ctc_loss: label_lengths[1] is out of range: expected 0 to 2 (labels' "
                      "width), got 3.");
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 2, 1, 2}, {2, 2}), x, two, i64({3, -1}, {2})), ValueError,
                      "ctc_loss: logit_lengths[1] is out of range: expected 0 to 3 (logits' "
                      "steps), got -1.");
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 2, 1, 2}, {2, 2}), x, two, three, 4), ValueError,
                      "ctc_loss: blank index is out of range: expected 0 to 3 (classes 4), got 4.");
}

TEST(CtcLoss, RejectsWrongRanksAndDtypes) {
  Tensor labels = i64({1, 2, 1, 2}, {2, 2}), two = i64({2, 2}, {2}), three = i64({3, 3}, {2});
  MZ_EXPECT_THROW_MSG(ctc_loss(labels, zeros({2, 3}), two, three), ShapeError,
                      "ctc_loss: logits must be (batch, steps, classes): expected rank 3, got "
                      "shape (2, 3).");
  MZ_EXPECT_THROW_MSG(ctc_loss(i64({1, 2}, {2}), zeros({2, 3, 4}), two, three), ShapeError,
                      "ctc_loss: labels must be (batch, max_label_length): expected rank 2, got "
                      "shape (2,).");
  MZ_EXPECT_THROW_MSG(ctc_loss(labels, zeros({2, 3, 4}), two, three.reshape({2, 1})), ShapeError,
                      "ctc_loss: logit_lengths must be (batch,): expected rank 1, got shape "
                      "(2, 1).");
  MZ_EXPECT_THROW_MSG(ctc_loss(labels, zeros({3, 3, 4}), two, three), ShapeError,
                      "ctc_loss: labels (2, 2) and logits (3, 3, 4) differ in batch size: "
                      "expected 3, got 2.");
  MZ_EXPECT_THROW_MSG(ctc_loss(labels, zeros({2, 3, 4}), i64({2}, {1}), three), ShapeError,
                      "ctc_loss: label_lengths must have one length per sample: expected shape "
                      "(2,), got (1,).");
  MZ_EXPECT_THROW_MSG(ctc_loss(labels.to(DType::f32), zeros({2, 3, 4}), two, three), ValueError,
                      "ctc_loss: labels must hold integers: expected int32 or int64, got "
                      "float32.");
}

// keras/src/ops/nn_test.py, test_ctc_decode: 3 samples, 3 steps, 4 classes, lengths 3, 3, 1.
Tensor keras_decode_inputs() {
  return f64({0.1, 0.4, 0.2, 0.4, 0.3, -0.3, 0.4,  0.2, 0.3, 0.2,  0.4, 0.3,  //
              0.7, 0.4, 0.3, 0.2, 0.3, 0.3,  0.4,  0.1, 0.6, -0.1, 0.1, 0.5,  //
              0.1, 0.4, 0.2, 0.7, 0.3, 0.3,  -0.2, 0.7, 0.3, 0.2,  0.4, 0.1},
             {3, 3, 4});
}

TEST(CtcDecode, GreedyMatchesKeras) {
  Tensor lengths = i64({3, 3, 1}, {3});
  CtcDecoded d = ctc_decode(keras_decode_inputs(), lengths);
  EXPECT_EQ(d.decoded.dtype(), DType::i64);
  EXPECT_TRUE(all_equal(d.decoded, i64({1, 2, -1, 2, -1, -1, 3, -1, -1}, {1, 3, 3})));
  // Scores are minus the sum of the largest raw logits, as Keras's (not log-probabilities).
  EXPECT_TRUE(all_close(d.scores, f64({-1.2, -1.7, -0.7}, {3, 1}), 1e-12));
  d = ctc_decode(keras_decode_inputs(), lengths, {.merge_repeated = false});
  EXPECT_TRUE(all_equal(d.decoded, i64({1, 2, 2, 2, -1, -1, 3, -1, -1}, {1, 3, 3})));
  EXPECT_TRUE(all_close(d.scores, f64({-1.2, -1.7, -0.7}, {3, 1}), 1e-12));
}

TEST(CtcDecode, GreedyMergesOnlyNeighbours) {
  // Per-step argmax 1 1 0 1 2 2 (blank 0): merged "1 1" -> 1, the blank splits the next 1.
  std::vector<int64_t> best = {1, 1, 0, 1, 2, 2};
  std::vector<double> v(6 * 3, 0.0);
  for (int t = 0; t < 6; ++t) v[t * 3 + best[t]] = 1.0;
  CtcDecoded d = ctc_decode(f64(v, {1, 6, 3}), i64({6}, {1}));
  EXPECT_TRUE(all_equal(d.decoded, i64({1, 1, 2, -1, -1, -1}, {1, 1, 6})));
  // Class 2 as the blank: 1 0 1 remain (0 is a label now).
  d = ctc_decode(f64(v, {1, 6, 3}), i64({6}, {1}), {.mask_index = 2});
  EXPECT_TRUE(all_equal(d.decoded, i64({1, 0, 1, -1, -1, -1}, {1, 1, 6})));
  // Steps past the length are blanks.
  d = ctc_decode(f64(v, {1, 6, 3}), i64({2}, {1}));
  EXPECT_TRUE(all_equal(d.decoded, i64({1, -1, -1, -1, -1, -1}, {1, 1, 6})));
  EXPECT_NEAR(d.scores.item(), -2.0, 1e-12);
}

TEST(CtcDecode, BeamSearchMatchesKeras) {
  CtcDecoded d = ctc_decode(keras_decode_inputs(), i64({3, 3, 1}, {3}),
                            {.strategy = "beam_search", .beam_width = 4, .top_paths = 2});
  EXPECT_TRUE(all_equal(d.decoded, i64({1, 2, -1, 2, -1, -1, 3, -1, -1,  //
                                        2, -1, -1, 3, -1, -1, 1, -1, -1},
                                       {2, 3, 3})));
  EXPECT_TRUE(all_close(
      d.scores, f64({-2.426537, -2.435596, -2.127681, -2.182338, -1.063386, -1.363386}, {3, 2}),
      1e-6));
}

TEST(CtcDecode, BeamSearchFindsTheLabelGreedyMisses) {
  // p = (0.6 blank, 0.4 "a") for 2 steps: the best path is "__" (0.36), but "a" has three
  // paths (aa, a_, _a) worth 0.64 together.
  Tensor x = two_class_logits(2);
  CtcDecoded g = ctc_decode(x, i64({2}, {1}));
  EXPECT_TRUE(all_equal(g.decoded, i64({-1, -1}, {1, 1, 2})));
  EXPECT_NEAR(g.scores.item(), -2.0 * std::log(0.6), 1e-12);
  CtcDecoded b = ctc_decode(x, i64({2}, {1}), {.strategy = "beam_search", .top_paths = 2});
  EXPECT_TRUE(all_equal(b.decoded, i64({1, -1, -1, -1}, {2, 1, 2})));
  EXPECT_TRUE(all_close(b.scores, f64({std::log(0.64), std::log(0.36)}, {1, 2}), 1e-12));
}

TEST(CtcDecode, BeamSearchKeepsRepeatsSplitByBlanks) {
  // 3 steps, p(blank) = 0.6: "aa" is only a_a (0.096), "a" collects 6 paths (0.688), "" 0.216.
  CtcDecoded b = ctc_decode(two_class_logits(3), i64({3}, {1}),
                            {.strategy = "beam_search", .beam_width = 10, .top_paths = 3});
  EXPECT_TRUE(all_equal(b.decoded, i64({1, -1, -1, -1, -1, -1, 1, 1, -1}, {3, 1, 3})));
  EXPECT_TRUE(
      all_close(b.scores, f64({std::log(0.688), std::log(0.216), std::log(0.096)}, {1, 3}), 1e-12));
}

TEST(CtcDecode, EmptySequencesAndMissingPaths) {
  // Length 0: the empty sequence with probability 1; no second path exists (-inf).
  CtcDecoded b =
      ctc_decode(two_class_logits(2), i64({0}, {1}), {.strategy = "beam_search", .top_paths = 2});
  EXPECT_TRUE(all_equal(b.decoded, i64({-1, -1, -1, -1}, {2, 1, 2})));
  std::vector<double> s = b.scores.to_vector<double>();
  EXPECT_EQ(s[0], 0.0);
  EXPECT_EQ(s[1], -std::numeric_limits<double>::infinity());
  CtcDecoded g = ctc_decode(two_class_logits(2).to(DType::f32), i64({0}, {1}));
  EXPECT_EQ(g.scores.dtype(), DType::f32);
  EXPECT_EQ(g.scores.item(), 0.0);
}

TEST(CtcDecode, RejectsBadArguments) {
  Tensor x = zeros({2, 3, 4}), lengths = i64({3, 3}, {2});
  MZ_EXPECT_THROW_MSG(ctc_decode(x, lengths, {.strategy = "best"}), ValueError,
                      "ctc_decode: unknown strategy: expected \"greedy\" or \"beam_search\", got "
                      "\"best\".");
  MZ_EXPECT_THROW_MSG(
      ctc_decode(x, lengths, {.strategy = "beam_search", .beam_width = 2, .top_paths = 3}),
      ValueError, "ctc_decode: top_paths is out of range: expected 1 to 2 (beam_width), got 3.");
  MZ_EXPECT_THROW_MSG(ctc_decode(x, lengths, {.strategy = "beam_search", .beam_width = 0}),
                      ValueError, "ctc_decode: beam_width must be positive");
  MZ_EXPECT_THROW_MSG(
      ctc_decode(x, lengths, {.mask_index = 4}), ValueError,
      "ctc_decode: mask_index is out of range: expected 0 to 3 (classes 4), got 4.");
  MZ_EXPECT_THROW_MSG(ctc_decode(x, i64({3, 4}, {2})), ValueError,
                      "ctc_decode: sequence_lengths[1] is out of range: expected 0 to 3 (logits' "
                      "steps), got 4.");
  MZ_EXPECT_THROW_MSG(ctc_decode(zeros({2, 3}), lengths), ShapeError,
                      "ctc_decode: logits must be (batch, steps, classes): expected rank 3, got "
                      "shape (2, 3).");
  MZ_EXPECT_THROW_MSG(ctc_decode(x, i64({3}, {1})), ShapeError,
                      "ctc_decode: sequence_lengths must have one length per sample of logits "
                      "(2, 3, 4): expected shape (2,), got (1,).");
}

}  // namespace
}  // namespace mz
