// mz_interop_write OUT_DIR: the files that real Keras 3, onnxruntime and TensorBoard read back
// in tests/interop (tools/interop/check_*.py): trained models as .keras, .weights.h5 and .onnx
// with their inputs and merezha's predictions as .npy, and TensorBoard logs with fit's History.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "mz/io/keras_file.h"
#include "mz/io/npy.h"
#include "mz/io/onnx_export.h"
#include "mz/mz.h"
#include "mz/nn/callbacks/lambda_callback.h"
#include "mz/nn/callbacks/tensorboard.h"
#include "mz/nn/layers/batch_normalization.h"
#include "mz/nn/layers/concatenate.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/global_average_pooling2d.h"
#include "mz/nn/layers/gru.h"
#include "mz/nn/layers/lstm.h"
#include "mz/nn/layers/max_pooling2d.h"
#include "mz/nn/layers/rescaling.h"
#include "mz/ops/random.h"
#include "mz/ops/shape.h"

namespace fs = std::filesystem;
namespace L = mz::layers;
using mz::KerasTensor;
using mz::KerasTensors;
using mz::Tensor;
using mz::Tensors;

namespace {

constexpr int64_t kSamples = 16;  // training samples of every model
constexpr int64_t kPredict = 5;   // samples whose predictions the checks compare

// One topology: the compiled model, its training inputs/targets and its prediction inputs.
struct Case {
  std::string name;
  std::shared_ptr<mz::Model> model;
  Tensors x, y, x_predict;
};

// Uniform features: in [-1, 1], or pixel-like in [0, high] for high > 1.
Tensor features(const mz::Shape& shape, double high = 1.0) {
  return mz::uniform(shape, high > 1.0 ? 0.0 : -high, high);
}

// Integer class labels in [0, classes) for `n` samples.
Tensor labels(int64_t n, int64_t classes) {
  return mz::cast(mz::uniform({n}, 0.0, static_cast<double>(classes) - 1e-3), mz::DType::i64);
}

mz::LossSpec sparse_logits() {
  return mz::losses::SparseCategoricalCrossentropy({.from_logits = true});
}

// Sequential MLP: Dense, Dropout, softmax output, Adam, sparse crossentropy + accuracy.
Case mlp() {
  auto m = std::make_shared<mz::Sequential>(
      std::vector<mz::LayerPtr>{mz::Input({6}), L::Dense(8, {.activation = "relu"}),
                                L::Dropout(0.2), L::Dense(3, {.activation = "softmax"})});
  m->compile({.optimizer = mz::optimizers::Adam({.learning_rate = 0.01}),
              .loss = "sparse_categorical_crossentropy",
              .metrics = {"accuracy"}});
  return {"mlp", m, {features({kSamples, 6})}, {labels(kSamples, 3)}, {features({kPredict, 6})}};
}

// Sequential CNN: Conv2D, BatchNormalization, MaxPooling2D, Flatten, Dropout, Dense; SGD with
// momentum (the tests' make_cnn with a Dropout).
Case cnn() {
  auto m = std::make_shared<mz::Sequential>(std::vector<mz::LayerPtr>{
      mz::Input({8, 8, 2}), L::Conv2D(4, 3, {.padding = "same", .activation = "relu"}),
      L::BatchNormalization(), L::MaxPooling2D({.pool_size = {2}}), L::Flatten(), L::Dropout(0.25),
      L::Dense(3, {.activation = "softmax"})});
  m->compile({.optimizer = mz::optimizers::SGD({.learning_rate = 0.05, .momentum = 0.9}),
              .loss = "sparse_categorical_crossentropy",
              .metrics = {"accuracy"}});
  return {"cnn",
          m,
          {features({kSamples, 8, 8, 2})},
          {labels(kSamples, 3)},
          {features({kPredict, 8, 8, 2})}};
}

// Stacked LSTMs (return_sequences, then the last state), Dense; RMSprop, mse.
Case lstm() {
  auto m = std::make_shared<mz::Sequential>(std::vector<mz::LayerPtr>{
      mz::Input({5, 3}), L::LSTM(4, {.return_sequences = true}), L::LSTM(3), L::Dense(2)});
  m->compile({.optimizer = mz::optimizers::RMSprop({.learning_rate = 0.01}), .loss = "mse"});
  return {"lstm",
          m,
          {features({kSamples, 5, 3})},
          {features({kSamples, 2})},
          {features({kPredict, 5, 3})}};
}

// Stacked GRUs (reset_after false, then Keras's default true), Dense; Adam, mse.
Case gru() {
  auto m = std::make_shared<mz::Sequential>(std::vector<mz::LayerPtr>{
      mz::Input({5, 3}), L::GRU(4, {.return_sequences = true, .reset_after = false}), L::GRU(3),
      L::Dense(2)});
  m->compile({.optimizer = mz::optimizers::Adam({.learning_rate = 0.01}), .loss = "mse"});
  return {"gru",
          m,
          {features({kSamples, 5, 3})},
          {features({kSamples, 2})},
          {features({kPredict, 5, 3})}};
}

// examples/functional_models' two_branch at a small size: an image and its row/column profile.
Case two_branch() {
  KerasTensor image = mz::Input({6, 6}, {.name = "image"});
  KerasTensor profile = mz::Input({12}, {.name = "profile"});
  KerasTensor a = L::Dense(8, {.activation = "relu"})(L::Flatten()(L::Rescaling(1.0 / 255)(image)));
  KerasTensor b = L::Dense(4, {.activation = "relu"})(profile);
  KerasTensor joined = L::Concatenate()({a, b})[0];
  KerasTensor out = L::Dense(3, {.name = "class"})(L::Dense(6, {.activation = "relu"})(joined));
  auto m = std::make_shared<mz::Model>(KerasTensors{image, profile}, out,
                                       mz::LayerCommon{.name = "two_branch"});
  m->compile({.optimizer = "adam", .loss = sparse_logits(), .metrics = {"accuracy"}});
  return {"two_branch",
          m,
          {features({kSamples, 6, 6}, 255.0), features({kSamples, 12})},
          {labels(kSamples, 3)},
          {features({kPredict, 6, 6}, 255.0), features({kPredict, 12})}};
}

// examples/functional_models' multi_head at a small size: one trunk, two outputs, two losses.
Case multi_head() {
  KerasTensor image = mz::Input({6, 6}, {.name = "image"});
  KerasTensor trunk =
      L::Dense(12, {.activation = "relu"})(L::Flatten()(L::Rescaling(1.0 / 255)(image)));
  trunk = L::Dense(8, {.activation = "relu"})(trunk);
  KerasTensor cls = L::Dense(3, {.name = "class"})(trunk);
  KerasTensor group = L::Dense(2, {.name = "group"})(L::Dense(4, {.activation = "relu"})(trunk));
  auto m = std::make_shared<mz::Model>(image, KerasTensors{cls, group},
                                       mz::LayerCommon{.name = "multi_head"});
  m->compile({.optimizer = "adam",
              .losses = {sparse_logits(), sparse_logits()},
              .loss_weights = {1.0, 0.5},
              .metrics = {"accuracy"}});
  return {"multi_head",
          m,
          {features({kSamples, 6, 6}, 255.0)},
          {labels(kSamples, 3), labels(kSamples, 2)},
          {features({kPredict, 6, 6}, 255.0)}};
}

KerasTensor conv(KerasTensor x, int64_t filters, int64_t size) {
  return L::Conv2D(filters, size, {.padding = "same", .activation = "relu"})(x);
}

// examples/functional_models' inception at a small size: 1x1, 3x3, 5x5 and pooled branches.
Case inception() {
  KerasTensor image = mz::Input({8, 8, 1}, {.name = "image"});
  KerasTensor x = L::MaxPooling2D()(conv(L::Rescaling(1.0 / 255)(image), 4, 3));
  KerasTensor b1 = conv(x, 4, 1);
  KerasTensor b3 = conv(conv(x, 2, 1), 4, 3);
  KerasTensor b5 = conv(conv(x, 2, 1), 2, 5);
  KerasTensor bp =
      conv(L::MaxPooling2D({.pool_size = {3}, .strides = {1}, .padding = "same"})(x), 2, 1);
  x = L::Concatenate(-1, {.name = "inception_concat"})({b1, b3, b5, bp})[0];
  x = L::MaxPooling2D()(x);
  KerasTensor out = L::Dense(3, {.name = "class"})(L::GlobalAveragePooling2D()(conv(x, 6, 3)));
  auto m = std::make_shared<mz::Model>(image, out, mz::LayerCommon{.name = "inception"});
  m->compile({.optimizer = "adam", .loss = sparse_logits(), .metrics = {"accuracy"}});
  return {"inception",
          m,
          {features({kSamples, 8, 8, 1}, 255.0)},
          {labels(kSamples, 3)},
          {features({kPredict, 8, 8, 1}, 255.0)}};
}

void write_arrays(const fs::path& dir, const std::string& stem, const std::vector<Tensor>& ts) {
  for (std::size_t i = 0; i < ts.size(); ++i)
    mz::io::write_npy((dir / mz::str(stem, i, ".npy")).string(), ts[i]);
}

// Every topology trained for two epochs, then written as <name>.keras, <name>.weights.h5 and
// <name>.onnx with <name>_x<i>.npy (inputs) and <name>_y<i>.npy (merezha's outputs).
void write_models(const fs::path& dir) {
  fs::create_directories(dir);
  const std::vector<std::function<Case()>> makers = {mlp,        cnn,        lstm,     gru,
                                                     two_branch, multi_head, inception};
  uint64_t seed = 1;
  for (const auto& make : makers) {
    mz::set_seed(seed++);
    Case c = make();
    c.model->fit(c.x, c.y, {.batch_size = 8, .epochs = 2, .verbose = 0, .shuffle = false});
    mz::save_model(*c.model, (dir / (c.name + ".keras")).string());
    mz::save_weights(*c.model, (dir / (c.name + ".weights.h5")).string());
    mz::save_onnx(*c.model, (dir / (c.name + ".onnx")).string());
    write_arrays(dir, c.name + "_x", c.x_predict.list);
    write_arrays(dir, c.name + "_y", c.model->predict_outputs(c.x_predict));
    std::cout << "interop: wrote " << c.name << ".keras, .weights.h5, .onnx\n";
  }
}

// A short fit with TensorBoard(histogram_freq=1, update_freq=2) and a validation split into
// dir/logs, and dir/history.json: {"history": fit's History, "epochs": [...], "batches":
// {metric: [[step, value], ...]} (the logs of every 2nd training batch, step = batches since
// fit began, as the callback counts them), "weights": [variable paths]}.
void write_tensorboard(const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  mz::set_seed(42);
  Case c = mlp();
  constexpr int64_t kEvery = 2;
  auto board = std::make_shared<mz::callbacks::TensorBoard>(
      (dir / "logs").string(),
      mz::callbacks::TensorBoardOptions{.histogram_freq = 1, .update_freq = kEvery});
  mz::Json batches = mz::Json::object();
  int64_t step = 0;
  auto record =
      std::make_shared<mz::callbacks::LambdaCallback>(mz::callbacks::LambdaCallbackOptions{
          .on_train_batch_end = [&](int64_t, const mz::Logs& logs) {
            if (++step % kEvery != 0) return;
            for (const auto& [name, value] : logs) batches[name].push_back(mz::Json{step, value});
          }});
  mz::History h = c.model->fit(c.x, c.y,
                               {.batch_size = 4,
                                .epochs = 3,
                                .verbose = 0,
                                .callbacks = {board, record},
                                .validation_split = 0.25,
                                .shuffle = false});
  mz::Json weights = mz::Json::array();
  for (const auto& w : c.model->weights()) weights.push_back(w->path.empty() ? w->name : w->path);
  mz::Json out = {
      {"history", h.history}, {"epochs", h.epoch}, {"batches", batches}, {"weights", weights}};
  std::ofstream((dir / "history.json").string()) << out.dump(1) << "\n";
  std::cout << "interop: wrote TensorBoard logs for " << h.epoch.size() << " epochs\n";
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc != 2) {
    std::cerr << "usage: mz_interop_write OUT_DIR\n";
    return 2;
  }
  const fs::path out = argv[1];
  write_models(out / "models");
  write_tensorboard(out / "tensorboard");
  return 0;
} catch (const mz::BackendError& e) {
  // Built without libzip, libhdf5 or ONNX: nothing for the checks to read (ctest: skipped).
  std::cout << "interop: skipped: " << e.what() << "\n";
  return 77;
} catch (const mz::Error& e) {
  std::cerr << e.what() << "\n";
  return 1;
}
