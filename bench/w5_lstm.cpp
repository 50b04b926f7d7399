// W5 — LSTM training: random input of (time 50, batch 32, features 32), batch-first here
// (32, 50, 32) as Keras -> LSTM 128 (last step) -> Dense 10 (logits),
// SparseCategoricalCrossentropy(from_logits) on fixed random labels, SGD lr 0.01; one step is
// train_on_batch (zero grads, forward, backward, update); 10 warm-up steps, then 15 chunks of
// 10 steps; steps/s, median over the chunks.
#include <vector>

#include "bench/bench_common.h"
#include "mz/core/generator.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/lstm.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/random.h"
#include "mz/ops/shape.h"

namespace mz::bench {

void run_w5() {
  namespace L = mz::layers;
  set_seed(0);
  Sequential model({Input({50, 32}), L::LSTM(128), L::Dense(10)});
  model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.01}),
                 .loss = losses::SparseCategoricalCrossentropy({.from_logits = true})});
  Generator gen(5);
  Tensor x = normal({32, 50, 32}, 0.0, 1.0, {}, gen);
  Tensor y = cast(uniform({32}, 0.0, 10.0, {}, gen), DType::i64);  // truncated: 0..9
  for (int i = 0; i < 10; ++i) model.train_on_batch(x, y);
  std::vector<double> rates;
  for (int chunk = 0; chunk < 15; ++chunk) {
    auto t0 = Clock::now();
    for (int i = 0; i < 10; ++i) model.train_on_batch(x, y);
    rates.push_back(10.0 / seconds_since(t0));
  }
  print_csv("W5", "train_steps_per_s", "steps/s", rates, "%.2f", "",
            "seq=50;batch=32;features=32;units=128;train_on_batch");
}

}  // namespace mz::bench
