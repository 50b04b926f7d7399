// The layer registry: every Keras class name it lists builds, unknown names are refused.
#include "mz/nn/layers/registry.h"

#include <algorithm>

#include "mz/nn/layers/dense.h"
#include "testing.h"

namespace mz {
namespace {

TEST(LayerRegistry, BuildsEachKnownClass) {
  std::vector<std::string> names = layer_class_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* name : {"Activation", "Add", "BatchNormalization", "Concatenate", "Conv2D",
                           "Dense", "Dot", "Dropout", "Flatten", "InputLayer", "MaxPooling2D",
                           "Rescaling", "Reshape"})
    EXPECT_TRUE(std::find(names.begin(), names.end(), name) != names.end()) << name;
  Json keras = Json::parse(R"({"module": "keras.layers", "class_name": "Dense",
    "config": {"name": "out", "units": 10, "activation": "softmax"},
    "registered_name": null, "build_config": {"input_shape": [null, 64]}})");
  LayerPtr d = layer_from_config(keras);
  EXPECT_EQ(d->class_name(), "Dense");
  EXPECT_EQ(d->name(), "out");
  EXPECT_EQ(d->config()["units"], 10);
  EXPECT_EQ(
      layer_from_config(Json::parse(R"({"class_name": "Flatten", "config": {}})"))->class_name(),
      "Flatten");
}

TEST(LayerRegistry, UnknownClassListsKnownOnes) {
  MZ_EXPECT_THROW_MSG(
      layer_from_config(Json::parse(R"({"class_name": "Conv9D", "config": {}})")), ValueError,
      "layer_from_config: unknown layer class: expected one of Activation, ActivityRegularization, Add, ");
  MZ_EXPECT_THROW_MSG(
      layer_from_config(Json::parse(R"({"class_name": "Conv9D", "config": {}})")), ValueError,
      "ZeroPadding3D; got \"Conv9D\".");
  MZ_EXPECT_THROW_MSG(layer_from_config(Json::parse("[1]")), ValueError,
                      "layer_from_config: expected {\"class_name\": ..., \"config\": {...}}");
  MZ_EXPECT_THROW_MSG(layer_from_config(Json::parse(R"({"class_name": "Dense", "config": {}})")),
                      ValueError, "Dense.from_config: config needs \"units\"");
}

}  // namespace
}  // namespace mz
