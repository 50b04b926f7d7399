// Flatten layer: conformance, order of elements, channels_first, config.
#include "mz/nn/layers/flatten.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(FlattenLayer, Conforms) {
  expect_layer_conforms([](DType dt) { return L::Flatten({.dtype = dt}); }, {2, 3, 4}, {2, 12}, {});
  expect_layer_conforms([](DType dt) { return L::Flatten({.dtype = dt}); }, {3}, {3, 1}, {});
}

TEST(FlattenLayer, KeepsRowMajorOrder) {
  Tensor x = arange(12).reshape({2, 3, 2});
  EXPECT_EQ(L::Flatten()(x).to_vector<float>(), arange(12).to_vector<float>());
  EXPECT_EQ(L::Flatten().compute_output_shape({-1, 28, 28}), Shape({-1, 784}));
}

TEST(FlattenLayer, ChannelsFirstMovesChannelsLast) {
  Tensor x = arange(12).reshape({1, 3, 2, 2});  // (batch, channels, h, w)
  Tensor y = L::Flatten({.data_format = "channels_first"})(x);
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
}

TEST(FlattenLayer, ConfigAndErrors) {
  EXPECT_EQ(L::Flatten().config()["data_format"], "channels_last");
  MZ_EXPECT_THROW_MSG(L::Flatten({.data_format = "nchw", .name = "f"}), ValueError,
                      "Flatten 'f': data_format must be \"channels_last\" or \"channels_first\", "
                      "got \"nchw\".");
}

}  // namespace
}  // namespace mz
