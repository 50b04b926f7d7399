// Bidirectional: conformance for each merge mode, the halves against their own layers, the
// flip of returned sequences, states, masks, a custom backward layer, config and the errors.
#include "mz/nn/layers/bidirectional.h"

#include "layer_conformance.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/gru.h"
#include "mz/nn/layers/lstm.h"
#include "mz/nn/layers/simple_rnn.h"
#include "rnn_testing.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;
using testing::length_mask;
using testing::rand;

TEST(Bidirectional, ConformsInEveryMergeMode) {
  const std::vector<Shape> w = {{3, 8}, {2, 8}, {8}, {3, 8}, {2, 8}, {8}};
  expect_layer_conforms(
      [](DType dt) { return L::Bidirectional(L::LSTM(2, {.dtype = dt}), {.dtype = dt}); },
      {2, 3, 3}, {2, 4}, w);
  for (const char* mode : {"sum", "ave", "mul"})
    expect_layer_conforms(
        [mode](DType dt) {
          return L::Bidirectional(L::SimpleRNN(2, {.return_sequences = true, .dtype = dt}),
                                  {.merge_mode = mode, .dtype = dt});
        },
        {1, 2, 3}, {1, 2, 2}, {{3, 2}, {2, 2}, {2}, {3, 2}, {2, 2}, {2}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Bidirectional(L::SimpleRNN(2, {.return_sequences = true, .dtype = dt}),
                                {.dtype = dt});
      },
      {1, 2, 3}, {1, 2, 4}, {{3, 2}, {2, 2}, {2}, {3, 2}, {2, 2}, {2}});
  expect_layer_conforms(
      [](DType dt) { return L::Bidirectional(L::GRU(2, {.dtype = dt}), {.dtype = dt}); }, {2, 3, 3},
      {2, 4}, {{3, 6}, {2, 6}, {2, 6}, {3, 6}, {2, 6}, {2, 6}});
}

TEST(Bidirectional, MergesForwardAndFlippedBackwardOutputs) {
  clear_session();
  L::Bidirectional bi(L::LSTM(3, {.return_sequences = true}), {.merge_mode = std::nullopt});
  Tensor x = rand({2, 5, 4}, 1);
  std::vector<Tensor> ys = bi(std::vector<Tensor>{x});
  ASSERT_EQ(ys.size(), 2u);
  EXPECT_EQ(bi.forward_layer()->name(), "forward_lstm");
  EXPECT_EQ(bi.backward_layer()->name(), "backward_lstm");
  EXPECT_TRUE(bi.backward_layer()->go_backwards());
  EXPECT_EQ(bi.weights()[0]->path, "bidirectional/forward_lstm/lstm_cell/kernel");
  EXPECT_TRUE(all_close(ys[0], (*bi.forward_layer())(x), 0.0));
  // The backward layer's outputs come in processing order: flipped back to time order.
  Tensor back = (*bi.backward_layer())(x);
  std::vector<int64_t> rev = {4, 3, 2, 1, 0};
  EXPECT_TRUE(all_close(ys[1], take(back, tensor(rev, {5}), 1), 0.0));
  EXPECT_EQ(bi.compute_output_shapes({{-1, 5, 4}}), (std::vector<Shape>{{-1, 5, 3}, {-1, 5, 3}}));
  // concat puts forward first.
  L::Bidirectional cat(L::LSTM(3, {.return_sequences = true}));
  cat.maybe_build({Shape{-1, 5, 4}});
  cat.set_weights(bi.get_weights());
  Tensor y = cat(x);
  EXPECT_TRUE(all_close(y, concat({ys[0], ys[1]}, -1), 0.0));
  L::Bidirectional ave(L::LSTM(3, {.return_sequences = true}), {.merge_mode = "ave"});
  ave.maybe_build({Shape{-1, 5, 4}});
  ave.set_weights(bi.get_weights());
  EXPECT_TRUE(all_close(ave(x), (ys[0] + ys[1]) * 0.5, 1e-7));
}

TEST(Bidirectional, StatesAndInitialStates) {
  L::Bidirectional bi(L::GRU(3, {.return_state = true}));
  Tensor x = rand({2, 4, 5}, 2);
  std::vector<Tensor> ys = bi(std::vector<Tensor>{x});
  ASSERT_EQ(ys.size(), 3u);  // merged output, forward h, backward h
  EXPECT_EQ(ys[0].shape(), Shape({2, 6}));
  EXPECT_TRUE(all_close(ys[0], concat({ys[1], ys[2]}, -1), 0.0));
  std::vector<Tensor> with = bi(std::vector<Tensor>{x, rand({2, 3}, 3), rand({2, 3}, 4)});
  EXPECT_FALSE(all_close(with[0], ys[0], 1e-3, 1e-3));
  EXPECT_EQ(bi.compute_output_shapes({{-1, 4, 5}}),
            (std::vector<Shape>{{-1, 6}, {-1, 3}, {-1, 3}}));
  MZ_EXPECT_THROW_MSG(bi(std::vector<Tensor>{x, rand({2, 3}, 3)}), ValueError,
                      "initial states come in two halves (forward, then backward): expected an "
                      "even count, got 1.");
}

TEST(Bidirectional, MasksReachBothDirectionsAsZeros) {
  L::Bidirectional bi(L::SimpleRNN(2, {.return_sequences = true}), {.merge_mode = std::nullopt});
  Tensor x = rand({2, 4, 3}, 5);
  Tensor mask = length_mask({2, 4}, 4);
  std::vector<Tensor> out_masks;
  std::vector<Tensor> ys = bi.call_with_masks({x}, {mask}, false, &out_masks);
  // Keras: masked steps of returned sequences are zeros in both directions.
  EXPECT_TRUE(all_close(ys[0].slice(0, 0, 1).slice(1, 2, 4), zeros({1, 2, 2}), 0.0));
  EXPECT_TRUE(all_close(ys[1].slice(0, 0, 1).slice(1, 2, 4), zeros({1, 2, 2}), 0.0));
  // The backward direction of sample 0 starts at its last real step.
  Tensor short_back = (*bi.backward_layer())(x.slice(0, 0, 1).slice(1, 0, 2));
  EXPECT_TRUE(all_close(ys[1].slice(0, 0, 1).slice(1, 0, 2),
                        take(short_back, tensor(std::vector<int64_t>{1, 0}, {2}), 1), 1e-6));
  ASSERT_EQ(out_masks.size(), 2u);
  EXPECT_TRUE(all_close(out_masks[1], mask, 0.0));
}

TEST(Bidirectional, CustomBackwardLayerAndConfig) {
  clear_session();
  L::Bidirectional bi(L::LSTM(3), {.backward_layer = L::GRU(3, {.go_backwards = true})});
  Tensor y = bi(rand({2, 4, 5}, 6));
  EXPECT_EQ(y.shape(), Shape({2, 6}));
  EXPECT_EQ(bi.weights().size(), 6u);
  Json c = bi.config();
  EXPECT_EQ(c["merge_mode"], "concat");
  EXPECT_EQ(c["layer"]["class_name"], "LSTM");
  EXPECT_EQ(c["layer"]["config"]["name"], "forward_lstm");
  EXPECT_EQ(c["backward_layer"]["class_name"], "GRU");
  auto back = L::Bidirectional::from_config(c);
  EXPECT_EQ(back->config(), c);
  EXPECT_EQ(L::Bidirectional(L::LSTM(2), {.merge_mode = std::nullopt}).config()["merge_mode"],
            nullptr);
}

TEST(Bidirectional, StatefulResets) {
  L::Bidirectional bi(L::LSTM(2, {.stateful = true}));
  Tensor x = rand({1, 3, 2}, 7);
  Tensor first = bi(x);
  EXPECT_FALSE(all_close(bi(x), first, 1e-4, 1e-4));
  bi.reset_states();
  EXPECT_TRUE(all_close(bi(x), first, 0.0));
  MZ_EXPECT_THROW_MSG(L::Bidirectional(L::LSTM(2), {.name = "b"}).reset_states(), ValueError,
                      "Bidirectional 'b': reset_states: the layer is not stateful.");
}

TEST(Bidirectional, RejectsBadArguments) {
  MZ_EXPECT_THROW_MSG(L::Bidirectional(L::Dense(2), {.name = "b1"}), ValueError,
                      "Bidirectional 'b1': layer must be a recurrent layer (RNN, SimpleRNN, LSTM, "
                      "GRU), got Dense 'dense");
  MZ_EXPECT_THROW_MSG(L::Bidirectional(L::LSTM(2), {.merge_mode = "max", .name = "b2"}), ValueError,
                      "Bidirectional 'b2': merge_mode must be \"sum\", \"mul\", \"ave\", "
                      "\"concat\" or none (null), got \"max\".");
  MZ_EXPECT_THROW_MSG(L::Bidirectional(L::LSTM(2), {.backward_layer = L::LSTM(2), .name = "b3"}),
                      ValueError,
                      "Bidirectional 'b3': the forward and backward layers must differ in "
                      "go_backwards: got false for both.");
  MZ_EXPECT_THROW_MSG(
      L::Bidirectional(L::LSTM(2), {.backward_layer = L::LSTM(
                                        2, {.return_sequences = true, .go_backwards = true}),
                                    .name = "b4"}),
      ValueError,
      "Bidirectional 'b4': the forward and backward layers must agree on return_sequences: got "
      "false (forward) and true (backward).");
}

}  // namespace
}  // namespace mz
