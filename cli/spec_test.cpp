// Spec files: YAML and JSON typing, parse errors with line and column, --set overrides,
// section checks, and every example spec under examples/specs parsing into a model.
#include "cli/spec.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cli/model_files.h"
#include "mz/nn/model.h"
#include "testing.h"

namespace mz::cli {
namespace {

TEST(Spec, YamlPlainScalarsAreTyped) {
  Json j = parse_yaml(
      "a: 1\nb: 1.5\nc: true\nd: null\ne: '1'\nf: [null, 784]\ng: relu\nh: ~\n"
      "i: -2e-3\nj: \"true\"\n",
      "t");
  EXPECT_TRUE(j["a"].is_number_integer());
  EXPECT_EQ(j["a"].get<int64_t>(), 1);
  EXPECT_DOUBLE_EQ(j["b"].get<double>(), 1.5);
  EXPECT_EQ(j["c"], true);
  EXPECT_TRUE(j["d"].is_null());
  EXPECT_EQ(j["e"], "1");
  EXPECT_TRUE(j["f"][0].is_null());
  EXPECT_EQ(j["f"][1].get<int64_t>(), 784);
  EXPECT_EQ(j["g"], "relu");
  EXPECT_TRUE(j["h"].is_null());
  EXPECT_DOUBLE_EQ(j["i"].get<double>(), -2e-3);
  EXPECT_EQ(j["j"], "true");
}

TEST(Spec, YamlErrorNamesLineAndColumn) {
  MZ_EXPECT_THROW_MSG(parse_yaml("model:\n  layers: [1, 2\ndata: 3\n", "spec \"x.yaml\""),
                      FormatError, "spec \"x.yaml\": line ");
  try {
    parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "w");
    ADD_FAILURE() << "no error";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("w: line 3, column 2: end of sequence flow not found."),
              std::string::npos)
        << e.what();
  }
}

TEST(Spec, YamlDuplicateKeyIsAnError) {
  MZ_EXPECT_THROW_MSG(parse_yaml("a: 1\nb: 2\na: 3\n", "w"), FormatError,
                      "w: line 3, column 1: duplicate key \"a\".");
}

TEST(Spec, JsonErrorNamesLineAndColumn) {
  // The missing comma is noticed at the next key, "b" (line 3, columns 3-5): the position is
  // the last character nlohmann's parser read.
  MZ_EXPECT_THROW_MSG(parse_json("{\n  \"a\": 1\n  \"b\": 2\n}\n", "spec \"x.json\""), FormatError,
                      "spec \"x.json\": line 3, column 5: syntax error while parsing object - "
                      "unexpected string literal; expected '}'.");
  MZ_EXPECT_THROW_MSG(parse_json("[1, 2", "w"), FormatError, "w: line 1, column 6: ");
}

TEST(Spec, MissingFileIsAnIoError) {
  MZ_EXPECT_THROW_MSG(read_document("/nonexistent/spec.yaml"), IoError,
                      "spec \"/nonexistent/spec.yaml\": cannot read the file");
}

TEST(Spec, OverridesSetNestedValues) {
  Json doc =
      parse_yaml("fit: {epochs: 5}\nmodel: {config: {layers: [{units: 1}, {units: 2}]}}\n", "t");
  apply_override(doc, "fit.epochs=1");
  apply_override(doc, "data.train.x=a b.csv");
  apply_override(doc, "model.config.layers.1.units=64");
  EXPECT_EQ(doc["fit"]["epochs"].get<int64_t>(), 1);
  EXPECT_EQ(doc["data"]["train"]["x"], "a b.csv");
  EXPECT_EQ(doc["model"]["config"]["layers"][1]["units"].get<int64_t>(), 64);
  MZ_EXPECT_THROW_MSG(apply_override(doc, "fit.epochs"), ValueError,
                      "--set \"fit.epochs\": expected key.path=value");
  MZ_EXPECT_THROW_MSG(apply_override(doc, "model.config.layers.7.units=1"), ValueError,
                      "index 7 is past the list's 2 entries");
}

TEST(Spec, SectionsAreChecked) {
  Json good = parse_yaml(
      "model: {class_name: Sequential, config: {layers: []}}\n"
      "data: {train: a.csv}\ncompile: {loss: mse}\n",
      "t");
  TrainSpec spec = train_spec_from_json(good, "spec");
  EXPECT_EQ(spec.data.train.x, "a.csv");
  EXPECT_EQ(spec.fit.batch_size, 32);
  Json bad = good;
  bad["data"]["formt"] = "csv";
  MZ_EXPECT_THROW_MSG(train_spec_from_json(bad, "spec"), ValueError,
                      "spec: data: unknown key \"formt\": expected one of ");
  bad = good;
  bad["compile"].erase("loss");
  MZ_EXPECT_THROW_MSG(train_spec_from_json(bad, "spec"), ValueError,
                      "spec: compile: \"loss\" is required");
  bad = good;
  bad["fit"]["epochs"] = "many";
  MZ_EXPECT_THROW_MSG(train_spec_from_json(bad, "spec"), ValueError,
                      "spec: fit: config \"epochs\": expected an integer, got \"many\".");
  bad = good;
  bad["data"]["scaling"] = "zscore";
  MZ_EXPECT_THROW_MSG(train_spec_from_json(bad, "spec"), ValueError,
                      "\"scaling\": expected none, minmax, standard or {scale, offset}, got "
                      "\"zscore\".");
  bad = good;
  bad.erase("model");
  MZ_EXPECT_THROW_MSG(train_spec_from_json(bad, "spec"), ValueError, "spec: \"model\" is required");
}

TEST(Spec, UnknownLayerClassesAreNamedWithTheClosestKnownOne) {
  Json model = parse_yaml(
      "class_name: Sequential\nconfig:\n  layers:\n"
      "    - {class_name: InputLayer, config: {batch_shape: [null, 4]}}\n"
      "    - class_name: Sequential\n      config:\n        name: inner\n"
      "        layers: [{class_name: conv2d, config: {name: c}}]\n",
      "t");
  MZ_EXPECT_THROW_MSG(check_layer_classes(model, "spec"), ValueError,
                      "spec: model: layer 1 (\"inner\"): layer 0 (\"c\"): unknown layer class "
                      "\"conv2d\": expected one of the ");
  MZ_EXPECT_THROW_MSG(check_layer_classes(model, "spec"), ValueError, "; did you mean \"Conv2D\"?");
  model["config"]["layers"][1]["config"]["layers"][0]["class_name"] = "Transformer";
  MZ_EXPECT_THROW_MSG(check_layer_classes(model, "spec"), ValueError,
                      "Keras layer classes merezha knows: Activation, ");
  model["config"]["layers"][1]["config"]["layers"][0]["class_name"] = "Dense";
  check_layer_classes(model, "spec");
}

TEST(Spec, ExampleSpecsBuildTheirModels) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MZ_SPECS_DIR)) {
    std::string path = entry.path().string();
    std::string ext = entry.path().extension().string();
    if (ext != ".yaml" && ext != ".json") continue;
    SCOPED_TRACE(path);
    TrainSpec spec = read_train_spec(path, {});
    std::shared_ptr<Model> model = Model::from_config(spec.model);
    EXPECT_GT(model->weights().size(), 0u);
    EXPECT_FALSE(spec.output.model.empty());
    ++count;
  }
  EXPECT_GE(count, 3);
}

}  // namespace
}  // namespace mz::cli
