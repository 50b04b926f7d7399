// SimpleRNN: conformance, Keras's weights and config keys, the fused path (every fused
// activation) against the step-by-step cell, and a hand-computed sequence.
#include "mz/nn/layers/simple_rnn.h"

#include "layer_conformance.h"
#include "rnn_testing.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;
using testing::expect_same_outputs_and_grads;
using testing::length_mask;
using testing::rand;
using testing::Stepped;

TEST(SimpleRNN, Conforms) {
  const std::vector<Shape> w = {{5, 3}, {3, 3}, {3}};
  expect_layer_conforms([](DType dt) { return L::SimpleRNN(3, {.dtype = dt}); }, {2, 4, 5}, {2, 3},
                        w);
  expect_layer_conforms(
      [](DType dt) {
        return L::SimpleRNN(3, {.activation = "sigmoid", .return_sequences = true, .dtype = dt});
      },
      {2, 4, 5}, {2, 4, 3}, w);
  expect_layer_conforms(
      [](DType dt) { return L::SimpleRNN(3, {.activation = "softplus", .dtype = dt}); }, {2, 4, 5},
      {2, 3}, w);
}

TEST(SimpleRNN, ComputesTheRecurrenceByHand) {
  // units 1, kernel 2, recurrent 0.5, bias 0.1, linear: h_t = 2 x_t + 0.5 h_{t-1} + 0.1.
  L::SimpleRNN rnn(1, {.activation = "linear", .return_sequences = true});
  rnn.maybe_build({Shape{-1, 3, 1}});
  rnn.set_weights({full({1, 1}, 2.0), full({1, 1}, 0.5), full({1}, 0.1)});
  Tensor y = rnn(tensor(std::vector<float>{1, 2, 3}, {1, 3, 1}));
  std::vector<float> v = y.to_vector<float>();
  EXPECT_NEAR(v[0], 2.1f, 1e-6f);
  EXPECT_NEAR(v[1], 4.0f + 1.05f + 0.1f, 1e-6f);
  EXPECT_NEAR(v[2], 6.0f + 0.5f * 5.15f + 0.1f, 1e-6f);
}

TEST(SimpleRNN, ConfigHasKerasKeys) {
  Json c = L::SimpleRNN(4).config();
  EXPECT_EQ(testing::config_keys(c), testing::recurrent_layer_config_keys());
}

TEST(SimpleRNN, FusedPathMatchesTheSteppedCell) {
  for (const char* act : {"tanh", "relu", "sigmoid", "linear"}) {
    SCOPED_TRACE(act);
    L::RNNOptions o{.return_sequences = true, .return_state = true, .dtype = DType::f64};
    L::RNN fused(L::SimpleRNNCell(3, {.activation = act, .dtype = DType::f64}), o);
    L::RNN stepped(Stepped<L::SimpleRNNCell>(3, {.activation = act, .dtype = DType::f64}), o);
    fused.maybe_build({Shape{-1, 5, 4}});
    stepped.maybe_build({Shape{-1, 5, 4}});
    expect_same_outputs_and_grads(fused, stepped, {rand({2, 5, 4}, 1, DType::f64)},
                                  length_mask({5, 3}, 5), 1e-12);
  }
}

}  // namespace
}  // namespace mz
