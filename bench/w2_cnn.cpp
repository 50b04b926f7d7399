// W2 — CNN training: LeNet-5 (models.h) on Fashion-MNIST (28, 28, 1), pixels/255,
// SparseCategoricalCrossentropy(from_logits), SGD lr 0.01 momentum 0.9, batch 64, W2_EPOCHS
// epochs (default 3). Each epoch is one fit() call with a fresh seeded shuffle inside the timed
// region; test accuracy is measured after each epoch, outside it.
#include <cstdio>
#include <string>

#include "bench/bench_common.h"
#include "bench/fashion_data.h"
#include "bench/models.h"
#include "mz/core/generator.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/optimizers/sgd.h"

namespace mz::bench {

void run_w2() {
  const int epochs = env_int("W2_EPOCHS", 3);
  FashionFloats d = load_fashion_floats({28, 28, 1});
  const int64_t n = d.x_train.size(0);

  set_seed(0);
  Sequential model = lenet5();
  model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.01, .momentum = 0.9}),
                 .loss = losses::SparseCategoricalCrossentropy({.from_logits = true})});
  model.shuffle_generator().reseed(1);

  std::vector<double> rates, accs;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    auto t0 = Clock::now();
    History h = model.fit(d.x_train, d.y_train, {.batch_size = 64, .epochs = 1, .verbose = 0});
    rates.push_back(static_cast<double>(n) / seconds_since(t0));
    accs.push_back(accuracy(model, d.x_test, d.y_test));
    std::fprintf(stderr, "W2 epoch %d: %.0f samples/s, loss %.4f, test accuracy %.4f\n", epoch,
                 rates.back(), h.history["loss"].back(), accs.back());
  }
  std::string acc = "acc@1=" + format("%.4f", accs.front());
  if (epochs > 1) acc += str(";acc@", epochs, "=") + format("%.4f", accs.back());
  print_csv("W2", "train_samples_per_s", "samples/s", rates, "%.1f", acc,
            str("epochs=", epochs, ";batch=64;fit"));
}

}  // namespace mz::bench
