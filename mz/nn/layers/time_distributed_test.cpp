// TimeDistributed: conformance around Dense, the same weights at every step, nested shapes,
// the config with its "layer", and the rank error.
#include "mz/nn/layers/time_distributed.h"

#include "layer_conformance.h"
#include "mz/nn/layers/dense.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

TEST(TimeDistributed, Conforms) {
  expect_layer_conforms(
      [](DType dt) { return L::TimeDistributed(L::Dense(3, {.dtype = dt}), {.dtype = dt}); },
      {2, 4, 5}, {2, 4, 3}, {{5, 3}, {3}});
  expect_layer_conforms(
      [](DType dt) {
        return L::TimeDistributed(L::Dense(2, {.activation = "tanh", .dtype = dt}), {.dtype = dt});
      },
      {2, 3, 2, 4}, {2, 3, 2, 2}, {{4, 2}, {2}});
}

TEST(TimeDistributed, AppliesOneLayerToEveryStep) {
  clear_session();
  L::TimeDistributed td(L::Dense(3));
  Generator gen(1);
  Tensor x = uniform({2, 4, 5}, -1.0, 1.0, {}, gen);
  Tensor y = td(x);
  auto& dense = static_cast<L::Dense&>(*td.layer());
  for (int t = 0; t < 4; ++t)
    EXPECT_TRUE(all_close(y.slice(1, t, t + 1).squeeze(1), dense(x.slice(1, t, t + 1).squeeze(1)),
                          1e-6, 1e-7));
  EXPECT_EQ(td.weights()[0]->path, "time_distributed/dense/kernel");
  EXPECT_EQ(td.compute_output_shape({-1, 7, 5}), Shape({-1, 7, 3}));
  Json c = td.config();
  EXPECT_EQ(c["layer"]["class_name"], "Dense");
  EXPECT_EQ(c["layer"]["module"], "keras.layers");
  MZ_EXPECT_THROW_MSG(L::TimeDistributed(L::Dense(2), {.name = "td"})(zeros({2, 3})), ShapeError,
                      "TimeDistributed 'td': input must have rank >= 3: expected (batch, "
                      "timesteps, ...), got (-1, 3).");
}

}  // namespace
}  // namespace mz
