// The lecture's graph topologies, built with the functional API and trained on Fashion-MNIST:
//   two_branch  two inputs (the image, and its row and column mean intensities), two branches
//   multi_head  one trunk, two outputs with two losses: the class (10) and the group (3:
//               tops, footwear, other)
//   inception   an inception block: 1x1, 3x3, 5x5 and pooled branches, concatenated
//   residual    residual blocks: x + F(x) through Add
// Each prints its summary() and test figures; --docs DIR also writes DIR/<model>.txt (the
// summary) and DIR/<model>.svg (plot_model).
//
//   functional_models --model NAME [--data DIR] [--epochs N] [--samples N] [--docs DIR]
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "mz/mz.h"
#include "mz/nn/layers/concatenate.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/global_average_pooling2d.h"
#include "mz/nn/layers/max_pooling2d.h"
#include "mz/nn/layers/merge.h"
#include "mz/nn/plot_model.h"

namespace L = mz::layers;
using mz::KerasTensor;
using mz::Tensor;

namespace {

struct Args {
  std::string model = "two_branch";
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string docs;
  int epochs = 5;
  int64_t samples = 0;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << "usage: functional_models --model two_branch|multi_head|inception|residual "
                   "[--data DIR] [--epochs N] [--samples N] [--docs DIR]\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw mz::ValueError(mz::str("functional_models: ", flag, " needs a value."));
    std::string value = argv[++i];
    if (flag == "--model") a.model = value;
    else if (flag == "--data") a.data = value;
    else if (flag == "--docs") a.docs = value;
    else if (flag == "--epochs") a.epochs = std::stoi(value);
    else if (flag == "--samples") a.samples = std::stoll(value);
    else throw mz::ValueError(mz::str("functional_models: unknown option ", flag, "; see --help."));
  }
  return a;
}

// The second input of two_branch: each image's 28 row and 28 column mean intensities.
Tensor profiles(const Tensor& images) {
  Tensor x = mz::cast(images, mz::DType::f32) * (1.0 / 255);
  return mz::concat({mz::mean(x, {2}), mz::mean(x, {1})}, 1);
}

// The group of each class: 0 tops (T-shirt, pullover, dress, coat, shirt), 1 footwear
// (sandal, sneaker, ankle boot), 2 other (trouser, bag).
Tensor groups(const Tensor& labels) {
  static const int kGroup[10] = {0, 2, 0, 0, 0, 1, 0, 1, 2, 1};
  std::vector<double> g;
  for (double y : labels.to_vector<double>()) g.push_back(kGroup[static_cast<int>(y)]);
  return mz::tensor(g, mz::Shape{static_cast<int64_t>(g.size())});
}

KerasTensor conv(KerasTensor x, int64_t filters, int64_t size) {
  return L::Conv2D(filters, size, {.padding = "same", .activation = "relu"})(x);
}

mz::Model build(const std::string& name) {
  if (name == "two_branch") {
    KerasTensor image = mz::Input({28, 28}, {.name = "image"});
    KerasTensor profile = mz::Input({56}, {.name = "profile"});
    KerasTensor a = L::Dense(128, {.activation = "relu"})(L::Flatten()(L::Rescaling(1.0 / 255)(image)));
    KerasTensor b = L::Dense(32, {.activation = "relu"})(profile);
    KerasTensor joined = L::Concatenate()({a, b})[0];
    KerasTensor out = L::Dense(10, {.name = "class"})(L::Dense(64, {.activation = "relu"})(joined));
    return mz::Model(mz::KerasTensors{image, profile}, out, {.name = "two_branch"});
  }
  if (name == "multi_head") {
    KerasTensor image = mz::Input({28, 28}, {.name = "image"});
    KerasTensor trunk = L::Dense(256, {.activation = "relu"})(L::Flatten()(L::Rescaling(1.0 / 255)(image)));
    trunk = L::Dense(128, {.activation = "relu"})(trunk);
    KerasTensor cls = L::Dense(10, {.name = "class"})(trunk);
    KerasTensor group = L::Dense(3, {.name = "group"})(L::Dense(32, {.activation = "relu"})(trunk));
    return mz::Model(image, mz::KerasTensors{cls, group}, {.name = "multi_head"});
  }
  KerasTensor image = mz::Input({28, 28, 1}, {.name = "image"});
  KerasTensor x = conv(L::Rescaling(1.0 / 255)(image), 16, 3);
  x = L::MaxPooling2D()(x);  // 14 x 14
  if (name == "inception") {
    KerasTensor b1 = conv(x, 16, 1);
    KerasTensor b3 = conv(conv(x, 8, 1), 16, 3);
    KerasTensor b5 = conv(conv(x, 4, 1), 8, 5);
    KerasTensor bp = conv(L::MaxPooling2D({.pool_size = {3}, .strides = {1}, .padding = "same"})(x), 8, 1);
    x = L::Concatenate(-1, {.name = "inception_concat"})({b1, b3, b5, bp})[0];
  } else if (name == "residual") {
    for (int block = 0; block < 2; ++block) {
      KerasTensor f = L::Conv2D(16, 3, {.padding = "same", .activation = "relu"})(x);
      f = L::Conv2D(16, 3, {.padding = "same"})(f);
      x = L::Activation("relu")(L::Add()({x, f})[0]);
    }
  } else {
    throw mz::ValueError(mz::str("functional_models: unknown model \"", name,
                                 "\": expected two_branch, multi_head, inception or residual."));
  }
  x = L::MaxPooling2D()(x);  // 7 x 7
  KerasTensor out = L::Dense(10, {.name = "class"})(L::GlobalAveragePooling2D()(conv(x, 32, 3)));
  return mz::Model(image, out, {.name = name});
}

}  // namespace

int main(int argc, char** argv) try {
  Args args = parse(argc, argv);
  mz::set_seed(42);
  mz::io::Dataset data = mz::io::load_fashion_mnist(args.data);
  Tensor x_train = data.x_train, y_train = data.y_train;
  if (args.samples > 0) {
    x_train = x_train.slice(0, 0, args.samples);
    y_train = y_train.slice(0, 0, args.samples);
  }
  Tensor x_test = data.x_test, y_test = data.y_test;
  const bool images4d = args.model == "inception" || args.model == "residual";
  if (images4d) {
    x_train = x_train.reshape({-1, 28, 28, 1});
    x_test = x_test.reshape({-1, 28, 28, 1});
  }

  mz::Model model = build(args.model);
  auto sparse = mz::losses::SparseCategoricalCrossentropy({.from_logits = true});
  mz::Tensors x_fit = x_train, x_eval = x_test, y_fit = y_train, y_eval = y_test;
  if (args.model == "two_branch") {
    x_fit = {x_train, profiles(x_train)};
    x_eval = {x_test, profiles(x_test)};
  }
  if (args.model == "multi_head") {
    y_fit = {y_train, groups(y_train)};
    y_eval = {y_test, groups(y_test)};
    model.compile({.optimizer = "adam",
                   .losses = {sparse, sparse},
                   .loss_weights = {1.0, 0.5},
                   .metrics = {"accuracy"}});
  } else {
    model.compile({.optimizer = "adam", .loss = sparse, .metrics = {"accuracy"}});
  }
  std::string summary = model.summary(108);
  std::cout << summary << "\n";
  if (!args.docs.empty()) {
    std::ofstream(args.docs + "/" + args.model + ".txt") << summary;
    mz::plot_model(model, args.docs + "/" + args.model + ".svg", {.show_shapes = true});
  }
  model.fit(x_fit, y_fit, {.batch_size = 64, .epochs = args.epochs, .verbose = 2});
  mz::Logs test = model.evaluate(x_eval, y_eval, {.batch_size = 256, .verbose = 0});
  for (const auto& [key, value] : test) std::printf("test %s: %.4f\n", key.c_str(), value);
  return 0;
} catch (const mz::Error& e) {
  std::cerr << e.what() << "\n";
  return 1;
}
