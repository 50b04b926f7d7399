// Tests for .keras and .weights.h5 files: Keras-written goldens load and predict Keras's
// outputs (and continue training as Keras does), merezha's files round-trip bit for bit and
// have Keras's layout, and malformed files give clear errors.
#include "mz/io/keras_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "mz/io/h5_weights.h"
#include "mz/io/npy.h"
#include "mz/io/test_files.h"
#include "mz/io/zip_archive.h"
#include "mz/mz.h"
#include "mz/nn/layers/batch_normalization.h"
#include "mz/nn/layers/bidirectional.h"
#include "mz/nn/layers/concatenate.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/gru.h"
#include "mz/nn/layers/lstm.h"
#include "mz/nn/layers/max_pooling2d.h"
#include "mz/nn/layers/merge.h"
#include "mz/nn/layers/time_distributed.h"
#include "mz/ops/random.h"
#include "testing.h"

namespace mz {
namespace {

namespace L = layers;
using io::detail::H5Content;
using mz::testing::all_close;
using mz::testing::TempDir;

const std::string kDir = std::string(MZ_GOLDEN_DIR) + "/keras_files/";

bool supported() { return io::detail::have_libzip() && io::detail::have_hdf5(); }

#define MZ_REQUIRE_KERAS_FILES() \
  if (!supported()) GTEST_SKIP() << "merezha was built without libzip or libhdf5"

Tensors golden_inputs(const std::string& name) {
  if (name == "two_input")
    return Tensors({io::read_npy(kDir + name + "_x0.npy"), io::read_npy(kDir + name + "_x1.npy")});
  return Tensors(io::read_npy(kDir + name + "_x.npy"));
}

// The members of a .keras archive by name.
std::map<std::string, std::vector<uint8_t>> members(const std::string& path) {
  std::map<std::string, std::vector<uint8_t>> out;
  for (auto& m : io::detail::read_zip(path, "test")) out[m.name] = m.bytes;
  return out;
}

H5Content weights_of(const std::string& keras_path) {
  return io::detail::read_h5(members(keras_path).at("model.weights.h5"), "test");
}

// Dataset paths with their shapes, for layout comparisons.
std::map<std::string, std::string> layout(const H5Content& c) {
  std::map<std::string, std::string> out;
  for (const auto& [path, t] : c.datasets) out[path] = to_string(t.shape());
  return out;
}

class KerasGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(KerasGolden, PredictsKerasOutputsAndContinuesTraining) {
  MZ_REQUIRE_KERAS_FILES();
  const std::string name = GetParam();
  std::shared_ptr<Model> model = load_model(kDir + name + ".keras");
  ASSERT_TRUE(model->compiled());
  Tensors x = golden_inputs(name);
  Tensor want = io::read_npy(kDir + name + "_y.npy");
  EXPECT_TRUE(all_close(model->predict(x), want, 1e-5, 1e-6)) << name;
  // Saved again by merezha: the same HDF5 groups and datasets as Keras's file.
  TempDir dir;
  save_model(*model, dir.file("again.keras"));
  H5Content ours = weights_of(dir.file("again.keras")), keras = weights_of(kDir + name + ".keras");
  EXPECT_EQ(layout(ours), layout(keras)) << name;
  std::set<std::string> groups, keras_groups;
  for (const auto& [g, n] : ours.groups) groups.insert(g);
  for (const auto& [g, n] : keras.groups) keras_groups.insert(g);
  EXPECT_EQ(groups, keras_groups) << name;
  // One train_on_batch continues from Keras's optimizer state: Keras's next prediction.
  Tensor y = io::read_npy(kDir + name + "_ytrain.npy");
  if (name == std::string("cnn")) y = y.to(DType::i64);
  EXPECT_GT(model->optimizer()->iterations(), 0);
  model->train_on_batch(x, y);
  Tensor next = io::read_npy(kDir + name + "_ynext.npy");
  EXPECT_TRUE(all_close(model->predict(x), next, 1e-5, 1e-6)) << name;
  // And fit goes on, with a falling loss.
  double before = model->evaluate(x, y, {.verbose = 0}).at("loss");
  model->fit(x, y, {.batch_size = 8, .epochs = 5, .verbose = 0, .shuffle = false});
  double after = model->evaluate(x, y, {.verbose = 0}).at("loss");
  EXPECT_LT(after, before) << name;
}

INSTANTIATE_TEST_SUITE_P(KerasFile, KerasGolden,
                         ::testing::Values("mlp", "cnn", "lstm", "two_input"));

// A small trained CNN like the cnn golden, built in merezha.
std::shared_ptr<Sequential> make_cnn() {
  auto m = std::make_shared<Sequential>(std::vector<LayerPtr>{
      Input({6, 6, 2}), L::Conv2D(3, 3, {.padding = "same"}), L::BatchNormalization(),
      L::Activation("relu"), L::MaxPooling2D({.pool_size = {2}}), L::Flatten(),
      L::Dense(3, {.activation = "softmax"})});
  m->compile({.optimizer = optimizers::SGD({.learning_rate = 0.05, .momentum = 0.9}),
              .loss = "sparse_categorical_crossentropy",
              .metrics = {"accuracy"}});
  return m;
}

std::shared_ptr<Model> make_two_input() {
  KerasTensor a = Input({4}, {.name = "a"}), b = Input({3}, {.name = "b"});
  KerasTensor ha = L::Dense(5, {.activation = "tanh"})(a);
  KerasTensor hb = L::Dense(5, {.activation = "relu"})(b);
  KerasTensor m = L::Concatenate()(std::vector<KerasTensor>{ha, hb}).at(0);
  KerasTensor h = L::LSTM(3)(L::Reshape({5, 2})(m));
  auto model = std::make_shared<Model>(KerasTensors{a, b}, KerasTensors(L::Dense(2)(h)));
  model->compile({.optimizer = optimizers::Adam({.learning_rate = 0.01}), .loss = "mse"});
  return model;
}

// A graph with nested weights: Bidirectional(GRU), TimeDistributed(Dense), a Sequential
// inside, and a Dense called twice (two nodes of one layer).
std::shared_ptr<Model> make_nested() {
  KerasTensor x = Input({5, 3});
  KerasTensor h = L::Bidirectional(L::GRU(4, {.return_sequences = true}))(x);
  KerasTensor t = L::TimeDistributed(L::Dense(2))(h);
  auto inner = std::make_shared<Sequential>(
      std::vector<LayerPtr>{Input({5, 2}), L::Flatten(), L::Dense(3, {.activation = "tanh"})});
  KerasTensor a = (*inner)(t);
  auto shared = std::make_shared<L::Dense>(3);
  KerasTensor b = (*shared)(a);
  KerasTensor c = (*shared)(b);
  KerasTensor out = L::Add()(std::vector<KerasTensor>{b, c}).at(0);
  auto model = std::make_shared<Model>(x, out);
  model->compile({.optimizer = optimizers::RMSprop({.learning_rate = 0.01, .momentum = 0.5}),
                  .loss = "mse",
                  .metrics = {"mae"}});
  return model;
}

void expect_same_weights(const Model& a, const Model& b) {
  std::vector<VariablePtr> wa = a.weights(), wb = b.weights();
  ASSERT_EQ(wa.size(), wb.size());
  for (std::size_t i = 0; i < wa.size(); ++i)
    EXPECT_TRUE(all_close(wa[i]->value, wb[i]->value, 0.0, 0.0)) << wa[i]->path;
}

TEST(KerasFile, SequentialRoundTripContinuesFitExactly) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto model = make_cnn();
  Tensor x = io::read_npy(kDir + "cnn_x.npy");
  Tensor y = io::read_npy(kDir + "cnn_ytrain.npy").to(DType::i64);
  model->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  save_model(*model, dir.file("cnn.keras"));
  auto loaded = load_model(dir.file("cnn.keras"));
  expect_same_weights(*model, *loaded);
  EXPECT_TRUE(all_close(loaded->predict(x), model->predict(x), 0.0, 0.0));
  EXPECT_EQ(loaded->optimizer()->iterations(), model->optimizer()->iterations());
  EXPECT_EQ(loaded->optimizer()->config(), model->optimizer()->config());
  // Both continue: the same updates, bit for bit.
  model->train_on_batch(x, y);
  loaded->train_on_batch(x, y);
  expect_same_weights(*model, *loaded);
  // save -> load -> save: the same config.json and the same weight data.
  save_model(*loaded, dir.file("again.keras"));
  auto first = members(dir.file("cnn.keras")), second = members(dir.file("again.keras"));
  EXPECT_EQ(first.at("config.json"), second.at("config.json"));
}

TEST(KerasFile, FunctionalRoundTripWithLstm) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto model = make_two_input();
  Tensors x = golden_inputs("two_input");
  Tensor y = io::read_npy(kDir + "two_input_ytrain.npy");
  model->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  save_model(*model, dir.file("two.keras"));
  auto loaded = load_model(dir.file("two.keras"));
  EXPECT_EQ(loaded->class_name(), "Functional");
  EXPECT_EQ(loaded->inputs().size(), 2u);
  expect_same_weights(*model, *loaded);
  EXPECT_TRUE(all_close(loaded->predict(x), model->predict(x), 0.0, 0.0));
  model->train_on_batch(x, y);
  loaded->train_on_batch(x, y);
  expect_same_weights(*model, *loaded);
  save_model(*loaded, dir.file("again.keras"));
  EXPECT_EQ(members(dir.file("two.keras")).at("config.json"),
            members(dir.file("again.keras")).at("config.json"));
  H5Content c = weights_of(dir.file("two.keras"));
  EXPECT_EQ(c.datasets.count("layers/lstm/cell/vars/2"), 1u);
  EXPECT_EQ(c.groups.count("layers/input_layer/vars"), 1u);
  EXPECT_EQ(c.groups.count("layers/input_layer_1/vars"), 1u);
}

TEST(KerasFile, NestedLayersRoundTrip) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Generator gen(3);
  auto model = make_nested();
  Tensor x = uniform({8, 5, 3}, -1.0, 1.0, {}, gen), y = uniform({8, 3}, -1.0, 1.0, {}, gen);
  model->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  save_model(*model, dir.file("n.keras"));
  auto loaded = load_model(dir.file("n.keras"));
  expect_same_weights(*model, *loaded);
  EXPECT_TRUE(all_close(loaded->predict(x), model->predict(x), 0.0, 0.0));
  model->train_on_batch(x, y);
  loaded->train_on_batch(x, y);
  expect_same_weights(*model, *loaded);
  save_model(*loaded, dir.file("again.keras"));
  EXPECT_EQ(members(dir.file("n.keras")).at("config.json"),
            members(dir.file("again.keras")).at("config.json"));
  std::map<std::string, std::string> paths = layout(weights_of(dir.file("n.keras")));
  for (const char* p :
       {"layers/bidirectional/forward_layer/cell/vars/2",
        "layers/bidirectional/backward_layer/cell/vars/0", "layers/time_distributed/layer/vars/1",
        "layers/sequential/layers/dense/vars/0", "layers/dense/vars/1", "optimizer/vars/0",
        "optimizer/vars/1"})
    EXPECT_EQ(paths.count(p), 1u) << p;
  EXPECT_EQ(paths.at("layers/bidirectional/forward_layer/cell/vars/2"), "(2, 12)");
}

TEST(KerasFile, CompileConfigRoundTrips) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  KerasTensor x = Input({4});
  KerasTensor h = L::Dense(6, {.activation = "relu"})(x);
  KerasTensor a = L::Dense(2)(h), b = L::Dense(1, {.activation = "sigmoid"})(h);
  Model model(x, KerasTensors{a, b});
  model.compile({.optimizer = optimizers::Adam({.learning_rate = 0.003, .amsgrad = true}),
                 .losses = {"mse", "binary_crossentropy"},
                 .loss_weights = {1.0, 0.5},
                 .output_metrics = {{"mae"}, {"accuracy"}}});
  Generator gen(4);
  Tensor xs = uniform({8, 4}, -1.0, 1.0, {}, gen), ya = uniform({8, 2}, -1.0, 1.0, {}, gen);
  Tensor yb = uniform({8, 1}, 0.0, 1.0, {}, gen);
  model.fit(xs, {ya, yb}, {.batch_size = 4, .epochs = 1, .verbose = 0});
  save_model(model, dir.file("c.keras"));
  auto loaded = load_model(dir.file("c.keras"));
  EXPECT_EQ(loaded->compile_config(), model.compile_config());
  EXPECT_EQ(loaded->losses_by_output()[1]->class_name(), "BinaryCrossentropy");
  // amsgrad adds a third slot kind, saved after the interleaved (m, v) pairs as Keras does.
  H5Content c = weights_of(dir.file("c.keras"));
  EXPECT_EQ(c.datasets.count("optimizer/vars/" + std::to_string(2 + 3 * 6)), 0u);
  EXPECT_EQ(c.datasets.count("optimizer/vars/" + std::to_string(1 + 3 * 6)), 1u);
  Logs before = model.evaluate(xs, {ya, yb}, {.verbose = 0});
  Logs after = loaded->evaluate(xs, {ya, yb}, {.verbose = 0});
  EXPECT_EQ(before, after);
  model.train_on_batch(xs, {ya, yb});
  loaded->train_on_batch(xs, {ya, yb});
  expect_same_weights(model, *loaded);
}

TEST(KerasFile, SavedLayoutMatchesKeras) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto model = make_cnn();
  Tensor x = io::read_npy(kDir + "cnn_x.npy");
  Tensor y = io::read_npy(kDir + "cnn_ytrain.npy").to(DType::i64);
  model->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  save_model(*model, dir.file("cnn.keras"));
  auto ours = members(dir.file("cnn.keras")), keras = members(kDir + "cnn.keras");
  std::vector<std::string> names, keras_names;
  for (const auto& m : io::detail::read_zip(dir.file("cnn.keras"), "t")) names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"metadata.json", "config.json", "model.weights.h5",
                                             "assets/merezha_verify.h5"}));
  Json cfg = Json::parse(ours.at("config.json").begin(), ours.at("config.json").end());
  Json kcfg = Json::parse(keras.at("config.json").begin(), keras.at("config.json").end());
  for (const char* key :
       {"module", "class_name", "config", "registered_name", "build_config", "compile_config"}) {
    EXPECT_TRUE(cfg.contains(key)) << key;
    EXPECT_TRUE(kcfg.contains(key)) << key;
  }
  EXPECT_EQ(cfg["module"], kcfg["module"]);
  EXPECT_EQ(cfg["build_config"], kcfg["build_config"]);
  EXPECT_EQ(cfg["compile_config"]["optimizer"]["class_name"], "SGD");
  Json meta = Json::parse(ours.at("metadata.json").begin(), ours.at("metadata.json").end());
  EXPECT_TRUE(meta.contains("keras_version") && meta.contains("date_saved"));
  // The same datasets at the same paths with the same shapes (iteration: int64 vs int32).
  H5Content c = weights_of(dir.file("cnn.keras")), k = weights_of(kDir + "cnn.keras");
  EXPECT_EQ(layout(c), layout(k));
  std::set<std::string> groups, kgroups;
  for (const auto& [g, n] : c.groups) groups.insert(g);
  for (const auto& [g, n] : k.groups) kgroups.insert(g);
  EXPECT_EQ(groups, kgroups);
}

TEST(KerasFile, WeightsFileRoundTrip) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto a = make_cnn(), b = make_cnn();
  Tensor x = io::read_npy(kDir + "cnn_x.npy");
  Tensor y = io::read_npy(kDir + "cnn_ytrain.npy").to(DType::i64);
  a->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  save_weights(*a, dir.file("w.weights.h5"));
  load_weights(*b, dir.file("w.weights.h5"));
  expect_same_weights(*a, *b);
  EXPECT_EQ(b->optimizer()->iterations(), a->optimizer()->iterations());
  a->train_on_batch(x, y);
  b->train_on_batch(x, y);
  expect_same_weights(*a, *b);
  // Keras's own weights load into the same architecture.
  auto c = make_cnn();
  H5Content k = weights_of(kDir + "cnn.keras");
  std::vector<uint8_t> image = members(kDir + "cnn.keras").at("model.weights.h5");
  mz::testing::write_bytes(dir.file("k.weights.h5"), image);
  load_weights(*c, dir.file("k.weights.h5"));
  EXPECT_TRUE(all_close(c->layers()[0]->weights()[0]->value, k.datasets.at("layers/conv2d/vars/0"),
                        0.0, 0.0));
  MZ_EXPECT_THROW_MSG(save_weights(*a, dir.file("w.h5")), ValueError, ".weights.h5");
  MZ_EXPECT_THROW_MSG(save_model(*a, dir.file("m.hdf5")), ValueError, "\".keras\"");
}

TEST(KerasFile, WritesAtomically) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto model = make_cnn();
  save_model(*model, dir.file("m.keras"));
  auto before = mz::testing::read_bytes(dir.file("m.keras"));
  // A failing save (an unwritable target directory) leaves the old file as it was.
  EXPECT_THROW(save_model(*model, dir.file("missing/m.keras")), IoError);
  EXPECT_EQ(mz::testing::read_bytes(dir.file("m.keras")), before);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += !e.is_directory();
  EXPECT_EQ(files, 1u);  // no temporary left behind
}

// With MZ_KERAS_EXPORT_DIR set, writes merezha-made .keras files with inputs and merezha's
// predictions there, for `tools/golden/keras_files.py --check-merezha` (Keras loads them).
TEST(KerasFile, ExportsFilesForKeras) {
  MZ_REQUIRE_KERAS_FILES();
  const char* out = std::getenv("MZ_KERAS_EXPORT_DIR");
  if (!out) GTEST_SKIP() << "MZ_KERAS_EXPORT_DIR is not set";
  const std::string dir = out;
  auto cnn = make_cnn();
  Tensor x = io::read_npy(kDir + "cnn_x.npy");
  Tensor y = io::read_npy(kDir + "cnn_ytrain.npy").to(DType::i64);
  cnn->fit(x, y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  save_model(*cnn, dir + "/mz_cnn.keras");
  io::write_npy(dir + "/mz_cnn_x.npy", x);
  io::write_npy(dir + "/mz_cnn_y.npy", cnn->predict(x));
  auto two = make_two_input();
  Tensors xs = golden_inputs("two_input");
  two->fit(xs, io::read_npy(kDir + "two_input_ytrain.npy"), {.batch_size = 4, .verbose = 0});
  save_model(*two, dir + "/mz_two.keras");
  auto nested = make_nested();
  Generator gen(3);
  Tensor xn = uniform({8, 5, 3}, -1.0, 1.0, {}, gen), yn = uniform({8, 3}, -1.0, 1.0, {}, gen);
  nested->fit(xn, yn, {.batch_size = 4, .verbose = 0});
  save_model(*nested, dir + "/mz_nested.keras");
  io::write_npy(dir + "/mz_nested_x.npy", xn);
  io::write_npy(dir + "/mz_nested_y.npy", nested->predict(xn));
  io::write_npy(dir + "/mz_two_x0.npy", xs.list[0]);
  io::write_npy(dir + "/mz_two_x1.npy", xs.list[1]);
  io::write_npy(dir + "/mz_two_y.npy", two->predict(xs));
}

}  // namespace
}  // namespace mz
