// Rescaling: conformance and the uint8-to-float path the main job relies on.
#include "mz/nn/layers/rescaling.h"

#include "layer_conformance.h"
#include "mz/ops/creation.h"

namespace mz {
namespace {

namespace L = layers;

TEST(Rescaling, Conforms) {
  testing::expect_layer_conforms(
      [](DType dt) { return L::Rescaling(0.5, {.offset = 1.0, .dtype = dt}); }, {2, 3}, {2, 3},
      {});
}

TEST(Rescaling, CastsBytesToTheLayerDtype) {
  L::Rescaling layer(1.0 / 255);
  Tensor y = layer(tensor(std::vector<uint8_t>{0, 51, 255}, {1, 3}));
  EXPECT_EQ(y.dtype(), DType::f32);
  EXPECT_TRUE(testing::all_close(y, tensor({0.0f, 0.2f, 1.0f}).reshape({1, 3}), 1e-6));
}

}  // namespace
}  // namespace mz
