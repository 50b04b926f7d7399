// A convolutional network on Fashion-MNIST (Debian's dataset-fashion-mnist): two blocks of
// Conv2D + BatchNormalization + MaxPooling2D, then Dense layers; prints the test accuracy.
// Full run (10 epochs, all 60,000 images): see docs/examples.md for the figure it printed.
//
//   fashion_cnn [--data DIR] [--epochs N] [--threads N] [--samples N]
#include <cstdio>
#include <iostream>
#include <string>

#include "examples/common/fashion_setup.h"
#include "mz/mz.h"
#include "mz/nn/layers/batch_normalization.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/max_pooling2d.h"

namespace L = mz::layers;

int main(int argc, char** argv) try {
  fashion::Args args = fashion::parse_args("fashion_cnn", argc, argv);
  fashion::Data data = fashion::load_data(args, {28, 28, 1});

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
  const int64_t steps = (data.x_train.size(0) + batch_size - 1) / batch_size * args.epochs;
  mz::optimizers::schedules::CosineDecay schedule(2e-3, steps);
  model.compile({.optimizer = mz::optimizers::Adam({.learning_rate = schedule}),
                 .loss = mz::losses::SparseCategoricalCrossentropy({.from_logits = true}),
                 .metrics = {"accuracy"}});
  std::cout << model.summary() << "\n";
  model.fit(data.x_train, data.y_train, {.batch_size = batch_size, .epochs = args.epochs});

  mz::Logs test = model.evaluate(data.x_test, data.y_test, {.batch_size = 256, .verbose = 0});
  std::printf("test accuracy: %.4f\n", test["accuracy"]);
  return 0;
} catch (const mz::Error& e) {
  std::cerr << e.what() << "\n";
  return 1;
}
