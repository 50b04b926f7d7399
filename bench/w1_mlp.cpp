// W1 — MLP training: Fashion-MNIST, pixels/255, 784 -> Dense 256 relu -> Dense 128 relu ->
// Dense 10, SparseCategoricalCrossentropy(from_logits), SGD lr 0.01 momentum 0.9, batch 64,
// W1_EPOCHS epochs (default 5). Each epoch is one fit() call with a fresh seeded shuffle inside
// the timed region; test accuracy is measured after each epoch, outside it.
#include <cstdio>
#include <string>

#include "bench/bench_common.h"
#include "mz/core/generator.h"
#include "mz/core/grad_mode.h"
#include "mz/io/idx.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/arith.h"
#include "mz/ops/shape.h"

namespace mz::bench {

namespace {

namespace L = mz::layers;

// Fraction of rows whose largest logit is at the label.
double accuracy(Sequential& model, const Tensor& x, const Tensor& y) {
  NoGrad no_grad;
  std::vector<float> logits = model(x, false).to_vector<float>();
  std::vector<int64_t> labels = y.to_vector<int64_t>();
  const std::size_t classes = logits.size() / labels.size();
  std::size_t hits = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const float* row = logits.data() + i * classes;
    std::size_t best = 0;
    for (std::size_t k = 1; k < classes; ++k)
      if (row[k] > row[best]) best = k;
    hits += static_cast<int64_t>(best) == labels[i];
  }
  return static_cast<double>(hits) / static_cast<double>(labels.size());
}

}  // namespace

void run_w1() {
  const int epochs = env_int("W1_EPOCHS", 5);
  io::Dataset data =
      io::load_fashion_mnist(env_str("FMNIST_DIR", "/usr/share/datasets/fashion-mnist"));
  // pixels/255 once, before timing, as the peers do; scaled in place (times 1/255, within an
  // ulp of the division) and the bytes dropped, so the float copy is the only big buffer.
  auto pixels = [](Tensor& images) {
    Tensor x = cast(images.reshape({-1, 784}), DType::f32);
    images = Tensor();
    return mul_(x, 1.0 / 255.0);
  };
  Tensor x_train = pixels(data.x_train);
  Tensor x_test = pixels(data.x_test);
  Tensor y_train = cast(data.y_train, DType::i64);
  Tensor y_test = cast(data.y_test, DType::i64);
  const int64_t n = x_train.size(0);

  set_seed(0);
  Sequential model({Input({784}), L::Dense(256, {.activation = "relu"}),
                    L::Dense(128, {.activation = "relu"}), L::Dense(10)});
  model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.01, .momentum = 0.9}),
                 .loss = losses::SparseCategoricalCrossentropy({.from_logits = true})});
  model.shuffle_generator().reseed(1);

  std::vector<double> rates, accs;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    auto t0 = Clock::now();
    History h = model.fit(x_train, y_train, {.batch_size = 64, .epochs = 1, .verbose = 0});
    rates.push_back(static_cast<double>(n) / seconds_since(t0));
    accs.push_back(accuracy(model, x_test, y_test));
    std::fprintf(stderr, "W1 epoch %d: %.0f samples/s, loss %.4f, test accuracy %.4f\n", epoch,
                 rates.back(), h.history["loss"].back(), accs.back());
  }
  std::string acc = "acc@1=" + format("%.4f", accs.front());
  if (epochs > 1) acc += str(";acc@", epochs, "=") + format("%.4f", accs.back());
  print_csv("W1", "train_samples_per_s", "samples/s", rates, "%.1f", acc,
            str("epochs=", epochs, ";batch=64;fit"));
}

}  // namespace mz::bench
