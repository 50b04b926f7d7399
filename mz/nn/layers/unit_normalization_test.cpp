// UnitNormalization: conformance, unit norms over one or several axes, the 1e-12 floor, dtype
// casting, errors and the Keras config.
#include "mz/nn/layers/unit_normalization.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

TEST(UnitNormalization, Conforms) {
  expect_layer_conforms([](DType dt) { return L::UnitNormalization({.dtype = dt}); }, {3, 4},
                        {3, 4}, {});
  expect_layer_conforms(
      [](DType dt) {
        return L::UnitNormalization({.axis = {1, 2}, .dtype = dt});
      },
      {2, 3, 4}, {2, 3, 4}, {});
}

TEST(UnitNormalization, GivesUnitNorms) {
  Tensor x = tensor(std::vector<double>{3, 4, 0, 0, 0, 5}, {2, 3});
  L::UnitNormalization un({.dtype = DType::f64});
  EXPECT_TRUE(all_close(un(x), tensor(std::vector<double>{0.6, 0.8, 0, 0, 0, 1}, {2, 3}), 1e-15));
  // Over axes 1 and 2 each sample has norm 1.
  Generator gen(1);
  Tensor z = uniform({2, 3, 4}, -1.0, 1.0, {.dtype = DType::f64}, gen);
  Tensor n = sum(square(L::UnitNormalization({.axis = {1, 2}, .dtype = DType::f64})(z)), {1, 2});
  EXPECT_TRUE(all_close(n, ones({2}, {.dtype = DType::f64}), 1e-14));
  // An all-zero sample stays zero (the squared norm is floored at 1e-12).
  EXPECT_TRUE(all_close(un(zeros({1, 3}, {.dtype = DType::f64})), zeros({1, 3}), 0.0));
  // Integer inputs come out in the layer's dtype.
  Tensor yi = L::UnitNormalization()(tensor(std::vector<int32_t>{0, 2}, {1, 2}));
  EXPECT_EQ(yi.dtype(), DType::f32);
  EXPECT_TRUE(all_close(yi, tensor(std::vector<float>{0, 1}, {1, 2}), 0.0));
}

TEST(UnitNormalization, RejectsAxesOutOfRange) {
  MZ_EXPECT_THROW_MSG(L::UnitNormalization({.axis = -3, .name = "un"})(zeros({2, 3})), ValueError,
                      "UnitNormalization 'un': axis -3 is out of range for inputs of rank 2: "
                      "expected -2 to 1, got -3.");
}

TEST(UnitNormalization, ConfigMatchesKeras) {
  Json keras = Json::parse(R"({"name": "unit_normalization", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "axis": -1})");
  EXPECT_EQ(L::UnitNormalization({.name = "unit_normalization"}).config(), keras);
  Json listed = keras;
  listed["axis"] = Json::parse("[1, 2]");
  LayerPtr layer = layer_from_config({{"class_name", "UnitNormalization"}, {"config", listed}});
  EXPECT_EQ(layer->config(), listed);
}

}  // namespace
}  // namespace mz
