// Conv1D: conformance, "causal" padding (shapes and that no output sees the future), config.
#include "mz/nn/layers/conv1d.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(Conv1D, Conforms) {
  expect_layer_conforms([](DType dt) { return L::Conv1D(3, 2, {.dtype = dt}); }, {2, 6, 2},
                        {2, 5, 3}, {{2, 2, 3}, {3}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv1D(
            2, 3, {.padding = "causal", .dilation_rate = 2, .activation = "tanh", .dtype = dt});
      },
      {2, 7, 2}, {2, 7, 2}, {{3, 2, 2}, {2}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv1D(4, 3, {.strides = 2, .padding = "same", .groups = 2, .dtype = dt});
      },
      {1, 7, 4}, {1, 4, 4}, {{3, 2, 4}, {4}});
}

TEST(Conv1D, CausalPaddingKeepsLengthAndNeverSeesTheFuture) {
  L::Conv1D c(2, 3, {.padding = "causal", .dilation_rate = 2});
  EXPECT_EQ(c.compute_output_shape({-1, 10, 1}), (Shape{-1, 10, 2}));
  Tensor x = uniform({1, 10, 1}, -1.0, 1.0);
  Tensor y = c(x);
  // Changing step 6 changes outputs 6.. only.
  std::vector<float> v = x.to_vector<float>();
  v[6] += 1.0f;
  Tensor y2 = c(tensor(v, {1, 10, 1}));
  std::vector<float> a = y.to_vector<float>(), b = y2.to_vector<float>();
  for (int t = 0; t < 6; ++t) {
    EXPECT_EQ(a[t * 2], b[t * 2]) << t;
    EXPECT_EQ(a[t * 2 + 1], b[t * 2 + 1]) << t;
  }
  EXPECT_NE(a[12], b[12]);
  EXPECT_EQ(L::Conv1D(2, 3, {.strides = 2, .padding = "causal"}).compute_output_shape({-1, 9, 1}),
            (Shape{-1, 5, 2}));
}

TEST(Conv1D, RejectsWrongRankAndPadding) {
  MZ_EXPECT_THROW_MSG(L::Conv1D(2, 3, {.name = "c1"})(zeros({4, 5, 6, 1})), ShapeError,
                      "Conv1D 'c1': expected input of rank 3 (batch, steps, channels), got rank "
                      "4: (None, 5, 6, 1).");
  MZ_EXPECT_THROW_MSG(L::Conv1D(2, 3, {.padding = "full", .name = "c1"}), ValueError,
                      "Conv1D 'c1': padding must be \"valid\", \"same\" or \"causal\", got "
                      "\"full\".");
}

TEST(Conv1D, ConfigRoundTripsAsKeras) {
  L::Conv1D c(5, 4, {.padding = "causal", .dilation_rate = 3, .name = "tcn"});
  Json cfg = c.config();
  EXPECT_EQ(cfg["kernel_size"], Json::parse("[4]"));
  EXPECT_EQ(cfg["strides"], Json::parse("[1]"));
  EXPECT_EQ(cfg["dilation_rate"], Json::parse("[3]"));
  EXPECT_EQ(cfg["padding"], "causal");
  std::shared_ptr<L::Conv1D> back = L::Conv1D::from_config(cfg);
  EXPECT_EQ(back->config(), cfg);
  // Keras also accepts plain ints.
  Json ints = Json::parse(R"({"filters": 2, "kernel_size": 3, "strides": 1, "dilation_rate": 2})");
  EXPECT_EQ(L::Conv1D::from_config(ints)->dilation_rate(), (std::vector<int64_t>{2}));
}

}  // namespace
}  // namespace mz
