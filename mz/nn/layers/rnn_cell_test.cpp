// The built-in cells as layers: conformance (one step from zero states), a step called on
// {inputs, states...}, Keras's cell configs, and the errors.
#include "mz/nn/layers/rnn_cell.h"

#include "layer_conformance.h"
#include "mz/nn/layers/gru_cell.h"
#include "mz/nn/layers/lstm_cell.h"
#include "mz/nn/layers/simple_rnn_cell.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

Tensor rand(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return uniform(shape, -1.0, 1.0, {}, gen);
}

TEST(RNNCells, Conform) {
  expect_layer_conforms([](DType dt) { return L::LSTMCell(3, {.dtype = dt}); }, {2, 5}, {2, 3},
                        {{5, 12}, {3, 12}, {12}});
  expect_layer_conforms([](DType dt) { return L::GRUCell(3, {.dtype = dt}); }, {2, 5}, {2, 3},
                        {{5, 9}, {3, 9}, {2, 9}});
  expect_layer_conforms([](DType dt) { return L::GRUCell(3, {.reset_after = false, .dtype = dt}); },
                        {2, 5}, {2, 3}, {{5, 9}, {3, 9}, {9}});
  expect_layer_conforms([](DType dt) { return L::SimpleRNNCell(3, {.dtype = dt}); }, {2, 5}, {2, 3},
                        {{5, 3}, {3, 3}, {3}});
}

TEST(RNNCells, StepOnInputsAndStates) {
  L::LSTMCell cell(2);
  Tensor x = rand({3, 4}, 1), h = rand({3, 2}, 2), c = rand({3, 2}, 3);
  std::vector<Tensor> out = cell(std::vector<Tensor>{x, h, c});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(all_close(out[0], out[1], 0.0));  // h is both the output and the first state
  L::CellStep step = cell.call(x, {h, c}, false);
  EXPECT_TRUE(all_close(step.states[1], out[2], 0.0));
  EXPECT_EQ(cell.compute_output_shapes({{-1, 4}, {-1, 2}, {-1, 2}}),
            (std::vector<Shape>{{-1, 2}, {-1, 2}, {-1, 2}}));
  MZ_EXPECT_THROW_MSG(cell(std::vector<Tensor>{x, h}), ValueError,
                      "expected the inputs and 2 states (or the inputs alone), got 2 tensors.");
  MZ_EXPECT_THROW_MSG(cell(std::vector<Tensor>{x, h, zeros({3, 5})}), ShapeError,
                      "state 1 is (3, 5), expected (3, 2) (batch, state_size[1]).");
  MZ_EXPECT_THROW_MSG(cell(zeros({3, 6})), ShapeError,
                      "input is (3, 6), but the cell was built for (batch, 4) (kernel (4, 8)).");
}

TEST(RNNCells, ConfigsAreKeras) {
  Json lstm = L::LSTMCell(4, {.recurrent_dropout = 0.25, .seed = 5}).config();
  EXPECT_EQ(lstm["unit_forget_bias"], true);
  EXPECT_EQ(lstm["recurrent_dropout"], 0.25);
  EXPECT_EQ(lstm["seed"], 5);
  EXPECT_EQ(lstm["kernel_initializer"]["class_name"], "GlorotUniform");
  EXPECT_EQ(lstm["recurrent_initializer"]["class_name"], "Orthogonal");
  EXPECT_EQ(lstm["bias_initializer"]["class_name"], "Zeros");
  Json gru = L::GRUCell(4).config();
  EXPECT_EQ(gru["reset_after"], true);
  EXPECT_EQ(gru["recurrent_activation"], "sigmoid");
  Json simple = L::SimpleRNNCell(4, {.activation = ""}).config();
  EXPECT_EQ(simple["activation"], "linear");
  EXPECT_FALSE(simple.contains("recurrent_activation"));
  // Keras writes activation null for None.
  auto back = L::SimpleRNNCell::from_config({{"units", 2}, {"activation", nullptr}});
  EXPECT_EQ(back->settings().activation, "linear");
}

TEST(RNNCells, RejectBadOptions) {
  MZ_EXPECT_THROW_MSG(L::GRUCell(2, {.recurrent_activation = "nope", .name = "g"}), ValueError,
                      "GRUCell 'g': unknown recurrent_activation: expected one of ");
  MZ_EXPECT_THROW_MSG(L::SimpleRNNCell(2, {.recurrent_dropout = -0.1, .name = "s"}), ValueError,
                      "SimpleRNNCell 's': recurrent_dropout must be in [0, 1]: expected 0 <= "
                      "recurrent_dropout <= 1, got -0.1.");
  MZ_EXPECT_THROW_MSG(L::LSTMCell(2, {.name = "c"})(zeros({2, 3, 4})), ShapeError,
                      "LSTMCell 'c': input must have rank 2: expected (batch, features), got "
                      "(-1, 3, 4).");
}

}  // namespace
}  // namespace mz
