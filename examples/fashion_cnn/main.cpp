// A convolutional network on Fashion-MNIST (Debian's dataset-fashion-mnist): two blocks of
// Conv2D + BatchNormalization + MaxPooling2D, then Dense layers; prints the test accuracy.
// Full run (10 epochs, all 60,000 images): see docs/examples.md for the figure it printed.
//
//   fashion_cnn [--data DIR] [--epochs N] [--threads N] [--samples N]
#include <cstdio>
#include <iostream>
#include <string>

#include "mz/mz.h"
#include "mz/nn/layers/batch_normalization.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/max_pooling2d.h"

namespace L = mz::layers;

namespace {

struct Args {
  std::string data = "/usr/share/datasets/fashion-mnist";
  int epochs = 10;
  int threads = 0;
  int64_t samples = 0;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << "usage: fashion_cnn [--data DIR] [--epochs N] [--threads N] [--samples N]\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw mz::ValueError(mz::str("fashion_cnn: ", flag, " needs a value."));
    std::string value = argv[++i];
    if (flag == "--data") a.data = value;
    else if (flag == "--epochs") a.epochs = std::stoi(value);
    else if (flag == "--threads") a.threads = std::stoi(value);
    else if (flag == "--samples") a.samples = std::stoll(value);
    else throw mz::ValueError(mz::str("fashion_cnn: unknown option ", flag, "; see --help."));
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) try {
  Args args = parse(argc, argv);
  if (args.threads > 0) mz::set_num_threads(args.threads);
  mz::set_seed(42);

  mz::io::Dataset data = mz::io::load_fashion_mnist(args.data);
  mz::Tensor x_train = data.x_train.reshape({-1, 28, 28, 1});
  mz::Tensor y_train = data.y_train;
  if (args.samples > 0) {
    x_train = x_train.slice(0, 0, args.samples);
    y_train = y_train.slice(0, 0, args.samples);
  }
  mz::Tensor x_test = data.x_test.reshape({-1, 28, 28, 1});

  // The functional API: the same stack Sequential would build, written as a graph.
  mz::KerasTensor image = mz::Input({28, 28, 1}, {.name = "image"});
  mz::KerasTensor h = L::Rescaling(1.0 / 255)(image);
  for (int64_t filters : {32, 64}) {
    h = L::Conv2D(filters, 3, {.padding = "same", .use_bias = false})(h);
    h = L::BatchNormalization()(h);
    h = L::Activation("relu")(h);
    h = L::MaxPooling2D()(h);
  }
  h = L::Flatten()(h);
  h = L::Dropout(0.3)(h);
  h = L::Dense(128, {.activation = "relu"})(h);
  mz::KerasTensor logits = L::Dense(10, {.name = "logits"})(h);
  mz::Model model(image, logits, {.name = "fashion_cnn"});

  const int64_t batch_size = 64;
  const int64_t steps = (x_train.size(0) + batch_size - 1) / batch_size * args.epochs;
  mz::optimizers::schedules::CosineDecay schedule(2e-3, steps);
  model.compile({.optimizer = mz::optimizers::Adam({.learning_rate = schedule}),
                 .loss = mz::losses::SparseCategoricalCrossentropy({.from_logits = true}),
                 .metrics = {"accuracy"}});
  std::cout << model.summary() << "\n";
  model.fit(x_train, y_train, {.batch_size = batch_size, .epochs = args.epochs});

  mz::Logs test = model.evaluate(x_test, data.y_test, {.batch_size = 256, .verbose = 0});
  std::printf("test accuracy: %.4f\n", test["accuracy"]);
  return 0;
} catch (const mz::Error& e) {
  std::cerr << e.what() << "\n";
  return 1;
}
