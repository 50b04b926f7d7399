// W1 — MLP training: Fashion-MNIST, pixels/255, 784 -> Dense 256 relu -> Dense 128 relu ->
// Dense 10, SparseCategoricalCrossentropy(from_logits), SGD lr 0.01 momentum 0.9, batch 64,
// W1_EPOCHS epochs (default 5). Each epoch is one fit() call with a fresh seeded shuffle inside
// the timed region; test accuracy is measured after each epoch, outside it.
#include <cstdio>
#include <string>

#include "bench/bench_common.h"
#include "bench/fashion_data.h"
#include "bench/models.h"
#include "mz/core/generator.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/optimizers/sgd.h"

namespace mz::bench {

void run_w1() {
  const int epochs = env_int("W1_EPOCHS", 5);
  FashionFloats d = load_fashion_floats({784});
  const int64_t n = d.x_train.size(0);

  set_seed(0);
  Sequential model = mlp();
  model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.01, .momentum = 0.9}),
                 .loss = losses::SparseCategoricalCrossentropy({.from_logits = true})});
  model.shuffle_generator().reseed(1);

  std::vector<double> rates, accs;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    auto t0 = Clock::now();
    History h = model.fit(d.x_train, d.y_train, {.batch_size = 64, .epochs = 1, .verbose = 0});
    rates.push_back(static_cast<double>(n) / seconds_since(t0));
    accs.push_back(accuracy(model, d.x_test, d.y_test));
    std::fprintf(stderr, "W1 epoch %d: %.0f samples/s, loss %.4f, test accuracy %.4f\n", epoch,
                 rates.back(), h.history["loss"].back(), accs.back());
  }
  std::string acc = "acc@1=" + format("%.4f", accs.front());
  if (epochs > 1) acc += str(";acc@", epochs, "=") + format("%.4f", accs.back());
  print_csv("W1", "train_samples_per_s", "samples/s", rates, "%.1f", acc,
            str("epochs=", epochs, ";batch=64;fit"));
}

}  // namespace mz::bench
