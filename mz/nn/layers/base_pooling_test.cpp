// MaxPooling1D/2D/3D and AveragePooling1D/2D/3D (BasePooling): conformance, values against
// the ops, shapes with strides and "same", Keras's defaults and config, errors.
#include "mz/nn/layers/base_pooling.h"

#include "layer_conformance.h"
#include "mz/nn/layers/average_pooling1d.h"
#include "mz/nn/layers/average_pooling2d.h"
#include "mz/nn/layers/average_pooling3d.h"
#include "mz/nn/layers/max_pooling1d.h"
#include "mz/nn/layers/max_pooling2d.h"
#include "mz/nn/layers/max_pooling3d.h"
#include "mz/ops/ops.h"
#include "mz/ops/pool.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_equal;
using testing::expect_layer_conforms;

TEST(Pooling, EveryVariantConforms) {
  expect_layer_conforms([](DType dt) { return L::MaxPooling1D({.dtype = dt}); }, {2, 8, 3},
                        {2, 4, 3}, {});
  expect_layer_conforms(
      [](DType dt) {
        return L::AveragePooling1D(
            {.pool_size = {3}, .strides = {2}, .padding = "same", .dtype = dt});
      },
      {3, 7, 2}, {3, 4, 2}, {});
  expect_layer_conforms([](DType dt) { return L::MaxPooling2D({.padding = "same", .dtype = dt}); },
                        {1, 5, 6, 2}, {1, 3, 3, 2}, {});
  expect_layer_conforms(
      [](DType dt) {
        return L::AveragePooling2D({.pool_size = {3, 2}, .strides = {1, 2}, .dtype = dt});
      },
      {1, 5, 6, 2}, {1, 3, 3, 2}, {});
  expect_layer_conforms([](DType dt) { return L::MaxPooling3D({.strides = {1}, .dtype = dt}); },
                        {1, 3, 4, 3, 2}, {1, 2, 3, 2, 2}, {});
  expect_layer_conforms(
      [](DType dt) { return L::AveragePooling3D({.padding = "same", .dtype = dt}); },
      {1, 3, 4, 3, 2}, {1, 2, 2, 2, 2}, {});
}

TEST(Pooling, ComputesTheOps) {
  Tensor x = uniform({2, 9, 7, 3}, -1.0, 1.0);
  EXPECT_TRUE(all_equal(L::MaxPooling2D({.pool_size = {3}, .strides = {2}, .padding = "same"})(x),
                        max_pool(x, {3, 3}, {2, 2}, "same")));
  EXPECT_TRUE(all_equal(L::AveragePooling2D()(x), avg_pool(x, {2, 2}, {2, 2}, "valid")));
  Tensor seq = tensor(std::vector<float>{1, 3, 2, 5, 4}, {1, 5, 1});
  EXPECT_EQ(L::MaxPooling1D()(seq).to_vector<float>(), (std::vector<float>{3, 5}));
  EXPECT_EQ(L::AveragePooling1D({.padding = "same"})(seq).to_vector<float>(),
            (std::vector<float>{2, 3.5f, 4}));
}

TEST(Pooling, OutputShapeKeepsUnknownSizes) {
  L::MaxPooling2D pool({.pool_size = {2, 3}});
  EXPECT_EQ(pool.compute_output_shape({-1, 28, 28, 8}), (Shape{-1, 14, 9, 8}));
  EXPECT_EQ(pool.compute_output_shape({-1, -1, 12, 8}), (Shape{-1, -1, 4, 8}));
}

TEST(Pooling, ConfigMatchesKeras) {
  Json c = L::MaxPooling2D({.name = "pool"}).config();
  EXPECT_EQ(c["pool_size"], Json::parse("[2, 2]"));
  EXPECT_EQ(c["strides"], Json::parse("[2, 2]"));  // strides=None means pool_size
  EXPECT_EQ(c["padding"], "valid");
  EXPECT_EQ(c["data_format"], "channels_last");
  EXPECT_EQ(c["name"], "pool");
  Json avg = L::AveragePooling1D({.pool_size = {3}, .strides = {1}, .padding = "SAME"}).config();
  EXPECT_EQ(avg["pool_size"], Json::parse("[3]"));
  EXPECT_EQ(avg["strides"], Json::parse("[1]"));
  EXPECT_EQ(avg["padding"], "same");
  // Keras's int form and a missing strides read as Keras reads them.
  auto from = L::MaxPooling3D::from_config(Json::parse(R"({"pool_size": 3, "padding": "same"})"));
  EXPECT_EQ(from->pool_size(), (std::vector<int64_t>{3, 3, 3}));
  EXPECT_EQ(from->strides(), (std::vector<int64_t>{3, 3, 3}));
  EXPECT_EQ(from->padding(), "same");
}

TEST(Pooling, RejectsChannelsFirstAndBadArguments) {
  MZ_EXPECT_THROW_MSG(L::MaxPooling2D({.data_format = "channels_first", .name = "p"}), ValueError,
                      "MaxPooling2D 'p': data_format \"channels_first\" is not supported: "
                      "expected \"channels_last\", got \"channels_first\".");
  MZ_EXPECT_THROW_MSG(L::AveragePooling2D({.padding = "full", .name = "p"}), ValueError,
                      "AveragePooling2D 'p': padding must be \"valid\" or \"same\", got \"full\".");
  MZ_EXPECT_THROW_MSG(
      L::MaxPooling2D({.pool_size = {2, 2, 2}, .name = "p"}), ValueError,
      "MaxPooling2D 'p': pool_size needs 1 or 2 values: expected 2, got (2, 2, 2).");
  MZ_EXPECT_THROW_MSG(L::MaxPooling1D({.strides = {0}, .name = "p"}), ValueError,
                      "MaxPooling1D 'p': strides values must be at least 1: got (0,).");
  MZ_EXPECT_THROW_MSG(L::MaxPooling2D({.name = "p"})(zeros({2, 8, 3})), ShapeError,
                      "MaxPooling2D 'p': input must be (batch, height, width, channels): expected "
                      "rank 4, got (2, 8, 3).");
  MZ_EXPECT_THROW_MSG(L::MaxPooling2D({.pool_size = {5}, .name = "p"})(zeros({2, 4, 8, 3})),
                      ShapeError,
                      "MaxPooling2D 'p': pool_size is larger than the input on spatial axis 0 "
                      "with \"valid\" padding: expected pool_size <= 4, got 5");
}

}  // namespace
}  // namespace mz
