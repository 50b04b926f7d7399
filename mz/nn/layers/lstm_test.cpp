// LSTM: conformance, Keras's weights, defaults and config keys, the fused path against the
// step-by-step cell, return_state, initial states, go_backwards, masking, stateful carry-over,
// dropout and the error messages.
#include "mz/nn/layers/lstm.h"

#include "layer_conformance.h"
#include "mz/nn/layers/embedding.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/masking.h"
#include "mz/nn/model.h"
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

TEST(LSTM, Conforms) {
  const std::vector<Shape> w = {{4, 8}, {2, 8}, {8}};
  expect_layer_conforms([](DType dt) { return L::LSTM(2, {.dtype = dt}); }, {2, 3, 4}, {2, 2}, w);
  expect_layer_conforms(
      [](DType dt) { return L::LSTM(2, {.return_sequences = true, .dtype = dt}); }, {2, 3, 4},
      {2, 3, 2}, w);
  expect_layer_conforms(
      [](DType dt) {
        return L::LSTM(2, {.return_sequences = true, .go_backwards = true, .dtype = dt});
      },
      {2, 3, 4}, {2, 3, 2}, w);
  expect_layer_conforms([](DType dt) { return L::LSTM(2, {.use_bias = false, .dtype = dt}); },
                        {3, 2, 4}, {3, 2}, {{4, 8}, {2, 8}});
  // Activations the fused kernel does not cover run step by step.
  expect_layer_conforms(
      [](DType dt) {
        return L::LSTM(
            2, {.activation = "softsign", .recurrent_activation = "hard_sigmoid", .dtype = dt});
      },
      {2, 3, 4}, {2, 2}, w);
}

TEST(LSTM, KerasWeightsAndDefaults) {
  clear_session();
  L::LSTM lstm(4);
  lstm(zeros({2, 3, 5}));
  std::vector<VariablePtr> ws = lstm.weights();
  ASSERT_EQ(ws.size(), 3u);
  EXPECT_EQ(ws[0]->path, "lstm/lstm_cell/kernel");
  EXPECT_EQ(ws[1]->path, "lstm/lstm_cell/recurrent_kernel");
  EXPECT_EQ(ws[2]->path, "lstm/lstm_cell/bias");
  // unit_forget_bias: the f block starts at 1, the others at 0.
  std::vector<float> bias = ws[2]->value.to_vector<float>();
  for (int j = 0; j < 16; ++j) EXPECT_EQ(bias[j], j >= 4 && j < 8 ? 1.0f : 0.0f) << j;
  // orthogonal recurrent kernel (units, 4 units): orthonormal rows.
  Tensor r = ws[1]->value;
  std::vector<float> rrt = matmul(r, r.mT()).to_vector<float>();
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(rrt[i * 4 + j], i == j ? 1.0f : 0.0f, 1e-5f);
  EXPECT_EQ(lstm.units(), 4);
  EXPECT_EQ(lstm.lstm_cell().settings().activation, "tanh");
  EXPECT_EQ(lstm.lstm_cell().settings().recurrent_activation, "sigmoid");
}

TEST(LSTM, ConfigHasKerasKeys) {
  Json c = L::LSTM(4, {.name = "enc"}).config();
  EXPECT_EQ(testing::config_keys(c),
            testing::recurrent_layer_config_keys({"recurrent_activation", "unit_forget_bias"}));
  EXPECT_EQ(c["recurrent_initializer"]["class_name"], "Orthogonal");
  // A Keras 2 style config (hard_sigmoid, implementation) loads.
  c["recurrent_activation"] = "hard_sigmoid";
  c["implementation"] = 2;
  auto back = L::LSTM::from_config(c);
  EXPECT_EQ(back->lstm_cell().settings().recurrent_activation, "hard_sigmoid");
}

// The fused sequence against the cell stepped by RNN, every option that changes the loop.
TEST(LSTM, FusedPathMatchesTheSteppedCell) {
  struct Case {
    L::RNNOptions o;
    bool masked;
  };
  std::vector<Case> cases = {
      {{.return_sequences = true, .return_state = true}, false},
      {{.return_state = true, .go_backwards = true}, false},
      {{.return_sequences = true, .return_state = true}, true},
      {{.return_sequences = true, .go_backwards = true, .zero_output_for_mask = true}, true},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(str("case ", i));
    L::RNNOptions o = cases[i].o;
    o.dtype = DType::f64;
    L::RNN fused(L::LSTMCell(3, {.dtype = DType::f64}), o);
    L::RNN stepped(Stepped<L::LSTMCell>(3, {.dtype = DType::f64}), o);
    std::vector<Tensor> xs = {rand({2, 5, 4}, 1, DType::f64), rand({2, 3}, 2, DType::f64),
                              rand({2, 3}, 3, DType::f64)};
    Tensor mask = cases[i].masked ? length_mask({3, 5}, 5) : Tensor();
    fused.maybe_build({Shape{-1, 5, 4}});
    stepped.maybe_build({Shape{-1, 5, 4}});
    expect_same_outputs_and_grads(fused, stepped, xs, mask, 1e-12);
    expect_same_outputs_and_grads(fused, stepped, {xs[0]}, mask, 1e-12);
  }
}

TEST(LSTM, ReturnStateGivesTheFinalHAndC) {
  L::LSTM lstm(3, {.return_sequences = true, .return_state = true});
  std::vector<Tensor> ys = lstm(std::vector<Tensor>{rand({2, 4, 5}, 4)});
  ASSERT_EQ(ys.size(), 3u);
  EXPECT_EQ(ys[0].shape(), Shape({2, 4, 3}));
  EXPECT_EQ(ys[1].shape(), Shape({2, 3}));
  EXPECT_EQ(ys[2].shape(), Shape({2, 3}));
  EXPECT_TRUE(all_close(ys[1], ys[0].slice(1, 3, 4).squeeze(1), 0.0));
  EXPECT_EQ(lstm.compute_output_shapes({{-1, 4, 5}}),
            (std::vector<Shape>{{-1, 4, 3}, {-1, 3}, {-1, 3}}));
  // Called on one tensor, a layer returns its output alone.
  EXPECT_EQ(lstm(rand({2, 4, 5}, 4)).shape(), Shape({2, 4, 3}));
}

TEST(LSTM, InitialStatesContinueASequence) {
  // Running 6 steps at once equals 3 steps, then 3 more from the returned states.
  L::LSTM whole(3, {.return_sequences = true});
  L::LSTM halves(3, {.return_sequences = true, .return_state = true});
  Tensor x = rand({2, 6, 4}, 5);
  Tensor all = whole(x);
  halves.maybe_build({Shape{-1, 6, 4}});
  halves.set_weights(whole.get_weights());
  std::vector<Tensor> first = halves(std::vector<Tensor>{x.slice(1, 0, 3)});
  std::vector<Tensor> second = halves(std::vector<Tensor>{x.slice(1, 3, 6), first[1], first[2]});
  EXPECT_TRUE(all_close(concat({first[0], second[0]}, 1), all, 1e-6, 1e-6));
}

TEST(LSTM, GoBackwardsReadsTheSequenceReversed) {
  L::LSTM fwd(3, {.return_sequences = true});
  L::LSTM bwd(3, {.return_sequences = true, .go_backwards = true});
  Tensor x = rand({2, 5, 4}, 6);
  Tensor y = fwd(x);
  bwd.maybe_build({Shape{-1, 5, 4}});
  bwd.set_weights(fwd.get_weights());
  std::vector<int64_t> rev = {4, 3, 2, 1, 0};
  Tensor x_rev = take(x, tensor(rev, {5}), 1);
  EXPECT_TRUE(all_close(bwd(x), fwd(x_rev), 1e-6, 1e-6));
  EXPECT_FALSE(all_close(bwd(x), y, 1e-3, 1e-3));
}

TEST(LSTM, MaskedStepsKeepTheState) {
  // Trailing masked steps: the last output equals that of the unpadded sequence.
  L::LSTM lstm(3, {.return_sequences = true});
  Tensor x = rand({2, 5, 4}, 7);
  Tensor mask = length_mask({3, 5}, 5);
  std::vector<Tensor> masked = lstm.call_with_masks({x}, {mask}, false, nullptr);
  Tensor short_y = lstm(x.slice(1, 0, 3).slice(0, 0, 1));
  Tensor out = masked[0];
  for (int t = 3; t < 5; ++t)  // masked steps repeat the last real output
    EXPECT_TRUE(all_close(out.slice(0, 0, 1).slice(1, t, t + 1), short_y.slice(1, 2, 3), 1e-6))
        << t;
  EXPECT_TRUE(all_close(out.slice(0, 0, 1).slice(1, 0, 3), short_y, 1e-6, 1e-7));
  // The mask passes on with return_sequences, not without.
  std::vector<Tensor> out_masks;
  lstm.call_with_masks({x}, {mask}, false, &out_masks);
  ASSERT_EQ(out_masks.size(), 1u);
  EXPECT_TRUE(all_close(out_masks[0], mask, 0.0));
  L::LSTM last(3);
  last.call_with_masks({x}, {mask}, false, &out_masks);
  EXPECT_FALSE(out_masks[0].defined());
}

TEST(LSTM, LearnsThroughEmbeddingMaskZeroInASequential) {
  // Padded sequences (0 = padding) give the outputs of their unpadded versions.
  auto emb = std::make_shared<L::Embedding>(10, 4, L::EmbeddingOptions{.mask_zero = true});
  auto lstm = std::make_shared<L::LSTM>(3);
  Sequential model({emb, lstm});
  Tensor padded = tensor(std::vector<int64_t>{3, 5, 2, 0, 0, 7, 1, 4, 6, 9}, {2, 5});
  Tensor y = model(padded);
  Tensor first = (*lstm)((*emb)(tensor(std::vector<int64_t>{3, 5, 2}, {1, 3})));
  EXPECT_TRUE(all_close(y.slice(0, 0, 1), first, 1e-6, 1e-7));
  // Masking() zeroes and skips steps whose features are all mask_value.
  auto rnn = std::make_shared<L::LSTM>(3, L::LSTMOptions{.return_sequences = true});
  Sequential masked({L::Masking(0.0), rnn});
  Tensor x = rand({1, 4, 2}, 8);
  Tensor y_pad = masked(concat({x, zeros({1, 2, 2})}, 1));
  EXPECT_TRUE(all_close(y_pad.slice(1, 0, 4), (*rnn)(x), 1e-6, 1e-7));
  EXPECT_TRUE(all_close(y_pad.slice(1, 5, 6), y_pad.slice(1, 3, 4), 1e-6, 1e-7));
}

TEST(LSTM, StatefulCarriesStatesBetweenCalls) {
  L::LSTM plain(3, {.return_sequences = true});
  L::LSTM stateful(3, {.return_sequences = true, .stateful = true});
  Tensor x = rand({2, 6, 4}, 9);
  Tensor all = plain(x);
  stateful.maybe_build({Shape{-1, 6, 4}});
  stateful.set_weights(plain.get_weights());
  Tensor a = stateful(x.slice(1, 0, 2));
  Tensor b = stateful(x.slice(1, 2, 6));
  EXPECT_TRUE(all_close(concat({a, b}, 1), all, 1e-6, 1e-6));
  ASSERT_EQ(stateful.states().size(), 2u);
  EXPECT_FALSE(stateful.states()[0].requires_grad());
  MZ_EXPECT_THROW_MSG(stateful(x.slice(0, 0, 1)), ValueError,
                      "stateful: the batch has 1 samples, but the carried states are for 2; keep "
                      "the batch size fixed, or call reset_states() first.");
  stateful.reset_states();
  EXPECT_TRUE(all_close(stateful(x.slice(1, 0, 2)), a, 0.0));
}

TEST(LSTM, DropoutOnlyWhileTraining) {
  Tensor x = rand({4, 5, 6}, 10);
  L::LSTM plain(3);
  Tensor y = plain(x);
  for (double rec : {0.0, 0.4}) {
    L::LSTM drop(3, {.dropout = 0.5, .recurrent_dropout = rec, .seed = 7});
    drop.maybe_build({Shape{-1, 5, 6}});
    drop.set_weights(plain.get_weights());
    EXPECT_TRUE(all_close(drop(x, false), y, 1e-6, 1e-7)) << rec;
    Tensor t1 = drop(x, true);
    EXPECT_FALSE(all_close(t1, y, 1e-3, 1e-3)) << rec;
    // Training output is differentiable and the seeded masks are reproducible.
    L::LSTM again(3, {.dropout = 0.5, .recurrent_dropout = rec, .seed = 7});
    again.maybe_build({Shape{-1, 5, 6}});
    again.set_weights(plain.get_weights());
    EXPECT_TRUE(all_close(again(x, true), t1, 0.0)) << rec;
    sum(t1).backward();
    EXPECT_TRUE(drop.weights()[1]->value.grad().defined());
  }
}

TEST(LSTM, RegularizersConstraintsAndTrainabilityReachTheCell) {
  L::LSTM lstm(2, {.kernel_regularizer = "l2", .recurrent_constraint = "non_neg"});
  lstm(zeros({1, 2, 3}));
  EXPECT_EQ(lstm.losses().size(), 1u);
  EXPECT_TRUE(lstm.weights()[1]->constraint != nullptr);
  EXPECT_EQ(lstm.config()["kernel_regularizer"]["class_name"], "L2");
  EXPECT_EQ(lstm.config()["recurrent_constraint"]["class_name"], "NonNeg");
  L::LSTM frozen(2, {.trainable = false});
  frozen(zeros({1, 2, 3}));
  EXPECT_TRUE(frozen.trainable_weights().empty());
  EXPECT_FALSE(frozen.weights()[0]->value.requires_grad());
  frozen.set_trainable(true);
  EXPECT_EQ(frozen.trainable_weights().size(), 3u);
  EXPECT_TRUE(frozen.weights()[0]->value.requires_grad());
}

TEST(LSTM, ErrorsNameTheLayer) {
  clear_session();
  L::LSTM lstm(3, {.name = "enc"});
  MZ_EXPECT_THROW_MSG(lstm(zeros({2, 5})), ShapeError,
                      "LSTM 'enc': input must have rank 3: expected (batch, timesteps, "
                      "features), got rank 2.");
  lstm(zeros({2, 4, 5}));
  MZ_EXPECT_THROW_MSG(lstm(zeros({2, 4, 6})), ShapeError,
                      "LSTM 'enc': input is (2, 4, 6), but the layer was built for 5 features: "
                      "expected (batch, timesteps, 5).");
  MZ_EXPECT_THROW_MSG(lstm(std::vector<Tensor>{zeros({2, 4, 5}), zeros({2, 3})}), ValueError,
                      "LSTM 'enc': expected 2 initial states, got 1.");
  MZ_EXPECT_THROW_MSG(lstm(std::vector<Tensor>{zeros({2, 4, 5}), zeros({2, 3}), zeros({2, 4})}),
                      ShapeError,
                      "LSTM 'enc': initial state 1 is (2, 4), expected (2, 3) (batch, "
                      "state_size[1]).");
  MZ_EXPECT_THROW_MSG(lstm.call_with_masks({zeros({2, 4, 5})}, {zeros({2, 3})}, false, nullptr),
                      ShapeError,
                      "LSTM 'enc': mask is (2, 3), expected (batch, timesteps) = (2, 4).");
  MZ_EXPECT_THROW_MSG(L::LSTM(0), ValueError,
                      "LSTMCell 'lstm_cell': units must be positive: expected units >= 1, got 0.");
  MZ_EXPECT_THROW_MSG(L::LSTM(2, {.activation = "tanhh"}), ValueError,
                      "LSTMCell 'lstm_cell': unknown activation: expected one of ");
  MZ_EXPECT_THROW_MSG(L::LSTM(2, {.dropout = 1.5}), ValueError,
                      "LSTMCell 'lstm_cell': dropout must be in [0, 1]: expected 0 <= dropout <= "
                      "1, got 1.5.");
}

}  // namespace
}  // namespace mz
