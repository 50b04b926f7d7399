// GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D (BaseGlobalPooling): conformance,
// values, keepdims, GlobalAveragePooling1D's masked mean, config and errors.
#include "mz/nn/layers/base_global_pooling.h"

#include <cmath>

#include "layer_conformance.h"
#include "mz/nn/layers/global_average_pooling1d.h"
#include "mz/nn/layers/global_average_pooling2d.h"
#include "mz/nn/layers/global_average_pooling3d.h"
#include "mz/nn/layers/global_max_pooling1d.h"
#include "mz/nn/layers/global_max_pooling2d.h"
#include "mz/nn/layers/global_max_pooling3d.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

Tensor mask_of(std::vector<uint8_t> v, Shape s) { return tensor(v, s); }

TEST(GlobalPooling, EveryVariantConforms) {
  expect_layer_conforms([](DType dt) { return L::GlobalMaxPooling1D({.dtype = dt}); }, {3, 5, 4},
                        {3, 4}, {});
  expect_layer_conforms([](DType dt) { return L::GlobalAveragePooling1D({.dtype = dt}); },
                        {3, 5, 4}, {3, 4}, {});
  expect_layer_conforms(
      [](DType dt) { return L::GlobalMaxPooling2D({.keepdims = true, .dtype = dt}); }, {2, 3, 4, 5},
      {2, 1, 1, 5}, {});
  expect_layer_conforms([](DType dt) { return L::GlobalAveragePooling2D({.dtype = dt}); },
                        {2, 3, 4, 5}, {2, 5}, {});
  expect_layer_conforms([](DType dt) { return L::GlobalMaxPooling3D({.dtype = dt}); },
                        {2, 2, 3, 2, 3}, {2, 3}, {});
  expect_layer_conforms(
      [](DType dt) { return L::GlobalAveragePooling3D({.keepdims = true, .dtype = dt}); },
      {2, 2, 3, 2, 3}, {2, 1, 1, 1, 3}, {});
}

TEST(GlobalPooling, ReducesEverySpatialAxis) {
  Tensor x = uniform({2, 3, 4, 5}, -1.0, 1.0);
  EXPECT_TRUE(all_close(L::GlobalMaxPooling2D()(x), max(x, {1, 2}), 0.0));
  EXPECT_TRUE(all_close(L::GlobalAveragePooling2D()(x), mean(x, {1, 2}), 1e-6, 1e-7));
  L::GlobalAveragePooling1D keep({.keepdims = true});
  EXPECT_EQ(keep.compute_output_shape({-1, -1, 7}), (Shape{-1, 1, 7}));
  EXPECT_EQ(L::GlobalMaxPooling3D().compute_output_shape({-1, 2, 3, 4, 7}), (Shape{-1, 7}));
}

TEST(GlobalAveragePooling1D, AveragesOnlyTheRealSteps) {
  // Two samples of 3 steps, 2 features; sample 0 keeps steps 0 and 2, sample 1 only step 1.
  Tensor x = tensor(std::vector<float>{1, 10, 2, 20, 3, 30, 4, 40, 5, 50, NAN, 60}, {2, 3, 2});
  Tensor mask = mask_of({1, 0, 1, 0, 1, 0}, {2, 3});
  L::GlobalAveragePooling1D pool;
  std::vector<Tensor> out_masks;
  std::vector<Tensor> y = pool.call_with_masks({x}, {mask}, false, &out_masks);
  // Masked cells are left out, NaN included.
  EXPECT_EQ(y[0].to_vector<float>(), (std::vector<float>{2, 20, 5, 50}));
  ASSERT_EQ(out_masks.size(), 1u);
  EXPECT_FALSE(out_masks[0].defined());  // no mask leaves the layer
  EXPECT_TRUE(pool.supports_masking());
  // A mask of ones is the plain mean; keepdims keeps the steps axis.
  Tensor x2 = uniform({2, 3, 2}, -1.0, 1.0);
  L::GlobalAveragePooling1D kept({.keepdims = true});
  std::vector<Tensor> all =
      kept.call_with_masks({x2}, {mask_of({1, 1, 1, 1, 1, 1}, {2, 3})}, false, nullptr);
  EXPECT_TRUE(all_close(all[0], mean(x2, {1}, true), 1e-6, 1e-7));
}

TEST(GlobalAveragePooling1D, MaskedStepsGetNoGradient) {
  Tensor x = uniform({2, 4, 3}, -1.0, 1.0, {.dtype = DType::f64});
  x.set_requires_grad();
  L::GlobalAveragePooling1D pool({.dtype = DType::f64});
  Tensor mask = mask_of({1, 1, 0, 0, 0, 1, 1, 1}, {2, 4});
  sum(pool.call_with_masks({x}, {mask}, false, nullptr)[0]).backward();
  std::vector<double> g = x.grad().to_vector<double>();
  const std::vector<double> expected_step = {0.5, 0.5, 0, 0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3};
  for (int i = 0; i < 8; ++i)
    for (int f = 0; f < 3; ++f) EXPECT_NEAR(g[i * 3 + f], expected_step[i], 1e-15) << i;
  EXPECT_TRUE(testing::grad_ok(
      [&](auto& in) { return pool.call_with_masks({in[0]}, {mask}, false, nullptr)[0]; }, {x}));
}

TEST(GlobalAveragePooling1D, RejectsAMaskOfAnotherShape) {
  L::GlobalAveragePooling1D pool({.name = "gap"});
  MZ_EXPECT_THROW_MSG(
      pool.call_with_masks({zeros({2, 3, 4})}, {mask_of({1, 1, 1, 1}, {2, 2})}, false, nullptr),
      ShapeError, "GlobalAveragePooling1D 'gap': mask must be (batch, steps) = (2, 3): got (2, 2)");
}

TEST(GlobalPooling, ConfigAndErrors) {
  Json c = L::GlobalMaxPooling2D({.keepdims = true}).config();
  EXPECT_EQ(c["data_format"], "channels_last");
  EXPECT_EQ(c["keepdims"], true);
  EXPECT_EQ(L::GlobalAveragePooling3D::from_config(c)->keepdims(), true);
  MZ_EXPECT_THROW_MSG(L::GlobalAveragePooling2D({.data_format = "channels_first", .name = "g"}),
                      ValueError,
                      "GlobalAveragePooling2D 'g': data_format \"channels_first\" is "
                      "not supported");
  MZ_EXPECT_THROW_MSG(L::GlobalMaxPooling1D({.name = "g"})(zeros({2, 3})), ShapeError,
                      "GlobalMaxPooling1D 'g': input must be (batch, steps, features): expected "
                      "rank 3, got (2, 3).");
}

}  // namespace
}  // namespace mz
