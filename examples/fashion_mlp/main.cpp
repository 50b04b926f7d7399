// The main job: a multilayer perceptron learns Fashion-MNIST (Debian's dataset-fashion-mnist)
// with the Keras-style API, shows Keras's progress bar, and prints the test accuracy.
//
//   fashion_mlp [--data DIR] [--epochs N] [--threads N] [--samples N]
#include <cstdlib>
#include <iostream>
#include <string>

#include "examples/common/fashion_setup.h"
#include "mz/mz.h"

namespace L = mz::layers;

int main(int argc, char** argv) try {
  fashion::Args args = fashion::parse_args("fashion_mlp", argc, argv);
  // Images stay uint8 in memory (47 MB); fit converts each batch, Rescaling maps to [0, 1].
  fashion::Data data = fashion::load_data(args, {784});

  mz::Sequential model({mz::Input({784}),
                        L::Rescaling(1.0 / 255),
                        L::Dense(256, {.activation = "relu"}),
                        L::Dropout(0.2),
                        L::Dense(128, {.activation = "relu"}),
                        L::Dense(10)});
  // Adam with a cosine decay of the rate to zero over the whole run.
  const int64_t batch_size = 64;
  const int64_t steps = (data.x_train.size(0) + batch_size - 1) / batch_size * args.epochs;
  mz::optimizers::schedules::CosineDecay schedule(1e-3, steps);
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
