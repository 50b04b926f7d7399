// ONNX export: errors by name, atomic writes, and parity with onnxruntime through golden files
// (tests/golden/onnx: the exported graph, inputs and onnxruntime's outputs, written by
// DISABLED_OnnxGolden.Write and tools/golden/onnx_golden.py).
#include "mz/io/onnx_export.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "mz/io/npy.h"
#include "mz/io/test_files.h"
#include "mz/mz.h"
#include "testing.h"

namespace mz {
namespace {

namespace L = mz::layers;
using mz::testing::TempDir;

const std::string kGoldenDir = std::string(MZ_GOLDEN_DIR) + "/onnx";
const OnnxExportOptions kGoldenOptions{.producer_version = "golden"};

// Sets every weight to a fixed pattern (variances positive), so exports are reproducible.
void fix_weights(Model& model) {
  int k = 0;
  for (const auto& v : model.weights()) {
    std::vector<float> vals(v->value.numel());
    for (std::size_t i = 0; i < vals.size(); ++i) {
      float s = 0.5f * std::sin(0.7f * static_cast<float>(i) + 1.3f * static_cast<float>(k));
      vals[i] = v->name == "moving_variance" ? 0.6f + std::abs(s) : s;
    }
    v->value.copy_(tensor(vals, v->value.shape()));
    ++k;
  }
}

// A (batch, ...) float input of fixed values.
Tensor fixed_input(const Shape& shape, float phase) {
  std::vector<float> vals(shape.numel());
  for (std::size_t i = 0; i < vals.size(); ++i)
    vals[i] = std::cos(0.9f * static_cast<float>(i) + phase);
  return tensor(vals, shape);
}

struct Case {
  std::string name;
  std::function<std::shared_ptr<Model>()> make;
  std::vector<Tensor> inputs;
};

std::shared_ptr<Model> mlp() {
  auto m = std::make_shared<Sequential>(
      std::vector<LayerPtr>{
          Input({6}, {.name = "x"}), L::Dense(8, {.activation = "relu", .name = "d1"}),
          L::Dropout(0.3, {.name = "drop"}), L::Dense(4, {.activation = "softmax", .name = "d2"})},
      LayerCommon{.name = "mlp"});
  fix_weights(*m);
  return m;
}

std::shared_ptr<Model> cnn() {
  auto m = std::make_shared<Sequential>(
      std::vector<LayerPtr>{
          Input({8, 8, 2}, {.name = "img"}),
          L::Conv2D(4, 3, {.padding = "same", .activation = "relu", .name = "c1"}),
          L::BatchNormalization({.name = "bn"}), L::MaxPooling2D({.name = "pool"}),
          L::Conv2D(3, 2, {.strides = 2, .padding = "same", .name = "c2"}),
          L::Flatten({.name = "flat"}), L::Dense(5, {.name = "logits"}),
          L::Activation("softmax", {.name = "probs"})},
      LayerCommon{.name = "cnn"});
  fix_weights(*m);
  return m;
}

std::shared_ptr<Model> rnn() {
  auto m = std::make_shared<Sequential>(
      std::vector<LayerPtr>{Input({5}, {.dtype = DType::i32, .name = "ids"}),
                            L::Embedding(10, 4, {.name = "emb"}),
                            L::LSTM(4, {.return_sequences = true, .name = "lstm"}),
                            L::GRU(3, {.name = "gru"}), L::Dense(2, {.name = "out"})},
      LayerCommon{.name = "rnn"});
  fix_weights(*m);
  return m;
}

// Two inputs, two outputs: Conv1D/pooling branch, Dense branch, Add, Multiply, Concatenate,
// LayerNormalization, Rescaling, gelu, a GRU with reset_after=false and a backwards LSTM.
std::shared_ptr<Model> graph() {
  KerasTensor a = Input({6}, {.name = "a"});
  KerasTensor s = Input({6, 3}, {.name = "seq"});
  KerasTensor x = L::Rescaling(0.5, {.offset = 0.1, .name = "scale"})(a);
  x = L::Dense(5, {.activation = "gelu", .name = "da"})(x);
  KerasTensor t = L::Conv1D(4, 3, {.padding = "causal", .activation = "tanh", .name = "conv"})(s);
  t = L::AveragePooling1D({.pool_size = {2}, .padding = "same", .name = "apool"})(t);
  KerasTensor g = L::GlobalAveragePooling1D({.name = "gap"})(t);
  KerasTensor r = L::GRU(5, {.reset_after = false, .name = "gru"})(s);
  KerasTensor l = L::LSTM(5, {.return_sequences = true, .go_backwards = true, .name = "back"})(s);
  l = L::GlobalMaxPooling1D({.name = "gmp"})(l);
  KerasTensor sum = L::Add({.name = "add"})({L::Dense(5, {.name = "dg"})(g), x, r})[0];
  KerasTensor prod = L::Multiply({.name = "mul"})({sum, l})[0];
  KerasTensor cat = L::Concatenate(-1, {.name = "cat"})({prod, x})[0];
  cat = L::LayerNormalization({.name = "ln"})(cat);
  KerasTensor o1 = L::Dense(3, {.activation = "sigmoid", .name = "head_a"})(cat);
  KerasTensor o2 = L::Dense(2, {.name = "head_b"})(sum);
  auto m = std::make_shared<Model>(KerasTensors{a, s}, KerasTensors{o1, o2},
                                   LayerCommon{.name = "graph"});
  fix_weights(*m);
  return m;
}

// Conv branches merged channels first (Add, Maximum), pooling "same", global pooling, Reshape,
// Permute, Conv1D, MaxPooling1D, BatchNormalization on (batch, units) and more activations.
std::shared_ptr<Model> mixed() {
  KerasTensor img = Input({6, 6, 3}, {.name = "img"});
  KerasTensor c = L::Conv2D(4, 3, {.padding = "same", .activation = "elu", .name = "c"})(img);
  KerasTensor a = L::Conv2D(4, 1, {.activation = "hard_sigmoid", .name = "a"})(c);
  KerasTensor b = L::Conv2D(4, 3, {.padding = "same", .activation = "relu6", .name = "b"})(c);
  KerasTensor m = L::Add({.name = "add"})({a, c})[0];
  m = L::Maximum({.name = "max"})({m, b})[0];
  m = L::AveragePooling2D({.pool_size = {2}, .strides = {2}, .padding = "same", .name = "ap"})(m);
  m = L::Subtract({.name = "sub"})(
      {m,
       L::MaxPooling2D({.pool_size = {3}, .strides = {2}, .padding = "same", .name = "mp"})(c)})[0];
  KerasTensor g = L::GlobalAveragePooling2D({.name = "gap"})(m);
  KerasTensor d = L::Dense(6, {.activation = "selu", .name = "d"})(g);
  d = L::Activation("silu", {.name = "silu"})(d);
  d = L::Activation("softsign", {.name = "softsign"})(d);
  d = L::Activation("leaky_relu", {.name = "leaky"})(d);
  KerasTensor r = L::Reshape({2, 3}, {.name = "rs"})(d);
  r = L::Permute({2, 1}, {.name = "perm"})(r);
  r = L::Conv1D(2, 2, {.activation = "softplus", .name = "c1d"})(r);
  r = L::MaxPooling1D({.pool_size = {2}, .name = "mp1"})(r);
  r = L::Flatten({.name = "flat"})(r);
  r = L::Dense(3, {.activation = "exponential", .name = "e"})(r);
  r = L::BatchNormalization({.name = "bn"})(r);
  r = L::Activation("log_softmax", {.name = "lsm"})(r);
  auto model =
      std::make_shared<Model>(KerasTensors{img}, KerasTensors{r}, LayerCommon{.name = "mixed"});
  fix_weights(*model);
  return model;
}

// Multi-output LSTM (return_sequences and return_state) whose h starts a GRU.
std::shared_ptr<Model> states() {
  KerasTensor s = Input({4, 2}, {.name = "s"});
  std::vector<KerasTensor> o =
      L::LSTM(3, {.return_sequences = true, .return_state = true, .name = "lstm"})(
          std::vector<KerasTensor>{s});
  KerasTensor g = L::GRU(3, {.name = "gru"})(std::vector<KerasTensor>{o[0], o[1]})[0];
  auto model = std::make_shared<Model>(KerasTensors{s}, KerasTensors{g, o[2]},
                                       LayerCommon{.name = "states"});
  fix_weights(*model);
  return model;
}

std::vector<Case> cases() {
  std::vector<int32_t> ids{1, 4, 9, 0, 3, 7, 7, 2, 5, 8, 6, 1, 0, 9, 2};
  return {{"mlp", mlp, {fixed_input({3, 6}, 0.f)}},
          {"cnn", cnn, {fixed_input({2, 8, 8, 2}, 0.3f)}},
          {"rnn", rnn, {tensor(ids, Shape{3, 5})}},
          {"graph", graph, {fixed_input({3, 6}, 0.1f), fixed_input({3, 6, 3}, 0.7f)}},
          {"mixed", mixed, {fixed_input({2, 6, 6, 3}, 0.2f)}},
          {"states", states, {fixed_input({3, 4, 2}, 0.4f)}}};
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// onnx_model_bytes, or nullopt when merezha was built without ONNX (the test then skips).
std::optional<std::string> bytes_or_none(const Model& model, const OnnxExportOptions& options) {
  try {
    return onnx_model_bytes(model, options);
  } catch (const BackendError&) {
    return std::nullopt;
  }
}

TEST(OnnxExport, UnsupportedLayerIsNamed) {
  Sequential model({Input({4, 4, 1}), L::UpSampling2D({.name = "up"}), L::Flatten()});
  try {
    onnx_model_bytes(model);
    ADD_FAILURE() << "expected ValueError";
  } catch (const BackendError&) {
    GTEST_SKIP() << "merezha was built without ONNX";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("save_onnx: unsupported layer UpSampling2D 'up': "
                                         "expected one of Activation"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find(", got UpSampling2D."), std::string::npos);
  }
}

TEST(OnnxExport, UnsupportedOptionIsNamed) {
  Sequential model({Input({5}), L::Embedding(10, 3, {.mask_zero = true, .name = "e"}),
                    L::GlobalAveragePooling1D()});
  try {
    save_onnx(model, "/tmp/never_written.onnx");
    ADD_FAILURE() << "expected ValueError";
  } catch (const BackendError&) {
    GTEST_SKIP() << "merezha was built without ONNX";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("save_onnx \"/tmp/never_written.onnx\": Embedding 'e': "
                                         "mask_zero=True is not exported"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists("/tmp/never_written.onnx"));
}

TEST(OnnxExport, RejectsOtherOpsets) {
  auto m = mlp();
  try {
    onnx_model_bytes(*m, {.opset = 13});
    ADD_FAILURE() << "expected ValueError";
  } catch (const BackendError&) {
    GTEST_SKIP() << "merezha was built without ONNX";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("opset 13 is not written: expected 17."),
              std::string::npos);
  }
}

TEST(OnnxExport, SaveWritesTheBytesAtomically) {
  TempDir dir;
  auto m = mlp();
  std::optional<std::string> bytes_opt = bytes_or_none(*m, OnnxExportOptions{});
  if (!bytes_opt) GTEST_SKIP() << "merezha was built without ONNX";
  const std::string& bytes = *bytes_opt;
  const std::string path = dir.file("mlp.onnx");
  save_onnx(*m, path);
  EXPECT_EQ(read_bytes(path), bytes);
  save_onnx(*m, path);  // over an existing file, no temporary left beside it
  EXPECT_EQ(read_bytes(path), bytes);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
  // Starts with ir_version = 8 (field 1, varint) and names its producer.
  ASSERT_GT(bytes.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 0x08);
  EXPECT_EQ(static_cast<uint8_t>(bytes[1]), 8);
  EXPECT_NE(bytes.find("merezha"), std::string::npos);
}

TEST(OnnxExport, IsDeterministic) {
  auto m = cnn();
  std::optional<std::string> first_opt = bytes_or_none(*m, kGoldenOptions);
  if (!first_opt) GTEST_SKIP() << "merezha was built without ONNX";
  const std::string& first = *first_opt;
  EXPECT_EQ(onnx_model_bytes(*m, kGoldenOptions), first);
  EXPECT_EQ(onnx_model_bytes(*cnn(), kGoldenOptions), first);
}

// Each golden model re-exports to the committed graph, and merezha's predictions match
// onnxruntime's outputs of that graph (rtol 1e-5, atol 1e-6; specs/formats.md A2.5).
TEST(OnnxExport, MatchesOnnxruntimeGoldens) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    auto model = c.make();
    std::optional<std::string> bytes_opt = bytes_or_none(*model, kGoldenOptions);
  if (!bytes_opt) GTEST_SKIP() << "merezha was built without ONNX";
  const std::string& bytes = *bytes_opt;
    const std::string base = kGoldenDir + "/" + c.name;
    ASSERT_TRUE(std::filesystem::exists(base + ".onnx")) << base;
    EXPECT_TRUE(bytes == read_bytes(base + ".onnx"))
        << "the export differs from the committed graph; regenerate on purpose with "
           "DISABLED_OnnxGolden.Write and tools/golden/onnx_golden.py";
    std::vector<Tensor> xs;
    for (std::size_t i = 0; i < c.inputs.size(); ++i) {
      xs.push_back(io::read_npy(base + "_x" + std::to_string(i) + ".npy"));
      EXPECT_TRUE(mz::testing::all_equal(xs.back(), c.inputs[i]));
    }
    std::vector<Tensor> ys = model->predict_outputs(Tensors(xs));
    for (std::size_t i = 0; i < ys.size(); ++i) {
      Tensor ort = io::read_npy(base + "_ort" + std::to_string(i) + ".npy");
      EXPECT_TRUE(mz::testing::all_close(ys[i], ort, 1e-5, 1e-6)) << "output " << i;
    }
  }
}

// Writes the golden models, inputs and merezha's outputs; then run
// /work/venvs/onnx/bin/python tools/golden/onnx_golden.py for onnxruntime's outputs.
TEST(OnnxGolden, DISABLED_Write) {
  std::filesystem::create_directories(kGoldenDir);
  for (const Case& c : cases()) {
    auto model = c.make();
    const std::string base = kGoldenDir + "/" + c.name;
    save_onnx(*model, base + ".onnx", kGoldenOptions);
    for (std::size_t i = 0; i < c.inputs.size(); ++i)
      io::write_npy(base + "_x" + std::to_string(i) + ".npy", c.inputs[i]);
    std::vector<Tensor> ys = model->predict_outputs(Tensors(c.inputs));
    for (std::size_t i = 0; i < ys.size(); ++i)
      io::write_npy(base + "_mz" + std::to_string(i) + ".npy", ys[i]);
  }
}

}  // namespace
}  // namespace mz
