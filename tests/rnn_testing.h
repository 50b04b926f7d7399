// Helpers for the recurrent layer tests: a cell wrapper that hides the fused sequence path (so
// RNN steps through call()), a check that two layers with the same weights give the same
// outputs and gradients, seeded random inputs, length masks and the Keras config keys.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mz/core/generator.h"
#include "mz/nn/layers/rnn.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz::testing {

// Cell without its fused whole-sequence path: RNN runs it step by step (the generic loop).
template <class Cell>
class Stepped : public Cell {
 public:
  using Cell::Cell;
  std::optional<layers::SequenceResult> call_sequence(const layers::SequenceCall&) override {
    return std::nullopt;
  }
};

// Calls `a` and `b` (built alike; b gets a's weights) on xs with `mask`, then backpropagates
// sum(output_i * r_i) for fixed random r_i; expects equal outputs and equal gradients of xs
// and of every weight, to `tol` (relative and absolute).
inline void expect_same_outputs_and_grads(Layer& a, Layer& b, const std::vector<Tensor>& xs,
                                          const Tensor& mask, double tol, bool training = false) {
  std::vector<Tensor> masks(xs.size());
  if (mask.defined()) masks[0] = mask;
  struct Run {
    std::vector<Tensor> ys, x_grads, w_grads;
  };
  auto run = [&](Layer& layer) {
    std::vector<Tensor> in;
    for (const Tensor& x : xs) in.push_back(x.detach().clone().set_requires_grad());
    std::vector<Tensor> ys = layer.call_with_masks(in, masks, training, nullptr);
    Tensor loss;
    Generator gen(99);
    for (const Tensor& y : ys) {
      Tensor term = sum(y * uniform(y.shape(), -1.0, 1.0, {.dtype = y.dtype()}, gen));
      loss = loss.defined() ? loss + term : term;
    }
    for (const VariablePtr& v : layer.weights()) v->value.zero_grad();
    loss.backward();
    Run r;
    r.ys = ys;
    for (const Tensor& x : in) r.x_grads.push_back(x.grad());
    for (const VariablePtr& v : layer.weights()) r.w_grads.push_back(v->value.grad());
    return r;
  };
  Run ra = run(a);
  b.set_weights(a.get_weights());
  Run rb = run(b);
  ASSERT_EQ(ra.ys.size(), rb.ys.size());
  for (std::size_t i = 0; i < ra.ys.size(); ++i)
    EXPECT_TRUE(all_close(ra.ys[i], rb.ys[i], tol, tol)) << "output " << i;
  for (std::size_t i = 0; i < ra.x_grads.size(); ++i) {
    ASSERT_EQ(ra.x_grads[i].defined(), rb.x_grads[i].defined()) << "input " << i;
    if (ra.x_grads[i].defined()) {
      EXPECT_TRUE(all_close(ra.x_grads[i], rb.x_grads[i], tol, tol)) << "d input " << i;
    }
  }
  ASSERT_EQ(ra.w_grads.size(), rb.w_grads.size());
  for (std::size_t i = 0; i < ra.w_grads.size(); ++i) {
    ASSERT_TRUE(ra.w_grads[i].defined() && rb.w_grads[i].defined()) << "weight " << i;
    EXPECT_TRUE(all_close(ra.w_grads[i], rb.w_grads[i], tol, tol)) << "d weight " << i;
  }
}

// A (batch, steps) uint8 mask: 1 for the first lengths[b] steps of sample b.
inline Tensor length_mask(const std::vector<int64_t>& lengths, int64_t steps) {
  std::vector<uint8_t> m;
  for (int64_t len : lengths)
    for (int64_t t = 0; t < steps; ++t) m.push_back(t < len ? 1 : 0);
  return tensor(m, {static_cast<int64_t>(lengths.size()), steps});
}

// A `shape` tensor uniform in [-1, 1), drawn from a Generator seeded with `seed`.
inline Tensor rand(const Shape& shape, uint64_t seed, DType dtype = DType::f32) {
  Generator gen(seed);
  return uniform(shape, -1.0, 1.0, {.dtype = dtype}, gen);
}

// The keys of a config object.
inline std::set<std::string> config_keys(const Json& config) {
  std::set<std::string> keys;
  for (const auto& [k, v] : config.items()) keys.insert(k);
  return keys;
}

// The Keras config keys of SimpleRNN, which LSTM and GRU write too, plus `extra` (the keys a
// layer adds).
inline std::set<std::string> recurrent_layer_config_keys(
    std::initializer_list<const char*> extra = {}) {
  std::set<std::string> keys = {"name",
                                "trainable",
                                "dtype",
                                "return_sequences",
                                "return_state",
                                "go_backwards",
                                "stateful",
                                "unroll",
                                "zero_output_for_mask",
                                "units",
                                "activation",
                                "use_bias",
                                "kernel_initializer",
                                "recurrent_initializer",
                                "bias_initializer",
                                "kernel_regularizer",
                                "recurrent_regularizer",
                                "bias_regularizer",
                                "activity_regularizer",
                                "kernel_constraint",
                                "recurrent_constraint",
                                "bias_constraint",
                                "dropout",
                                "recurrent_dropout",
                                "seed"};
  keys.insert(extra.begin(), extra.end());
  return keys;
}

}  // namespace mz::testing
