// GroupNormalization: conformance, values against per-group statistics, groups = -1 and 1,
// another channels axis, errors and the Keras config.
#include "mz/nn/layers/group_normalization.h"

#include <cmath>

#include "layer_conformance.h"
#include "mz/nn/layers/layer_normalization.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

Tensor rnd(const Shape& shape, uint64_t seed, DType dtype = DType::f64) {
  Generator gen(seed);
  return uniform(shape, -2.0, 3.0, {.dtype = dtype}, gen);
}

TEST(GroupNormalization, Conforms) {
  expect_layer_conforms([](DType dt) { return L::GroupNormalization({.groups = 2, .dtype = dt}); },
                        {2, 2, 4}, {2, 2, 4}, {{4}, {4}});
  expect_layer_conforms(
      [](DType dt) { return L::GroupNormalization({.groups = -1, .center = false, .dtype = dt}); },
      {2, 5, 3}, {2, 5, 3}, {{3}});
  expect_layer_conforms(
      [](DType dt) { return L::GroupNormalization({.groups = 3, .axis = 1, .dtype = dt}); },
      {2, 6, 1, 2}, {2, 6, 1, 2}, {{6}, {6}});
}

TEST(GroupNormalization, NormalisesEachGroupOfEachSample) {
  L::GroupNormalization gn({.groups = 2, .dtype = DType::f64});
  Tensor x = rnd({2, 3, 4}, 1);  // (batch, steps, 4 channels): groups of channels {0,1}, {2,3}
  gn(x);
  Tensor g = rnd({4}, 2), b = rnd({4}, 3);
  gn.set_weights({g, b});
  std::vector<double> xv = x.to_vector<double>(), gv = g.to_vector<double>(),
                      bv = b.to_vector<double>(), want(xv.size());
  for (int n = 0; n < 2; ++n)
    for (int grp = 0; grp < 2; ++grp) {
      double s = 0, q = 0;
      for (int t = 0; t < 3; ++t)
        for (int c = 2 * grp; c < 2 * grp + 2; ++c) s += xv[(n * 3 + t) * 4 + c] / 6;
      for (int t = 0; t < 3; ++t)
        for (int c = 2 * grp; c < 2 * grp + 2; ++c)
          q += std::pow(xv[(n * 3 + t) * 4 + c] - s, 2) / 6;
      for (int t = 0; t < 3; ++t)
        for (int c = 2 * grp; c < 2 * grp + 2; ++c) {
          const int i = (n * 3 + t) * 4 + c;
          want[i] = (xv[i] - s) / std::sqrt(q + 1e-3) * gv[c] + bv[c];
        }
    }
  EXPECT_TRUE(all_close(gn(x), tensor(want, {2, 3, 4}), 1e-12, 1e-13));
}

TEST(GroupNormalization, OneGroupIsALayerNormOverAllButTheBatch) {
  L::GroupNormalization gn({.groups = 1, .center = false, .scale = false, .dtype = DType::f64});
  L::LayerNormalization ln({.axis = {1, 2}, .center = false, .scale = false, .dtype = DType::f64});
  Tensor x = rnd({3, 4, 5}, 4);
  EXPECT_TRUE(all_close(gn(x), ln(x), 1e-12, 1e-13));
}

TEST(GroupNormalization, MinusOneGroupsBecomesTheChannelCount) {
  L::GroupNormalization gn({.groups = -1});
  EXPECT_EQ(gn.config()["groups"], -1);
  gn(zeros({2, 3, 6}));
  EXPECT_EQ(gn.groups(), 6);
  EXPECT_EQ(gn.config()["groups"], 6);
}

TEST(GroupNormalization, RejectsBadGroups) {
  MZ_EXPECT_THROW_MSG(L::GroupNormalization({.groups = 0, .name = "gn"}), ValueError,
                      "GroupNormalization 'gn': groups must be positive or -1 (one per channel): "
                      "got 0.");
  MZ_EXPECT_THROW_MSG(L::GroupNormalization({.name = "gn"})(zeros({2, 16})), ValueError,
                      "GroupNormalization 'gn': more groups than channels: expected groups <= 16, "
                      "got groups = 32.");
  MZ_EXPECT_THROW_MSG(L::GroupNormalization({.groups = 3, .name = "gn"})(zeros({2, 16})),
                      ValueError,
                      "GroupNormalization 'gn': the channels must split evenly into groups: "
                      "expected 16 channels to be a multiple of groups = 3, got remainder 1.");
  L::GroupNormalization gn({.groups = 2, .name = "gn2"});
  gn(zeros({2, 4}));
  MZ_EXPECT_THROW_MSG(gn(zeros({2, 6})), ShapeError,
                      "GroupNormalization 'gn2': input (2, 6) does not match the layer: expected "
                      "rank 2 with 4 channels along axis -1 (built for (-1, 4)), got (2, 6).");
}

TEST(GroupNormalization, ConfigMatchesKeras) {
  // As Keras 3 writes GroupNormalization(name="group_normalization").get_config().
  Json keras = Json::parse(R"({"name": "group_normalization", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "groups": 32, "axis": -1, "epsilon": 0.001, "center": true, "scale": true,
    "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                         "registered_name": null},
    "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones", "config": {},
                          "registered_name": null},
    "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
    "gamma_constraint": null})");
  EXPECT_EQ(L::GroupNormalization({.name = "group_normalization"}).config(), keras);
  Json custom = keras;
  custom["groups"] = 4;
  custom["axis"] = 1;
  LayerPtr layer = layer_from_config({{"class_name", "GroupNormalization"}, {"config", custom}});
  EXPECT_EQ(layer->config(), custom);
  EXPECT_EQ((*layer)(zeros({2, 8, 3})).shape(), Shape({2, 8, 3}));
}

}  // namespace
}  // namespace mz
