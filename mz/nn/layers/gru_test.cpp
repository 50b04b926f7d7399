// GRU: conformance (reset_after true and false), Keras's weights and config keys, the fused
// path against the step-by-step cell, initial states, masking, stateful carry-over, dropout.
#include "mz/nn/layers/gru.h"

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

TEST(GRU, Conforms) {
  const std::vector<Shape> w = {{4, 6}, {2, 6}, {2, 6}};
  expect_layer_conforms([](DType dt) { return L::GRU(2, {.dtype = dt}); }, {2, 3, 4}, {2, 2}, w);
  expect_layer_conforms(
      [](DType dt) {
        return L::GRU(2, {.return_sequences = true, .go_backwards = true, .dtype = dt});
      },
      {2, 3, 4}, {2, 3, 2}, w);
  expect_layer_conforms([](DType dt) { return L::GRU(2, {.reset_after = false, .dtype = dt}); },
                        {2, 3, 4}, {2, 2}, {{4, 6}, {2, 6}, {6}});
  expect_layer_conforms([](DType dt) { return L::GRU(2, {.use_bias = false, .dtype = dt}); },
                        {3, 2, 4}, {3, 2}, {{4, 6}, {2, 6}});
  expect_layer_conforms([](DType dt) { return L::GRU(2, {.activation = "softsign", .dtype = dt}); },
                        {3, 2, 4}, {3, 2}, w);
}

TEST(GRU, ConfigHasKerasKeys) {
  Json c = L::GRU(4).config();
  EXPECT_EQ(testing::config_keys(c),
            testing::recurrent_layer_config_keys({"recurrent_activation", "reset_after"}));
  EXPECT_EQ(c["reset_after"], true);
}

TEST(GRU, WeightsAreKeras) {
  clear_session();
  L::GRU gru(4);
  gru(zeros({2, 3, 5}));
  std::vector<VariablePtr> ws = gru.weights();
  ASSERT_EQ(ws.size(), 3u);
  EXPECT_EQ(ws[0]->path, "gru/gru_cell/kernel");
  EXPECT_EQ(ws[2]->path, "gru/gru_cell/bias");
  EXPECT_EQ(ws[2]->value.shape(), Shape({2, 12}));
  EXPECT_EQ(gru.gru_cell().state_size(), std::vector<int64_t>{4});
}

TEST(GRU, FusedPathMatchesTheSteppedCell) {
  std::vector<std::pair<L::RNNOptions, bool>> cases = {
      {{.return_sequences = true, .return_state = true}, false},
      {{.return_state = true, .go_backwards = true}, true},
      {{.return_sequences = true, .zero_output_for_mask = true}, true},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(str("case ", i));
    L::RNNOptions o = cases[i].first;
    o.dtype = DType::f64;
    L::RNN fused(L::GRUCell(3, {.dtype = DType::f64}), o);
    L::RNN stepped(Stepped<L::GRUCell>(3, {.dtype = DType::f64}), o);
    fused.maybe_build({Shape{-1, 5, 4}});
    stepped.maybe_build({Shape{-1, 5, 4}});
    // A nonzero bias so both rows of it count.
    std::vector<Tensor> w = fused.get_weights();
    w[2] = rand({2, 9}, 3, DType::f64);
    fused.set_weights(w);
    Tensor mask = cases[i].second ? length_mask({2, 5}, 5) : Tensor();
    expect_same_outputs_and_grads(
        fused, stepped, {rand({2, 5, 4}, 1, DType::f64), rand({2, 3}, 2, DType::f64)}, mask, 1e-12);
  }
}

TEST(GRU, StatesMaskingAndStatefulAsLSTM) {
  // Initial states continue a sequence; stateful carries them; trailing masks keep the state.
  L::GRU whole(3, {.return_sequences = true});
  L::GRU halves(3, {.return_sequences = true, .return_state = true});
  L::GRU stateful(3, {.return_sequences = true, .stateful = true});
  Tensor x = rand({2, 6, 4}, 5);
  Tensor all = whole(x);
  for (L::GRU* g : {&halves, &stateful}) {
    g->maybe_build({Shape{-1, 6, 4}});
    g->set_weights(whole.get_weights());
  }
  std::vector<Tensor> first = halves(std::vector<Tensor>{x.slice(1, 0, 3)});
  ASSERT_EQ(first.size(), 2u);
  std::vector<Tensor> second = halves(std::vector<Tensor>{x.slice(1, 3, 6), first[1]});
  EXPECT_TRUE(all_close(concat({first[0], second[0]}, 1), all, 1e-6, 1e-6));
  Tensor a = stateful(x.slice(1, 0, 4)), b = stateful(x.slice(1, 4, 6));
  EXPECT_TRUE(all_close(concat({a, b}, 1), all, 1e-6, 1e-6));
  Tensor masked = whole.call_with_masks({x}, {length_mask({4, 6}, 6)}, false, nullptr).at(0);
  EXPECT_TRUE(all_close(masked.slice(0, 0, 1).slice(1, 4, 5), all.slice(0, 0, 1).slice(1, 3, 4),
                        1e-6, 1e-7));
  EXPECT_TRUE(all_close(masked.slice(0, 1, 2), all.slice(0, 1, 2), 1e-6, 1e-7));
}

TEST(GRU, DropoutOnlyWhileTraining) {
  Tensor x = rand({4, 5, 6}, 10);
  L::GRU plain(3);
  Tensor y = plain(x);
  for (double rec : {0.0, 0.3}) {
    for (bool reset_after : {true, false}) {
      L::GRU drop(
          3, {.dropout = 0.5, .recurrent_dropout = rec, .seed = 3, .reset_after = reset_after});
      drop.maybe_build({Shape{-1, 5, 6}});
      if (reset_after) {
        drop.set_weights(plain.get_weights());
        EXPECT_TRUE(all_close(drop(x, false), y, 1e-6, 1e-7));
      }
      Tensor t = drop(x, true);
      EXPECT_FALSE(all_close(t, drop(x, false), 1e-3, 1e-3)) << rec << " " << reset_after;
    }
  }
}

}  // namespace
}  // namespace mz
