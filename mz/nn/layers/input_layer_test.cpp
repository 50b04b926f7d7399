// InputLayer and Input(): shapes, checks, dtype, Keras config (both Keras 3 and 2 keys).
#include "mz/nn/layers/input_layer.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;

TEST(InputLayer, Conforms) {
  testing::expect_layer_conforms([](DType dt) { return Input({4}, {.dtype = dt, .name = "in"}); },
                                 {3, 4}, {3, 4}, {});
}

TEST(InputLayer, DeclaresShapeWithoutBatch) {
  clear_session();
  L::InputLayer in({28, 28});
  EXPECT_EQ(in.name(), "input_layer");
  EXPECT_EQ(Input({3}).name(), "input_layer_1");
  EXPECT_EQ(in.batch_shape(), Shape({-1, 28, 28}));
  EXPECT_EQ(in.shape(), Shape({28, 28}));
  EXPECT_TRUE(in.built());
  EXPECT_EQ(in.count_params(), 0);
  EXPECT_EQ(L::InputLayer({3}, {.batch_size = 16}).batch_shape(), Shape({16, 3}));
}

TEST(InputLayer, InputIsASymbolicTensor) {
  KerasTensor x = Input({28, 28}, {.dtype = DType::i32, .name = "pixels"});
  EXPECT_EQ(x.shape(), Shape({-1, 28, 28}));
  EXPECT_EQ(x.dtype(), DType::i32);
  EXPECT_EQ(x.name(), "pixels");
  EXPECT_EQ(x.layer()->class_name(), "InputLayer");
  EXPECT_EQ(Input({3}, {.batch_size = 16}).shape(), Shape({16, 3}));
}

TEST(InputLayer, ChecksAndCastsInputs) {
  L::InputLayer in({784}, {.name = "x"});
  Tensor x = ones({2, 784}, {.dtype = DType::f64});
  EXPECT_EQ(in(x).dtype(), DType::f32);
  MZ_EXPECT_THROW_MSG(in(ones({2, 785})), ShapeError,
                      "InputLayer 'x': input does not match the declared shape: expected (None, "
                      "784), got (2, 785).");
}

TEST(InputLayer, ConfigMatchesKeras3) {
  Json c = L::InputLayer({784}, {.name = "input_layer"}).config();
  EXPECT_EQ(c, Json::parse(R"({"batch_shape": [null, 784], "dtype": "float32", "sparse": false,
                              "name": "input_layer"})"));
  std::shared_ptr<L::InputLayer> back = L::InputLayer::from_config(c);
  EXPECT_EQ(back->batch_shape(), Shape({-1, 784}));
  std::shared_ptr<L::InputLayer> legacy = L::InputLayer::from_config(
      Json::parse(R"({"batch_input_shape": [null, 28, 28], "dtype": "float64", "name": "in2"})"));
  EXPECT_EQ(legacy->batch_shape(), Shape({-1, 28, 28}));
  EXPECT_EQ(legacy->dtype(), DType::f64);
  MZ_EXPECT_THROW_MSG(
      L::InputLayer::from_config(Json::parse(R"({"batch_shape": [null, 3], "sparse": true})")),
      ValueError, "InputLayer.from_config: sparse inputs are not supported");
}

}  // namespace
}  // namespace mz
