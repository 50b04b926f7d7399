// Tests for legacy Keras .h5 model files: files written by Keras 3 (model.save("m.h5")) and in
// tf.keras 2's layout load, predict Keras's outputs and keep training; Keras 2 configs are
// converted; unsupported layers, wrong files, truncations and mutations give clear errors.
#include "mz/io/legacy_h5.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "mz/io/h5_weights.h"
#include "mz/io/keras_file.h"
#include "mz/io/npy.h"
#include "mz/io/test_files.h"
#include "mz/mz.h"
#include "testing.h"

namespace mz {
namespace {

namespace L = layers;
using mz::testing::all_close;
using mz::testing::Bytes;
using mz::testing::TempDir;

const std::string kDir = std::string(MZ_GOLDEN_DIR) + "/keras_legacy_h5/";

#define MZ_REQUIRE_HDF5() \
  if (!io::detail::have_hdf5()) GTEST_SKIP() << "merezha was built without libhdf5"

Tensors golden_inputs(const std::string& name) {
  if (name.find("two_branch") != std::string::npos)
    return Tensors({io::read_npy(kDir + name + "_x0.npy"), io::read_npy(kDir + name + "_x1.npy")});
  return Tensors(io::read_npy(kDir + name + "_x.npy"));
}

class LegacyH5Golden : public ::testing::TestWithParam<const char*> {};

TEST_P(LegacyH5Golden, PredictsKerasOutputsAndContinuesTraining) {
  MZ_REQUIRE_HDF5();
  const std::string name = GetParam();
  std::shared_ptr<Model> model = load_model(kDir + name + ".h5");
  ASSERT_TRUE(model->compiled());
  Tensors x = golden_inputs(name);
  EXPECT_TRUE(all_close(model->predict(x), io::read_npy(kDir + name + "_y.npy"), 1e-5, 1e-6))
      << name;
  // The optimizer state came from optimizer_weights: one step gives Keras's next prediction.
  Tensor y = io::read_npy(kDir + name + "_ytrain.npy");
  if (name == std::string("cnn")) y = y.to(DType::i64);
  EXPECT_GT(model->optimizer()->iterations(), 0);
  model->train_on_batch(x, y);
  EXPECT_TRUE(all_close(model->predict(x), io::read_npy(kDir + name + "_ynext.npy"), 1e-5, 1e-6))
      << name;
  const double before = model->evaluate(x, y, {.verbose = 0}).at("loss");
  model->fit(x, y, {.batch_size = 8, .epochs = 5, .verbose = 0, .shuffle = false});
  EXPECT_LT(model->evaluate(x, y, {.verbose = 0}).at("loss"), before) << name;
}

INSTANTIATE_TEST_SUITE_P(Keras3, LegacyH5Golden,
                         ::testing::Values("mlp", "cnn", "lstm", "two_branch"));

class LegacyH5Keras2 : public ::testing::TestWithParam<const char*> {};

TEST_P(LegacyH5Keras2, LoadsTfKeras2LayoutAndTrains) {
  MZ_REQUIRE_HDF5();
  const std::string name = GetParam();
  std::shared_ptr<Model> model = load_model(kDir + name + ".h5");
  ASSERT_TRUE(model->compiled());
  EXPECT_EQ(model->optimizer()->class_name(), "Adam");
  Tensors x = golden_inputs(name);
  Tensor want = io::read_npy(kDir + name + "_y.npy");
  EXPECT_TRUE(all_close(model->predict(x), want, 1e-5, 1e-6)) << name;
  Tensor y = want * 0.5 + 0.25;
  const double before = model->evaluate(x, y, {.verbose = 0}).at("loss");
  model->fit(x, y, {.batch_size = 8, .epochs = 5, .verbose = 0, .shuffle = false});
  EXPECT_LT(model->evaluate(x, y, {.verbose = 0}).at("loss"), before) << name;
}

INSTANTIATE_TEST_SUITE_P(TfKeras2, LegacyH5Keras2,
                         ::testing::Values("keras2_mlp", "keras2_two_branch"));

// merezha's own legacy .h5 files: loaded back, the same predictions, optimizer state and next
// training step. MZ_KERAS_EXPORT_DIR also gets each file with its input and prediction, for
// tools/golden/keras_legacy_h5.py --check-merezha.
TEST_P(LegacyH5Golden, SavedFileLoadsBackAndContinuesTheSame) {
  MZ_REQUIRE_HDF5();
  const std::string name = GetParam();
  TempDir dir;
  std::shared_ptr<Model> a = load_model(kDir + name + ".h5");
  const char* out = std::getenv("MZ_KERAS_EXPORT_DIR");
  const std::string path = out ? str(out, "/mz_", name, ".h5") : dir.file("m.h5");
  save_model(*a, path);
  std::shared_ptr<Model> b = load_model(path);
  Tensors x = golden_inputs(name);
  EXPECT_TRUE(all_close(b->predict(x), a->predict(x), 0.0, 0.0)) << name;
  if (out) {
    const std::vector<std::string> suffixes = x.list.size() == 1
                                                  ? std::vector<std::string>{"_x"}
                                                  : std::vector<std::string>{"_x0", "_x1"};
    for (std::size_t i = 0; i < x.list.size(); ++i)
      io::write_npy(str(out, "/mz_", name, suffixes[i], ".npy"), x.list[i]);
    io::write_npy(str(out, "/mz_", name, "_y.npy"), b->predict(x));
  }
  ASSERT_TRUE(b->compiled());
  EXPECT_EQ(b->optimizer()->iterations(), a->optimizer()->iterations());
  Tensor y = io::read_npy(kDir + name + "_ytrain.npy");
  if (name == std::string("cnn")) y = y.to(DType::i64);
  a->train_on_batch(x, y);
  b->train_on_batch(x, y);
  EXPECT_TRUE(all_close(b->predict(x), a->predict(x), 1e-6, 1e-7)) << name;
}

TEST(LegacyH5, SavesKerasLayout) {
  MZ_REQUIRE_HDF5();
  TempDir dir;
  std::shared_ptr<Model> a = load_model(kDir + "two_branch.h5");
  save_model(*a, dir.file("m.h5"));
  io::detail::LegacyH5 f =
      io::detail::read_legacy_h5(mz::testing::read_bytes(dir.file("m.h5")), "test");
  io::detail::LegacyH5 k =
      io::detail::read_legacy_h5(mz::testing::read_bytes(kDir + "two_branch.h5"), "test");
  ASSERT_EQ(f.layers.size(), k.layers.size());
  for (std::size_t i = 0; i < f.layers.size(); ++i) {
    EXPECT_EQ(f.layers[i].layer, k.layers[i].layer);
    EXPECT_EQ(f.layers[i].names, k.layers[i].names);
  }
  EXPECT_EQ(f.optimizer_values.size(), k.optimizer_values.size());
  EXPECT_EQ(f.compile_config["optimizer"]["class_name"], "Adam");
}

// Writes a legacy file holding `model_config` with a small Dense model's weights.
std::string crafted(const TempDir& dir, const Json& model_config) {
  Sequential model({Input({3}), L::Dense(2, {.name = "dense"})});
  const std::string path = dir.file("crafted.h5");
  mz::testing::write_bytes(
      path, io::detail::write_legacy_h5(model, model_config, Json(), {}, "adam", "test"));
  return path;
}

TEST(LegacyH5, CraftedConfigsAreRefusedByName) {
  MZ_REQUIRE_HDF5();
  TempDir dir;
  MZ_EXPECT_THROW_MSG(load_model(crafted(dir, Json("abc"))), FormatError,
                      "\"/\" attribute \"model_config\": expected an object with \"class_name\" "
                      "and \"config\", got string.");
  Json bad_name = Json::parse(R"({"class_name": "Sequential", "config": {"layers": [
      {"class_name": "Dense", "config": {"name": 7, "units": 2, "batch_input_shape": [null, 3]}}]}})");
  MZ_EXPECT_THROW_MSG(load_model(crafted(dir, bad_name)), FormatError,
                      "\"model_config\": unexpected JSON value");
  Json lambda = Json::parse(R"({"class_name": "Sequential", "config": {"layers": [
      {"class_name": "InputLayer", "config": {"batch_shape": [null, 3], "name": "in"}},
      {"class_name": "Lambda", "config": {"name": "l", "function": "x * 2",
                                          "module": "os"}}]}})");
  MZ_EXPECT_THROW_MSG(load_model(crafted(dir, lambda)), ValueError, "Lambda");
}

TEST(LegacyH5, LoadsWithoutCompiling) {
  MZ_REQUIRE_HDF5();
  std::shared_ptr<Model> model = load_model(kDir + "mlp.h5", {.compile = false});
  EXPECT_FALSE(model->compiled());
  EXPECT_TRUE(all_close(model->predict(golden_inputs("mlp")), io::read_npy(kDir + "mlp_y.npy"),
                        1e-5, 1e-6));
}

TEST(LegacyH5, UnsupportedLayerIsNamed) {
  MZ_REQUIRE_HDF5();
  MZ_EXPECT_THROW_MSG(load_model(kDir + "unsupported.h5"), ValueError, "FancyCapsule");
  MZ_EXPECT_THROW_MSG(load_model(kDir + "unsupported.h5"), ValueError,
                      "load_model \"" + kDir + "unsupported.h5\": model_config");
}

TEST(LegacyH5, WeightsOnlyFileIsRefused) {
  MZ_REQUIRE_HDF5();
  TempDir dir;
  Sequential model({Input({3}), L::Dense(2)});
  save_weights(model, dir.file("w.weights.h5"));
  mz::testing::write_bytes(dir.file("w.h5"), mz::testing::read_bytes(dir.file("w.weights.h5")));
  MZ_EXPECT_THROW_MSG(load_model(dir.file("w.h5")), FormatError,
                      "\"/\" has no \"model_config\" attribute: not a Keras model file");
}

TEST(LegacyH5, NotHdf5IsAFormatErrorNamingTheFile) {
  MZ_REQUIRE_HDF5();
  TempDir dir;
  mz::testing::write_bytes(dir.file("m.h5"), Bytes{'h', 'e', 'l', 'l', 'o'});
  MZ_EXPECT_THROW_MSG(load_model(dir.file("m.h5")), FormatError,
                      "load_model \"" + dir.file("m.h5") + "\": not an HDF5 file");
}

TEST(LegacyH5, ConvertsKeras2ModelConfigs) {
  Json seq = Json::parse(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [null, 3],
                                          "dtype": "float32"}}]}})");
  Json out = legacy_model_config(seq, "test");
  ASSERT_EQ(out["config"]["layers"].size(), 2u);
  EXPECT_EQ(out["config"]["layers"][0]["class_name"], "InputLayer");
  EXPECT_EQ(out["config"]["layers"][0]["config"]["batch_shape"], Json::parse("[null, 3]"));
  EXPECT_FALSE(out["config"]["layers"][1]["config"].contains("batch_input_shape"));
  std::shared_ptr<Model> m = Model::from_config(out);
  EXPECT_EQ(m->predict(Tensors(ones({4, 3}))).shape(), Shape({4, 2}));

  Json fn = Json::parse(R"({"class_name": "Model", "config": {"name": "m", "layers": [
      {"class_name": "InputLayer", "name": "i", "inbound_nodes": [],
       "config": {"batch_input_shape": [null, 3], "dtype": "float32", "name": "i"}},
      {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2},
       "inbound_nodes": [[["i", 0, 0, {}]]]}],
      "input_layers": [["i", 0, 0]], "output_layers": [["d", 0, 0]]}})");
  out = legacy_model_config(fn, "test");
  EXPECT_EQ(out["class_name"], "Functional");
  EXPECT_EQ(out["config"]["layers"][0]["config"]["batch_shape"], Json::parse("[null, 3]"));
  EXPECT_EQ(Model::from_config(out)->predict(Tensors(ones({4, 3}))).shape(), Shape({4, 2}));

  Json bare = Json::parse(R"({"class_name": "Sequential", "config": [
      {"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [null, 3]}}]})");
  EXPECT_EQ(legacy_model_config(bare, "test")["config"]["layers"].size(), 2u);
  MZ_EXPECT_THROW_MSG(legacy_model_config(Json::array(), "load_model \"m.h5\""), FormatError,
                      "load_model \"m.h5\": expected an object with \"class_name\" and "
                      "\"config\", got array.");
}

TEST(LegacyH5, ConvertsTrainingConfigToCompileConfig) {
  Json tc = Json::parse(R"({"loss": "mse", "metrics": null, "optimizer_config": {
      "class_name": "Custom>Adam", "config": {"name": "Adam", "learning_rate": 0.001,
      "decay": 0.0, "is_legacy_optimizer": false}}})");
  Json cc = legacy_compile_config(tc, "test");
  EXPECT_FALSE(cc.contains("optimizer_config"));
  EXPECT_EQ(cc["optimizer"]["class_name"], "Adam");
  EXPECT_FALSE(cc["optimizer"]["config"].contains("decay"));
  EXPECT_FALSE(cc["optimizer"]["config"].contains("is_legacy_optimizer"));
  EXPECT_EQ(cc["loss"], "mse");
  EXPECT_TRUE(legacy_compile_config(Json(), "test").is_null());
  MZ_EXPECT_THROW_MSG(legacy_compile_config(Json::parse(R"({"optimizer_config": 3})"), "t"),
                      FormatError,
                      "t: \"optimizer_config\": expected {\"class_name\", \"config\"}");
}

TEST(LegacyH5, ReadsVariableAndFixedLengthStringAttributes) {
  MZ_REQUIRE_HDF5();
  // Keras 3 writes variable-length UTF-8 strings, tf.keras 2 fixed-length byte strings.
  io::detail::LegacyH5 k3 =
      io::detail::read_legacy_h5(mz::testing::read_bytes(kDir + "mlp.h5"), "test");
  EXPECT_EQ(k3.keras_version, "3.15.1");
  ASSERT_EQ(k3.layers.size(), 2u);
  EXPECT_EQ(k3.layers[0].layer, "dense");
  EXPECT_EQ(k3.layers[0].names.size(), 2u);
  EXPECT_EQ(k3.optimizer_names.front(), "adam/iteration");
  io::detail::LegacyH5 k2 =
      io::detail::read_legacy_h5(mz::testing::read_bytes(kDir + "keras2_mlp.h5"), "test");
  EXPECT_EQ(k2.keras_version, "2.4.0");
  ASSERT_EQ(k2.layers.size(), 2u);
  EXPECT_EQ(k2.layers[1].names, (std::vector<std::string>{"dense_1/kernel:0", "dense_1/bias:0"}));
  EXPECT_TRUE(k2.optimizer_names.empty());
}

TEST(LegacyH5, WeightMismatchesNameLayerAndWeight) {
  MZ_REQUIRE_HDF5();
  io::detail::LegacyH5 file =
      io::detail::read_legacy_h5(mz::testing::read_bytes(kDir + "mlp.h5"), "f");
  std::shared_ptr<Model> model = Model::from_config(file.config);
  io::detail::LegacyH5 fewer = file;
  fewer.layers.pop_back();
  MZ_EXPECT_THROW_MSG(io::detail::assign_legacy_weights(*model, fewer, "f"), FormatError,
                      "f: \"/model_weights\": expected weights for 2 layers ('dense', "
                      "'dense_1'), got 1 ('dense').");
  io::detail::LegacyH5 wrong = file;
  wrong.layers[1].values[0] = zeros({4, 3});
  MZ_EXPECT_THROW_MSG(io::detail::assign_legacy_weights(*model, wrong, "f"), FormatError,
                      "weight 0 (kernel, \"sequential/dense_1/kernel\"): expected shape (5, 3), "
                      "got (4, 3).");
}

// Truncations and seeded byte mutations of a Keras-written file: an error or a model, never a
// crash (the string attributes are read in a child process).
TEST(LegacyH5, TruncatedAndMutatedFilesGiveErrors) {
  MZ_REQUIRE_HDF5();
  TempDir dir;
  const Bytes good = mz::testing::read_bytes(kDir + "mlp.h5");
  const std::string path = dir.file("m.h5");
  int errors = 0, loaded = 0, attempts = 0;
  auto attempt = [&](const Bytes& bytes) {
    ++attempts;
    mz::testing::write_bytes(path, bytes);
    try {
      std::shared_ptr<Model> m = load_model(path);
      m->predict(golden_inputs("mlp"));
      ++loaded;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      ++errors;
    }
  };
  for (std::size_t cut = 0; cut < good.size(); cut += good.size() / 40 + 1)
    attempt(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)));
  std::mt19937 rng(5);
  for (int i = 0; i < 60; ++i) {
    Bytes bad = good;
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) bad[rng() % bad.size()] = static_cast<uint8_t>(rng());
    attempt(bad);
  }
  EXPECT_GT(errors, 30);
  EXPECT_EQ(errors + loaded, attempts);
}

}  // namespace
}  // namespace mz
