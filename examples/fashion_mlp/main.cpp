// The main job: a multilayer perceptron learns Fashion-MNIST (Debian's dataset-fashion-mnist)
// with the Keras-style API, shows Keras's progress bar, and prints the test accuracy.
//
//   fashion_mlp [--data DIR] [--epochs N] [--threads N] [--samples N]
#include <cstdlib>
#include <iostream>
#include <string>

#include "mz/mz.h"

namespace L = mz::layers;

namespace {

struct Args {
  std::string data = "/usr/share/datasets/fashion-mnist";
  int epochs = 10;
  int threads = 0;        // 0: merezha's default (every core)
  int64_t samples = 0;    // 0: all 60,000 training images
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << "usage: fashion_mlp [--data DIR] [--epochs N] [--threads N] [--samples N]\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw mz::ValueError(mz::str("fashion_mlp: ", flag, " needs a value."));
    std::string value = argv[++i];
    if (flag == "--data") a.data = value;
    else if (flag == "--epochs") a.epochs = std::stoi(value);
    else if (flag == "--threads") a.threads = std::stoi(value);
    else if (flag == "--samples") a.samples = std::stoll(value);
    else throw mz::ValueError(mz::str("fashion_mlp: unknown option ", flag, "; see --help."));
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) try {
  Args args = parse(argc, argv);
  if (args.threads > 0) mz::set_num_threads(args.threads);
  mz::set_seed(42);

  // Images stay uint8 in memory (47 MB); fit converts each batch, Rescaling maps to [0, 1].
  mz::io::Dataset data = mz::io::load_fashion_mnist(args.data);
  mz::Tensor x_train = data.x_train.reshape({-1, 784});
  mz::Tensor y_train = data.y_train;
  if (args.samples > 0) {
    x_train = x_train.slice(0, 0, args.samples);
    y_train = y_train.slice(0, 0, args.samples);
  }
  mz::Tensor x_test = data.x_test.reshape({-1, 784});

  mz::Sequential model({mz::Input({784}),
                        L::Rescaling(1.0 / 255),
                        L::Dense(256, {.activation = "relu"}),
                        L::Dropout(0.2),
                        L::Dense(128, {.activation = "relu"}),
                        L::Dense(10)});
  // Adam with a cosine decay of the rate to zero over the whole run.
  const int64_t batch_size = 64;
  const int64_t steps = (x_train.size(0) + batch_size - 1) / batch_size * args.epochs;
  mz::optimizers::schedules::CosineDecay schedule(1e-3, steps);
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
