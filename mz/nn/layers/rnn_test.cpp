// RNN over a cell: conformance with each built-in cell (config with a nested "cell"), a user
// cell (Keras's MinimalRNNCell example) stepped by hand and gradchecked, masking, states, and
// a user cell that breaks the protocol.
#include "mz/nn/layers/rnn.h"

#include "layer_conformance.h"
#include "mz/nn/layers/gru_cell.h"
#include "mz/nn/layers/lstm.h"
#include "mz/nn/layers/simple_rnn_cell.h"
#include "rnn_testing.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;
using testing::grad_ok;
using testing::length_mask;
using testing::rand;

// Keras's documented example: output = x @ kernel + h @ recurrent_kernel, one state.
class MinimalRNNCell : public L::RNNCell {
 public:
  explicit MinimalRNNCell(int64_t units, DType dtype = DType::f32)
      : RNNCell("MinimalRNNCell", {.dtype = dtype}), units_(units) {}
  std::vector<int64_t> state_size() const override { return {units_}; }
  void build(const Shape& input_shape) override {
    kernel_ = add_weight("kernel", {input_shape[1], units_}, get_initializer("uniform"));
    recurrent_ = add_weight("recurrent_kernel", {units_, units_}, get_initializer("uniform"));
  }
  using RNNCell::call;
  L::CellStep call(const Tensor& x, const std::vector<Tensor>& states, bool) override {
    Tensor out = matmul(x, kernel_->value) + matmul(states[0], recurrent_->value);
    return {out, {out}};
  }
  VariablePtr kernel_, recurrent_;

 private:
  int64_t units_;
};

// A cell whose step forgets to return its state.
class BrokenCell : public MinimalRNNCell {
 public:
  using MinimalRNNCell::MinimalRNNCell;
  L::CellStep call(const Tensor& x, const std::vector<Tensor>& states, bool t) override {
    return {MinimalRNNCell::call(x, states, t).output, {}};
  }
};

TEST(RNN, ConformsWithEachBuiltInCell) {
  expect_layer_conforms([](DType dt) { return L::RNN(L::LSTMCell(2, {.dtype = dt})); }, {2, 3, 4},
                        {2, 2}, {{4, 8}, {2, 8}, {8}});
  expect_layer_conforms(
      [](DType dt) { return L::RNN(L::GRUCell(2, {.dtype = dt}), {.return_sequences = true}); },
      {2, 3, 4}, {2, 3, 2}, {{4, 6}, {2, 6}, {2, 6}});
  expect_layer_conforms(
      [](DType dt) { return L::RNN(L::SimpleRNNCell(3, {.dtype = dt}), {.go_backwards = true}); },
      {2, 3, 4}, {2, 3}, {{4, 3}, {3, 3}, {3}});
}

TEST(RNN, ConfigNestsTheCell) {
  L::RNN rnn(L::LSTMCell(3), {.return_sequences = true, .name = "seq"});
  Json c = rnn.config();
  EXPECT_EQ(c["cell"]["class_name"], "LSTMCell");
  EXPECT_EQ(c["cell"]["module"], "keras.layers");
  EXPECT_EQ(c["cell"]["config"]["units"], 3);
  EXPECT_EQ(c["return_sequences"], true);
  MZ_EXPECT_THROW_MSG(
      L::RNN::from_config({{"cell", {{"class_name", "Dense"}, {"config", {{"units", 2}}}}}}),
      ValueError, "RNN.from_config: \"cell\" must be a recurrent cell, got Dense.");
}

TEST(RNN, MatchesTheLSTMLayer) {
  L::LSTM lstm(3, {.return_sequences = true});
  L::RNN rnn(L::LSTMCell(3), {.return_sequences = true});
  Tensor x = rand({2, 4, 5}, 1);
  Tensor y = lstm(x);
  rnn.maybe_build({Shape{-1, 4, 5}});
  rnn.set_weights(lstm.get_weights());
  EXPECT_TRUE(all_close(rnn(x), y, 0.0));
}

TEST(RNN, RunsAUserCellStepByStep) {
  L::RNN rnn(MinimalRNNCell(2), {.return_sequences = true, .return_state = true});
  Tensor x = rand({3, 4, 5}, 2);
  std::vector<Tensor> ys = rnn(std::vector<Tensor>{x});
  auto& cell = static_cast<MinimalRNNCell&>(*rnn.cell());
  Tensor h = zeros({3, 2});
  for (int t = 0; t < 4; ++t) {
    h = matmul(x.slice(1, t, t + 1).squeeze(1), cell.kernel_->value) +
        matmul(h, cell.recurrent_->value);
    EXPECT_TRUE(all_close(ys[0].slice(1, t, t + 1).squeeze(1), h, 1e-6, 1e-7)) << t;
  }
  EXPECT_TRUE(all_close(ys[1], h, 1e-6, 1e-7));
  EXPECT_EQ(rnn.weights().size(), 2u);
  EXPECT_EQ(rnn.weights()[0]->path, str(rnn.name(), "/", cell.name(), "/kernel"));
  EXPECT_EQ(rnn.compute_output_shapes({{-1, 4, 5}}), (std::vector<Shape>{{-1, 4, 2}, {-1, 2}}));
}

TEST(RNN, UserCellMatchesFiniteDifferences) {
  L::RNN rnn(MinimalRNNCell(2, DType::f64), {.return_sequences = true, .go_backwards = true});
  Tensor x = rand({2, 3, 3}, 3, DType::f64);
  rnn(x);
  auto& cell = static_cast<MinimalRNNCell&>(*rnn.cell());
  Tensor mask = length_mask({2, 3}, 3);
  EXPECT_TRUE(grad_ok(
      [&](const std::vector<Tensor>& in) {
        Tensor k = cell.kernel_->value, r = cell.recurrent_->value;
        cell.kernel_->value = in[1], cell.recurrent_->value = in[2];
        Tensor y = rnn.call_with_masks({in[0], in[3]}, {mask, Tensor()}, false, nullptr).at(0);
        cell.kernel_->value = k, cell.recurrent_->value = r;
        return y;
      },
      {x, cell.kernel_->value.detach(), cell.recurrent_->value.detach(),
       rand({2, 2}, 4, DType::f64)}));
}

TEST(RNN, MaskedStepsRepeatTheOutputOrZeros) {
  Tensor x = rand({1, 4, 3}, 5);
  Tensor mask = tensor(std::vector<uint8_t>{1, 0, 1, 0}, {1, 4});
  for (bool zero : {false, true}) {
    L::RNN rnn(MinimalRNNCell(2), {.return_sequences = true, .zero_output_for_mask = zero});
    Tensor y = rnn.call_with_masks({x}, {mask}, false, nullptr).at(0);
    Tensor expected1 = zero ? zeros({1, 2}) : y.slice(1, 0, 1).squeeze(1);
    EXPECT_TRUE(all_close(y.slice(1, 1, 2).squeeze(1), expected1, 0.0)) << zero;
    // The state skips step 1: step 2 continues from step 0's state.
    auto& cell = static_cast<MinimalRNNCell&>(*rnn.cell());
    Tensor h0 = matmul(x.slice(1, 0, 1).squeeze(1), cell.kernel_->value);
    Tensor h2 = matmul(x.slice(1, 2, 3).squeeze(1), cell.kernel_->value) +
                matmul(h0, cell.recurrent_->value);
    EXPECT_TRUE(all_close(y.slice(1, 2, 3).squeeze(1), h2, 1e-6, 1e-7)) << zero;
  }
}

TEST(RNN, RejectsACellThatBreaksTheProtocol) {
  clear_session();
  L::RNN rnn(BrokenCell(2), {.name = "r"});
  MZ_EXPECT_THROW_MSG(rnn(zeros({1, 2, 3})), ValueError,
                      "RNN 'r': the cell MinimalRNNCell 'minimal_rnn_cell' returned 0 states, but "
                      "its state_size has 1.");
  MZ_EXPECT_THROW_MSG(L::RNN(std::shared_ptr<L::RNNCell>()), ValueError,
                      "RNN: expected a cell, got a null pointer.");
}

}  // namespace
}  // namespace mz
