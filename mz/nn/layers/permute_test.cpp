// Permute: conformance, values, config, errors.
#include "mz/nn/layers/permute.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(Permute, Conforms) {
  expect_layer_conforms(
      [](DType dt) {
        return L::Permute({2, 1}, {.dtype = dt});
      },
      {3, 4, 5}, {3, 5, 4}, {});
  expect_layer_conforms(
      [](DType dt) {
        return L::Permute({3, 1, 2}, {.dtype = dt});
      },
      {1, 2, 3, 2}, {1, 2, 2, 3}, {});
}

TEST(Permute, MovesAxesAfterTheBatch) {
  Tensor x = arange(6).reshape({1, 2, 3});
  Tensor y = L::Permute({2, 1})(x);
  EXPECT_EQ(y.shape(), (Shape{1, 3, 2}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(L::Permute({2, 3, 1}).compute_output_shape({-1, 7, 8, 9}), (Shape{-1, 8, 9, 7}));
}

TEST(Permute, ConfigAndErrors) {
  L::Permute p({3, 1, 2});
  EXPECT_EQ(p.config()["dims"], Json::parse("[3, 1, 2]"));
  EXPECT_EQ(L::Permute::from_config(p.config())->dims(), (std::vector<int>{3, 1, 2}));
  MZ_EXPECT_THROW_MSG(L::Permute({0, 1}, {.name = "p"}), ValueError,
                      "Permute 'p': dims must be a permutation of 1..n (the batch axis 0 stays): "
                      "expected each of 1..2 once, got (0, 1).");
  MZ_EXPECT_THROW_MSG(L::Permute({1, 1}, {.name = "p"}), ValueError, "got (1, 1).");
  MZ_EXPECT_THROW_MSG(L::Permute({2, 1}, {.name = "p"})(zeros({2, 3, 4, 5})), ShapeError,
                      "Permute 'p': input must have 2 axes after the batch one for dims (2, 1): "
                      "expected rank 3, got (2, 3, 4, 5).");
}

}  // namespace
}  // namespace mz
