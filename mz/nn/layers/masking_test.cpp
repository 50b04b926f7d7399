// Masking: conformance, the zeroed steps and the mask it passes on, other mask values and
// ranks, and the config.
#include "mz/nn/layers/masking.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

TEST(Masking, Conforms) {
  expect_layer_conforms([](DType dt) { return L::Masking(0.0, {.dtype = dt}); }, {2, 3, 4},
                        {2, 3, 4}, {});
}

TEST(Masking, ZeroesAndMasksStepsEqualToTheValue) {
  L::Masking masking(-1.0);
  // Sample 0: step 1 is all -1 (masked); step 2 has one -1 only (kept).
  Tensor x = tensor(std::vector<float>{1, 2, -1, -1, -1, 3, 4, 5, 6, 7, 8, 9}, {2, 3, 2});
  std::vector<Tensor> masks;
  std::vector<Tensor> y = masking.call_with_masks({x}, {Tensor()}, false, &masks);
  EXPECT_EQ(y[0].to_vector<float>(), (std::vector<float>{1, 2, 0, 0, -1, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(masks[0].dtype(), DType::u8);
  EXPECT_EQ(masks[0].shape(), Shape({2, 3}));
  EXPECT_EQ(masks[0].to_vector<int>(), (std::vector<int>{1, 0, 1, 1, 1, 1}));
  EXPECT_EQ(masking.config()["mask_value"], -1.0);
  EXPECT_EQ(L::Masking::from_config(masking.config())->mask_value(), -1.0);
  MZ_EXPECT_THROW_MSG(L::Masking(0.0, {.name = "m"})(zeros({3})), ShapeError,
                      "Masking 'm': input must have rank >= 2");
}

}  // namespace
}  // namespace mz
