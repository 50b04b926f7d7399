// The epoch loop W1 and W2 share: timed fit() epochs with a seeded shuffle, test accuracy
// outside the timed region, and the CSV line.
#include "bench/fashion_training.h"

#include <cstdio>
#include <string>

#include "bench/bench_common.h"
#include "bench/fashion_data.h"
#include "mz/core/generator.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/optimizers/sgd.h"

namespace mz::bench {

void run_fashion_training(const char* workload, const char* epochs_var, int default_epochs,
                          const std::vector<int64_t>& image_shape, Sequential (*make_model)()) {
  const int epochs = env_int(epochs_var, default_epochs);
  FashionFloats d = load_fashion_floats(image_shape);
  const int64_t n = d.x_train.size(0);

  set_seed(0);
  Sequential model = make_model();
  model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.01, .momentum = 0.9}),
                 .loss = losses::SparseCategoricalCrossentropy({.from_logits = true})});
  model.shuffle_generator().reseed(1);

  std::vector<double> rates, accs;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    auto t0 = Clock::now();
    History h = model.fit(d.x_train, d.y_train, {.batch_size = 64, .epochs = 1, .verbose = 0});
    rates.push_back(static_cast<double>(n) / seconds_since(t0));
    accs.push_back(accuracy(model, d.x_test, d.y_test));
    std::fprintf(stderr, "%s epoch %d: %.0f samples/s, loss %.4f, test accuracy %.4f\n", workload,
                 epoch, rates.back(), h.history["loss"].back(), accs.back());
  }
  std::string acc = "acc@1=" + format("%.4f", accs.front());
  if (epochs > 1) acc += str(";acc@", epochs, "=") + format("%.4f", accs.back());
  print_csv(workload, "train_samples_per_s", "samples/s", rates, "%.1f", acc,
            str("epochs=", epochs, ";batch=64;fit"));
}

}  // namespace mz::bench
